"""Terminal pictures of the chapter's network, in plain text within 80 columns.

    --boundary      the decision regions, with the training points
    --features      where each hidden unit is on: the features the network made
    --shapes        every quantity of one forward and backward pass, with its shape
    --curve         the loss (log scale) and the accuracy at every epoch
    --hidden-space  the points as the output unit sees them: "bending the input space until
                    the classes became separable", before and after training

(--watch, the decision regions redrawn as training goes, is in watch.py.)

Each picture is a function of the network's parameters and data that returns text, so the tests
can read it; nothing here trains. Points are drawn o (class 0) and x (class 1), in capitals where
the network gets them wrong; held-out test points, where a picture is given them (test=(X_test,
y_test)), c (class 0) and y (class 1), C and Y where it gets them wrong. The axes cover both.
"""

import numpy as np

from companion.cli import wrap
from nn_from_scratch import CENTRES, LABELS, accuracy, backward, bce_loss, forward, predict


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
    """Mark each point on the canvas: marks[0] (o) class 0, marks[1] (x) class 1; in capitals
    where `right` is False. The mistakes are drawn last, so that nothing hides them."""
    rows, cols = canvas.shape
    is_1 = y[:, 0] == 1
    drawn = np.where(is_1, marks[1], marks[0])
    drawn = np.where(right, drawn, np.char.upper(drawn))
    order = np.argsort(~right, kind="stable")
    row, col = cell_of(points[order], lo, hi, cols, rows)
    canvas[row, col] = drawn[order]
    return canvas


POINTS_MARKS = "points: o class 0, x class 1; O and X are the ones it gets wrong"
TEST_MARKS = "held-out test points: c class 0, y class 1; C and Y are the ones it gets wrong"
REGIONS_MARKS = "decision regions: '.' where the network says class 1, blank for class 0;"


def covering(X, test=None):
    """The box lo..hi that a picture's axes span: the training points' and the test points'."""
    both = X if test is None else np.vstack([X, test[0]])
    return both.min(0), both.max(0)


def draw_all(canvas, X, y, right, lo, hi, test=None, test_right=None):
    """The training points, then the test points (mistakes last in each) with their own marks."""
    draw_points(canvas, X, y, right, lo, hi)
    if test is not None:
        draw_points(canvas, test[0], test[1], test_right, lo, hi, marks="cy")
    return canvas


def legend_lines(test=None):
    """The points' lines of a legend: the training marks, and the test marks if there are any."""
    return ["training " + POINTS_MARKS] + ([] if test is None else [TEST_MARKS])


def is_right(params, X, y, activation):
    """Whether the network puts each point on its class's side of P(class 1) = 0.5."""
    return (predict(params, X, activation)[:, 0] > 0.5) == (y[:, 0] == 1)


# ---- the decision regions, the hidden units, the shapes ----

def boundary_map(params, X, y, activation="tanh", cols=64, rows=24, legend=True, test=None):
    """An ASCII map of where the network says class 1, with the training points drawn on it,
    and the held-out points test = (X_test, y_test) if given."""
    lo, hi = covering(X, test)
    says_1 = predict(params, grid(lo, hi, cols, rows), activation).reshape(rows, cols) > 0.5
    test_right = None if test is None else is_right(params, *test, activation)
    canvas = draw_all(np.where(says_1, ".", " "), X, y, is_right(params, X, y, activation),
                      lo, hi, test, test_right)
    head = [REGIONS_MARKS] + legend_lines(test) if legend else []
    return "\n".join(head + framed(canvas, lo, hi))


XOR_CENTRES = (CENTRES, LABELS)  # the chapter's cluster centres and their classes


def feature_maps(params, X, activation="tanh", cols=17, rows=8, per_row=4, centres=XOR_CENTRES):
    """A small map per hidden unit of where it is on (z1 > 0) or off: the features the network
    made. centres = (points, labels) are marked by their class, the XOR clusters' by default;
    None marks none (a data set without cluster centres)."""
    lo, hi = X.min(0), X.max(0)
    on = forward(params, grid(lo, hi, cols, rows), activation)[0] > 0  # (rows*cols, hidden)
    maps = []
    for unit in range(on.shape[1]):
        canvas = np.where(on[:, unit].reshape(rows, cols), "#", ".")
        if centres is not None:
            row, col = cell_of(centres[0], lo, hi, cols, rows)
            canvas[row, col] = np.asarray(centres[1]).astype(int).astype(str)
        title = unit_title(unit, params["W2"][unit, 0], cols)
        maps.append([f"{title:<{cols}}"] + ["".join(r) for r in canvas])
    lines = ["hidden units: '#' where the unit is on (z1 > 0), '.' where it is off;",
             "0/1: the cluster centres and their class; w2 is the unit's vote for class 1"
             if centres is not None else "w2 is the unit's vote for class 1"]
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
    """unit 3: w2 = -5.2, as short as it must be to fit in cols: unit 12: w2=+1e6."""
    w = w2_text(w2)
    for title in (f"unit {unit + 1}: w2 = {w}", f"unit {unit + 1}: w2={w}", f"{unit + 1}: w2={w}"):
        if len(title) <= cols:
            return title
    return title[:cols]


SHAPE_NAMES = {  # the chapter's shape notes, in its symbols
    "X": "(m, n_in)", "y": "(m, 1)", "W1": "(n_in, hidden)", "b1": "(1, hidden)",
    "W2": "(hidden, 1)", "b2": "(1, 1)", "z1": "(m, hidden)", "a1": "(m, hidden)",
    "z2": "(m, 1)", "p": "(m, 1)",
}


def shapes_table(params, X, y, activation="tanh"):
    """The name and shape of every quantity of one forward and backward pass, in the chapter's order."""
    z1, a1, z2, p = forward(params, X, activation)
    grads = backward(params, X, y, z1, a1, p, activation)
    arrays = {"X": X, "y": y, **params, "z1": z1, "a1": a1, "z2": z2, "p": p}
    # A gradient dQ has the shape of Q: its shapes are read off the backward pass itself.
    rows = [(name, arrays[name].shape, SHAPE_NAMES[name]) for name in arrays]
    rows += [("d" + name, grads[name].shape, SHAPE_NAMES[name])
             for name in ["z2", "W2", "b2", "a1", "z1", "W1", "b1"]]
    m, n_in = X.shape
    lines = [f"shapes for m = {m} points, n_in = {n_in} inputs, hidden = {a1.shape[1]} units",
             "(rows are examples; dQ has the shape of Q):"]
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
        self.loss[epoch] = bce_loss(p, self.y)
        self.acc[epoch] = accuracy(p, self.y)
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
    """The map from points to (z2, v), each point as the output unit sees it, fixed by the
    training points X.

    z2 = a1 @ W2 + b2 is what the output unit reads, so its boundary P = 0.5 is the line z2 = 0.
    v is the hidden activations' largest spread in the other directions: a1's first principal
    component over X once the direction of W2 is taken out. Other points (held-out ones) are
    read along the same direction, about the same centre. v is None with one hidden unit.
    """
    _, a1, _, _ = forward(params, X, activation)
    w = params["W2"][:, 0]
    centre = a1.mean(0)

    def across_w2(a):
        rest = a - centre
        return rest - np.outer(rest @ w / (w @ w), w) if w @ w > 0 else rest

    direction = None
    if a1.shape[1] > 1:
        _, s, vt = np.linalg.svd(across_w2(a1), full_matrices=False)
        # a fixed sign, for repeatability; no spread at all: v is 0 everywhere
        direction = (vt[0] * np.sign(vt[0][np.argmax(np.abs(vt[0]))]) if s[0] > 1e-12
                     else np.zeros(a1.shape[1]))

    def project(points):
        _, a, z2, _ = forward(params, points, activation)
        return z2[:, 0], None if direction is None else across_w2(a) @ direction

    return project


def hidden_coordinates(params, X, activation="tanh"):
    """Each point of X as the output unit sees it: (z2, v), as hidden_projection says."""
    return hidden_projection(params, X, activation)(X)


def hidden_view(params, X, y, activation="tanh", test=None):
    """What a picture of the hidden space draws: each point's (z2, v), whether it is on its
    class's side of z2 = 0, and whether there is only one hidden unit (one axis: v then only
    keeps the two classes apart, class 1 above). With test = (X_test, y_test), a second
    (z2, v, right) for the test points, read along the training points' axes."""
    project = hidden_projection(params, X, activation)

    def view(points, labels):
        u, v = project(points)
        if v is None:
            v = labels[:, 0] - 0.5
        return u, v, (u > 0) == (labels[:, 0] == 1)

    u, v, right = view(X, y)
    one_unit = params["W1"].shape[1] == 1
    if test is None:
        return u, v, right, one_unit
    return u, v, right, one_unit, view(*test)


def separable_share(params, X, y, activation="tanh"):
    """The share of points on their class's side of z2 = 0."""
    return hidden_view(params, X, y, activation)[2].mean()


SHARED_SHARE = 0.01  # a spot that holds this share of the points (and 2 or more) is told of
SHARED_SHOWN = 3     # the largest spots told of one by one


def shared_spots(params, points, activation="tanh"):
    """The spots of the hidden space that several points share: those whose hidden activations
    a1 are identical, as ReLU's dead points are (a1 = 0 in every unit) or saturated units'.
    Each is (which points, as a boolean mask; whether a1 = 0 there), largest first; only those
    holding at least SHARED_SHARE of the points and two or more."""
    a1 = forward(params, points, activation)[1]
    _, inverse, counts = np.unique(a1, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    least = max(2, SHARED_SHARE * len(points))
    spots = []
    for group in np.argsort(-counts, kind="stable"):
        if counts[group] < least:
            break
        where = inverse == group
        spots.append((where, bool(np.all(a1[where] == 0))))
    return spots


def spot_lines(spots, y, right, u, test=None, test_right=None):
    """What a legend says of each shared spot: how many points, of which class, on which side."""
    lines = []
    n_train = len(y)
    labels = y[:, 0] if test is None else np.concatenate([y[:, 0], test[1][:, 0]])
    rights = right if test is None else np.concatenate([right, test_right])
    for k, (where, dead) in enumerate(spots[:SHARED_SHOWN]):
        n, ones = int(where.sum()), int(labels[where].sum())
        held = "" if test is None else f", {int(where[n_train:].sum())} of them test points"
        why = "a1 = 0 in every unit" if dead else "the same a1 in every unit"
        text = (f"@: {n} points share this one spot at z2 = {compact(float(u[where][0]), 7)} "
                f"({why}{held}): {n - ones} of class 0, {ones} of class 1, "
                f"{int((~rights[where]).sum())} on the wrong side")
        lines += wrap(text, indent="   ").split("\n")
    if len(spots) > SHARED_SHOWN:
        rest = sum(int(where.sum()) for where, _ in spots[SHARED_SHOWN:])
        lines.append(f"   and {len(spots) - SHARED_SHOWN} more shared spots, of {rest} points")
    return lines


def hidden_space_map(params, X, y, activation="tanh", title="", cols=64, rows=16, test=None):
    """The training points in the hidden layer's coordinates, with the boundary z2 = 0 as '|',
    and the held-out points test = (X_test, y_test) if given. A spot that many points share
    (ReLU's dead points, all at a1 = 0) is drawn '@' and told of: how many, which classes."""
    view = hidden_view(params, X, y, activation, test)
    u, v, right, one_unit = view[:4]
    tu, tv, test_right = view[4] if test is not None else (np.empty(0), np.empty(0), None)
    if one_unit:
        rows = 4
    all_u, all_v = np.concatenate([u, tu]), np.concatenate([v, tv])
    lo = np.array([min(all_u.min(), 0.0), all_v.min()])
    hi = np.array([max(all_u.max(), 0.0), all_v.max()])
    hi = np.where(hi > lo, hi, lo + 1.0)
    canvas = np.full((rows, cols), " ")
    zero_col = cell_of(np.zeros((1, 2)), lo, hi, cols, rows)[1][0]
    canvas[:, zero_col] = "|"
    draw_all(canvas, np.column_stack([u, v]), y, right, lo, hi,
             None if test is None else (np.column_stack([tu, tv]), test[1]), test_right)
    points = X if test is None else np.vstack([X, test[0]])
    spots = [] if one_unit else shared_spots(params, points, activation)
    for where, _ in spots:
        row, col = cell_of(np.column_stack([all_u[where][:1], all_v[where][:1]]), lo, hi,
                           cols, rows)
        canvas[row, col] = "@"
    down = ("rows: class 1 above, 0 below" if one_unit
            else "up: a1's largest other spread")
    lines = [f"hidden space {title}: {right.sum()} of {len(u)} points ({right.mean():.3f}) on "
             "their class's side",
             "of z2 = 0 ('|'), the output's boundary; o class 0, x class 1; O, X: wrong side",
             f"across: z2 = a1 @ W2 + b2, the output's input; {down}"]
    if test is not None:
        lines += wrap(f"held-out: {test_right.sum()} of {len(tu)} test points "
                      f"({test_right.mean():.3f}) on their class's side; c class 0, y class 1; "
                      "C, Y: wrong side", indent="").split("\n")
    lines += spot_lines(spots, y, right, all_u, test, test_right)
    return "\n".join(lines + framed(canvas, lo, hi))
