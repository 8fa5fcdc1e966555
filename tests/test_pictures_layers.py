"""The pictures of a deeper network and of K classes (companion/layers.py's params): each shows
what the network computes, the legends say which mark and which shade is which class, and the
chapter's two classes keep their own marks. The figure's tests read its matplotlib objects, and
are skipped where matplotlib is missing."""

import functools
import io
import re

import numpy as np
import pytest

from companion import layers, pictures, watch
from companion.cli import Refused
from companion.datasets import make_data, spiral3


@functools.lru_cache(maxsize=None)
def spiral_run(hidden=(8, 8), classes=3, epochs=300):
    """A network of `hidden` layers with `classes` outputs, trained a little on spiral3 (labels
    taken modulo `classes`): its start, its weights, the data, held-out points, the curve, the
    log."""
    X, y = spiral3(np.random.default_rng(0), 0.2, 300)
    Xt, yt = spiral3(np.random.default_rng(1), 0.2, 60)
    if classes != 3:  # more classes: the points' angle, cut into `classes` slices
        y, yt = (np.floor((np.arctan2(P[:, 1], P[:, 0]) + np.pi) / (2 * np.pi) * classes)
                 .clip(0, classes - 1).reshape(-1, 1) for P in (X, Xt))
    params = layers.init_params(layers.sizes(2, list(hidden), classes), "xavier", 0)
    start = {name: W.copy() for name, W in params.items()}
    curve = pictures.Curve(y, epochs)
    log = layers.train(params, X, y, "tanh", 0.5, epochs, callback=curve.see)
    return start, params, X, y, (Xt, yt), curve, log


def canvas_of(picture, cols=64):
    """The rows inside a picture's frame."""
    return [line.split("|", 1)[1][:cols] for line in picture.splitlines()
            if re.match(r"^ *\S* \|", line)]


def lone_cells(points, lo, hi, cols, rows):
    """{(row, col): point index} of the cells that hold one point only."""
    row, col = pictures.cell_of(points, lo, hi, cols, rows)
    cells = list(zip(row.tolist(), col.tolist()))
    return {cell: i for i, cell in enumerate(cells) if cells.count(cell) == 1}


# ---- --boundary and --watch ----

def test_the_regions_are_shaded_by_the_class_the_network_says():
    _, params, X, y, test, _, _ = spiral_run()
    picture = pictures.boundary_map(params, X, y, test=test)
    canvas = canvas_of(picture)
    lo, hi = pictures.covering(X, test)
    cells = pictures.grid(lo, hi, 64, 24)
    says = layers.predicted_class(layers.predict(params, cells)).reshape(24, 64)
    shades = 0
    for r, row in enumerate(canvas):
        for c, char in enumerate(row):
            if char in " .:":
                assert char == " .:"[says[r, c]], (r, c)
                shades += 1
    assert shades > 0.7 * 24 * 64 and len(set(says.ravel())) == 3


def test_each_point_is_its_classs_letter_in_capitals_where_the_network_is_wrong():
    _, params, X, y, test, _, _ = spiral_run()
    canvas = canvas_of(pictures.boundary_map(params, X, y, test=test))
    lo, hi = pictures.covering(X, test)
    both = np.vstack([X, test[0]])
    labels = np.concatenate([y[:, 0], test[1][:, 0]]).astype(int)
    said = layers.predicted_class(layers.predict(params, both))
    marks = ["abc"] * len(X) + ["pqr"] * len(test[0])
    lone = lone_cells(both, lo, hi, 64, 24)
    wrong = 0
    for (r, c), i in lone.items():
        mark = marks[i][labels[i]]
        assert canvas[r][c] == (mark if said[i] == labels[i] else mark.upper()), i
        wrong += said[i] != labels[i]
    assert len(lone) > 100 and wrong > 0


def test_the_legend_says_which_shade_and_which_letter_is_which_class():
    _, params, X, y, test, _, _ = spiral_run()
    lines = pictures.boundary_map(params, X, y, test=test).splitlines()[:3]
    assert lines == [
        "decision regions, shaded by the class the network says: blank=0, '.'=1, ':'=2;",
        "training points by class: a=0, b=1, c=2; capitals where it is wrong",
        "held-out points by class: p=0, q=1, r=2; capitals where it is wrong"]
    assert pictures.TEST_MARKS not in "\n".join(lines)  # the two classes' marks are theirs


def test_two_classes_at_any_depth_keep_the_chapters_marks_and_its_line_p_half():
    X, y = make_data("moons")
    params = layers.init_params(layers.sizes(2, [6, 5, 4], 2), "xavier", 0)
    layers.train(params, X, y, "tanh", 0.5, 200)
    picture = pictures.boundary_map(params, X, y)
    assert picture.splitlines()[:2] == [pictures.REGIONS_MARKS,
                                        "training " + pictures.POINTS_MARKS]
    lo, hi = pictures.covering(X)
    says_1 = layers.predict(params, pictures.grid(lo, hi, 64, 24))[:, 0].reshape(24, 64) > 0.5
    for r, row in enumerate(canvas_of(picture)):
        for c, char in enumerate(row):
            if char in " .":
                assert (char == ".") == says_1[r, c]
    assert set("".join(canvas_of(picture))) <= set(" .oxOX")


class Pipe(io.StringIO):
    def isatty(self):
        return False


def test_watch_says_the_k_class_legend_and_the_softmax_loss_in_each_frame():
    start, _, X, y, test, _, _ = spiral_run()
    params = {name: W.copy() for name, W in start.items()}
    plan = watch.Watch(params, X, y, "tanh", 30, 4.0, stream=Pipe(), size=(80, 30), test=test)
    plan.open()
    seen = []
    layers.train(params, X, y, "tanh", 0.5, 30,
                 callback=lambda epoch, p, row: (plan.see(epoch, p), seen.append(p)))
    text = plan.stream.getvalue()
    for line in pictures.key(3, test):
        assert line in text.replace("\n  ", " ")
    for epoch, loss, acc in re.findall(r"^epoch (\d+) of 30  loss (\S+)  train-acc (\S+)$",
                                       text, re.M):
        p = seen[int(epoch)]
        assert (loss, acc) == (f"{layers.loss(p, y):.4f}", f"{layers.accuracy(p, y):.3f}")
    assert set(text) & set("abc") and set(text) & set("pqr") and "o class 0" not in text


class Screen(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("classes", [3, 4, 10])
@pytest.mark.parametrize("hidden", [(8, 8), (3,), (4, 4, 4, 4, 4, 4, 4, 4)])
def test_every_terminal_picture_stays_within_80_columns(monkeypatch, classes, hidden):
    monkeypatch.setenv("TERM", "xterm")
    start, params, X, y, test, curve, _ = spiral_run(hidden, classes, 60)
    drawn = [pictures.boundary_map(params, X, y, test=test),
             pictures.feature_maps(params, X, centres=None),
             pictures.shapes_table(params, X, y), curve.plot(),
             *(pictures.hidden_space_map(w, X, y, "tanh", "after training", test=test)
               for w in (start, params))]
    for stream, width in ((Pipe(), 80), (Screen(), 80), (Screen(), 40)):
        plan = watch.Watch(params, X, y, "tanh", 60, 0.0, stream=stream, size=(width, 40),
                           clock=lambda: 0.0, sleep=lambda s: None, test=test)
        plan.open()
        for epoch in (0, 59):
            plan.see(epoch, layers.predict(params, X))
        plain = re.sub(r"\x1b\[[\d;?]*[A-Za-z]", "", stream.getvalue())
        assert plain.count("+---") >= 4  # two frames, drawn
        assert all(len(line) <= width for line in plain.splitlines())
    for picture in drawn:
        assert all(len(line) <= 80 for line in picture.splitlines())


def test_more_classes_than_marks_are_refused_in_one_line():
    params = layers.init_params(layers.sizes(2, [4], 11), "xavier", 0)
    X = np.zeros((3, 2))
    y = np.zeros((3, 1))
    for draw in (lambda: pictures.boundary_map(params, X, y),
                 lambda: pictures.hidden_space_map(params, X, y),
                 lambda: watch.Watch(params, X, y, "tanh", 10, 1.0, stream=Pipe(), size=(80, 30))):
        with pytest.raises(Refused) as refused:
            draw()
        assert str(refused.value) == "the pictures mark at most 10 classes; this network has 11"
    assert pictures.check_marks(10) == 10  # ten have marks, as many as a label can name
    assert layers.MOST_CLASSES == 10 and len(set(pictures.SHADES)) == 10
    from companion import plot
    marks = [*pictures.LETTERS.values(), plot.CLASS_MARKERS]
    assert all(len(set(m)) == 10 for m in marks) and not set(marks[0]) & set(marks[1])


# ---- --curve ----

def test_the_curve_keeps_the_softmax_loss_and_accuracy_the_log_measures():
    _, _, _, _, _, curve, log = spiral_run()
    for epoch, loss, acc in log:
        assert curve.loss[epoch] == loss and curve.acc[epoch] == acc
    assert curve.acc[0] < 0.6 and curve.loss[-1] < curve.loss[0]


# ---- --features ----

def test_the_unit_maps_are_the_first_hidden_layer_and_claim_no_single_vote():
    _, params, X, y, _, _, _ = spiral_run()
    text = pictures.feature_maps(params, X, centres=None)
    assert "the first of 2 hidden layers" in " ".join(text.split()) and "w2" not in text
    blocks = text.split("\n\n")[1:]
    titles = [t for block in blocks for t in block.splitlines()[0].split()]
    assert " ".join(titles) == " ".join(f"unit {k}" for k in range(1, 9))
    lo, hi = X.min(0), X.max(0)
    on = layers.forward(params, pictures.grid(lo, hi, 17, 8))[0][1] > 0
    first = [row.split("   ")[0] for row in blocks[0].splitlines()[1:]]  # unit 1's map
    assert first == ["".join("#" if o else "." for o in on[r * 17:(r + 1) * 17, 0])
                     for r in range(8)]
    one_layer = spiral_run((8,))[1]
    said = " ".join(pictures.feature_maps(one_layer, X, centres=None).split())
    assert "a unit votes for each of the 3 classes (its row of W2)" in said and "w2" not in said


# ---- --hidden-space ----

def test_the_plane_is_the_logits_as_the_softmax_reads_them():
    _, params, X, y, _, _, _ = spiral_run()
    u, v = pictures.hidden_coordinates(params, X)
    z = layers.forward(params, X)[0][-1]
    centred = z - z.mean(1, keepdims=True)  # the softmax reads z only up to a constant
    apart = np.linalg.norm(centred[:, None] - centred[None], axis=2)
    plane = np.column_stack([u, v])
    assert np.allclose(np.linalg.norm(plane[:, None] - plane[None], axis=2), apart)
    # and the plane's regions are the network's classes, at every point
    says = pictures.softmax_plane(params, X)[1]
    assert np.array_equal(says(u, v), layers.predicted_class(layers.predict(params, X)))


def test_the_hidden_space_shades_the_softmaxs_regions_and_counts_the_points_in_them():
    _, params, X, y, test, _, _ = spiral_run()
    picture = pictures.hidden_space_map(params, X, y, "tanh", "after training", test=test)
    right = layers.predicted_class(layers.predict(params, X)) == y[:, 0]
    said = " ".join(picture.split("+--")[0].split())
    assert (f"hidden space after training: {right.sum()} of {len(X)} points ({right.mean():.3f})"
            " in their class's region; points by class: a=0, b=1, c=2") in said
    assert "shaded by the class it says there: blank=0, '.'=1, ':'=2" in said
    u, v, _, _, (tu, tv, _) = pictures.hidden_view(params, X, y, test=test)
    all_u, all_v = np.concatenate([u, tu]), np.concatenate([v, tv])
    lo = np.array([min(all_u.min(), 0.0), all_v.min()])
    hi = np.array([max(all_u.max(), 0.0), all_v.max()])
    says = pictures.softmax_plane(params, X)[1](*pictures.grid(lo, hi, 64, 16).T).reshape(16, 64)
    canvas = canvas_of(picture)
    shaded = [(r, c) for r in range(16) for c in range(64) if canvas[r][c] in " .:"]
    assert len(shaded) > 500 and all(canvas[r][c] == " .:"[says[r, c]] for r, c in shaded)
    lone = lone_cells(np.column_stack([all_u, all_v]), lo, hi, 64, 16)
    labels = np.concatenate([y[:, 0], test[1][:, 0]]).astype(int)
    rights = np.concatenate([right, pictures.is_right(params, *test, "tanh")])
    for (r, c), i in lone.items():
        mark = ("abc" if i < len(X) else "pqr")[labels[i]]
        assert canvas[r][c] == (mark if rights[i] else mark.upper())


def test_with_more_than_three_classes_the_plane_is_not_shaded_and_says_why():
    _, params, X, y, _, _, _ = spiral_run(classes=5)
    picture = pictures.hidden_space_map(params, X, y, "tanh", "after")
    assert pictures.softmax_plane(params, X)[1] is None
    assert "2 of the 4 it reads; not shaded, as the regions need all 4" in " ".join(
        picture.split())
    assert set("".join(canvas_of(picture))) <= set(" abcdeABCDE@")


def test_test_points_are_read_along_the_training_points_axes():
    _, params, X, y, _, _, _ = spiral_run()
    u, v, _, _, (tu, tv, _) = pictures.hidden_view(params, X, y, test=(X[:7], y[:7]))
    assert np.allclose(tu, u[:7]) and np.allclose(tv, v[:7])


def test_two_classes_at_any_depth_read_the_last_layer_as_the_output_unit_does():
    X, y = make_data("moons")
    params = layers.init_params(layers.sizes(2, [6, 5], 2), "xavier", 0)
    layers.train(params, X, y, "tanh", 0.5, 200)
    u, v = pictures.hidden_coordinates(params, X)
    z, a, _ = layers.forward(params, X)
    assert np.allclose(u, z[3][:, 0])
    direction = np.linalg.lstsq(a[2] - a[2].mean(0), v, rcond=None)[0]
    assert np.allclose((a[2] - a[2].mean(0)) @ direction, v)
    assert abs(direction @ params["W3"][:, 0]) < 1e-9
    head = pictures.hidden_space_map(params, X, y, "tanh", "after").splitlines()[:3]
    assert head[1].startswith("of z3 = 0 ('|'), the output's boundary")
    assert head[2] == ("across: z3 = a2 @ W3 + b3, the output's input; up: a2's largest other "
                       "spread")


def test_a_spot_that_many_points_share_is_told_of_by_class():
    _, params, X, y, _, _, _ = spiral_run()
    params = {name: W.copy() for name, W in params.items()}
    params["W2"] *= 1e3  # the second layer saturates: the points fall on a few spots
    spots = pictures.shared_spots(params, X)
    assert spots
    where = spots[0][0]
    counts = np.bincount(y[where, 0].astype(int), minlength=3)
    said = " ".join(pictures.hidden_space_map(params, X, y, "tanh", "saturated").split())
    listed = ", ".join(f"{n} of class {k}" for k, n in enumerate(counts) if n)
    assert "points share this one spot at (" in said
    assert f"(the same a2 in every unit): {listed}, " in said


# ---- --shapes ----

def test_the_shapes_list_every_layer_forward_and_back_with_their_true_shapes():
    _, params, X, y, _, _, _ = spiral_run()
    table = pictures.shapes_table(params, X, y)
    lines = table.splitlines()
    assert lines[0] == ("shapes for m = 300 points, n_in = 2 inputs, h1 = 8, h2 = 8 units, "
                        "K = 3 classes")
    rows = [line.split(None, 1) for line in lines[2:]]
    names = [name for name, _ in rows]
    assert names == ["X", "y", "W1", "b1", "W2", "b2", "W3", "b3", "z1", "a1", "z2", "a2", "z3",
                     "p", "dz3", "dW3", "db3", "da2", "dz2", "dW2", "db2", "da1", "dz1", "dW1",
                     "db1"]
    z, a, p = layers.forward(params, X)
    grads = layers.backward(params, X, y, z, a, p)
    true = {"X": X, "y": y, **params, "p": p, **{f"z{l}": z[l] for l in (1, 2, 3)},
            **{f"a{l}": a[l] for l in (1, 2)}, **{f"dW{l}": grads[f"W{l}"] for l in (1, 2, 3)},
            **{f"db{l}": grads[f"b{l}"] for l in (1, 2, 3)}}
    symbols = {"W1": "(n_in, h1)", "W2": "(h1, h2)", "W3": "(h2, K)", "p": "(m, K)",
               "z3": "(m, K)", "a2": "(m, h2)", "b3": "(1, K)"}
    for name, rest in rows:
        shape = true.get(name, true.get(name[1:]))  # dz, da: the shape of z, a
        assert rest.startswith(str(shape.shape)), name
        if name in symbols:
            assert rest.endswith(symbols[name]), name


def test_the_chapters_shapes_keep_the_chapters_symbols():
    from nn_from_scratch import init_params, make_xor_data
    X, y = make_xor_data()
    table = pictures.shapes_table(init_params(), X, y).splitlines()
    assert table[0] == "shapes for m = 400 points, n_in = 2 inputs, hidden = 8 units"
    assert [line.split()[0] for line in table[2:]][-7:] == ["dz2", "dW2", "db2", "da1", "dz1",
                                                            "dW1", "db1"]
    for line in table[2:]:
        name = line.split()[0]
        assert line.endswith(pictures.SHAPE_NAMES[name[1:] if name.startswith("d") else name])


# ---- --plot ----

@functools.lru_cache(maxsize=1)
def spiral_figure():
    pytest.importorskip("matplotlib")
    from companion import plot
    start, params, X, y, test, curve, _ = spiral_run()
    fig = plot.figure(start, params, X, y, "tanh", curve, test, None)
    fig.canvas.draw()
    return fig, params, X, y, test


def panel(fig, starts):
    (ax,) = [ax for ax in fig.axes if ax.get_title().startswith(starts)]
    return ax


def collections(ax):
    from matplotlib.collections import PathCollection
    return {c.get_label(): c for c in ax.collections if isinstance(c, PathCollection)}


def test_the_figures_legend_names_each_class_with_its_regions_colour_and_its_mark():
    from matplotlib.colors import to_rgb

    from companion import plot
    fig, params, X, y, test = spiral_figure()
    ax = panel(fig, "decision regions")
    legend = ax.get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts == [f"class {k} ({kind})" for kind in ("training", "test") for k in range(3)] \
        + [plot.WRONG]
    image = ax.get_images()[0]
    said = layers.predicted_class(layers.predict(params, X))
    x0, x1, y0, y1 = image.get_extent()
    data = image.get_array()
    rows = ((y1 - X[:, 1]) / (y1 - y0) * data.shape[0]).astype(int).clip(0, data.shape[0] - 1)
    cols = ((X[:, 0] - x0) / (x1 - x0) * data.shape[1]).astype(int).clip(0, data.shape[1] - 1)
    drawn = collections(ax)
    markers = set()
    for k in range(3):
        patch = legend.legend_handles[k]
        colour = to_rgb(patch.get_facecolor())
        assert colour == to_rgb(image.to_rgba(np.array([[k]]))[0, 0])  # the legend's is the map's
        under = image.to_rgba(data[rows, cols])[:, :3][said == k]  # where it says class k
        # (a point near a boundary may lie in a cell whose centre is across it)
        assert np.mean(np.all(np.isclose(under, colour), axis=1)) > 0.95
        points = drawn[f"class {k} (training)"]
        assert sorted(map(tuple, points.get_offsets())) == sorted(map(tuple, X[y[:, 0] == k]))
        markers.add(points.get_paths()[0].vertices.tobytes())
    assert len(markers) == 3  # a shape per class
    wrong = said != y[:, 0]
    assert sorted(map(tuple, drawn[plot.WRONG].get_offsets())) == sorted(map(tuple, X[wrong]))
    assert not [a for a in fig.axes if a.get_ylabel().startswith("P(class 1)")]


def test_the_figure_names_the_layers_and_draws_the_first_hidden_layers_units():
    fig, params, X, _, _ = spiral_figure()
    assert fig._suptitle.get_text().startswith("2-8-8-3 network, tanh hidden layers, after 300")
    assert "each unit of the first of 2 hidden layers" in fig._suptitle.get_text()
    units = [ax.get_title() for ax in fig.axes if ax.get_title().startswith("unit ")]
    assert units == [f"unit {k}" for k in range(1, 9)]


def test_the_figures_hidden_space_is_the_softmaxs_plane_with_its_regions():
    from companion import plot
    fig, params, X, y, test = spiral_figure()
    after = panel(fig, "hidden space, after")
    u, v, right, _, (tu, tv, test_right) = pictures.hidden_view(params, X, y, test=test)
    drawn = collections(after)
    for k in range(3):
        assert sorted(map(tuple, drawn[f"class {k} (training)"].get_offsets())) == \
            sorted(zip(u[y[:, 0] == k], v[y[:, 0] == k]))
    assert sorted(map(tuple, drawn[plot.WRONG].get_offsets())) == sorted(zip(u[~right],
                                                                             v[~right]))
    assert f"{right.mean():.3f} in their class's region" in after.get_title()
    image = after.get_images()[0]
    x0, x1, y0, y1 = image.get_extent()
    data = image.get_array()
    says = pictures.softmax_plane(params, X)[1]
    for r, c in [(5, 7), (50, 50), (90, 20)]:  # a cell's colour is the class said at its centre
        cu = x0 + (c + 0.5) * (x1 - x0) / data.shape[1]
        cv = y1 - (r + 0.5) * (y1 - y0) / data.shape[0]
        assert data[r, c] == says(np.array([cu]), np.array([cv]))[0]
