"""The scripts as terminal tools: closed pipes, Ctrl-C, flushed logs, ordered messages, no
abbreviated flags, a size guard, a progress line on terminals only, and 80 columns everywhere.

These run the scripts the way a reader meets them: as processes, through pipes, with signals, on a
pseudo-terminal. None relies on PYTHONUNBUFFERED being set or unset.
"""

import os
import re
import signal
import subprocess
import sys
import time

import pytest

import experiments
import nn_from_scratch
from companion import run as companion_run
from companion import zoo
from companion.watch import FRAMES, frame_epochs
from conftest import ROOT, run_in_terminal, run_script

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def shell(command, unbuffered=False, timeout=60):
    env = {**ENV, "PYTHONUNBUFFERED": "1"} if unbuffered else ENV
    return subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def start(*args):
    """A script running in the background, its output through pipes."""
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=ENV, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


# ---- a closed pipe ----

@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize("args", ["--epochs 5000", "--boundary --features --epochs 3"])
def test_a_closed_pipe_ends_the_run_quietly(args, unbuffered):
    result = shell(f"{sys.executable} nn_from_scratch.py {args} | head -1", unbuffered)
    assert result.stdout.startswith("data: 400 points") and result.stderr == ""
    assert result.returncode in (0, 141)  # 141: like any Unix tool whose reader went away


@pytest.mark.parametrize("command", ["nn_from_scratch.py --epochs 1000000000",
                                     "activations_demo.py --all", "experiments.py --seeds 10000",
                                     "nn_from_scratch.py --help"])
def test_a_reader_that_is_gone_before_the_first_line_ends_any_script_quietly(command):
    # `| true` closes the pipe at once: the script's very first line finds no reader. The two
    # long runs would take hours if they went on computing; that they end at all is the test
    # (the shell's timeout only keeps a broken build from hanging the suite).
    result = shell(f"{sys.executable} {command} | true", unbuffered=True, timeout=120)
    assert result.stderr == "" and result.returncode in (0, 141)


# ---- the runs that mostly wait, started together (see conftest.py) ----

def interrupted(args, lines, after=0.3):
    """Run a script through pipes; Ctrl-C `after` seconds after its first `lines` lines have
    come (so that it is at work, not starting up): status, stdout, stderr."""
    process = start(*args)
    head = "".join(process.stdout.readline() for _ in range(lines))
    time.sleep(after)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    return process.returncode, head + out, err


def first_two_lines(args):
    """The first two lines through a pipe, and whether the run was still going when they came
    (so they were not held back until the end); then Ctrl-C."""
    process = start(*args)
    lines = [process.stdout.readline(), process.stdout.readline()]
    still_running = process.poll() is None
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)
    return lines, still_running


BACKGROUND = {
    "ctrl_c": (interrupted, ["nn_from_scratch.py", "--epochs", "3000000"], 2),
    "ctrl_c experiments": (interrupted, ["experiments.py", "--seeds", "20"], 3, 0.5),
    **{f"{signum.name} watch": (lambda signum=signum: run_in_terminal(  # at a frame well in
        "nn_from_scratch.py", "--watch", "--epochs", "100000", signal_number=signum,
        interrupt_at=f"epoch {frame_epochs(100000, FRAMES)[26]} of"),)
       for signum in (signal.SIGINT, signal.SIGTERM)},
    "progress": (lambda: run_in_terminal("nn_from_scratch.py", "--epochs", "300000",
                                         interrupt_at=" left"),),
    "short run": (lambda: run_in_terminal("nn_from_scratch.py", "--epochs", "300"),),
    "first lines": (first_two_lines, ["nn_from_scratch.py", "--epochs", "1000000000"]),
}


# ---- Ctrl-C ----

def test_ctrl_c_says_where_training_stopped_and_exits_130(background):
    status, out, err = background("ctrl_c")
    assert status == 130 and "Traceback" not in err
    assert len(err.splitlines()) == 1  # and no progress line: stderr is not a terminal
    epoch = int(re.search(r"interrupted at epoch (\d+): loss \d\.\d{4}, train-acc \d\.\d{3}$",
                          err.strip()).group(1))
    assert 0 < epoch < 3000000
    assert out.startswith("data: 400 points") and "epoch       0" in out  # the log so far


def test_ctrl_c_in_experiments_ends_the_workers_and_exits_130(background):
    status, out, err = background("ctrl_c experiments")
    assert status == 130 and "Traceback" not in err
    assert re.fullmatch(r"experiments\.py: interrupted after \d+ of 260 tasks\n", err)


@pytest.mark.parametrize("signum, word", [(signal.SIGINT, "interrupted"),
                                           (signal.SIGTERM, "terminated")])
def test_a_signal_during_watch_gives_the_terminal_back(background, signum, word):
    status, screen, _ = background(f"{signum.name} watch")
    assert status == 128 + signum and "Traceback" not in screen
    assert screen.rindex("\x1b[?25h") > screen.rindex("\x1b[?25l")  # the cursor shown again
    assert re.search(rf"{word} at epoch \d+: loss", screen)


# ---- logs flushed as they are made, messages in order ----

def test_log_lines_reach_a_pipe_as_they_are_made(background):
    (first, second), still_running = background("first lines")
    assert first.startswith("data:") and second.startswith("epoch         0")
    assert still_running  # a run of hours: held back to the end, they would never have come


def test_an_error_lands_after_the_log_lines_it_ends(tmp_path):
    log = tmp_path / "log"
    shell(f"{sys.executable} nn_from_scratch.py --activation relu --lr 1e300 > {log} 2>&1")
    lines = log.read_text().splitlines()
    assert lines[0].startswith("data:") and re.match(r"epoch +0 ", lines[1])
    assert "broke down" in lines[2]


# ---- flags must be spelled out ----

@pytest.mark.parametrize("module, argv", [
    (companion_run, ["--epoch", "10"]), (companion_run, ["--feature"]),
    (zoo, ["--slope"]), (experiments, ["--seed", "3"])])
def test_abbreviated_flags_are_refused(capsys, module, argv):
    with pytest.raises(SystemExit) as exit_:
        module.main(argv)
    out, err = capsys.readouterr()
    assert exit_.value.code == 2 and out == ""
    assert "unrecognized arguments" in err and len(err.splitlines()) == 1


# ---- a size guard ----

@pytest.mark.parametrize("hidden", ["200000", "1000000", "200000000"])
def test_a_run_too_big_for_memory_is_refused_before_it_starts(capsys, monkeypatch, hidden):
    def no_allocation(*args, **kwargs):
        raise AssertionError("allocated before refusing")

    monkeypatch.setattr(nn_from_scratch, "make_xor_data", no_allocation)
    assert companion_run.main(["--hidden", hidden]) == 2
    out, err = capsys.readouterr()
    assert out == "" and re.fullmatch(r"nn_from_scratch.py: this run needs about [\d.]+ [GT]B "
                                      r"of memory; the budget is [\d.]+ GB\n", err)


def test_a_large_run_that_fits_still_runs(capsys):
    assert companion_run.main(["--hidden", "3000", "--epochs", "2"]) == 0
    assert "final train accuracy" in capsys.readouterr().out


def test_a_curve_over_too_many_epochs_is_refused(capsys):
    assert companion_run.main(["--curve", "--epochs", "1000000000"]) == 2
    assert "GB of memory" in capsys.readouterr().err


def test_the_refusal_from_the_terminal_has_no_traceback():
    result = run_script("nn_from_scratch.py", "--hidden", "200000000")
    assert result.returncode == 2 and result.stdout == "" and "TB of memory" in result.stderr


# ---- progress: on a terminal only ----

def test_a_long_run_shows_progress_on_a_terminal_and_erases_it(background):
    status, screen, _ = background("progress")
    assert status == 130, screen[-600:]
    assert re.search(r"\repoch [\d,]+ of 300,000  [\d,]+/s  [\dhms ]+ left\x1b\[K", screen), \
        screen[-600:]
    last_progress = screen.rindex(" left\x1b[K")
    assert screen.index("\r\x1b[K", last_progress) < screen.index("interrupted at epoch")
    assert "Traceback" not in screen


def test_a_short_run_on_a_terminal_shows_no_progress(background):
    status, screen, _ = background("short run")
    assert status == 0 and " left" not in screen and "\x1b" not in screen


def test_progress_waits_until_the_work_proves_long_and_clears_itself():
    import io

    from companion import cli

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    progress = cli.Progress(1000, "epoch", stream=screen, look=0, long=0, every=0)
    progress.update(10)
    assert re.fullmatch(r"\repoch 10 of 1,000  [\d,]+/s  \d+s left\x1b\[K", screen.getvalue())
    progress.clear()
    assert screen.getvalue().endswith("\r\x1b[K") and not progress.shown
    quick = cli.Progress(1000, "epoch", stream=screen, look=0, long=3600, every=0)
    quick.update(999)  # nearly done: nothing drawn
    assert not quick.shown


# ---- 80 columns ----

RUNS = [(companion_run, "--help"), (zoo, "--help"), (experiments, "--help"),
        (companion_run, "--boundary", "--features", "--shapes", "--curve", "--hidden-space",
         "--gradcheck", "--watch", "--epochs", "100"),
        (companion_run, "--hidden-space", "--hidden", "1", "--epochs", "10"),
        (companion_run, "--activation", "relu", "--lr", "1e300"),
        (companion_run, "--activation", "softmax"), (companion_run, "--hidden", "9999999"),
        (companion_run, "--plot", "no-such-folder/x.png"),
        (zoo, "--all", "--slopes")]


@pytest.mark.parametrize("run", RUNS, ids=[" ".join(a[1:]) for a in RUNS])
def test_every_line_fits_in_80_columns(capsys, monkeypatch, run):
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal: argparse would use all of it
    module, *argv = run
    try:
        module.main(argv)
    except SystemExit:
        pass
    out, err = capsys.readouterr()
    assert out + err and not [line for line in (out + err).splitlines() if len(line) > 80]


def test_help_fits_a_narrow_terminal_too():
    result = subprocess.run([sys.executable, "nn_from_scratch.py", "--help"], cwd=ROOT, text=True,
                            capture_output=True, env={**ENV, "COLUMNS": "60"}, timeout=60)
    assert max(len(line) for line in result.stdout.splitlines()) <= 60
