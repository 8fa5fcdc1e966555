"""The pictures and checks the flags add: --curve, --hidden-space, --watch, --gradcheck, --plot,
and --init constant, each against the numbers it claims to show."""

import functools
import io
import re
import shutil

import numpy as np
import pytest

import nn_from_scratch
from companion import flags, pictures, watch
from companion import run as companion_run
from conftest import ROOT, run_in_terminal, run_script
from nn_from_scratch import CENTRES as CENTRES_ARRAY, init_params, make_xor_data, train


def run_main(capsys, *argv):
    status = companion_run.main(list(argv))
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
    log = train(params, X, y, epochs=50, callback=curve.see)
    for epoch, loss, acc in log:
        assert curve.loss[epoch] == loss and curve.acc[epoch] == acc
    assert np.all(np.isfinite(curve.loss)) and np.all(np.diff(curve.loss) < 0)


@pytest.mark.parametrize("epochs", [300, 2000, 100000])
def test_curve_gives_the_first_tenth_of_the_epochs_a_third_of_the_width_or_more(epochs):
    at = pictures.log_columns(epochs, 60)
    assert at[0] == 0 and at[-1] == epochs - 1  # the ends are the first and last epochs
    assert np.sum(at < epochs / 10) >= 60 / 3
    assert np.all(np.diff(at) >= 0)  # left to right, in order


def test_curve_axis_is_labelled_as_a_log_scale_of_epoch_plus_1(capsys):
    _, out, _ = run_main(capsys, "--curve")
    assert "log scale of epoch+1" in " ".join(out.split())
    ticks = [line for line in out.splitlines() if line.startswith("epoch+1")][0]
    column = {text: ticks[9:].index(text) for text in ticks.split()[1:]}  # 9: "epoch+1  "
    at = pictures.log_columns(2000, 60)
    assert column["1"] == 0 and at[column["10"]] + 1 == pytest.approx(10, rel=0.15)
    assert at[column["100"]] + 1 == pytest.approx(100, rel=0.15)
    assert column["2000"] + len("2000") == 60  # the last epoch ends under the last column


def test_a_loss_at_or_below_zero_is_drawn_at_the_floor_not_taken_for_a_breakdown(capsys):
    status, out, err = run_main(capsys, "--noise", "0", "--lr", "200", "--epochs", "300",
                                "--curve")
    assert status == 0 and err == ""
    floor = [line for line in out.splitlines() if line.startswith("   <= 0 |")]
    assert floor and "*" in floor[0]


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
    return len(re.findall(r"^(?:\x1b\[K)? +\+-+\+", text, re.M)) // 2


class Screen(io.StringIO):
    """A terminal that records what it is sent."""

    def isatty(self):
        return True


def planned_watch(epochs=2000, seconds=4.0, size=(80, 30), stream=None, **clock):
    X, y = make_xor_data()
    params = init_params()
    return watch.Watch(params, X, y, "tanh", epochs, seconds, stream=stream or Screen(),
                       size=size, **clock), params, X, y


def first_epoch_at(accuracy_wanted):
    """The first epoch of the chapter's run whose forward pass is right on that share."""
    X, y = make_xor_data()
    accs = []
    train(init_params(), X, y, callback=lambda epoch, p, row: accs.append(nn_from_scratch.accuracy(p, y)))
    return next(epoch for epoch, acc in enumerate(accs) if acc >= accuracy_wanted)


def test_watch_spends_most_frames_before_the_network_has_learned(monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    plan = planned_watch()[0]
    assert plan.live and 30 <= len(plan.frames) <= 41
    learned = first_epoch_at(0.99)  # 354 on the chapter's run
    assert sum(epoch < learned for epoch in plan.frames) >= len(plan.frames) / 2
    assert {0, 1, 2, 1999} <= plan.frames  # the first epochs, one by one, and the last
    assert sorted(plan.frames) == watch.frame_epochs(2000, watch.FRAMES)


@pytest.mark.parametrize("seconds", [4.0, 10.0, 0.0])
def test_watch_paces_its_frames_to_last_the_seconds_asked(monkeypatch, seconds):
    monkeypatch.setenv("TERM", "xterm")
    now, slept = [0.0], []

    def sleep(s):  # a clock that only moves when the animation waits
        slept.append(s)
        now[0] += s

    plan, params, X, y = planned_watch(epochs=300, seconds=seconds, clock=lambda: now[0],
                                       sleep=sleep)
    train(params, X, y, epochs=300, callback=plan.see)
    assert len(slept) == len(plan.frames) and plan.pause == seconds / len(plan.frames)
    assert sum(slept) == pytest.approx(seconds * (len(plan.frames) - 1) / len(plan.frames))


def test_each_frame_says_its_epoch_loss_and_accuracy(monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    plan, params, X, y = planned_watch(epochs=300, clock=lambda: 0.0, sleep=lambda s: None)
    def seen(epoch, p, row):
        if row:
            plan.log(str(row))
        plan.see(epoch, p)

    log = train(params, X, y, epochs=300, callback=seen)
    shown = re.findall(r"epoch (\d+) of 300  loss (\S+)  train-acc (\S+)", plan.stream.getvalue())
    assert [int(e) for e, _, _ in shown] == sorted(plan.frames)
    for epoch, loss, acc in log:  # where a frame and the log meet, they agree
        if epoch in plan.frames:
            assert (f"{loss:.4f}", f"{acc:.3f}") in [(lo, ac) for e, lo, ac in shown
                                                     if int(e) == epoch]


def test_watch_through_a_pipe_draws_plain_frames_on_the_same_kind_of_schedule():
    result = run_script("nn_from_scratch.py", "--watch", "--epochs", "300", "--hidden", "3")
    assert result.returncode == 0 and result.stderr == ""
    assert "\x1b" not in result.stdout
    epochs = [int(e) for e in re.findall(r"^epoch (\d+) of 300  loss", result.stdout, re.M)]
    assert epochs == watch.frame_epochs(300, watch.PLAIN_FRAMES)
    assert maps_in(result.stdout) == len(epochs) and len(log_losses(result.stdout)) == 6
    assert sum(epoch < 30 for epoch in epochs) >= len(epochs) / 2  # the early epochs too


def test_watch_seconds_asks_for_the_animation_and_is_checked(capsys):
    assert companion_run.parse_args(["--watch-seconds", "12"]).watch
    assert companion_run.parse_args([]).watch_seconds == flags.SECONDS == 4.0
    for bad in ["-1", "nan", "1e9", "soon"]:
        with pytest.raises(SystemExit) as exit_:
            companion_run.parse_args(["--watch-seconds", bad])
        assert exit_.value.code == 2 and "--watch-seconds" in capsys.readouterr().err


def frames_drawn(screen):
    """The headers of the frames drawn in place, each after a move of the cursor up."""
    return re.findall(r"\x1b\[\d+F\x1b\[Kepoch \d+", screen)


BACKGROUND = {  # see conftest.py
    "watch": (run_in_terminal, "nn_from_scratch.py", "--watch"),
    "watch, short terminal": (lambda: run_in_terminal("nn_from_scratch.py", "--watch",
                                                      "--epochs", "300", lines=12),),
    "watch, 40 columns": (lambda: run_in_terminal("nn_from_scratch.py", "--watch-seconds",
                                                  "0.5", "--epochs", "300", columns=40),),
    "watch, 16 lines": (lambda: run_in_terminal("nn_from_scratch.py", "--watch-seconds",
                                                "0.5", "--epochs", "300", lines=16),),
    "watch, dumb": (lambda: run_in_terminal("nn_from_scratch.py", "--watch", "--epochs", "300",
                                            term="dumb"),),
    "watch, no TERM": (lambda: run_in_terminal("nn_from_scratch.py", "--watch", "--epochs",
                                               "300", term=None),),
}


def test_watch_on_a_terminal_animates_in_place(background):
    status, screen, _ = background("watch")
    assert status == 0
    assert len(frames_drawn(screen)) == len(watch.frame_epochs(2000, watch.FRAMES)) - 1
    assert screen.index("\x1b[?25l") < screen.rindex("\x1b[?25h")  # cursor hidden, then shown
    assert "final train accuracy: 0.998" in screen


def test_watch_in_a_40_column_terminal_shrinks_the_map_and_redraws_in_place(background):
    status, screen, _ = background("watch, 40 columns")
    assert status == 0 and len(frames_drawn(screen)) >= 20
    animation = screen[screen.index("\x1b[?25l"):screen.rindex("\x1b[?25h")]
    plain = re.sub(r"\x1b\[[\d;?]*[A-Za-z]", "", animation)
    assert max(len(line) for line in plain.splitlines()) <= 40  # so nothing wraps


def test_watch_in_a_16_line_terminal_shrinks_the_map_and_redraws_in_place(background):
    status, screen, _ = background("watch, 16 lines")
    assert status == 0 and len(frames_drawn(screen)) >= 20
    heights = [int(h) for h in re.findall(r"\x1b\[(\d+)F", screen)]
    assert max(heights) <= 15  # a frame, and the line the cursor waits on, fit in 16


def test_watch_on_a_terminal_too_short_for_any_map_says_so_and_draws_plain_frames(background):
    status, screen, _ = background("watch, short terminal")
    assert status == 0 and "\x1b" not in screen
    assert "--watch: a 80x12 terminal is too small to animate in" in screen
    assert maps_in(screen) == len(watch.frame_epochs(300, watch.PLAIN_FRAMES))


@pytest.mark.parametrize("term", ["dumb", "no TERM"])
def test_watch_writes_no_escape_codes_where_term_takes_none(background, term):
    status, screen, _ = background(f"watch, {term}")
    assert status == 0 and "\x1b" not in screen
    assert "takes no escape codes" in screen.splitlines()[1]
    assert maps_in(screen) == len(watch.frame_epochs(300, watch.PLAIN_FRAMES))


# ---- --gradcheck ----

def test_gradcheck_passes_before_and_after_training(capsys):
    status, out, _ = run_main(capsys, "--gradcheck", "--epochs", "300")
    assert status == 0
    verdicts = re.findall(r"^  (W1|b1|W2|b2) .* (right.*)$", out, re.M)
    assert len(verdicts) == 8


@pytest.mark.parametrize("activation", list(nn_from_scratch.ACTIVATIONS))
def test_gradcheck_function_passes_for_every_activation(activation):
    from companion import gradcheck
    X, y = make_xor_data()
    params = init_params()
    train(params, X, y, activation, epochs=100)
    checks = gradcheck.check_gradients(params, X, y, activation)
    assert all(gradcheck.gradient_verdict(c).startswith("right") for c in checks.values()), checks


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


def trained_figure(hidden=8, epochs=300):
    """A figure of a trained network, the network and its log; the tests only read it, so each
    kind is drawn once."""
    pytest.importorskip("matplotlib")
    return drawn_figure(hidden, epochs)


@functools.lru_cache(maxsize=None)
def drawn_figure(hidden, epochs):
    from companion import plot
    X, y = make_xor_data()
    params = init_params(hidden=hidden)
    start = {name: W.copy() for name, W in params.items()}
    curve = pictures.Curve(y, epochs)
    log = train(params, X, y, epochs=epochs, callback=curve.see)
    return plot.figure(start, params, X, y, "tanh", curve), params, log


def colour(rgba):
    """red, orange, blue, purple or other: what a reader calls a colour, by its hue."""
    import colorsys
    hue, _, saturation = colorsys.rgb_to_hls(*rgba[:3])
    degrees = hue * 360
    if saturation < 0.2:
        return "other"
    for name, lo, hi in [("red", 330, 375), ("red", -15, 15), ("orange", 15, 45),
                         ("blue", 190, 245), ("purple", 245, 320)]:
        if lo <= degrees < hi:
            return name
    return "other"


def colourbars(fig):
    """{the colour bar's label: the image it explains}."""
    return {image.colorbar.ax.get_ylabel(): image for ax in fig.axes
            for image in ax.get_images() if image.colorbar}


def test_each_legend_says_what_its_colours_are_and_the_colour_map_agrees():
    fig, params, _ = trained_figure()
    bars = colourbars(fig)
    assert set(bars) == {"P(class 1): red says class 1, blue class 0",
                         "a1: orange > 0, purple < 0"}
    regions_image = bars["P(class 1): red says class 1, blue class 0"]
    assert colour(regions_image.to_rgba(np.array([[0.9]]))[0, 0]) == "red"   # P near 1
    assert colour(regions_image.to_rgba(np.array([[0.1]]))[0, 0]) == "blue"  # P near 0
    units = [ax for ax in fig.axes if ax.get_title().startswith("unit ")]
    for ax in units:
        image = ax.get_images()[0]
        top = image.norm.vmax
        assert colour(image.to_rgba(np.array([[0.8 * top]]))[0, 0]) == "orange"
        assert colour(image.to_rgba(np.array([[-0.8 * top]]))[0, 0]) == "purple"


def test_a_units_map_is_orange_where_its_a1_is_positive():
    fig, params, _ = trained_figure()
    X, _ = make_xor_data()
    a1 = nn_from_scratch.forward(params, CENTRES_ARRAY)[1]  # a1 at the four centres
    for ax in [ax for ax in fig.axes if ax.get_title().startswith("unit ")]:
        unit = int(ax.get_title().split()[1].rstrip(",")) - 1
        image = ax.get_images()[0]
        data = image.get_array()
        x0, x1, y0, y1 = image.get_extent()
        for (cx, cy), value in zip(CENTRES_ARRAY, a1[:, unit]):
            row = int((y1 - cy) / (y1 - y0) * data.shape[0])  # top row first
            col = int((cx - x0) / (x1 - x0) * data.shape[1])
            drawn = colour(image.to_rgba(np.array([[data[row, col]]]))[0, 0])
            if abs(value) > 0.5 * image.norm.vmax:  # clearly on or off
                assert drawn == ("orange" if value > 0 else "purple"), (unit, value)


def test_the_unit_maps_mark_the_four_centres_with_their_classes():
    fig, _, _ = trained_figure()
    for ax in [ax for ax in fig.axes if ax.get_title().startswith("unit ")]:
        marks = {(t.get_position(), t.get_text()) for t in ax.texts}
        assert marks == {((-1.0, -1.0), "0"), ((1.0, 1.0), "0"), ((-1.0, 1.0), "1"),
                         ((1.0, -1.0), "1")}
        assert ax.get_xlabel() == "x1" and list(ax.get_xticks()) == [-1, 1]


def test_with_more_than_eight_units_it_draws_the_eight_with_the_largest_w2_and_says_so():
    fig, params, _ = trained_figure(hidden=16, epochs=50)
    drawn = sorted(int(ax.get_title().split()[1].rstrip(",")) - 1 for ax in fig.axes
                   if ax.get_title().startswith("unit "))
    largest = np.argsort(-np.abs(params["W2"][:, 0]))[:8]
    assert drawn == sorted(largest.tolist())
    assert "the 8 hidden units with the largest |w2| (of 16)" in fig._suptitle.get_text()


@pytest.mark.parametrize("hidden", [1, 2])
def test_one_or_two_units_keep_the_size_of_each_map(hidden):
    def widths(fig):
        fig.canvas.draw()
        return [ax.get_position().width for ax in fig.axes if ax.get_title().startswith("unit ")]

    few, eight = widths(trained_figure(hidden, 50)[0]), widths(trained_figure(8, 50)[0])
    assert len(few) == hidden and max(few) <= 1.5 * np.mean(eight)


def test_no_text_in_the_figure_says_minus_zero():
    pytest.importorskip("matplotlib")
    from matplotlib.text import Text

    from companion import plot
    X, y = make_xor_data()
    params = init_params()
    curve = pictures.Curve(y, 50)
    train(params, X, y, epochs=50, callback=curve.see)
    params["W2"][0, 0] = -1e-4  # one decimal, as --features writes w2, rounds it to 0.0
    fig = plot.figure(params, params, X, y, "tanh", curve)
    fig.canvas.draw()
    texts = [t.get_text() for t in fig.findobj(Text)]
    assert "unit 1, w2 = +0.0" in texts
    assert not [t for t in texts if re.search(r"-0(\.0*)?(?![.\d])", t)]
    assert plot.signed(-0.0) == "+0.0"


def test_the_training_panel_gives_the_first_epochs_room_and_ends_at_the_logs_losses():
    fig, _, log = trained_figure(epochs=2000)
    (ax,) = [ax for ax in fig.axes if ax.get_title() == "training"]
    assert ax.get_xscale() == "log" and "epoch + 1" in ax.get_xlabel()
    lo, hi = ax.get_xlim()
    share = np.log(0.1 * 2000 + 1) - np.log(lo)
    assert share / (np.log(hi) - np.log(lo)) >= 1 / 3
    line = ax.get_lines()[0]
    assert line.get_ydata()[0] == log[0][1] and line.get_ydata()[-1] == log[-1][1]
    assert line.get_xdata()[0] == 1 and line.get_xdata()[-1] == 2000


def test_axis_labels_use_the_chapters_words():
    fig, _, _ = trained_figure()
    labels = " ".join(ax.get_ylabel() + " " + ax.get_xlabel() for ax in fig.axes)
    assert "largest other spread" not in labels and "what the output unit reads" in labels


def test_plot_formats_follow_the_extension(tmp_path):
    pytest.importorskip("matplotlib")
    from companion import plot
    X, y = make_xor_data()
    params = init_params(hidden=2)
    start = {name: W.copy() for name, W in params.items()}
    curve = pictures.Curve(y, 20)
    train(params, X, y, epochs=20, callback=curve.see)
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
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    # the pip of the Python that ran it, and the project's requirements file (both absolute
    # here, since neither is below the working folder): the command on a line of its own,
    # whole however long, so that it can be copied
    pip = os.path.join(os.path.dirname(sys.executable), "pip")
    assert result.stderr.splitlines() == [
        "nn_from_scratch.py: --plot: no matplotlib; install it with",
        f"  {pip} install -r {ROOT / 'requirements-plot.txt'}"]


def test_plot_with_a_wrong_extension_is_a_bad_argument(capsys):
    with pytest.raises(SystemExit) as exit_:
        companion_run.main(["--plot", "figure.jpg"])
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
    frames = len(watch.frame_epochs(60, watch.PLAIN_FRAMES))
    assert len(log_losses(out)) == 6 and maps_in(out) == frames + 1 + 2  # watch, boundary, spaces


def test_the_default_run_imports_no_picture_check_or_plot_module():
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-X", "importtime", "nn_from_scratch.py"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
    assert {"companion.cli", "companion.flags"} <= imported
    assert not imported & {"companion.pictures", "companion.watch", "companion.gradcheck",
                           "companion.plot", "matplotlib"}
