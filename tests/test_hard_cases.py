"""What a terminal, a shell or the operating system can do to a run, as a user meets it: closed
descriptors, an output encoding that can't show a character, Ctrl-C while NumPy still loads,
SIGTERM and SIGHUP, worker processes, tiny and odd terminals, and figure paths that are pipes,
devices or nothing at all. Each case runs the scripts as processes."""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time

import pytest

import experiments
from conftest import ROOT, run_in_terminal
from companion import memory, workers
from companion import run as companion_run

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def shell(command, env=None, timeout=120):
    return subprocess.run(["bash", "-c", command], cwd=ROOT, env={**ENV, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


# ---- closed stdout or stderr ----

CLOSED = [("nn_from_scratch.py >&-", 0, ""), ("nn_from_scratch.py --epochs 2 2>&-", 0, None),
          ("activations_demo.py --all >&-", 0, ""), ("activations_demo.py 2>&-", 0, None),
          ("experiments.py --seeds 1 --workers 1 2>&-", 0, None),
          ("nn_from_scratch.py --bogus >&-", 2, "unrecognized"),
          ("nn_from_scratch.py --lr x 2>&-", 2, None), ("experiments.py --seeds 0 >&-", 2, "--seeds")]


@pytest.mark.parametrize("command, status, stderr", CLOSED, ids=[c for c, _, _ in CLOSED])
def test_a_closed_stdout_or_stderr_is_no_error(command, status, stderr):
    result = shell(f"{sys.executable} {command}")
    assert result.returncode == status, result.stderr
    if stderr is not None:  # stderr open: what it says, in one line or none
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) <= 1
        assert stderr in result.stderr
    else:  # stderr closed: stdout still says everything it should
        assert result.stderr == "" and ("Traceback" not in result.stdout)
        assert result.stdout or status == 2


# ---- an encoding that can't show a character ----

def test_an_ascii_terminal_gets_the_characters_it_cannot_show_escaped(tmp_path):
    pytest.importorskip("matplotlib")
    folder = tmp_path / "für"
    folder.mkdir()
    result = shell(f"{sys.executable} nn_from_scratch.py --epochs 3 --plot '{folder}/ü.png'",
                   env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0 and result.stderr == ""
    assert f"figure saved to {tmp_path}/f\\xfcr/\\xfc.png" in " ".join(result.stdout.split())
    assert (folder / "ü.png").read_bytes().startswith(b"\x89PNG")


def test_an_ascii_terminal_gets_a_bad_value_escaped_too():
    result = shell(f"{sys.executable} nn_from_scratch.py --seed 漢字", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "\\u6f22\\u5b57" in result.stderr and "Traceback" not in result.stderr


# ---- signals ----

SLOW_NUMPY = '''
import os, sys, time
import multiprocessing
where = os.environ["SLOW_NUMPY"]
worker = multiprocessing.current_process().name != "MainProcess"
if where == "everywhere" or (where == "workers") == worker:
    print("importing numpy", file=sys.stderr, flush=True)
    if worker:  # a worker's stderr goes nowhere: it says so in a file too
        with open(os.environ["SLOW_NUMPY_SAYS"], "a") as said:
            said.write("importing numpy\\n")
    time.sleep(30)
# then the real NumPy takes this module's place (the path is put back for the workers, which
# spawn hands the parent's sys.path)
here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
saved = sys.path[:]
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
del sys.modules["numpy"]
import numpy
sys.modules[__name__] = numpy
sys.path[:] = saved
'''


def slow_numpy(folder, where):
    """An environment whose first `import numpy` waits 30 s (where: 'everywhere' or 'workers')
    after saying so on stderr: the window in which a reader's Ctrl-C meets the imports."""
    (folder / "numpy").mkdir()
    (folder / "numpy" / "__init__.py").write_text(SLOW_NUMPY)
    return {**ENV, "PYTHONPATH": str(folder), "SLOW_NUMPY": where,
            "SLOW_NUMPY_SAYS": str(folder / "said")}


def signalled_when(args, text, signum, env=None, group=False, lines=None, said=None):
    """Start `python args` in a session of its own, send signum (to the whole group if asked)
    as soon as `text` has appeared on stderr (or in the file `said`) or `lines` lines on
    stdout, and return its status, stdout and stderr."""
    process = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env or ENV, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    head = ""
    if lines:
        head = "".join(process.stdout.readline() for _ in range(lines))
        time.sleep(0.3)
    elif said:
        while not (said.exists() and text in said.read_text()):
            assert process.poll() is None, process.communicate()
            time.sleep(0.01)
    else:
        seen = process.stderr.readline()
        assert text in seen, seen
    (os.killpg if group else os.kill)(process.pid, signum)
    out, err = process.communicate(timeout=60)
    return process.returncode, head + out, err


@pytest.mark.parametrize("script", ["nn_from_scratch.py", "activations_demo.py",
                                    "experiments.py"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_numpy_loads_gives_one_line_and_the_shells_status(tmp_path, script,
                                                                           signum):
    env = slow_numpy(tmp_path, "everywhere")
    status, out, err = signalled_when([script], "importing numpy", signum, env)
    words = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated",
             signal.SIGHUP: "hung up"}
    assert status == 128 + signum and out == ""
    assert err == f"{script}: {words[signum]}\n"


STOPS = [(signal.SIGTERM, "terminated", 143), (signal.SIGHUP, "hung up", 129),
         (signal.SIGINT, "interrupted", 130)]


@pytest.mark.parametrize("signum, word, status", STOPS, ids=["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_during_training_says_where_it_stopped(signum, word, status):
    code, out, err = signalled_when(["nn_from_scratch.py", "--epochs", "1000000000"], None,
                                    signum, lines=2)
    assert code == status and out.startswith("data: 400 points")
    assert re.fullmatch(rf"nn_from_scratch\.py: {word} at epoch \d+: loss \d\.\d{{4}}, "
                        rf"train-acc \d\.\d{{3}}\n", err)


# Known defect, open: on a quiet machine a Ctrl-C to the whole group while a worker
# still imports NumPy makes that worker write "Traceback (most recent call last):" before it
# ends; the run still ends with 130 and its one line. Marked, not hidden, until it is fixed.
WORKER_STOPS = [(signal.SIGINT, "interrupted", 130, True),
                (signal.SIGHUP, "hung up", 129, True),
                (signal.SIGTERM, "terminated", 143, False)]


@pytest.mark.parametrize("signum, word, status, group", WORKER_STOPS,
                         ids=["Ctrl-C to the group", "SIGHUP to the group", "SIGTERM to the parent"])
def test_experiments_workers_never_print_whatever_ends_the_run(tmp_path, signum, word, status,
                                                              group):
    # the signal comes while the workers still import NumPy, the moment they used to print
    # tracebacks; the parent then ends them, or (to the parent alone) they end with it
    env = slow_numpy(tmp_path, "workers")
    code, out, err = signalled_when(["experiments.py", "--seeds", "4", "--workers", "2"],
                                    "importing numpy", signum, env, group=group,
                                    said=tmp_path / "said")
    assert code == status
    assert re.fullmatch(rf"experiments\.py: {word} after \d+ of \d+ tasks\n", err), err


def test_experiments_workers_end_quietly_in_the_midst_of_a_real_run():
    for delay in (0.6,):
        process = subprocess.Popen([sys.executable, "experiments.py", "--seeds", "4"],
                                   cwd=ROOT, env=ENV, text=True, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=True)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGTERM)
        _, err = process.communicate(timeout=60)
        assert process.returncode == 143
        assert re.fullmatch(r"experiments\.py: terminated after \d+ of \d+ tasks\n", err), err


BACKGROUND = {  # see conftest.py
    "progress, 40 columns": (lambda: run_in_terminal(
        "nn_from_scratch.py", "--epochs", "300000", columns=40, interrupt_at=" of 300,000"),),
    "progress, dumb": (lambda: run_in_terminal(  # past the 0.5 s a progress line waits for
        "nn_from_scratch.py", "--epochs", "300000", term="dumb", interrupt_at="epoch      0",
        interrupt_after=1.2),),
}


def test_the_progress_line_fits_the_terminals_real_width(background):
    status, screen, _ = background("progress, 40 columns")
    assert status == 130
    drawn = re.findall(r"\r(epoch [^\r\x1b]*)\x1b\[K", screen)
    assert drawn and max(len(line) for line in drawn) <= 39


def test_a_dumb_terminal_gets_no_escape_codes_from_the_progress_line(background):
    status, screen, _ = background("progress, dumb")
    assert status == 130 and "\x1b" not in screen and "\r" not in screen.replace("\r\n", "")


def test_a_second_signal_while_the_first_is_handled_changes_nothing():
    process = subprocess.Popen([sys.executable, "nn_from_scratch.py", "--epochs", "1000000000"],
                               cwd=ROOT, env=ENV, text=True, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    process.stdout.readline()
    process.stdout.readline()
    time.sleep(0.3)  # training under way
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGINT, signal.SIGHUP):
        os.kill(process.pid, signum)
    _, err = process.communicate(timeout=60)
    # arriving together, Python takes them in the order of their numbers: SIGHUP's is first
    words = {129: "hung up", 130: "interrupted", 143: "terminated"}
    assert process.returncode in words
    assert re.fullmatch(rf"nn_from_scratch\.py: {words[process.returncode]} at epoch \d+: .*\n",
                        err), err


def test_signals_that_keep_coming_while_the_run_ends_change_nothing():
    # a second Ctrl-C late on a busy machine lands while Python exits, after it has put the
    # handlers back to the default: it used to end the process by itself (status -2)
    for _ in range(3):
        process = subprocess.Popen([sys.executable, "nn_from_scratch.py", "--epochs",
                                    "1000000000"], cwd=ROOT, env=ENV, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
        process.stdout.readline()
        time.sleep(0.2)
        os.kill(process.pid, signal.SIGTERM)
        while process.poll() is None:  # Ctrl-C after Ctrl-C until it has ended
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGINT)
            time.sleep(0.0005)
        _, err = process.communicate(timeout=60)
        words = {130: "interrupted", 143: "terminated"}
        assert process.returncode in words
        assert re.fullmatch(rf"nn_from_scratch\.py: {words[process.returncode]} at epoch \d+: "
                            r".*\n", err), err


# ---- what the numbers can't hold, said as a bad argument ----

@pytest.mark.parametrize("argv, named", [(["--noise", "1e308"], "--noise"),
                                         (["--epochs", "9" * 400], "--epochs"),
                                         (["--noise", "101"], "--noise"),
                                         (["--epochs", "1000000001"], "--epochs")])
def test_sizes_the_run_cannot_hold_are_bad_arguments_named_in_help(argv, named, help_text):
    result = subprocess.run([sys.executable, "nn_from_scratch.py", *argv], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    # one line, or two where a long value is echoed (shortened to 40 columns)
    assert named in result.stderr and len(result.stderr.splitlines()) <= 2
    assert all(len(line) <= 80 for line in result.stderr.splitlines())
    assert {"--noise": "at most 100", "--epochs": "at most 10^9"}[named] in help_text


@pytest.fixture(scope="module")
def help_text():
    """--help, its words joined by single spaces."""
    import contextlib
    import io

    shown = io.StringIO()
    with contextlib.redirect_stdout(shown), pytest.raises(SystemExit):
        companion_run.parse_args(["--help"])
    return " ".join(shown.getvalue().split())


def test_experiments_caps_its_workers_at_four_per_core():
    cores = os.cpu_count() or 1
    assert workers.most_workers() == 4 * cores
    result = subprocess.run([sys.executable, "experiments.py", "--workers", str(4 * cores + 1)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and f"from 1 to {4 * cores}" in result.stderr


def test_experiments_estimates_its_memory_and_refuses_a_report_too_big(monkeypatch, capsys):
    assert memory.report_memory(100, 2) == 3 * memory.PROCESS_MEMORY + 100 * 100e3
    monkeypatch.setenv("NN_MEMORY_BUDGET", str(memory.report_memory(50, 2) - 1))
    assert experiments.main(["--seeds", "50", "--workers", "2"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and re.fullmatch(r"experiments\.py: the report needs about 170\.0 MB of "
                                      r"memory, the budget 169\.9 MB\n", err), err


# ---- 80 screen columns ----

WIDE = [["--hidden", "20", "--features", "--epochs", "5"],
        ["--hidden", "20", "--features", "--lr", "1e6", "--epochs", "5"],
        ["--noise", "100", "--boundary", "--hidden-space", "--watch", "--epochs", "3"],
        ["--init", "漢" * 40], ["--init", "x" * 5000], ["--activation", "é" * 70],
        ["--hidden", "1000", "--features", "--epochs", "2"]]


@pytest.mark.parametrize("argv", WIDE, ids=[" ".join(a)[:40] for a in WIDE])
def test_every_line_fits_80_screen_columns(capsys, argv):
    from companion.cli import display_width
    try:
        companion_run.main(argv)
    except SystemExit:
        pass
    out, err = capsys.readouterr()
    lines = (out + err).splitlines()
    assert lines and max(display_width(line) for line in lines) <= 80
    assert len(err.splitlines()) <= 2  # a long bad value is echoed shortened


@pytest.mark.parametrize("setting", ["MPLCONFIGDIR", "HOME"])
def test_matplotlibs_cache_warnings_are_not_shown_and_the_figure_is_saved(tmp_path, setting):
    pytest.importorskip("matplotlib")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    env = {k: v for k, v in ENV.items() if k not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME",
                                                      "XDG_CACHE_HOME")}
    env[setting] = str(locked / "not-here")  # a folder that can't be made
    figure = tmp_path / "figure.png"
    result = subprocess.run([sys.executable, "nn_from_scratch.py", "--epochs", "3", "--plot",
                             str(figure)], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and result.stderr == ""
    assert figure.read_bytes().startswith(b"\x89PNG")


# ---- figure paths ----

@pytest.mark.parametrize("path", ["", ".png", "folder/.PDF", "x.jpg", "folder/"])
def test_a_figure_path_without_a_file_name_is_a_bad_argument(capsys, path):
    with pytest.raises(SystemExit) as exit_:
        companion_run.main(["--plot", path])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "--plot" in err and len(err.splitlines()) == 1


def test_plot_equals_nothing_is_a_bad_argument_too():
    result = subprocess.run([sys.executable, "nn_from_scratch.py", "--plot="], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--plot" in result.stderr


@pytest.mark.parametrize("kind", ["pipe", "/dev/null", "/dev/full"])
def test_a_figure_path_that_is_not_a_file_is_refused_before_training(tmp_path, kind):
    # a named pipe would make the check wait for a reader; a device (behind a .png link, as
    # its own name has no extension) would fail only after the whole run, or take nothing
    pytest.importorskip("matplotlib")
    path = tmp_path / "figure.png"
    if kind == "pipe":
        os.mkfifo(path)
    else:
        path.symlink_to(kind)
    result = subprocess.run([sys.executable, "nn_from_scratch.py", "--plot", str(path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stdout == ""  # before training: no listing
    assert " ".join(result.stderr.split()).endswith("; the scripts write only regular files")


def test_a_failed_save_leaves_the_old_figure_as_it_was_and_no_half_file(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    from companion import plot
    old = tmp_path / "figure.png"
    old.write_bytes(b"the old figure")
    real = plot.figure

    def failing(*args):
        fig = real(*args)

        def savefig(file, **kwargs):
            file.write(b"half a figure")
            raise OSError(28, "No space left on device")

        fig.savefig = savefig
        return fig

    monkeypatch.setattr(plot, "figure", failing)
    assert companion_run.main(["--epochs", "2", "--plot", str(old)]) == 2
    assert old.read_bytes() == b"the old figure"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figure.png"]
