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
the network gets them wrong.
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


def draw_points(canvas, points, y, right, lo, hi):
    """Mark each point on the canvas: o class 0, x class 1; O and X where `right` is False.
    The mistakes are drawn last, so that nothing hides them."""
    rows, cols = canvas.shape
    is_1 = y[:, 0] == 1
    marks = np.where(is_1, "x", "o")
    marks = np.where(right, marks, np.char.upper(marks))
    order = np.argsort(~right, kind="stable")
    row, col = cell_of(points[order], lo, hi, cols, rows)
    canvas[row, col] = marks[order]
    return canvas


POINTS_MARKS = "points: o class 0, x class 1; O and X are the ones it gets wrong"
REGIONS_MARKS = "decision regions: '.' where the network says class 1, blank for class 0;"


# ---- the decision regions, the hidden units, the shapes ----

def boundary_map(params, X, y, activation="tanh", cols=64, rows=24, legend=True):
    """An ASCII map of where the network says class 1, with the training points drawn on it."""
    lo, hi = X.min(0), X.max(0)
    says_1 = predict(params, grid(lo, hi, cols, rows), activation).reshape(rows, cols) > 0.5
    right = (predict(params, X, activation)[:, 0] > 0.5) == (y[:, 0] == 1)
    canvas = draw_points(np.where(says_1, ".", " "), X, y, right, lo, hi)
    head = [REGIONS_MARKS, "training " + POINTS_MARKS] if legend else []
    return "\n".join(head + framed(canvas, lo, hi))


def feature_maps(params, X, activation="tanh", cols=17, rows=8, per_row=4):
    """A small map per hidden unit of where it is on (z1 > 0) or off: the features the network made."""
    lo, hi = X.min(0), X.max(0)
    on = forward(params, grid(lo, hi, cols, rows), activation)[0] > 0  # (rows*cols, hidden)
    row, col = cell_of(CENTRES, lo, hi, cols, rows)
    maps = []
    for unit in range(on.shape[1]):
        canvas = np.where(on[:, unit].reshape(rows, cols), "#", ".")
        canvas[row, col] = LABELS.astype(str)
        title = unit_title(unit, params["W2"][unit, 0], cols)
        maps.append([f"{title:<{cols}}"] + ["".join(r) for r in canvas])
    lines = ["hidden units: '#' where the unit is on (z1 > 0), '.' where it is off;",
             "0/1: the cluster centres and their class; w2 is the unit's vote for class 1"]
    for first in range(0, len(maps), per_row):
        lines.append("")
        lines += ["   ".join(parts) for parts in zip(*maps[first:first + per_row])]
    return "\n".join(lines)


def unit_title(unit, w2, cols):
    """unit 3: w2 = -5.2, as short as it must be to fit in cols: unit 12: w2=+1e6."""
    w = f"{round(float(w2), 1) + 0.0:+.1f}"  # + 0.0: no -0.0
    if len(w) > 5:
        w = ("+" if w2 > 0 else "") + compact(float(w2), 4, 1)
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

    def see(self, epoch, p):
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

def hidden_coordinates(params, X, activation="tanh"):
    """Each point as the output unit sees it: (z2, v).

    z2 = a1 @ W2 + b2 is what the output unit reads, so its boundary P = 0.5 is the line z2 = 0.
    v is the hidden activations' largest spread in the other directions: a1's first principal
    component once the direction of W2 is taken out. None with one hidden unit.
    """
    _, a1, z2, _ = forward(params, X, activation)
    w = params["W2"][:, 0]
    rest = a1 - a1.mean(0)
    if w @ w > 0:
        rest = rest - np.outer(rest @ w / (w @ w), w)
    if a1.shape[1] == 1:
        return z2[:, 0], None
    _, s, vt = np.linalg.svd(rest, full_matrices=False)
    direction = vt[0] * np.sign(vt[0][np.argmax(np.abs(vt[0]))])  # a fixed sign, for repeatability
    return z2[:, 0], rest @ direction if s[0] > 1e-12 else np.zeros(len(X))


def hidden_view(params, X, y, activation="tanh"):
    """What a picture of the hidden space draws: each point's (z2, v), whether it is on its
    class's side of z2 = 0, and whether there is only one hidden unit (one axis: v then only
    keeps the two classes apart, class 1 above)."""
    u, v = hidden_coordinates(params, X, activation)
    one_unit = v is None
    if one_unit:
        v = y[:, 0] - 0.5
    return u, v, (u > 0) == (y[:, 0] == 1), one_unit


def separable_share(params, X, y, activation="tanh"):
    """The share of points on their class's side of z2 = 0."""
    return hidden_view(params, X, y, activation)[2].mean()


def hidden_space_map(params, X, y, activation="tanh", title="", cols=64, rows=16):
    """The training points in the hidden layer's coordinates, with the boundary z2 = 0 as '|'."""
    u, v, right, one_unit = hidden_view(params, X, y, activation)
    if one_unit:
        rows = 4
    lo = np.array([min(u.min(), 0.0), v.min()])
    hi = np.array([max(u.max(), 0.0), v.max()])
    hi = np.where(hi > lo, hi, lo + 1.0)
    canvas = np.full((rows, cols), " ")
    zero_col = cell_of(np.zeros((1, 2)), lo, hi, cols, rows)[1][0]
    canvas[:, zero_col] = "|"
    draw_points(canvas, np.column_stack([u, v]), y, right, lo, hi)
    down = ("rows: class 1 above, 0 below" if one_unit
            else "up: a1's largest other spread")
    lines = [f"hidden space {title}: {right.sum()} of {len(u)} points ({right.mean():.3f}) on "
             "their class's side",
             "of z2 = 0 ('|'), the output's boundary; o class 0, x class 1; O, X: wrong side",
             f"across: z2 = a1 @ W2 + b2, the output's input; {down}"]
    return "\n".join(lines + framed(canvas, lo, hi))
