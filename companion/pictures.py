"""Terminal pictures of the network, in plain text within 80 columns.

    --boundary      the decision regions, with the training points
    --features      where each unit of the first hidden layer is on: the features it made
    --shapes        every quantity of one forward and backward pass, with its shape
    --curve         the loss (log scale) and the accuracy at every epoch
    --hidden-space  the points as the output sees them: "bending the input space until the
                    classes became separable", before and after training

(--watch, the decision regions redrawn as training goes, is in watch.py.)

Each picture is a function of the network's parameters and data that returns text, so the tests
can read it; nothing here trains. Any depth (W1, b1, ..., WL, bL: companion/layers.py) and any
number of classes up to 10: with the chapter's two, points are drawn o (class 0) and x (class 1),
in capitals where the network gets them wrong; held-out test points, where a picture is given
them (test=(X_test, y_test)), c (class 0) and y (class 1), C and Y where it gets them wrong. With
K > 2 classes, the letters a, b, c, ... (test points p, q, r, ...) mark classes 0, 1, 2, ...,
capitals again where it is wrong. The axes cover both.
"""

import numpy as np

from companion import layers
from companion.cli import Refused, wrap
from nn_from_scratch import CENTRES, LABELS


# ---- a character canvas ----

def grid(lo, hi, cols, rows):
    """The centres of a rows x cols grid of cells over the box lo..hi, top row (largest x2) first."""
    x1 = lo[0] + (np.arange(cols) + 0.5) * (hi[0] - lo[0]) / cols
    x2 = hi[1] - (np.arange(rows) + 0.5) * (hi[1] - lo[1]) / rows
    g1, g2 = np.meshgrid(x1, x2)
    return np.column_stack([g1.ravel(), g2.ravel()])  # (rows*cols, 2)


def cell_of(points, lo, hi, cols, rows):
    """The (row, column) of the grid cell that each point falls in."""
    col = ((points[:, 0] - lo[0]) / (hi[0] - lo[0]) * cols).astype(int).clip(0, cols - 1)
    row = ((hi[1] - points[:, 1]) / (hi[1] - lo[1]) * rows).astype(int).clip(0, rows - 1)
    return row, col


def framed(canvas, lo, hi):
    """Lines of a character canvas in a box, with the x and y ranges written on its edges."""
    cols = canvas.shape[1]
    top, bottom = compact(hi[1], 5, 2), compact(lo[1], 5, 2)
    left, right = compact(lo[0], 6, 2), compact(hi[0], 6, 2)
    width = max(5, len(top), len(bottom))  # 5, unless a value needs more
    edge = " " * (width + 1) + "+" + "-" * cols + "+"
    lines = [edge]
    for i, row in enumerate(canvas):
        label = top if i == 0 else bottom if i == len(canvas) - 1 else ""
        lines.append(f"{label:>{width}} |" + "".join(row) + "|")
    lines.append(edge)
    lines.append(" " * (width + 2) + f"{left:<6}" + f"{right:>{cols - 6}}")
    return lines


def draw_points(canvas, points, y, right, lo, hi, marks="ox"):
    """Mark each point on the canvas with its class's mark, marks[k] for class k (o class 0,
    x class 1); in capitals where `right` is False. The mistakes are drawn last, so that
    nothing hides them."""
    rows, cols = canvas.shape
    drawn = np.array(list(marks))[y[:, 0].astype(int)]
    drawn = np.where(right, drawn, np.char.upper(drawn))
    order = np.argsort(~right, kind="stable")
    row, col = cell_of(points[order], lo, hi, cols, rows)
    canvas[row, col] = drawn[order]
    return canvas


POINTS_MARKS = "points: o class 0, x class 1; O and X are the ones it gets wrong"
TEST_MARKS = "held-out test points: c class 0, y class 1; C and Y are the ones it gets wrong"
REGIONS_MARKS = "decision regions: '.' where the network says class 1, blank for class 0;"


# ---- the classes: one mark and one shade each, in every picture ----

MOST_CLASSES = layers.MOST_CLASSES  # the classes the pictures have marks for: labels 0 to 9
SHADES = " .:-+~*^\"'"  # the decision regions of class 0, 1, 2, ...: faint, unlike any mark
LETTERS = {"training": "abcdefghij", "test": "pqrstuvwxy"}  # points of class 0, 1, ... (K > 2)
TWO_LETTERS = {"training": "ox", "test": "cy"}  # the chapter's two classes


def classes(params):
    """How many classes the network tells apart: 2 for the chapter's one sigmoid unit, K for K
    softmax units."""
    outputs = params[f"W{layers.depth(params)}"].shape[1]
    return 2 if outputs == 1 else outputs


def check_marks(K):
    """K, or Refused, in one line, for more classes than the pictures have marks for. The
    command line never gets here with more (csvdata refuses a label over MOST_CLASSES - 1):
    this guards a network built in Python, with more outputs, drawn by these functions."""
    if K > MOST_CLASSES:
        raise Refused(f"the pictures mark at most {MOST_CLASSES} classes; this network has {K}")
    return K


def point_marks(K, kind="training"):
    """The letters of the classes' points, class 0's first: o x (c y for test points), or
    a b c ... (p q r ...) for K > 2 classes."""
    return (TWO_LETTERS if K == 2 else LETTERS)[kind][:check_marks(K)]


def shades(K):
    """The decision regions' characters, class 0's first: blank, '.', ':', ..."""
    return np.array(list(SHADES[:check_marks(K)]))


def named(marks):
    """a=0, b=1, c=2: which mark is which class (no space inside, so no line breaks there)."""
    return ", ".join(f"{mark}={k}" for k, mark in enumerate(marks))


def shading_text(K):
    """blank=0, '.'=1, ':'=2: which shade is which class."""
    return ", ".join(("blank" if shade == " " else repr(shade)) + f"={k}"
                     for k, shade in enumerate(SHADES[:K]))


def class_counts(labels, K):
    """[(class, how many)] of labels: both classes for two, those present for K > 2 (ten
    classes' zeros would only crowd the line)."""
    counts = np.bincount(labels.astype(int), minlength=K)
    return [(k, int(n)) for k, n in enumerate(counts) if K == 2 or n]


def covering(X, test=None):
    """The box lo..hi that a picture's axes span: the training points' and the test points'."""
    both = X if test is None else np.vstack([X, test[0]])
    return both.min(0), both.max(0)


def draw_all(canvas, X, y, right, lo, hi, test=None, test_right=None, K=2):
    """The training points, then the test points (mistakes last in each) with their own marks."""
    draw_points(canvas, X, y, right, lo, hi, point_marks(K))
    if test is not None:
        draw_points(canvas, test[0], test[1], test_right, lo, hi, point_marks(K, "test"))
    return canvas


def legend_lines(test=None, K=2):
    """The points' lines of a legend: the training marks, and the test marks if there are any."""
    if K == 2:
        return ["training " + POINTS_MARKS] + ([] if test is None else [TEST_MARKS])
    kinds = [("training", "training")] + ([] if test is None else [("test", "held-out")])
    return [f"{said} points by class: {named(point_marks(K, kind))}; capitals where it is wrong"
            for kind, said in kinds]


def key(K=2, test=None):
    """The decision regions' legend, a line each (to be wrapped): the shading, the training
    points' marks, the test points' if any."""
    regions = REGIONS_MARKS if K == 2 else ("decision regions, shaded by the class the network "
                                            f"says: {shading_text(K)};")
    return [regions] + legend_lines(test, K)


def is_right(params, X, y, activation):
    """Whether the network says each point's own class: P(class 1) on its side of 0.5 for the
    sigmoid unit, its class the most probable for a softmax."""
    return layers.predicted_class(layers.predict(params, X, activation)) == y[:, 0]


# ---- the decision regions, the hidden units, the shapes ----

def boundary_map(params, X, y, activation="tanh", cols=64, rows=24, legend=True, test=None):
    """An ASCII map of the class the network says, with the training points drawn on it, and
    the held-out points test = (X_test, y_test) if given."""
    K = classes(params)
    lo, hi = covering(X, test)
    says = layers.predicted_class(layers.predict(params, grid(lo, hi, cols, rows), activation))
    test_right = None if test is None else is_right(params, *test, activation)
    canvas = draw_all(shades(K)[says].reshape(rows, cols), X, y,
                      is_right(params, X, y, activation), lo, hi, test, test_right, K)
    head = [wrap(line) for line in key(K, test)] if legend else []
    return "\n".join(head + framed(canvas, lo, hi))


XOR_CENTRES = (CENTRES, LABELS)  # the chapter's cluster centres and their classes


def votes(params):
    """Each first-layer unit's vote for class 1, its w2, where it has one: in the chapter's
    network (one hidden layer, one output unit); else None. Deeper, a unit votes through the
    layers after it, and with K classes it has K votes (its row of W2): no one number."""
    return params["W2"][:, 0] if layers.depth(params) == 2 and classes(params) == 2 else None


def no_vote(params):
    """Why a unit's map has no w2 in its title."""
    L = layers.depth(params)
    if L > 2:
        return f"the first of {L - 1} hidden layers, whose units vote through the layers after it"
    return f"a unit votes for each of the {classes(params)} classes (its row of W2)"


def feature_maps(params, X, activation="tanh", cols=17, rows=8, per_row=4, centres=XOR_CENTRES):
    """A small map per unit of the first hidden layer of where it is on (z1 > 0) or off: the
    features the network made from the inputs, at any depth. centres = (points, labels) are
    marked by their class, the XOR clusters' by default; None marks none (a data set without
    cluster centres)."""
    lo, hi = X.min(0), X.max(0)
    on = layers.forward(params, grid(lo, hi, cols, rows), activation)[0][1] > 0  # (cells, units)
    w2 = votes(params)
    maps = []
    for unit in range(on.shape[1]):
        canvas = np.where(on[:, unit].reshape(rows, cols), "#", ".")
        if centres is not None:
            row, col = cell_of(centres[0], lo, hi, cols, rows)
            canvas[row, col] = np.asarray(centres[1]).astype(int).astype(str)
        title = unit_title(unit, None if w2 is None else w2[unit], cols)
        maps.append([f"{title:<{cols}}"] + ["".join(r) for r in canvas])
    said = "w2 is the unit's vote for class 1" if w2 is not None else no_vote(params)
    centred = "0/1: the cluster centres and their class; " if centres is not None else ""
    lines = ["hidden units: '#' where the unit is on (z1 > 0), '.' where it is off;",
             *wrap(centred + said, indent="").split("\n")]
    for first in range(0, len(maps), per_row):
        lines.append("")
        lines += ["   ".join(parts) for parts in zip(*maps[first:first + per_row])]
    return "\n".join(lines)


def w2_text(w2):
    """-5.2, +0.8, +1e6: a unit's w2 as every picture writes it, the terminal's and the
    figure's alike: one decimal and a sign (never -0.0), as a power of ten past 5 characters."""
    w = f"{round(float(w2), 1) + 0.0:+.1f}"  # + 0.0: no -0.0
    if len(w) > 5:
        w = ("+" if w2 > 0 else "") + compact(float(w2), 4, 1)
    return w


def unit_title(unit, w2, cols):
    """unit 3: w2 = -5.2, as short as it must be to fit in cols: unit 12: w2=+1e6. Without a
    vote (w2 None): unit 3."""
    if w2 is None:
        titles = (f"unit {unit + 1}", f"{unit + 1}")
    else:
        w = w2_text(w2)
        titles = (f"unit {unit + 1}: w2 = {w}", f"unit {unit + 1}: w2={w}", f"{unit + 1}: w2={w}")
    for title in titles:
        if len(title) <= cols:
            return title
    return title[:cols]


SHAPE_NAMES = {  # the chapter's shape notes, in its symbols
    "X": "(m, n_in)", "y": "(m, 1)", "W1": "(n_in, hidden)", "b1": "(1, hidden)",
    "W2": "(hidden, 1)", "b2": "(1, 1)", "z1": "(m, hidden)", "a1": "(m, hidden)",
    "z2": "(m, 1)", "p": "(m, 1)",
}


def shape_names(params):
    """Each quantity's shape in symbols, SHAPE_NAMES for the chapter's network: a layer's width
    is n_in, hidden (h1, h2, ... with more than one hidden layer), and 1 or K at the output."""
    L = layers.depth(params)

    def width(l):
        if l == 0:
            return "n_in"
        if l < L:
            return "hidden" if L == 2 else f"h{l}"
        return "1" if classes(params) == 2 else "K"

    names = {"X": "(m, n_in)", "y": "(m, 1)", "p": f"(m, {width(L)})"}
    for l in range(1, L + 1):
        names |= {f"W{l}": f"({width(l - 1)}, {width(l)})", f"b{l}": f"(1, {width(l)})",
                  f"z{l}": f"(m, {width(l)})", f"a{l}": f"(m, {width(l)})"}
    return names


def shapes_table(params, X, y, activation="tanh"):
    """The name and shape of every quantity of one forward and backward pass, in the chapter's
    order, a layer at a time: forward from z1, back from the output's dz."""
    z, a, p = layers.forward(params, X, activation)
    grads = layers.backward(params, X, y, z, a, p, activation)
    L, symbols = layers.depth(params), shape_names(params)
    arrays = {"X": X, "y": y, **params}
    for l in range(1, L):
        arrays |= {f"z{l}": z[l], f"a{l}": a[l]}
    arrays |= {f"z{L}": z[L], "p": p}
    rows = [(name, arrays[name].shape, symbols[name]) for name in arrays]
    for l in range(L, 0, -1):  # back from the output; dW, db as backward() returns them
        rows += [(f"da{l}", a[l].shape, symbols[f"a{l}"])] if l < L else []
        rows += [(f"dz{l}", z[l].shape, symbols[f"z{l}"]),
                 (f"dW{l}", grads[f"W{l}"].shape, symbols[f"W{l}"]),
                 (f"db{l}", grads[f"b{l}"].shape, symbols[f"b{l}"])]
    m, n_in = X.shape
    hidden = [a[l].shape[1] for l in range(1, L)]
    widths = (f"hidden = {hidden[0]} units" if L == 2 else
              ", ".join(f"h{l} = {n}" for l, n in enumerate(hidden, 1)) + " units")
    K = classes(params)
    lines = wrap(f"shapes for m = {m} points, n_in = {n_in} inputs, {widths}"
                 + ("" if K == 2 else f", K = {K} classes"), indent="").split("\n")
    lines.append("(rows are examples; dQ has the shape of Q):")
    lines += [f"  {name:<4} {str(shape):<10} {symbols}" for name, shape, symbols in rows]
    return "\n".join(lines)


# ---- the loss curve ----

class Curve:
    """--curve: the loss and accuracy of every epoch's forward pass, as the log measures them,
    kept only when asked for (the default run computes the loss on the logged epochs alone)."""

    def __init__(self, y, epochs):
        self.y = y
        self.loss = np.full(epochs, np.nan)
        self.acc = np.full(epochs, np.nan)
        self.epochs = 0  # how many have been seen: fewer than asked if training stopped

    def see(self, epoch, p, row=None):
        self.loss[epoch] = layers.loss(p, self.y)  # the chapter's for one unit; K: softmax's
        self.acc[epoch] = layers.accuracy(p, self.y)
        self.epochs = epoch + 1

    def plot(self, cols=60, loss_rows=12, acc_rows=6):
        """The loss on a log scale above the accuracy, against epoch + 1 on a log scale too, so
        that the first epochs, where the network changes most, are not squeezed into the first
        columns. Each column shows the epoch nearest its place on that scale: the first column
        epoch 0, the last the last epoch."""
        n = self.epochs
        cols = min(cols, n)
        at = log_columns(n, cols)  # the epoch each column shows
        loss, acc = self.loss[at], self.acc[at]
        head = (f"loss (*, log scale) and train accuracy (+) at every epoch of {n}, across a "
                f"log scale of epoch+1: the loss is {self.loss[0]:.4f} at epoch 0 and "
                f"{self.loss[n - 1]:.4f} at epoch {n - 1}")
        lines = wrap(head, indent="").split("\n")
        floored, any_at_zero = above_zero(loss)
        lines += panel(np.log10(floored), loss_rows, lambda v: compact(10 ** v, 7), "*",
                       bottom="<= 0" if any_at_zero else None)
        lines.append("")
        lines += panel(acc, acc_rows, lambda v: f"{v:.3f}", "+", lo=min(0.5, acc.min()), hi=1.0)
        lines.append(f"{'epoch+1':>7}  " + log_ticks(n, cols))
        return "\n".join(lines)


def log_columns(n, cols):
    """The epoch that each of cols columns shows on a log scale of epoch + 1, from 0 to n - 1."""
    return np.round(np.geomspace(1, n, cols)).astype(int) - 1


def log_ticks(n, cols):
    """A line of cols characters with n under the last column and 1, 10, 100, ... under theirs,
    where they leave a space between them."""
    line = [" "] * cols
    last = str(n)
    taken = cols - len(last) - 1  # the columns left of n's label and its space
    line[cols - len(last):] = last
    free = 0  # the first column a label may start at
    for value in (10 ** k for k in range(len(last)) if 10 ** k < n):
        text = str(value)
        col = int(round(np.log(value) / np.log(n) * (cols - 1)))
        if col >= free and col + len(text) <= taken:
            line[col:col + len(text)] = text
            free = col + len(text) + 1
    return "".join(line).rstrip()


def above_zero(loss):
    """The loss, and where it is at or below 0 (bce_loss's eps lets a perfect fit dip just under
    it), a tenth of the smallest positive loss: a floor under every real value of a log axis."""
    positive = loss[loss > 0]
    floor = positive.min() / 10 if positive.size else 1e-16
    return np.where(loss > 0, loss, floor), not (loss > 0).all()


def compact(value, width, decimals=4):
    """value in at most `width` characters where it can be: with `decimals` decimals or fewer
    (0.6983, -2.36), else as a power of ten (1.2e-5, -3e200)."""
    for places in range(decimals, -1, -1):
        text = f"{value:.{places}f}"
        if len(text) <= width and (float(text) != 0 or value == 0):
            return text
    for places in range(max(0, width - 5), -1, -1):
        mantissa, power = f"{value:.{places}e}".split("e")
        text = f"{mantissa}e{int(power)}"
        if len(text) <= width:
            break
    return text


def panel(values, rows, label, mark, lo=None, hi=None, bottom=None):
    """A one-mark-per-column plot of values, its top, middle and bottom rows labelled (the
    bottom one `bottom`, if given)."""
    lo = values.min() if lo is None else lo
    hi = values.max() if hi is None else hi
    span = hi - lo or 1.0
    row = np.round((hi - values) / span * (rows - 1)).astype(int)
    canvas = np.full((rows, len(values)), " ")
    canvas[row, np.arange(len(values))] = mark
    lines = []
    for r in range(rows):
        text = label(hi - r * span / (rows - 1)) if r in (0, rows // 2, rows - 1) else ""
        if r == rows - 1 and bottom:
            text = bottom
        lines.append((f"{text:>7} |" + "".join(canvas[r])).rstrip())
    lines.append(" " * 8 + "+" + "-" * len(values))
    return lines


# ---- the hidden space: "bending the input space until the classes became separable" ----

def hidden_projection(params, X, activation="tanh"):
    """Two classes: the map from points to (z, v), each point as the output unit sees it, fixed
    by the training points X.

    z = a @ W + b, of the last hidden layer's a and the output's W and b (z2 = a1 @ W2 + b2 in
    the chapter's network), is what the output unit reads, so its boundary P = 0.5 is the line
    z = 0. v is that hidden layer's largest spread in the other directions: a's first principal
    component over X once the direction of W is taken out. Other points (held-out ones) are
    read along the same direction, about the same centre. v is None with one unit in the layer.
    """
    a_last = layers.forward(params, X, activation)[1][-1]
    w = params[f"W{layers.depth(params)}"][:, 0]
    centre = a_last.mean(0)

    def across_w(a):
        rest = a - centre
        return rest - np.outer(rest @ w / (w @ w), w) if w @ w > 0 else rest

    direction = None
    if a_last.shape[1] > 1:
        _, s, vt = np.linalg.svd(across_w(a_last), full_matrices=False)
        # a fixed sign, for repeatability; no spread at all: v is 0 everywhere
        direction = (vt[0] * np.sign(vt[0][np.argmax(np.abs(vt[0]))]) if s[0] > 1e-12
                     else np.zeros(a_last.shape[1]))

    def project(points):
        z, a, _ = layers.forward(params, points, activation)
        return z[-1][:, 0], None if direction is None else across_w(a[-1]) @ direction

    return project


def softmax_plane(params, X, activation="tanh"):
    """K > 2 classes: the map from points to (u, v), each point as the softmax sees it, fixed
    by the training points X; and says(u, v), the class the softmax says at a place of that
    plane where the plane is all it reads (3 classes), else None.

    The softmax reads z = a @ W + b (the last hidden layer's a, the output's W and b), and only
    the differences of its K values: adding one number to all of them changes nothing. So z is
    taken into the K - 1 directions at right angles to (1, ..., 1), and there along its two
    directions of largest spread about the training points' mean. With 3 classes those two are
    all K - 1, and the regions can be shaded: the picture is everything the softmax reads.
    """
    K = classes(params)
    basis = np.linalg.svd(np.eye(K) - 1 / K)[0][:, :K - 1]  # (K, K - 1): at right angles to 1s

    def read(points):
        return layers.forward(params, points, activation)[0][-1] @ basis

    seen = read(X)
    centre = seen.mean(0)
    _, _, vt = np.linalg.svd(seen - centre, full_matrices=False)
    axes = vt[:2] * np.sign(vt[:2][[0, 1], np.abs(vt[:2]).argmax(1)])[:, None]  # fixed signs

    def project(points):
        u, v = ((read(points) - centre) @ axes.T).T
        return u, v

    def says(u, v):
        return ((centre + np.column_stack([u, v]) @ axes) @ basis.T).argmax(1)

    return project, says if K == 3 else None


def hidden_coordinates(params, X, activation="tanh"):
    """Each point of X as the output sees it: (z, v) as hidden_projection says for two
    classes, (u, v) as softmax_plane says for more."""
    if classes(params) == 2:
        return hidden_projection(params, X, activation)(X)
    return softmax_plane(params, X, activation)[0](X)


def hidden_view(params, X, y, activation="tanh", test=None):
    """What a picture of the hidden space draws: each point's (u, v) as hidden_coordinates
    places it, whether it is on its class's side (two classes: of z = 0; K: in its class's
    region), and whether there is only one unit in the last hidden layer with two classes (one
    axis: v then only keeps the two classes apart, class 1 above). With test = (X_test,
    y_test), a second (u, v, right) for the test points, read along the training points' axes."""
    K = classes(params)
    project = (hidden_projection(params, X, activation) if K == 2
               else softmax_plane(params, X, activation)[0])

    def view(points, labels):
        u, v = project(points)
        if v is None:
            v = labels[:, 0] - 0.5
        right = ((u > 0) == (labels[:, 0] == 1) if K == 2
                 else is_right(params, points, labels, activation))
        return u, v, right

    u, v, right = view(X, y)
    one_unit = K == 2 and params[f"W{layers.depth(params)}"].shape[0] == 1
    if test is None:
        return u, v, right, one_unit
    return u, v, right, one_unit, view(*test)


def separable_share(params, X, y, activation="tanh"):
    """The share of points on their class's side of z = 0 (K classes: in their class's region)."""
    return hidden_view(params, X, y, activation)[2].mean()


SHARED_SHARE = 0.01  # a spot that holds this share of the points (and 2 or more) is told of
SHARED_SHOWN = 3     # the largest spots told of one by one


def shared_spots(params, points, activation="tanh"):
    """The spots of the hidden space that several points share: those whose last hidden layer's
    activations are identical, as ReLU's dead points are (0 in every unit) or saturated units'.
    Each is (which points, as a boolean mask; whether a = 0 there), largest first; only those
    holding at least SHARED_SHARE of the points and two or more."""
    a_last = layers.forward(params, points, activation)[1][-1]
    _, inverse, counts = np.unique(a_last, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    least = max(2, SHARED_SHARE * len(points))
    spots = []
    for group in np.argsort(-counts, kind="stable"):
        if counts[group] < least:
            break
        where = inverse == group
        spots.append((where, bool(np.all(a_last[where] == 0))))
    return spots


def spot_lines(spots, labels, rights, place, n_train, L=2, K=2):
    """What a legend says of each shared spot: how many points, of which class, where (place(where)
    as text), how many the network gets wrong. labels, rights: the training points' and then
    the test points', of which n_train are training points."""
    lines = []
    astray = "on the wrong side" if K == 2 else "in another class's region"
    for where, dead in spots[:SHARED_SHOWN]:
        n = int(where.sum())
        tested = int(where[n_train:].sum())
        held = "" if n_train == len(labels) else f", {tested} of them test points"
        why = f"a{L - 1} = 0 in every unit" if dead else f"the same a{L - 1} in every unit"
        counts = ", ".join(f"{c} of class {k}" for k, c in class_counts(labels[where], K))
        text = (f"@: {n} points share this one spot at {place(where)} ({why}{held}): {counts}, "
                f"{int((~rights[where]).sum())} {astray}")
        lines += wrap(text, indent="   ").split("\n")
    if len(spots) > SHARED_SHOWN:
        rest = sum(int(where.sum()) for where, _ in spots[SHARED_SHOWN:])
        lines.append(f"   and {len(spots) - SHARED_SHOWN} more shared spots, of {rest} points")
    return lines


def space_canvas(params, X, activation, lo, hi, cols, rows):
    """The hidden space's canvas before the points: two classes, the output's boundary z = 0 as
    a column of '|'; 3 classes, the regions the softmax says, shaded as the decision regions
    are; more, blank (the plane is not all the softmax reads)."""
    K = classes(params)
    canvas = np.full((rows, cols), " ")
    if K == 2:
        canvas[:, cell_of(np.zeros((1, 2)), lo, hi, cols, rows)[1][0]] = "|"
        return canvas
    says = softmax_plane(params, X, activation)[1]
    if says is None:
        return canvas
    return shades(K)[says(*grid(lo, hi, cols, rows).T)].reshape(rows, cols)


def space_head(params, title, right, one_unit, test_right=None):
    """The hidden space's legend: how many points the output puts on their class's side, what
    the axes are, and the marks."""
    K, L = classes(params), layers.depth(params)
    share = f"{right.sum()} of {len(right)} points ({right.mean():.3f})"
    z = f"z{L} = a{L - 1} @ W{L} + b{L}"
    if K == 2:
        down = ("rows: class 1 above, 0 below" if one_unit
                else f"up: a{L - 1}'s largest other spread")
        lines = [f"hidden space {title}: {share} on their class's side",
                 f"of z{L} = 0 ('|'), the output's boundary; o class 0, x class 1; O, X: wrong "
                 "side",
                 f"across: {z}, the output's input; {down}"]
        test_said = "on their class's side; c class 0, y class 1; C, Y: wrong side"
    else:
        reads = (f"all it reads with 3 classes; shaded by the class it says there: "
                 f"{shading_text(K)}" if K == 3 else
                 f"2 of the {K - 1} it reads; not shaded, as the regions need all {K - 1}")
        lines = [wrap(text, indent="") for text in (
            f"hidden space {title}: {share} in their class's region; points by class: "
            f"{named(point_marks(K))}; capitals: in another class's region",
            f"across, up: {z} less its mean over the classes (the softmax reads only their "
            f"differences), along its two largest spreads, {reads}")]
        test_said = (f"in their class's region: {named(point_marks(K, 'test'))}, capitals in "
                     "another's")
    if test_right is not None:
        lines.append(wrap(f"held-out: {test_right.sum()} of {len(test_right)} test points "
                          f"({test_right.mean():.3f}) {test_said}", indent=""))
    return "\n".join(lines).split("\n")


def hidden_space_map(params, X, y, activation="tanh", title="", cols=64, rows=16, test=None):
    """The training points as the output sees them (hidden_view), and the held-out points
    test = (X_test, y_test) if given: two classes, with the boundary z = 0 as '|'; K classes,
    in the softmax's plane. A spot that many points share (ReLU's dead points, all at a = 0) is
    drawn '@' and told of: how many, which classes."""
    K, L = classes(params), layers.depth(params)
    view = hidden_view(params, X, y, activation, test)
    u, v, right, one_unit = view[:4]
    tu, tv, test_right = view[4] if test is not None else (np.empty(0), np.empty(0), None)
    if one_unit:
        rows = 4
    all_u, all_v = np.concatenate([u, tu]), np.concatenate([v, tv])
    lo = np.array([min(all_u.min(), 0.0), all_v.min()])
    hi = np.array([max(all_u.max(), 0.0), all_v.max()])
    hi = np.where(hi > lo, hi, lo + 1.0)
    canvas = space_canvas(params, X, activation, lo, hi, cols, rows)
    draw_all(canvas, np.column_stack([u, v]), y, right, lo, hi,
             None if test is None else (np.column_stack([tu, tv]), test[1]), test_right, K)
    points = X if test is None else np.vstack([X, test[0]])
    spots = [] if one_unit else shared_spots(params, points, activation)
    for where, _ in spots:
        row, col = cell_of(np.column_stack([all_u[where][:1], all_v[where][:1]]), lo, hi,
                           cols, rows)
        canvas[row, col] = "@"
    labels = y[:, 0] if test is None else np.concatenate([y[:, 0], test[1][:, 0]])
    rights = right if test is None else np.concatenate([right, test_right])

    def place(where):
        u0, v0 = compact(float(all_u[where][0]), 7), compact(float(all_v[where][0]), 7)
        return f"z{L} = {u0}" if K == 2 else f"({u0}, {v0})"

    lines = space_head(params, title, right, one_unit, test_right)
    lines += spot_lines(spots, labels, rights, place, len(y), L, K)
    return "\n".join(lines + framed(canvas, lo, hi))
