"""Pictures that tell the whole truth on every set: a spot that many points share in the hidden
space is counted and drawn so that it is seen; the figure's marks stand out from the regions
behind them and mark the wrong points; the units' colour scale fits a1 >= 0; the colour bar
stands by its maps; the log axis is labelled plainly; w2 reads the same in the figure and in the
terminal; held-out test points have marks of their own; and the cluster centres are marked only
where there are any. The figure's tests read its matplotlib objects, and are skipped where
matplotlib is missing."""

import colorsys
import functools
import io
import re

import numpy as np
import pytest

from companion import pictures, watch
from companion.datasets import make_data, make_test_data
from nn_from_scratch import CENTRES, forward, init_params, make_xor_data, predict, train


@functools.lru_cache(maxsize=None)
def trained(activation="tanh", hidden=8, epochs=2000, data="xor"):
    """The start and trained weights, the data and the curve of one run (each kind once)."""
    X, y = make_xor_data() if data == "xor" else make_data(data)
    params = init_params(hidden=hidden)
    start = {name: W.copy() for name, W in params.items()}
    curve = pictures.Curve(y, epochs)
    train(params, X, y, activation, epochs=epochs, callback=curve.see)
    return start, params, X, y, curve


def dead(params, X, activation="relu"):
    """The points whose a1 is 0 in every unit."""
    return np.all(forward(params, X, activation)[1] == 0, axis=1)


# ---- the terminal's hidden space: a spot many points share ----

def test_relus_dead_points_are_counted_and_drawn_on_their_own_spot():
    _, params, X, y, _ = trained("relu")
    where = dead(params, X)
    assert where.sum() == 198  # measured: half the points, on one spot
    right = (predict(params, X, "relu")[:, 0] > 0.5) == (y[:, 0] == 1)
    picture = pictures.hidden_space_map(params, X, y, "relu", "after training")
    said = " ".join(picture.split("+--")[0].split())
    ones = int(y[where, 0].sum())
    assert (f"@: {where.sum()} points share this one spot at z2 = "
            f"{pictures.compact(float(params['b2'][0, 0]), 7)} (a1 = 0 in every unit): "
            f"{where.sum() - ones} of class 0, {ones} of class 1, "
            f"{(~right[where]).sum()} on the wrong side") in said
    # the @ stands where those points are: at z2 = b2, and v the same for all of them
    u, v = pictures.hidden_coordinates(params, X, "relu")
    lines = picture.splitlines()
    canvas = [line.split("|", 1)[1][:64] for line in lines if re.match(r"^ *\S* \|", line)]
    assert sum(row.count("@") for row in canvas) == 1
    lo = np.array([min(u.min(), 0), v.min()])
    hi = np.array([max(u.max(), 0), v.max()])
    row, col = pictures.cell_of(np.array([[u[where][0], v[where][0]]]), lo, hi, 64, 16)
    assert canvas[row[0]][col[0]] == "@"
    assert all(len(line) <= 80 for line in lines)


def test_a_spot_is_told_of_only_where_points_share_one():
    _, params, X, y, _ = trained("tanh")
    assert pictures.shared_spots(params, X) == []
    picture = pictures.hidden_space_map(params, X, y, "tanh", "after training")
    assert "@" not in picture.split("+--")[1] and "share this one spot" not in picture


def test_saturated_tanh_units_share_spots_too_and_are_said_to_have_the_same_a1():
    X, y = make_xor_data()
    params = init_params()
    params["W1"] *= 1e3  # every unit at +1 or -1: each cluster's points on a few spots
    spots = pictures.shared_spots(params, X)
    assert spots and all(not zero for _, zero in spots)
    assert sum(where.sum() for where, _ in spots) >= 0.5 * len(X)
    picture = pictures.hidden_space_map(params, X, y, "tanh", "saturated")
    assert "(the same a1 in every unit)" in " ".join(picture.split())
    assert "more shared spots" in picture or len(spots) <= pictures.SHARED_SHOWN


# ---- the terminal pictures: held-out points and cluster centres ----

def far_test_points(X):
    """Two held-out points well outside the training points' box, one of each class."""
    top = X.max(0) + 1.0
    return np.array([top, -top]), np.array([[0.0], [1.0]])


def test_boundary_map_without_test_points_is_as_it_was():
    _, params, X, y, _ = trained()
    assert (pictures.boundary_map(params, X, y)
            == pictures.boundary_map(params, X, y, test=None))
    assert pictures.TEST_MARKS not in pictures.boundary_map(params, X, y)


def test_boundary_map_marks_test_points_apart_and_its_axes_cover_them():
    _, params, X, y, _ = trained()
    test = far_test_points(X)
    picture = pictures.boundary_map(params, X, y, test=test)
    lines = picture.splitlines()
    assert lines[2] == pictures.TEST_MARKS
    right = (predict(params, test[0])[:, 0] > 0.5) == (test[1][:, 0] == 1)
    canvas = [line.split("|", 1)[1][:64] for line in lines if re.match(r"^ *\S* \|", line)]
    # the first test point is the top right corner, the second the bottom left
    assert canvas[0][-1] == ("c" if right[0] else "C")
    assert canvas[-1][0] == ("y" if right[1] else "Y")
    assert lines[3 + 1].startswith(f"{pictures.compact(test[0][0, 1], 5, 2):>5}")
    assert lines[-1].split() == [pictures.compact(test[0][1, 0], 6, 2),
                                 pictures.compact(test[0][0, 0], 6, 2)]


def test_the_hidden_space_reads_test_points_along_the_training_points_axes():
    _, params, X, y, _ = trained()
    Xt, yt = make_test_data(points=100)
    u, v, right, _, (tu, tv, test_right) = pictures.hidden_view(params, X, y, test=(Xt, yt))
    assert np.allclose(tu, forward(params, Xt)[2][:, 0])
    both = pictures.hidden_coordinates(params, X)[1], tv
    # the same direction and centre: v of a test point equal to a training point's is the same
    twin = pictures.hidden_view(params, X, y, test=(X[:5], y[:5]))[4][1]
    assert np.allclose(twin, both[0][:5])
    picture = pictures.hidden_space_map(params, X, y, title="after", test=(Xt, yt))
    said = " ".join(picture.split("+--")[0].split())
    assert (f"held-out: {test_right.sum()} of 100 test points ({test_right.mean():.3f}) on "
            "their class's side; c class 0, y class 1; C, Y: wrong side") in said
    assert all(len(line) <= 80 for line in picture.splitlines())


class Screen(io.StringIO):
    def isatty(self):
        return False


def test_watch_frames_draw_the_test_points_and_say_their_marks():
    _, params, X, y, _ = trained()
    test = far_test_points(X)
    stream = Screen()
    plan = watch.Watch(params, X, y, "tanh", 10, 4.0, stream=stream, size=(80, 30), test=test)
    plan.open()
    assert pictures.TEST_MARKS in " ".join(stream.getvalue().split())
    def canvas(plan):
        return "".join(line.split("|", 1)[1] for line in plan.frame(9, predict(params, X))[1:]
                       if re.match(r"^ *\S* \|", line))

    assert set(canvas(plan)) & set("cC") and set(canvas(plan)) & set("yY")
    plain = watch.Watch(params, X, y, "tanh", 10, 4.0, stream=Screen(), size=(80, 30))
    assert not set(canvas(plain)) & set("cCyY")


def test_feature_maps_mark_the_xor_centres_by_default_and_none_when_asked():
    _, params, X, _, _ = trained()
    marked = pictures.feature_maps(params, X)
    bare = pictures.feature_maps(params, X, centres=None)
    assert "0/1: the cluster centres" in marked and "cluster centres" not in bare

    def rows(text):  # the maps' rows, below the legend, without the titles
        return [line for line in text.splitlines()[2:] if line and "w2" not in line]

    assert sum(row.count("0") + row.count("1") for row in rows(marked)) == 8 * 4
    assert not [row for row in rows(bare) if set(row) - set("#. ")]


@pytest.mark.parametrize("data", ["spiral", "circles", "moons"])
def test_every_terminal_picture_works_on_the_other_data_sets(data):
    _, params, X, y, curve = trained(hidden=8, epochs=300, data=data)
    test = make_test_data(data, points=100)
    for picture in [pictures.boundary_map(params, X, y, test=test),
                    pictures.feature_maps(params, X, centres=None),
                    pictures.hidden_space_map(params, X, y, title="after", test=test),
                    curve.plot(), pictures.shapes_table(params, X, y)]:
        assert all(len(line) <= 80 for line in picture.splitlines())
    lo, hi = pictures.covering(X, test)
    edges = pictures.boundary_map(params, X, y, test=test).splitlines()[-1].split()
    assert edges == [pictures.compact(lo[0], 6, 2), pictures.compact(hi[0], 6, 2)]


# ---- the figure ----

def colour(rgba):
    """red, orange, blue, purple, yellow, or other (black, white, grey): a colour's name."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*rgba[:3])
    degrees = hue * 360
    if saturation < 0.2 or lightness < 0.1 or lightness > 0.95:
        return "other"
    for name, lo, hi in [("red", 330, 375), ("red", -15, 15), ("orange", 15, 45),
                         ("yellow", 45, 70), ("blue", 190, 245), ("purple", 245, 320)]:
        if lo <= degrees < hi:
            return name
    return "other"


# One figure at a time: the process's peak memory stays low (tests/test_memory.py's runs, started
# from this process meanwhile, would count it in their own peak).
@functools.lru_cache(maxsize=1)
def drawn(activation="tanh", hidden=8, data="xor", with_test=False, centres=True):
    from companion import plot
    start, params, X, y, curve = trained(activation, hidden, 2000 if data == "xor" else 300, data)
    test = make_test_data(data, points=100) if with_test else None
    fig = plot.figure(start, params, X, y, activation, curve, test,
                      pictures.XOR_CENTRES if centres else None)
    fig.canvas.draw()
    return fig, params, X, y, test


def figure_of(*args, **kwargs):
    pytest.importorskip("matplotlib")
    return drawn(*args, **kwargs)


def panel(fig, starts):
    (ax,) = [ax for ax in fig.axes if ax.get_title().startswith(starts)]
    return ax


def unit_axes(fig):
    return [ax for ax in fig.axes if ax.get_title().startswith("unit ")]


def collections(ax):
    """{label: the PathCollection drawn with it} of a panel's scatters."""
    from matplotlib.collections import PathCollection
    return {c.get_label(): c for c in ax.collections if isinstance(c, PathCollection)}


def region_colour_at(ax, points):
    """The colour of the decision regions under each point, as drawn (alpha over white)."""
    image = ax.get_images()[0]
    data = image.get_array()
    x0, x1, y0, y1 = image.get_extent()
    rows = ((y1 - points[:, 1]) / (y1 - y0) * data.shape[0]).astype(int).clip(0, data.shape[0] - 1)
    cols = ((points[:, 0] - x0) / (x1 - x0) * data.shape[1]).astype(int).clip(0, data.shape[1] - 1)
    rgba = image.to_rgba(np.asarray(data[rows, cols]))[:, :3]
    return image.get_alpha() * rgba + (1 - image.get_alpha())


def luminance(rgb):
    return np.asarray(rgb)[..., :3] @ [0.2126, 0.7152, 0.0722]


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_the_points_stand_out_from_the_region_behind_them(activation):
    fig, params, X, y, _ = figure_of(activation)
    ax = panel(fig, "decision regions")
    for name in ("class 0", "class 1"):
        points = collections(ax)[name]
        behind = region_colour_at(ax, points.get_offsets())
        mark = (points.get_edgecolor() if name == "class 0" else points.get_facecolor())[0]
        assert colour(mark) == "other"  # black: no region's hue
        assert np.all(np.abs(luminance(behind) - luminance(mark)) >= 0.3), name


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_the_wrongly_classified_points_are_marked_and_the_legend_says_how(activation):
    from companion import plot
    fig, params, X, y, _ = figure_of(activation)
    ax = panel(fig, "decision regions")
    wrong = (predict(params, X, activation)[:, 0] > 0.5) != (y[:, 0] == 1)
    discs = collections(ax)[plot.WRONG]
    assert sorted(map(tuple, discs.get_offsets())) == sorted(map(tuple, X[wrong]))
    assert colour(discs.get_facecolor()[0]) == "yellow"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1",
                                                                   plot.WRONG]
    # the hidden space marks the points on the wrong side of z2 = 0 the same way
    after = panel(fig, "hidden space, after")
    u, v, right, _ = pictures.hidden_view(params, X, y, activation)
    assert sorted(map(tuple, collections(after)[plot.WRONG].get_offsets())) == \
        sorted(zip(u[~right], v[~right]))


def test_relus_dead_points_get_a_ring_a_count_and_a_title_that_says_how_many():
    fig, params, X, y, _ = figure_of("relu")
    ax = panel(fig, "hidden space, after")
    where = dead(params, X)
    n, ones = int(where.sum()), int(y[where, 0].sum())
    u, v = pictures.hidden_coordinates(params, X, "relu")
    ring = collections(ax)[f"{n} points on one spot"]
    assert np.allclose(ring.get_offsets(), [[u[where][0], v[where][0]]])
    assert ring.get_sizes()[0] >= 100 and colour(ring.get_edgecolor()[0]) != "other"
    assert f"ring: {n} points on one spot\n(a1 = 0): {n - ones} class 0, {ones} class 1" \
        in ax.get_title()
    assert [t.get_text() for t in ax.texts] == [str(n)]
    tanh = panel(figure_of("tanh")[0], "hidden space, after")
    assert "ring" not in tanh.get_title() and not tanh.texts


def test_relus_unit_maps_use_the_whole_colour_scale_from_zero():
    from companion import plot
    fig, params, X, _, _ = figure_of("relu")
    bars = {image.colorbar.ax.get_ylabel(): image for ax in unit_axes(fig)
            for image in ax.get_images() if image.colorbar}
    assert list(bars) == [plot.UNITS_COLOURS_POSITIVE]
    cells, _ = plot.box(X, plot.UNIT_CELLS)
    a1 = forward(params, cells, "relu")[1][:, plot.shown_units(params)]
    for ax in unit_axes(fig):
        image = ax.get_images()[0]
        assert image.norm.vmin == 0 and image.norm.vmax == pytest.approx(a1.max())
        assert colour(image.to_rgba(np.array([[0.8 * a1.max()]]))[0, 0]) == "orange"
        assert luminance(image.to_rgba(np.array([[0.0]]))[0, 0]) > 0.9  # 0 is white
    lo, hi = next(iter(bars.values())).colorbar.ax.get_ylim()
    assert lo == 0 and hi == pytest.approx(a1.max())


def test_tanh_unit_maps_keep_the_scale_symmetric_about_zero():
    from companion import plot
    fig, _, _, _, _ = figure_of("tanh")
    for ax in unit_axes(fig):
        norm = ax.get_images()[0].norm
        assert norm.vmin == -norm.vmax
        assert ax.get_images()[0].colorbar is None or \
            ax.get_images()[0].colorbar.ax.get_ylabel() == plot.UNITS_COLOURS


@pytest.mark.parametrize("hidden", [1, 2, 8])
def test_the_colour_bar_stands_next_to_its_maps(hidden):
    fig = figure_of(hidden=hidden)[0]
    maps = sorted((ax.get_position() for ax in unit_axes(fig)), key=lambda box: box.x0)
    bar = [ax for ax in fig.axes if ax.get_ylabel().startswith("a1")][0].get_position()
    gap = bar.x0 - maps[-1].x1
    assert 0 <= gap <= 0.5 * maps[-1].width
    assert bar.y0 == pytest.approx(maps[-1].y0, abs=0.02)


@pytest.mark.parametrize("activation, hidden", [("tanh", 8), ("relu", 8), ("tanh", 2)])
def test_the_log_loss_axis_labels_only_its_major_ticks_in_plain_numbers(activation, hidden):
    fig = figure_of(activation, hidden)[0]
    ax = panel(fig, "training")
    assert not [t.get_text() for t in ax.yaxis.get_minorticklabels() if t.get_text()]
    lo, hi = ax.get_ylim()
    shown = [(t.get_position()[1], t.get_text()) for t in ax.yaxis.get_majorticklabels()
             if t.get_text() and lo <= t.get_position()[1] <= hi]
    assert 2 <= len(shown) <= 8
    for value, text in shown:
        assert re.fullmatch(r"\d+(\.\d+)?", text) and float(text) == pytest.approx(value)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_w2_reads_the_same_in_the_figure_and_in_the_terminal(activation):
    fig, params, X, _, _ = figure_of(activation)
    terminal = dict(re.findall(r"unit (\d+): w2 = (\S+)",
                               pictures.feature_maps(params, X, activation)))
    figure = dict(re.findall(r"unit (\d+), w2 = (\S+)",
                             " ".join(ax.get_title() for ax in unit_axes(fig))))
    assert figure and figure == {unit: terminal[unit] for unit in figure}
    from companion import plot
    for w2 in (0.85, -0.038, -1e-4, 2.25, -5.2, 2e6, -3e-9):
        assert plot.signed(w2) == pictures.w2_text(w2)


def test_the_figure_marks_test_points_apart_and_shows_test_accuracy_beside_train():
    from companion import plot
    fig, params, X, y, test = figure_of(with_test=True)
    ax = panel(fig, "decision regions")
    drawn_ = collections(ax)
    assert sorted(map(tuple, drawn_["class 0 (test)"].get_offsets())) == \
        sorted(map(tuple, test[0][test[1][:, 0] == 0]))
    assert len(drawn_["class 1 (test)"].get_offsets()) == int(test[1].sum())
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["class 0 (training)", "class 1 (training)", "class 0 (test)",
                      "class 1 (test)", plot.WRONG]
    train_acc = np.mean((predict(params, X) > 0.5) == y)
    test_acc = np.mean((predict(params, test[0]) > 0.5) == test[1])
    assert ax.get_title().endswith(f"train accuracy {train_acc:.3f}, test accuracy {test_acc:.3f}")
    # the regions cover the training and the test points
    x0, x1, y0, y1 = ax.get_images()[0].get_extent()
    both = np.vstack([X, test[0]])
    assert (x0, x1, y0, y1) == (both[:, 0].min(), both[:, 0].max(), both[:, 1].min(),
                                both[:, 1].max())
    star = [line for a in fig.axes for line in a.get_lines()
            if line.get_label().startswith("final test accuracy")]
    assert len(star) == 1 and star[0].get_ydata()[0] == test_acc
    assert star[0].get_label() == f"final test accuracy ({test_acc:.3f})"
    after = panel(fig, "hidden space, after")
    assert "class 0 (test)" in collections(after) and "test points: " in after.get_title()


def test_without_test_points_the_figure_has_no_test_marks():
    fig = figure_of()[0]
    labels = [label for ax in fig.axes for label in collections(ax)]
    assert not [label for label in labels if "test" in label]
    assert panel(fig, "decision regions").get_title().endswith("train accuracy 0.998")


def test_the_centres_are_marked_on_xor_and_left_out_when_none():
    fig = figure_of()[0]
    for ax in unit_axes(fig):
        assert {(t.get_position(), t.get_text()) for t in ax.texts} == {
            (tuple(c), str(label)) for c, label in zip(CENTRES, pictures.LABELS)}
    bare = figure_of(centres=False)[0]
    assert all(not ax.texts for ax in unit_axes(bare))
    assert "cluster centres" not in bare._suptitle.get_text()
    assert "cluster centres" in fig._suptitle.get_text()


@pytest.mark.parametrize("data", ["spiral", "circles", "moons"])
def test_the_figure_works_on_the_other_data_sets(data, tmp_path):
    from companion import plot
    fig, params, X, y, test = figure_of("tanh", 8, data, with_test=True, centres=False)
    both = np.vstack([X, test[0]])
    for ax in unit_axes(fig) + [panel(fig, "decision regions")]:
        x0, x1, y0, y1 = ax.get_images()[0].get_extent()
        assert (x0, x1, y0, y1) == (both[:, 0].min(), both[:, 0].max(), both[:, 1].min(),
                                    both[:, 1].max())
    for ax in unit_axes(fig):  # every tick within the map, and more than one
        x0, x1, y0, y1 = ax.get_images()[0].get_extent()
        ticks = [t for t in ax.get_xticks() if x0 <= t <= x1]
        assert len(ticks) >= 2 and not ax.texts
    start, _, _, _, curve = trained("tanh", 8, 300, data)
    plot.save_figure(str(tmp_path / "f.png"), start, params, X, y, "tanh", curve, test, None)
    assert (tmp_path / "f.png").read_bytes().startswith(b"\x89PNG")
