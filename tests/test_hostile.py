"""Hostile paths, full disks, odd environments: each met with one line and exit status 2, and
nothing written where it should not be. Files are made in a temporary folder; each case here
failed on the code before its fix (a traceback, a silent exit 0, or a file replaced)."""

import ast
import os
import stat
import subprocess
import sys

import pytest

import nn_from_scratch
from companion import run as companion_run
from conftest import ROOT

CLI = ROOT / "companion" / "cli.py"


def run(*argv, env=None, cwd=ROOT, **kwargs):
    """`python nn_from_scratch.py argv` as a reader runs it."""
    return subprocess.run([sys.executable, str(ROOT / "nn_from_scratch.py"), *argv], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})}, **kwargs)


def one_line(result, *words):
    """Exit status 2, one message on stderr (wrapped within 80 columns), no traceback."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.strip()
    lines = result.stderr.splitlines()
    assert all(len(line) <= 80 for line in lines) and all(l.startswith("  ") for l in lines[1:])
    said = " ".join(result.stderr.split())
    assert all(word in said for word in words), said
    return said


# ---- one rule for every file the scripts write: --save, --dump-data, --plot ----

WRITERS = [("--save", "w.json"), ("--dump-data", "d.csv")]


@pytest.mark.timeout(60)  # a FIFO written to would wait for a reader forever
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes (Windows)")
@pytest.mark.parametrize("flag, name", WRITERS)
def test_a_named_pipe_is_not_written(tmp_path, flag, name):
    os.mkfifo(tmp_path / name)
    result = run("--epochs", "2", flag, str(tmp_path / name))
    one_line(result, flag, "is a named pipe")
    assert result.stdout == ""  # refused before training
    assert stat.S_ISFIFO(os.lstat(tmp_path / name).st_mode)


@pytest.mark.skipif(not os.path.exists("/dev/null") or sys.platform == "win32",
                    reason="no /dev/null")
@pytest.mark.parametrize("flag, name", WRITERS)
def test_a_device_is_not_replaced(tmp_path, flag, name):
    os.symlink("/dev/null", tmp_path / name)
    result = run("--epochs", "2", flag, str(tmp_path / name))
    one_line(result, "is a device")
    assert result.stdout == ""  # refused before training
    assert os.readlink(tmp_path / name) == "/dev/null" and os.listdir(tmp_path) == [name]


@pytest.mark.parametrize("flag, name", WRITERS)
def test_a_write_protected_file_is_not_replaced(tmp_path, flag, name):
    target = tmp_path / name
    target.write_text("keep me\n")
    target.chmod(0o444)
    one_line(run("--epochs", "2", flag, str(target)), "write-protected")
    assert target.read_text() == "keep me\n"  # even for root, who may write anything


@pytest.mark.skipif(sys.platform == "win32", reason="links need a privilege on Windows")
@pytest.mark.parametrize("flag, name", WRITERS)
def test_a_link_is_followed_its_target_written_and_the_link_kept(tmp_path, flag, name):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / name
    target.write_text("old\n")
    os.symlink(target, tmp_path / name)
    result = run("--epochs", "2", flag, str(tmp_path / name))
    assert result.returncode == 0, result.stderr
    assert os.path.islink(tmp_path / name) and target.read_text() != "old\n"
    assert [p.name for p in (tmp_path / "real").iterdir()] == [name]  # no partial file left


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="no /proc")
@pytest.mark.parametrize("flag, name", WRITERS)
def test_a_folder_where_no_file_can_be_made_is_refused_before_training(flag, name):
    result = run("--epochs", "2", flag, f"/proc/{name}")
    one_line(result, flag)
    assert result.stdout == ""


@pytest.mark.parametrize("flag, name", WRITERS)
def test_a_folder_removed_during_training_gets_one_line(tmp_path, monkeypatch, capsys, flag,
                                                        name):
    folder = tmp_path / "out"
    folder.mkdir()
    real = nn_from_scratch.train

    def train_then_remove(*args, **kwargs):
        log = real(*args, **kwargs)
        folder.rmdir()
        return log
    monkeypatch.setattr(nn_from_scratch, "train", train_then_remove)
    status = companion_run.main(["--epochs", "2", flag, str(folder / name)])
    err = " ".join(capsys.readouterr().err.split())
    assert status == 2 and f"{flag} " in err and "no such folder" in err


def test_plot_follows_the_same_rule(tmp_path):
    pytest.importorskip("matplotlib")
    target = tmp_path / "f.png"
    target.write_text("keep me\n")
    target.chmod(0o444)
    one_line(run("--epochs", "2", "--plot", str(target)), "--plot", "write-protected")
    assert target.read_text() == "keep me\n"


# ---- stdout and stderr that can't be written ----

@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("argv", [[], ["--help"]], ids=["run", "--help"])
def test_stdout_on_a_full_disk_ends_with_one_line(argv):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, str(ROOT / "nn_from_scratch.py"), *argv],
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert result.returncode == 2  # not 0: nothing was shown
    assert result.stderr == "nn_from_scratch.py: can't write its output: No space left on " \
                            "device\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_stderr_on_a_full_disk_still_gives_the_status():
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, str(ROOT / "nn_from_scratch.py"), "--hiden"],
                                stdout=subprocess.PIPE, stderr=full, timeout=60)
    assert result.returncode == 2 and result.stdout == b""


# ---- the environment and the numbers a reader types ----

@pytest.mark.parametrize("budget", ["abc", " ", "nan", "0", "-1", "inf", "1_000_000"])
def test_a_mistyped_memory_budget_is_said_not_ignored(budget):
    one_line(run("--epochs", "2", env={"NN_MEMORY_BUDGET": budget}), "NN_MEMORY_BUDGET=",
             "is not a number of bytes")


def test_a_memory_budget_in_plain_or_exponent_form_is_taken():
    assert run("--epochs", "2", env={"NN_MEMORY_BUDGET": " 3e8 "}).returncode == 0
    assert run("--epochs", "2", env={"NN_MEMORY_BUDGET": ""}).returncode == 0  # set to nothing
    one_line(run("--hidden", "4000", env={"NN_MEMORY_BUDGET": "3e7"}), "budget is 30.0 MB")


@pytest.mark.parametrize("flag, text", [("--epochs", "1_000"), ("--epochs", "\u0661\u0662"),
                                        ("--epochs", "\uff11\uff12"), ("--lr", "0\u066b5"),
                                        ("--lr", "\uff10.5"), ("--seed", "1_0")])
def test_only_ascii_numbers_are_numbers(capsys, flag, text):
    with pytest.raises(SystemExit) as stop:
        companion_run.parse_args([flag, text])
    assert stop.value.code == 2 and "is not" in capsys.readouterr().err


def test_ctrl_c_while_the_terminal_manners_load_is_guarded_before_any_other_import():
    # Ctrl-C in the first milliseconds landed in cli.py's own imports, before its guard was
    # set: a traceback. Now the guard is set after os, signal and sys alone.
    tree = ast.parse(CLI.read_text())
    before = []
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and \
                getattr(node.value.func, "id", "") == "_guard_the_start":
            break
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            before += [alias.name for alias in node.names]
    else:
        pytest.fail("cli.py never calls _guard_the_start()")
    assert before == ["os", "signal", "sys"]
    # Run as commands, the two chapter programs hand over first, before importing NumPy, and
    # the companion's entries import cli.py first.
    for program in ("nn_from_scratch.py", "activations_demo.py"):
        body = ast.parse((ROOT / program).read_text()).body
        first = body[1]
        assert isinstance(first, ast.If) and "run_module" in ast.unparse(first), program
    for entry in ("__main__.py", "zoo.py"):
        first = ast.parse((ROOT / "companion" / entry).read_text()).body[1]
        assert isinstance(first, ast.ImportFrom) and first.module == "companion.cli", entry
    assert ast.parse((ROOT / "companion" / "__init__.py").read_text()).body[1:] == []


# ---- 80 columns and no raw escape codes, whatever the file holds or is called ----

def test_huge_values_long_names_and_escape_codes_stay_within_80_columns(tmp_path):
    name = "a\x1b[31mred" + "n" * 200 + ".csv"
    rows = ["x1,x2,x3,label", "1e20,2e20,-3e20,0", "1,1,1,1", "0,1,0,1", "1,0,0,0"]
    (tmp_path / name).write_text("\n".join(rows) + "\n")
    saved = tmp_path / "w\x1b[2J.json"
    result = run("--data", str(tmp_path / name), "--epochs", "3", "--save", str(saved),
                 "--predict", ",".join(["1e20"] * 3))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert "\x1b" not in result.stdout + result.stderr
    assert lines[0].startswith("data: 4 points, 3 features, 2 classes (a\\x1b[31mrednnn")
    assert "point [1.0e20, 2.0e20, -3.0e20] (class 0) -> P(class 1) = " in result.stdout
    assert f"weights saved to {tmp_path}/w\\x1b[2J.json" in " ".join(result.stdout.split())
    assert saved.exists()


@pytest.mark.parametrize("activation, point, said", [
    ("tanh", "1e308,1e308", "P(class 1) = "), ("tanh", "1e200,-1e200", "P(class 1) = "),
    ("gelu", "1e308,1e308", "no number (too far out for float64)"),
    ("silu", "-1e308,1e308", "no number (too far out for float64)")])
def test_a_far_point_is_predicted_not_called_a_breakdown(activation, point, said):
    result = run("--epochs", "20", "--activation", activation, f"--predict={point}")
    assert result.returncode == 0 and result.stderr == ""
    line = result.stdout.splitlines()[-1]
    assert line.startswith(f"  point {point.replace('1e', '1e+')} -> {said}")
    assert len(line) <= 80


def test_a_dangling_link_names_its_targets_missing_folder(tmp_path):
    os.symlink(tmp_path / "gone" / "w.json", tmp_path / "w.json")
    said = one_line(run("--epochs", "2", "--save", "w.json", cwd=tmp_path), "no such folder")
    assert "no such folder '.'" not in said  # the link's own folder exists: its target's not


def test_python_dash_i_leaves_the_trained_network_at_the_prompt():
    result = subprocess.run([sys.executable, "-i", str(ROOT / "nn_from_scratch.py"), "--epochs",
                             "3"], input="print(last_run['log'][-1][0], "
                                         "last_run['params']['W1'].shape)\n",
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert "Traceback" not in result.stderr and "SystemExit" not in result.stderr
    assert "2 (2, 8)" in result.stderr + result.stdout  # the prompt's answer
    refused = subprocess.run([sys.executable, "-i", str(ROOT / "nn_from_scratch.py"), "--hiden"],
                             input="", capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert "Traceback" not in refused.stderr and "(did you mean --hidden?)" in refused.stderr
