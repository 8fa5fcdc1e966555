"""The size guard's estimate against the peak a run really reaches (its VmHWM), at the
largest size each activation is allowed, with and without --plot: the estimate must be at or
above the peak, and within 2x of it. NN_MEMORY_BUDGET lowers the budget so that the largest
allowed run is quick to reach; the estimate scales the same way at the real 2 GB."""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pytest

from companion import run as companion_run
from companion import flags, inputs
from companion.plot import PICTURE_CELLS
from conftest import ROOT

BUDGET = 1.5e8  # the largest runs' arrays stay under 32 MiB: malloc's heap
LARGE_BUDGET = 5e8  # without --plot, their arrays pass 32 MiB: mapped one by one
ACTIVATIONS = list(flags.ARRAYS)
PEAKS = """
import json, os, re, resource, sys
sys.path.insert(0, ".")
from companion import run as companion_run

def peak_now():
    return int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) * 1024

peaks = []
for argv in json.loads(sys.argv[1]):
    open("/proc/self/clear_refs", "w").write("5")  # the peak so far: back to what is in use now
    assert companion_run.main(argv) == 0
    peaks.append(peak_now())
print(json.dumps(peaks))
"""
# getrusage's ru_maxrss is the process's, not its program's: Linux keeps, across exec, the peak of
# the memory the process had before it, and a child started with vfork (as subprocess does) had
# the parent's. Started from a pytest process of 320 MB, a 108 MB run measured 323 MB. VmHWM is
# the peak of this program's own memory; getrusage only where there is no /proc (macOS).
PEAK = """
import os, re, resource, runpy, sys
sys.path.insert(0, ".")
sys.argv = ["nn_from_scratch.py", *sys.argv[1:]]
try:
    runpy.run_path("nn_from_scratch.py", run_name="__main__")
except SystemExit as exit_:
    assert exit_.code in (0, None), exit_.code
if os.path.exists("/proc/self/status"):
    print(int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) * 1024)
else:  # kilobytes, but bytes on macOS
    unit = 1 if sys.platform == "darwin" else 1024
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit)
"""
CAN_RESET = os.access("/proc/self/clear_refs", os.W_OK)


def knobs(activation, hidden, plot=None, epochs=1):
    return argparse.Namespace(activation=activation, hidden=hidden, layers=None, epochs=epochs,
                              plot=plot,
                              curve=False, boundary=False, features=False, watch=False,
                              hidden_space=False)


def largest(activation, plot, budget=BUDGET):
    """The most hidden units the guard lets through at budget."""
    low, high = 1, 10**7
    while low < high:
        middle = (low + high + 1) // 2
        if flags.run_memory(knobs(activation, middle, plot)) <= budget:
            low = middle
        else:
            high = middle - 1
    return low


def peaks(plot, budget=BUDGET):
    """{activation: (the largest hidden size allowed, the peak memory of a run of that size)}.

    Without --plot, where Linux lets a process reset its peak (/proc/self/clear_refs), one
    process measures the seven runs in turn, its peak reset before each: what a run leaves
    behind only raises the next one's peak, so the check that the estimate covers it gets
    harder, not easier. With --plot (matplotlib's caches grow from run to run, which would
    swamp a small budget) and elsewhere, a fresh process per run and its VmHWM (getrusage
    on macOS)."""
    env = {**os.environ, "NN_MEMORY_BUDGET": str(budget)}
    with tempfile.TemporaryDirectory() as folder:
        runs = {a: ["--hidden", str(largest(a, plot, budget)), "--epochs", "1", "--activation", a]
                + (["--plot", os.path.join(folder, f"{a}.png")] if plot else [])
                for a in ACTIVATIONS}  # one epoch: the peak is its forward and backward pass
        if CAN_RESET and not plot:  # matplotlib's caches grow run by run: fresh ones for it
            result = subprocess.run([sys.executable, "-c", PEAKS, json.dumps(list(runs.values()))],
                                    cwd=ROOT, env=env, capture_output=True, text=True,
                                    timeout=300)
            assert result.returncode == 0, result.stderr
            measured = json.loads(result.stdout.splitlines()[-1])
        else:
            measured = []
            for argv in runs.values():
                result = subprocess.run([sys.executable, "-c", PEAK, *argv], cwd=ROOT, env=env,
                                        capture_output=True, text=True, timeout=120)
                assert result.returncode == 0, result.stderr
                measured.append(int(result.stdout.splitlines()[-1]))
    return {a: (int(argv[1]), m) for (a, argv), m in zip(runs.items(), measured)}


BACKGROUND = {"peaks False": (peaks, False), "peaks True": (peaks, True),  # see conftest.py
              "peaks large False": (peaks, False, LARGE_BUDGET),
              "peaks large True": (peaks, True, LARGE_BUDGET)}


@pytest.mark.parametrize("plot", [False, True], ids=["training", "--plot"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_the_estimate_covers_the_measured_peak_within_2x(background, activation, plot):
    if plot:
        pytest.importorskip("matplotlib")
    hidden, measured = background(f"peaks {plot}")[activation]
    estimate = flags.run_memory(knobs(activation, hidden, "x.png" if plot else None))
    assert measured <= estimate <= 2 * measured, (hidden, measured / 1e6, estimate / 1e6)


@pytest.mark.parametrize("plot", [False, True], ids=["training", "--plot"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_the_estimate_covers_a_large_runs_peak_within_2x(background, activation, plot):
    if plot:
        pytest.importorskip("matplotlib")
    hidden, measured = background(f"peaks large {plot}")[activation]
    # large arrays, as at the real 2 GB budget: training's, or the picture grid's
    assert 8 * (PICTURE_CELLS if plot else 400) * hidden >= flags.MAPPED
    estimate = flags.run_memory(knobs(activation, hidden, "x.png" if plot else None))
    assert measured <= estimate <= 2 * measured, (hidden, measured / 1e6, estimate / 1e6)


def test_a_refusal_names_the_estimate_rounded_up_and_the_budget_rounded_down():
    assert flags.size(2.01e9, up=True) == "2.1 GB" and flags.size(2.09e9, up=False) == "2.0 GB"
    assert flags.size(6.4e12, up=True) == "6.4 TB" and flags.size(3e8, up=False) == "300.0 MB"


def test_the_estimate_covers_a_file_of_few_rows_and_many_features(tmp_path, monkeypatch, capsys):
    # 4 rows of 5,000 features and 1,000 hidden units: the first layer's weights (features x
    # hidden) are the run's largest arrays, which the estimate once left out (4 rows of 50,000
    # features with --hidden 2000 were let through, and peaked at 2.4 GB)
    features, hidden = 5000, 1000
    rng = np.random.default_rng(0)
    lines = [",".join([f"x{k}" for k in range(features)] + ["label"])]
    lines += [",".join(f"{v:.3f}" for v in rng.standard_normal(features)) + f",{k % 2}"
              for k in range(4)]
    # blank lines too: an average of cells per line once let such a file through
    (tmp_path / "wide.csv").write_text("\n".join(lines) + "\n" * 300)
    argv = ["--data", str(tmp_path / "wide.csv"), "--hidden", str(hidden), "--epochs", "2"]
    args = companion_run.parse_args(argv)
    points, wide, reading = inputs.rows(args)
    assert (points, wide) == (304, features + 1)  # every line counted; the widest row's cells
    estimate = flags.run_memory(args, points, wide) + reading
    assert flags.FIRST_LAYER * 8 * features * hidden > estimate / 3  # the weights dominate
    result = subprocess.run([sys.executable, "-c", PEAK, *argv], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    measured = int(result.stdout.splitlines()[-1])
    assert measured <= estimate <= 2 * measured, (measured / 1e6, estimate / 1e6)
    monkeypatch.setenv("NN_MEMORY_BUDGET", "1e9")
    too_big = companion_run.main([*argv[:2], "--hidden", str(10 * hidden), "--epochs", "2"])
    assert too_big == 2 and "over the 1.0 GB budget" in capsys.readouterr().err  # 1.3 GB of W1s


@pytest.mark.parametrize("argv", [["--layers", "1500,1500,1500"],  # (points, units) arrays
                                  ["--layers", "1500,1500", "--data", "spiral3"],  # K outputs
                                  ["--layers", "20000,8"]])  # W2, 20000 x 8, and its lr * dW2
def test_the_estimate_covers_a_deep_runs_peak_within_2x(argv):
    """--layers: every hidden layer's arrays, and every layer's weights, counted as the one
    layer's are; the softmax's K columns too."""
    argv = [*argv, "--epochs", "2", "--lr", "0.01"]
    args = companion_run.parse_args(argv)
    estimate = flags.run_memory(args, 400, 2, 3 if "spiral3" in argv else 2)
    result = subprocess.run([sys.executable, "-c", PEAK, *argv], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    measured = int(result.stdout.splitlines()[-1])
    assert measured <= estimate <= 2 * measured, (measured / 1e6, estimate / 1e6)
