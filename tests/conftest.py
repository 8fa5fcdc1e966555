"""Helpers shared by the tests: how to run a script of the project as a reader would."""

import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The scripts under test must meet Ctrl-C as a terminal delivers it. A shell that starts a job in
# the background starts it with SIGINT ignored, and that would pass down to every script run here.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def run_python(*args, cwd=ROOT):
    """Run this Python with args and capture what it says."""
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=60,
                          cwd=cwd)


def run_script(script, *args):
    """Run a script of the project from another folder, as `python path/to/script.py args`."""
    return run_python(str(ROOT / script), *args, cwd=ROOT / "tests")


def run_in_terminal(*args, interrupt_at=None, columns=80, lines=24, timeout=60, term="xterm",
                    signal_number=None, interrupt_after=0.0):
    """Run `python args` on a pseudo-terminal of columns x lines, as a reader at a terminal
    would (stdout and stderr both the terminal), with TERM set to `term` (None: unset). With
    interrupt_at, Ctrl-C (or signal_number) once that text has appeared on the screen and
    interrupt_after more seconds have passed.
    Returns the exit status, everything the terminal was sent, and the seconds it took."""
    import fcntl
    import os
    import pty
    import select
    import signal
    import struct
    import termios
    import time

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TERM")}
    if term is not None:
        env["TERM"] = term
    start = time.monotonic()
    process = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdin=slave,
                               stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    chunks, sent, seen = [], False, None
    while time.monotonic() - start < timeout:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal closed: the program has ended
                break
            if not chunk:
                break
            chunks.append(chunk)
        if interrupt_at and seen is None and interrupt_at in b"".join(chunks).decode(
                errors="replace"):
            seen = time.monotonic()
        if seen is not None and not sent and time.monotonic() - seen >= interrupt_after:
            process.send_signal(signal_number or signal.SIGINT)
            sent = True
    status = process.wait(timeout=30)
    os.close(master)
    output = b"".join(chunks).decode().replace("\r\n", "\n")
    return status, output, time.monotonic() - start


# ---- slow tests that mostly wait, started together ----
#
# A test module may list jobs in BACKGROUND = {name: (function, *args)}: runs of a script that
# mostly wait (on an animation, a signal, a pipe) or use the idle second core. All the jobs of
# the modules about to run start together as soon as collection ends, so that their waits
# overlap; a test then asks for its job's result with the `background` fixture.

import concurrent.futures  # noqa: E402

import pytest  # noqa: E402

_threads = concurrent.futures.ThreadPoolExecutor(max_workers=16)
_jobs = {}


def pytest_collection_modifyitems(items):
    """The modules that wait on background jobs run last, giving their jobs the most time."""
    items.sort(key=lambda item: hasattr(getattr(item, "module", None), "BACKGROUND"))


def pytest_collection_finish(session):
    modules = {item.module for item in session.items if hasattr(item, "module")}
    for module in modules:
        for name, (function, *args) in getattr(module, "BACKGROUND", {}).items():
            _jobs[name] = _threads.submit(function, *args)


@pytest.fixture
def background():
    """background(name): the result of the module's BACKGROUND job `name`, once it is done."""
    return lambda name: _jobs[name].result(timeout=180)
