"""Defects found by trying the project as a new user would, each pinned by a test
that fails without its fix."""

import importlib
import os
import pickle
import stat
import subprocess
import sys

import pytest

import nn_from_scratch
from companion import run as companion_run
from conftest import ROOT

# Written beside the run: at exit, how many modules hold the chapter's functions. Run as a
# command, nn_from_scratch.py hands over before it defines anything, so the one module that
# holds them is the one companion/ imported (no second Diverged that an except would miss).
ONE_COPY_PROBE = """
import atexit, os, sys
def _report():
    copies = [name for name, m in list(sys.modules.items()) if hasattr(m, "train")
              and os.path.basename(getattr(m, "__file__", "") or "") == "nn_from_scratch.py"]
    with open(os.environ["ONE_COPY_REPORT"], "w") as out:
        out.write(" ".join(copies))
atexit.register(_report)
"""

FLAGS = [[], ["--boundary"], ["--activation", "relu"], ["--features"], ["--gradcheck"],
         ["--by-hand"], ["--watch"], ["--shapes"], ["--curve"], ["--hidden-space"]]


@pytest.mark.slow
@pytest.mark.parametrize("flags", FLAGS, ids=lambda f: " ".join(f) or "default")
def test_run_as_a_program_the_chapters_module_is_loaded_once(flags, tmp_path):
    (tmp_path / "sitecustomize.py").write_text(ONE_COPY_PROBE)
    report = tmp_path / "report.txt"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path), "ONE_COPY_REPORT": str(report)}
    done = subprocess.run([sys.executable, str(ROOT / "nn_from_scratch.py"), "--epochs", "50",
                           *flags], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert report.read_text() == "nn_from_scratch"


def test_diverged_pickles_with_its_epoch_and_message():
    again = pickle.loads(pickle.dumps(nn_from_scratch.Diverged(7, "overflow")))
    assert isinstance(again, nn_from_scratch.Diverged)
    assert (again.epoch, again.what, str(again)) == (7, "overflow", "at epoch 7: overflow")


def test_the_log_holds_plain_floats():
    X, y = nn_from_scratch.make_xor_data()
    log = nn_from_scratch.train(nn_from_scratch.init_params(), X, y, epochs=5)
    assert all(type(loss) is float and type(acc) is float for _, loss, acc in log)
    assert repr(log[0]) == "(0, 0.698282208287722, 0.505)"


# ---- --plot: a folder, the install hint, the figure's permissions ----

@pytest.mark.parametrize("folder", ["figures", "figures.png"])
def test_plot_names_a_folder_as_a_folder(folder, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / folder).mkdir()
    with pytest.raises(SystemExit) as exit_:
        companion_run.parse_args(["--plot", folder])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and len(err.splitlines()) == 1
    assert f"--plot: {folder!r} is a folder, not a file" in err


def test_the_install_hint_names_the_running_pythons_pip(tmp_path, monkeypatch):
    plot = pytest.importorskip("companion.plot")
    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "pip").write_text("")
    monkeypatch.setattr(sys, "executable", str(venv / "python"))
    monkeypatch.chdir(tmp_path)
    assert plot.install_hint().startswith(f"{os.path.join('.venv', 'bin', 'pip')} install -r ")
    (venv / "pip").unlink()  # no pip beside it: that Python's -m pip
    assert plot.install_hint().startswith(f"{os.path.join('.venv', 'bin', 'python')} -m pip ")


@pytest.mark.slow
def test_a_saved_figure_gets_the_umasks_mode_and_a_replaced_one_keeps_its_own(tmp_path):
    pytest.importorskip("matplotlib")
    figure = tmp_path / "f.png"
    saved = os.umask(0o022)
    try:
        command = [sys.executable, str(ROOT / "nn_from_scratch.py"), "--epochs", "3", "--plot",
                   str(figure)]
        assert subprocess.run(command, capture_output=True, timeout=120).returncode == 0
        assert stat.S_IMODE(figure.stat().st_mode) == 0o644
        figure.chmod(0o640)
        assert subprocess.run(command, capture_output=True, timeout=120).returncode == 0
        assert stat.S_IMODE(figure.stat().st_mode) == 0o640
    finally:
        os.umask(saved)


# ---- --init: the chapter's "xavier" is LeCun's scaling; glorot is Glorot and Bengio's ----

def test_glorot_scales_by_two_over_fan_in_plus_fan_out_on_the_same_draws():
    import numpy as np
    draws = np.random.default_rng(4).standard_normal((3, 5))
    glorot = nn_from_scratch.init_weights(np.random.default_rng(4), 3, 5, "glorot")
    assert np.array_equal(glorot, draws * np.sqrt(2 / (3 + 5)))
    xavier = nn_from_scratch.init_weights(np.random.default_rng(4), 3, 5, "xavier")
    assert np.array_equal(xavier, draws / np.sqrt(3))  # LeCun's: the fan-in alone


def test_help_says_which_formula_xavier_is(capsys):
    with pytest.raises(SystemExit):
        companion_run.parse_args(["--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert "xavier = N(0,1)/sqrt(n_in), the chapter's (it says Xavier/He; the formula is LeCun's)" \
        in said
    assert "glorot = N(0,1)*sqrt(2/(n_in+n_out)), Glorot and Bengio's" in said


# ---- a learning rate far too large says so ----

@pytest.mark.parametrize("lr", ["1e6", "1e300"])
def test_a_loss_that_climbs_says_the_learning_rate_is_too_large(lr, capsys):
    assert companion_run.main(["--lr", lr]) == 0  # the run itself is not an error
    out, err = capsys.readouterr()
    assert err == (f"nn_from_scratch.py: --lr {float(lr):g} too large: the loss rose from "
                   "0.6983 to 7.5985\n")  # the log's first loss and its last
    assert "final train accuracy: 0.910" in out  # after the last update; the log's last: 0.725


@pytest.mark.parametrize("argv", [[], ["--lr", "100"], ["--init", "large"]])
def test_a_loss_that_falls_says_nothing(argv, capsys):
    assert companion_run.main(argv) == 0
    assert capsys.readouterr().err == ""


# ---- a misspelt flag suggests the one meant ----

@pytest.mark.parametrize("module, argv, meant", [
    ("companion.run", ["--hiden", "4"], "--hidden"),
    ("companion.run", ["--hiden=4", "--boundry"], "--hidden"),
    ("companion.run", ["--gradchek"], "--gradcheck"),
    ("companion.zoo", ["--slope"], "--slopes"),
    ("experiments", ["--seed", "3"], "--seeds")])
def test_a_misspelt_flag_gets_the_flag_meant_in_one_line(module, argv, meant, capsys):
    program = importlib.import_module(module)
    with pytest.raises(SystemExit) as exit_:
        program.main(argv)
    out, err = capsys.readouterr()
    assert exit_.value.code == 2 and out == "" and len(err.splitlines()) == 1
    assert err.rstrip().endswith(f"(did you mean {meant}?)") and len(err.rstrip()) <= 80


def test_a_flag_like_no_other_gets_the_usual_hint(capsys):
    with pytest.raises(SystemExit):
        companion_run.main(["--zzz"])
    assert capsys.readouterr().err == ("nn_from_scratch.py: unrecognized arguments: --zzz "
                                       "(see --help)\n")


# ---- Windows: its standard library simulated, the main commands print what they print here ----

# What Windows' standard library lacks, taken away at start-up (as the before-stop hook does).
WINDOWS = """
import os, signal, sys, importlib.abc
for n in ("SIGHUP", "SIGPIPE", "SIGQUIT", "SIGALRM", "SIGUSR1", "SIGUSR2", "SIGCHLD", "SIGTSTP",
          "SIGWINCH"):
    if hasattr(signal, n): delattr(signal, n)
for n in ("sysconf", "getuid", "fork", "killpg", "setsid"):
    if hasattr(os, n): delattr(os, n)
class NoUnix(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name in ("termios", "fcntl", "pty", "resource", "tty", "grp", "pwd"):
            raise ImportError(f"No module named {name!r} (simulated Windows)")
sys.meta_path.insert(0, NoUnix())
"""

COMMANDS = [["nn_from_scratch.py"], ["activations_demo.py", "--all"],
            ["nn_from_scratch.py", "--boundary"], ["nn_from_scratch.py", "--watch"],
            ["nn_from_scratch.py", "--gradcheck"],
            ["experiments.py", "--seeds", "1", "--workers", "2"]]


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_with_windows_standard_library_the_commands_print_the_same(command, tmp_path):
    import os
    (tmp_path / "sitecustomize.py").write_text(WINDOWS)
    here = subprocess.run([sys.executable, *command], cwd=ROOT, capture_output=True, text=True,
                          timeout=240)
    windows = subprocess.run([sys.executable, *command], cwd=ROOT, capture_output=True,
                             text=True, timeout=240,
                             env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert (windows.returncode, windows.stderr) == (0, "")
    assert windows.stdout == here.stdout and here.returncode == 0


@pytest.mark.parametrize("flag, name", [("--dump-data", "points.csv"), ("--save", "w.json"),
                                        ("--save", "w.npz")])
def test_written_data_and_weights_get_the_umasks_mode_too(flag, name, tmp_path, capsys):
    written = tmp_path / name
    saved = os.umask(0o022)
    try:
        assert companion_run.main(["--epochs", "3", flag, str(written)]) == 0
        assert stat.S_IMODE(written.stat().st_mode) == 0o644  # mkstemp alone gives 0600
    finally:
        os.umask(saved)
