"""experiments.py never hangs on its way out, on a machine whose cores are all busy.

15 runs in a row of `experiments.py --seeds 20` while 10 busy processes keep the cores at 100%:
SIGINT, SIGTERM and SIGHUP in turn, each sent at once after the first 3 lines and also a little
later. Every run must end within 40 s of its signal, with the shell's status for it (130, 143,
129) and one line on stderr. A run that does not end is killed, with its workers, and counted.

It takes a few minutes, so it is left out of the ordinary runs: `python -m pytest -m hang`.
"""

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT

RUNS = 15
BUSY = 10
PATIENCE = 40.0  # seconds from the signal to the end of the run
LATER = 1.5      # "a little later": seconds after the first 3 lines
SIGNALS = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
           if hasattr(signal, name)]
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


@pytest.fixture
def busy_cores():
    """BUSY processes that spin until the test ends."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                for _ in range(BUSY)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
        for spinner in spinners:
            spinner.wait()


def one_run(signum, after):
    """Start the run, read its first 3 lines, wait `after` s, send signum: (status or None if
    it hung, stderr, seconds from the signal to the end)."""
    process = subprocess.Popen([sys.executable, "experiments.py", "--seeds", "20"], cwd=ROOT,
                               env=ENV, text=True, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    for _ in range(3):
        process.stdout.readline()
    time.sleep(after)
    process.send_signal(signum)
    sent = time.monotonic()
    try:
        _, err = process.communicate(timeout=PATIENCE)
        return process.returncode, err, time.monotonic() - sent
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the parent and any worker left behind
        process.communicate()
        return None, "", time.monotonic() - sent


@pytest.mark.slow
@pytest.mark.hang
@pytest.mark.timeout(RUNS * (PATIENCE + 30))
def test_experiments_ends_on_every_signal_with_all_cores_busy(busy_cores):
    plan = [(SIGNALS[k % len(SIGNALS)], 0.0 if k // len(SIGNALS) % 2 == 0 else LATER)
            for k in range(RUNS)]
    bad = []
    for signum, after in plan:
        status, err, took = one_run(signum, after)
        ok = status == 128 + signum and len(err.splitlines()) == 1 and "Traceback" not in err
        print(f"{signal.Signals(signum).name:7} after {after:.1f} s: status {status}, "
              f"{took:.1f} s, stderr {err.strip()!r}")
        if not ok:
            bad.append((signal.Signals(signum).name, after, status, err))
    hung = sum(status is None for _, _, status, _ in bad)
    print(f"{RUNS - len(bad)} of {RUNS} runs ended as they should; {hung} hung")
    assert not bad, bad
