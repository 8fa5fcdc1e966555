"""Helpers shared by the tests: how to run a script of the project as a reader would."""

import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def run_python(*args, cwd=ROOT):
    """Run this Python with args and capture what it says."""
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=60,
                          cwd=cwd)


def run_script(script, *args):
    """Run a script of the project from another folder, as `python path/to/script.py args`."""
    return run_python(str(ROOT / script), *args, cwd=ROOT / "tests")


def numeric_gradient(loss, W, h=1e-5):
    """dloss/dW by central differences, (loss(W + h) - loss(W - h)) / 2h entry by entry; loss()
    reads W, which is nudged in place and restored."""
    grad = np.zeros_like(W)
    for i in np.ndindex(W.shape):
        saved = W[i]
        W[i] = saved + h
        up = loss()
        W[i] = saved - h
        down = loss()
        W[i] = saved
        grad[i] = (up - down) / (2 * h)
    return grad


def relative_error(analytic, numeric):
    """||analytic - numeric|| / max(||analytic||, ||numeric||), for a whole parameter array."""
    return np.linalg.norm(analytic - numeric) / max(np.linalg.norm(analytic), np.linalg.norm(numeric))
