"""The pictures and checks the flags add: --curve, --hidden-space, --watch, --gradcheck, --plot,
and --init constant, each against the numbers it claims to show."""

import re
import shutil

import numpy as np
import pytest

import nn_from_scratch
from companion import pictures
from conftest import ROOT, run_in_terminal, run_script
from nn_from_scratch import init_params, make_xor_data, train


def run_main(capsys, *argv):
    status = nn_from_scratch.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def log_losses(out):
    return [float(loss) for loss in re.findall(r"^epoch +\d+ +loss (\S+)", out, re.M)]


# ---- --curve ----

def test_curve_starts_and_ends_at_the_logs_first_and_last_losses(capsys):
    _, out, _ = run_main(capsys, "--curve", "--epochs", "300")
    losses = log_losses(out)
    head = " ".join(out.split("loss (*, log scale)")[1].split())
    assert re.search(rf"is {losses[0]:.4f} at epoch 0 and {losses[-1]:.4f} at epoch 299", head)
    # the top and bottom labels of the log axis are those two losses, the first column the first
    rows = [line for line in out.split("loss (*")[1].splitlines() if "|" in line][:12]
    assert rows[0].split("|")[0].strip() == f"{losses[0]:.4f}"
    assert rows[-1].split("|")[0].strip() == f"{losses[-1]:.4f}"
    assert rows[0].split("|")[1][0] == "*"


def test_curve_keeps_the_loss_of_every_epoch_as_the_log_measures_it():
    X, y = make_xor_data()
    params = init_params()
    curve = pictures.Curve(y, 50)
    log = train(params, X, y, epochs=50, on_epoch=curve.see)
    for epoch, loss, acc in log:
        assert curve.loss[epoch] == loss and curve.acc[epoch] == acc
    assert np.all(np.isfinite(curve.loss)) and np.all(np.diff(curve.loss) < 0)


def test_default_run_computes_no_per_epoch_loss(monkeypatch, capsys):
    calls = []
    real = nn_from_scratch.bce_loss
    monkeypatch.setattr(nn_from_scratch, "bce_loss", lambda *a: calls.append(1) or real(*a))
    run_main(capsys, "--epochs", "100")
    assert len(calls) == 6  # the six logged epochs only


# ---- --hidden-space ----

def shares(out):
    return [float(s) for s in re.findall(r"points \((\S+)\) on their class's side", out)]


def test_hidden_space_is_near_chance_before_training_and_separable_after(capsys):
    _, out, _ = run_main(capsys, "--hidden-space")
    before, after = shares(out)
    assert abs(before - 0.5) <= 0.1 and after >= 0.99
    X, y = make_xor_data()
    assert before == pictures.separable_share(init_params(), X, y)


def test_hidden_space_axis_is_what_the_output_unit_reads():
    X, y = make_xor_data()
    params = init_params()
    train(params, X, y, epochs=300)
    u, v = pictures.hidden_coordinates(params, X)
    z1, a1, z2, p = nn_from_scratch.forward(params, X)
    assert np.allclose(u, z2[:, 0])
    # v is a1 (centred) read along a unit direction at right angles to W2
    direction = np.linalg.lstsq(a1 - a1.mean(0), v, rcond=None)[0]
    assert np.allclose((a1 - a1.mean(0)) @ direction, v)
    assert abs(np.linalg.norm(direction) - 1) < 1e-9 and abs(direction @ params["W2"][:, 0]) < 1e-9


@pytest.mark.parametrize("hidden", ["1", "2"])
def test_hidden_space_works_with_one_or_two_units(capsys, hidden):
    status, out, _ = run_main(capsys, "--hidden-space", "--hidden", hidden, "--epochs", "200")
    assert status == 0 and len(shares(out)) == 2
    assert all(len(line) <= 80 for line in out.splitlines())


# ---- --init constant ----

def test_constant_init_shows_eight_identical_units(capsys):
    _, out, _ = run_main(capsys, "--init", "constant", "--features", "--epochs", "300")
    maps = re.findall(r"unit \d: w2 = (\S+)", out)
    assert len(maps) == 8 and len(set(maps)) == 1
    blocks = out.split("vote for class 1")[1].strip("\n").split("\n\n")
    for block in blocks:  # each row of the picture: four copies of one map
        for row in block.splitlines()[1:]:
            assert len(set(row.split("   "))) == 1
    assert "#" in out and "." in blocks[0]  # and the unit is on somewhere, off elsewhere


# ---- --watch ----

def maps_in(text):
    """How many framed maps: each has a top and a bottom edge, `      +----...+`."""
    return len(re.findall(r"^ {6}\+-+\+", text, re.M)) // 2


def test_watch_through_a_pipe_draws_one_plain_frame_per_logged_epoch():
    result = run_script("nn_from_scratch.py", "--watch", "--epochs", "300", "--hidden", "3")
    assert result.returncode == 0 and result.stderr == ""
    assert "\x1b" not in result.stdout
    assert maps_in(result.stdout) == len(log_losses(result.stdout)) == 6


BACKGROUND = {  # see conftest.py
    "watch": (run_in_terminal, "nn_from_scratch.py", "--watch"),
    "watch, small terminal": (lambda: run_in_terminal("nn_from_scratch.py", "--watch",
                                                      "--epochs", "300", lines=12),),
}


def test_watch_on_a_terminal_animates_in_place_for_3_to_8_seconds(background):
    status, screen, seconds = background("watch")
    assert status == 0
    frames = len(re.findall(r"(?:^|\x1b\[\d+F)epoch \d+ of 2000  loss \S+  train-acc", screen, re.M))
    redraws = len(re.findall(r"\x1b\[\d+F", screen))  # cursor up to redraw the frame in place
    assert redraws >= 20 and frames >= 20
    assert screen.index("\x1b[?25l") < screen.rindex("\x1b[?25h")  # cursor hidden, then shown
    assert 3 <= seconds <= 8
    assert "final train accuracy: 0.998" in screen


def test_watch_on_a_terminal_too_small_for_a_frame_draws_plain_frames(background):
    status, screen, _ = background("watch, small terminal")
    assert status == 0 and "\x1b" not in screen
    assert maps_in(screen) == len(log_losses(screen)) == 6


# ---- --gradcheck ----

def test_gradcheck_passes_before_and_after_training(capsys):
    status, out, _ = run_main(capsys, "--gradcheck", "--epochs", "300")
    assert status == 0
    verdicts = re.findall(r"^  (W1|b1|W2|b2) .* (right.*)$", out, re.M)
    assert len(verdicts) == 8


@pytest.mark.parametrize("activation", list(nn_from_scratch.ACTIVATION_NAMES))
def test_gradcheck_function_passes_for_every_activation(activation):
    from companion import gradcheck
    X, y = make_xor_data()
    params = init_params()
    train(params, X, y, activation, epochs=100)
    checks = gradcheck.check_gradients(params, X, y, activation)
    assert all(gradcheck.verdict(c).startswith("right") for c in checks.values()), checks


def test_gradcheck_catches_a_slip_in_backward_and_names_the_arrays(tmp_path):
    # a learner writes tanh's slope as 1 - a1 instead of 1 - a1**2, in a copy of the project
    right, slip = "        dz1 = da1 * (1 - a1**2)", "        dz1 = da1 * (1 - a1)"
    shutil.copytree(ROOT / "companion", tmp_path / "companion")
    for path in ROOT.glob("*.py"):
        text = path.read_text()
        if path.name == "nn_from_scratch.py":
            assert text.count(right) == 1
            text = text.replace(right, slip)
        (tmp_path / path.name).write_text(text)
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "nn_from_scratch.py", "--gradcheck", "--epochs", "5"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert re.search(r"^  W1 .* WRONG$", result.stdout, re.M)
    assert re.search(r"^  b1 .* WRONG$", result.stdout, re.M)
    assert re.search(r"^  W2 .* right$", result.stdout, re.M)  # W2, b2 come before the slope
    message = " ".join(result.stderr.split())
    assert "W1, b1 at the starting weights" in message and "Traceback" not in message


# ---- --plot ----

MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "svg": b"<?xml"}


def test_plot_saves_a_png_after_the_chapters_output(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "figure.png"
    status, out, err = run_main(capsys, "--plot", str(path), "--hidden", "2", "--epochs", "50")
    assert status == 0 and err == ""
    assert path.read_bytes().startswith(MAGIC["png"])
    assert out.splitlines()[-1] == f"figure saved to {path}" or "figure saved to" in out


def test_plot_formats_follow_the_extension(tmp_path):
    pytest.importorskip("matplotlib")
    from companion import plot
    X, y = make_xor_data()
    params = init_params(hidden=2)
    start = {name: W.copy() for name, W in params.items()}
    curve = pictures.Curve(y, 20)
    train(params, X, y, epochs=20, on_epoch=curve.see)
    figure = plot.figure(start, params, X, y, "tanh", curve)
    for ext in ("svg", "pdf"):
        figure.savefig(tmp_path / f"figure.{ext}")
        data = (tmp_path / f"figure.{ext}").read_bytes()
        assert data.startswith(MAGIC[ext])
    assert b"<svg" in (tmp_path / "figure.svg").read_bytes()[:2000]
    assert (tmp_path / "figure.pdf").read_bytes().rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize("target", ["missing-folder/figure.png", "a-folder.png"])
def test_plot_to_a_path_that_cannot_be_written_gets_one_line_and_status_2(tmp_path, target):
    pytest.importorskip("matplotlib")
    (tmp_path / "a-folder.png").mkdir()
    result = run_script("nn_from_scratch.py", "--plot", str(tmp_path / target))
    assert result.returncode == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr and "--plot" in result.stderr.splitlines()[0]
    assert not (tmp_path / "missing-folder").exists()


def test_plot_without_matplotlib_says_how_to_install_it(tmp_path):
    fake = tmp_path / "matplotlib"  # a matplotlib that can't be imported, first on the path
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('no matplotlib here')\n")
    import os
    import subprocess
    import sys
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run([sys.executable, str(ROOT / "nn_from_scratch.py"), "--plot", "f.png"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "pip install -r requirements-plot.txt" in result.stderr


def test_plot_with_a_wrong_extension_is_a_bad_argument(capsys):
    with pytest.raises(SystemExit) as exit_:
        nn_from_scratch.main(["--plot", "figure.jpg"])
    assert exit_.value.code == 2 and "--plot" in capsys.readouterr().err


# ---- together ----

def test_the_flags_combine_with_each_other_and_with_the_knobs(capsys):
    status, out, err = run_main(capsys, "--watch", "--curve", "--boundary", "--features",
                                "--hidden-space", "--shapes", "--gradcheck", "--hidden", "3",
                                "--activation", "relu", "--init", "he", "--lr", "0.3",
                                "--epochs", "60", "--seed", "2", "--noise", "0.2")
    assert status == 0 and err == ""
    for part in ("shapes for m = 400 points", "gradient check at the starting weights",
                 "decision regions", "unit 3: w2 =", "loss (*, log scale)",
                 "hidden space before training", "hidden space after training",
                 "gradient check after training (relu"):
        assert part in out, part
    assert len(log_losses(out)) == 6 and maps_in(out) == 6 + 1 + 2  # watch, boundary, spaces


def test_the_default_run_imports_no_picture_check_or_plot_module():
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-X", "importtime", "nn_from_scratch.py"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
    assert {"companion.cli", "companion.flags"} <= imported
    assert not imported & {"companion.pictures", "companion.watch", "companion.gradcheck",
                           "companion.plot", "matplotlib"}
