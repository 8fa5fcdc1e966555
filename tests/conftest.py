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


# ---- the slow tests, marked from here ----
#
# `python -m pytest -m "not slow"` is the quick core suite: the chapter's maths, the golden
# outputs, the gradients, the numbers and the layout. A test is slow (pytest.ini's `slow`) when
# it starts processes, pseudo-terminals or signals, fuzzes, or measures memory, or belongs to
# a module of figures and of whole runs (SLOW_MODULES), which are not the core. Rather than a
# decorator on each, the marks are given here, from what a test uses, so that a new test that
# starts a process is marked without anyone remembering to: a test is slow when its module is
# all such tests, when it waits on a BACKGROUND job, or when its code, its fixtures or the
# helpers of its module they call (at any depth) name one of STARTS below.

import ast  # noqa: E402
import functools  # noqa: E402

import pytest  # noqa: E402

SLOW_MODULES = {
    "test_hard_cases",  # every case runs the scripts as processes, signals and terminals
    "test_fuzz",  # 240 random argument lists
    "test_memory",  # peaks measured in processes of their own
    # not the core: figures drawn and read back, and whole runs of the program
    "test_pictures",  # every picture, plot and animation frame
    "test_truthful_pictures",  # each picture read back against the numbers it shows
    "test_bugs",  # each planted mistake trained, checked and drawn
    "test_readme",  # the README's and the docs' commands, run
    "test_data",  # every data set's runs and figure
}
# What starts a process or a pseudo-terminal, or fuzzes with hypothesis.
STARTS = {"subprocess", "run_python", "run_script", "run_in_terminal", "pty", "os.fork",
          "multiprocessing", "ProcessPoolExecutor", "hypothesis", "given"}
# Tests that start processes out of sight: experiments.py's own worker pool.
SLOW_TESTS = {"test_parallel_and_serial_runs_give_the_same_report"}
# The chapter's golden outputs run the scripts as the reader does, and are the core of the core:
# they stay in the quick suite (a second or two).
CORE_MODULES = {"test_golden"}


def names_used(node):
    """Every name and dotted attribute (`os.fork`) a piece of code mentions."""
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            found.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            found.add(sub.attr)
            if isinstance(sub.value, ast.Name):
                found.add(f"{sub.value.id}.{sub.attr}")
        elif isinstance(sub, ast.Import):
            found |= {alias.name.split(".")[0] for alias in sub.names}
        elif isinstance(sub, ast.ImportFrom) and sub.module:
            found |= {sub.module.split(".")[0]} | {alias.name for alias in sub.names}
    return found


@functools.lru_cache(maxsize=None)
def slow_functions(path):
    """The names of the module-level functions of a test file that start a process, directly
    or through the file's other functions."""
    tree = ast.parse(Path(path).read_text())
    uses = {node.name: names_used(node) for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    # and module-level names bound to such code, e.g. `shell = functools.partial(run_python)`
    uses.update({node.targets[0].id: names_used(node.value) for node in tree.body
                 if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)})
    slow = set(STARTS)
    while True:
        more = {name for name, used in uses.items() if used & slow} - slow
        if not more:
            return frozenset(slow - STARTS)
        slow |= more


def is_slow(item):
    module = getattr(item, "module", None)
    if module is None:
        return False
    name = module.__name__.rpartition(".")[2]
    if name in CORE_MODULES:
        return False
    if name in SLOW_MODULES or item.originalname in SLOW_TESTS or "background" in item.fixturenames:
        return True
    slow = slow_functions(module.__file__)
    return item.originalname in slow or bool(slow & set(item.fixturenames))


# ---- slow tests that mostly wait, started together ----
#
# A test module may list jobs in BACKGROUND = {name: (function, *args)}: runs of a script that
# mostly wait (on an animation, a signal, a pipe) or use the idle second core. All the jobs of
# the modules about to run start together as soon as collection ends, so that their waits
# overlap; a test then asks for its job's result with the `background` fixture.

import concurrent.futures  # noqa: E402

_threads = concurrent.futures.ThreadPoolExecutor(max_workers=16)
_jobs = {}


@pytest.hookimpl(tryfirst=True)  # before `-m "not slow"` deselects what is marked here
def pytest_collection_modifyitems(config, items):
    """The slow tests are marked (see below), and the modules that wait on background jobs run
    last, giving their jobs the most time. The hang test (tests/test_hang.py: minutes, with
    every core kept busy) runs only when asked for by its mark, `python -m pytest -m hang`."""
    if "hang" not in (config.getoption("markexpr") or ""):
        hang = [item for item in items if item.get_closest_marker("hang")]
        if hang:
            config.hook.pytest_deselected(items=hang)
            items[:] = [item for item in items if not item.get_closest_marker("hang")]
    for item in items:
        if is_slow(item):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: hasattr(getattr(item, "module", None), "BACKGROUND"))


def pytest_collection_finish(session):
    # only the jobs that a test about to run will ask for: `-m "not slow"` starts none
    modules = {item.module for item in session.items if "background" in item.fixturenames}
    for module in modules:
        for name, (function, *args) in getattr(module, "BACKGROUND", {}).items():
            _jobs[name] = _threads.submit(function, *args)


@pytest.fixture
def background():
    """background(name): the result of the module's BACKGROUND job `name`, once it is done."""
    return lambda name: _jobs[name].result(timeout=850)  # pytest-timeout ends a hang sooner


def pytest_report_header(config):
    """The vector units NumPy computes with, which decide the last bits of tanh and exp: the
    suite must pass at each (docs/testing.md, "Every processor")."""
    import os

    from simd_levels import summary
    off = os.environ.get("NPY_DISABLE_CPU_FEATURES", "")
    return f"NumPy's vector units: {summary()}" + (f" (turned off: {off})" if off else "")
