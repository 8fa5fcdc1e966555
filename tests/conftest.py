"""Helpers shared by the tests: how to run a script of the project as a reader would."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_python(*args, cwd=ROOT):
    """Run this Python with args and capture what it says."""
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=60,
                          cwd=cwd)


def run_script(script, *args):
    """Run a script of the project from another folder, as `python path/to/script.py args`."""
    return run_python(str(ROOT / script), *args, cwd=ROOT / "tests")
