"""--by-hand: one step of the chapter's listing with every number shown, to redo by hand.

    python nn_from_scratch.py --by-hand --hidden 2

One gradient-descent step on the four cluster centres (so m = 4), from the run's starting weights,
with its activation, hidden size and learning rate: each line of the chapter's listing as the
chapter writes it, followed by the value it computes. The values are those of nn_from_scratch.py's
own forward(), bce_loss(), backward() and update() on those four points, rounded to 4
significant digits. Training's steps use all 400 points: this step is not one of them, and the
run's weights are left as they were.
"""

import math

from companion.cli import WIDTH, wrap
from nn_from_scratch import CENTRES, LABELS, backward, bce_loss, forward, update

SHOWN_UNITS = 8  # at most this many hidden units' columns

# The slope in dz1 = da1 * slope, for each activation: in the chapter's names for entry [i,0],
# and the same with that entry's numbers (z, a: z1[i,0] and a1[i,0] as printed).
SLOPES = {
    "tanh": ("(1 - a1[i,0]**2)", lambda z, a: f"(1 - {a}**2)"),
    "sigmoid": ("a1[i,0] * (1 - a1[i,0])", lambda z, a: f"{a} * (1 - {a})"),
    "relu": ("(1 if z1[i,0] > 0 else 0)", lambda z, a: f"(1 if {z} > 0 else 0)"),
    "leaky_relu": ("(1 if z1[i,0] > 0 else 0.01)", lambda z, a: f"(1 if {z} > 0 else 0.01)"),
    "gelu": ("gelu_slope(z1[i,0])", lambda z, a: f"gelu_slope({z})"),
    "silu": ("(a1[i,0] + sigmoid(z1[i,0]) * (1 - a1[i,0]))",
             lambda z, a: f"({a} + sigmoid({z}) * (1 - {a}))"),
    "identity": ("1", lambda z, a: "1"),
}

# The chapter's listing, a line per quantity shown, in its order; the hidden activation's line
# and the slope's are the chapter's for tanh and say which function otherwise.
LISTING = [
    ("forward pass", [("z1", "z1 = X @ W1 + b1   # (m, hidden)"),
                      ("a1", "a1 = np.tanh(z1)   # hidden activation"),
                      ("z2", "z2 = a1 @ W2 + b2  # (m, 1)"),
                      ("p", "p = sigmoid(z2)    # predicted probability")]),
    ("loss: binary cross-entropy",
     [("loss", "loss = -np.mean(y*np.log(p+eps) + (1-y)*np.log(1-p+eps))")]),
    ("backward pass (chain rule, layer by layer from the output)",
     [("dz2", "dz2 = (p - y) / m   # dL/dz2"),
      ("dW2", "dW2 = a1.T @ dz2"),
      ("db2", "db2 = dz2.sum(0, keepdims=True)"),
      ("da1", "da1 = dz2 @ W2.T   # push the error back through W2"),
      ("dz1", "dz1 = da1 * (1 - a1**2)   # times tanh'(z) = 1 - tanh(z)^2"),
      ("dW1", "dW1 = X.T @ dz1"),
      ("db1", "db1 = dz1.sum(0, keepdims=True)")]),
    ("gradient-descent update",
     [("new W1", "W1 -= lr*dW1"), ("new b1", "b1 -= lr*db1"),
      ("new W2", "W2 -= lr*dW2"), ("new b2", "b2 -= lr*db2")]),
]


def digits(value):
    """value to 4 significant digits, a power of ten written short (1.234e-5), never -0."""
    text = f"{float(value) + 0.0:.4g}"
    if "e" in text:
        mantissa, power = text.split("e")
        text = f"{mantissa}e{int(power)}"
    return "0" if float(text) == 0 else text


def step(params, activation, lr, X=CENTRES, labels=LABELS):
    """Every quantity of one step on the four centres (or the four points X of classes
    labels), by the chapter's own functions, as {name: array}; the weights given are left as
    they were."""
    y = labels.reshape(-1, 1).astype(float)
    before = {name: W.copy() for name, W in params.items()}
    z1, a1, z2, p = forward(before, X, activation)
    grads = backward(before, X, y, z1, a1, p, activation)
    after = {name: W.copy() for name, W in before.items()}
    update(after, grads, lr)
    return {"X": X, "y": y, **before, "z1": z1, "a1": a1, "z2": z2, "p": p,
            "loss": bce_loss(p, y), **{"d" + name: g for name, g in grads.items()},
            **{"new " + name: W for name, W in after.items()}}


def labels(name, shape, X=CENTRES):
    """The row and column labels of a quantity: points, inputs or units, as its shape says."""
    points = [f"({x1:+.0f},{x2:+.0f})" if X is CENTRES else f"({x1:+.2f},{x2:+.2f})"
              for x1, x2 in X]
    units = [f"unit {k + 1}" for k in range(min(shape[1], SHOWN_UNITS))] if len(shape) > 1 else []
    plain = name.replace("new ", "")
    if plain in ("X", "dX"):
        return points, ["x1", "x2"]
    if plain in ("W1", "dW1"):
        return ["x1", "x2"], units
    if plain in ("b1", "db1"):
        return [plain], units
    if plain in ("b2", "db2"):
        return [plain], [plain]
    if plain in ("W2", "dW2"):  # (hidden, 1), shown as a row
        return [plain + ".T"], units
    if shape[1] == 1:  # y, z2, p, dz2
        return points, [plain]
    return points, units  # z1, a1, da1, dz1


def matrix(values, rows, cols):
    """values (len(rows) x len(cols)) with labelled rows and columns, split into blocks of
    columns so that no line is wider than 80 columns."""
    cells = [[digits(v) for v in row[:len(cols)]] for row in values]
    width = max(len(text) for text in cols + [t for row in cells for t in row]) + 2
    label = max(len(r) for r in rows) + 2
    blocks = math.ceil(len(cols) / max(1, (WIDTH - label) // width))
    per_block = math.ceil(len(cols) / blocks)  # blocks as even as they can be
    lines = []
    for first in range(0, len(cols), per_block):
        part = slice(first, first + per_block)
        lines.append(" " * label + "".join(f"{c:>{width}}" for c in cols[part]))
        lines += [f"  {r:<{label - 2}}" + "".join(f"{t:>{width}}" for t in row[part])
                  for r, row in zip(rows, cells)]
    return lines


def shown(name, value, X=CENTRES):
    """The lines that show one quantity: a matrix, or `= number` for the loss."""
    if name == "loss":
        return [f"  = {digits(value)}"]
    if name.replace("new ", "").lstrip("d") == "W2":
        value = value.T
    rows, cols = labels(name, value.shape, X)
    return matrix(value, rows, cols)


def calculator(q, activation):
    """One entry of dW1 written out as the chain rule with its numbers."""
    formula, numbers = SLOPES[activation]
    terms = " + ".join(f"({digits(x)})({digits(d)})" for x, d in zip(q["X"][:, 0], q["dz1"][:, 0]))
    z, a, da = (bracketed(q[name][0, 0]) for name in ("z1", "a1", "da1"))
    return ["check it with a calculator, one entry of dW1 (inputs row 0, unit 1):",
            "  dW1[0,0] = the sum over the 4 points i of X[i,0] * dz1[i,0]",
            wrap(f"= {terms} = {digits(q['dW1'][0, 0])}", indent="    ", first="    "),
            wrap(f"where dz1[i,0] = da1[i,0] * {formula}; for the first point,",
                 indent="    ", first="  "),
            wrap(f"dz1[0,0] = {da} * {numbers(z, a)} = {digits(q['dz1'][0, 0])}",
                 indent="    ", first="    ")]


def bracketed(value):
    """A number to write inside a formula: (-0.4943)**2, not -0.4943**2, which is -(0.4943**2)."""
    text = digits(value)
    return f"({text})" if text.startswith("-") else text


def listing(params, activation, lr, points=None, training=400):
    """The whole --by-hand text. points: (X, labels, what they are) of the four points to step
    on, the four cluster centres if None; training: how many points training's steps use."""
    X, classes, about = points or (CENTRES, LABELS, "the four cluster centres")
    q = step(params, activation, lr, X, classes)
    hidden = params["W1"].shape[1]
    more = (f" Only units 1 to {SHOWN_UNITS} of {hidden} are shown; the sums over units (z2) "
            f"take them all." if hidden > SHOWN_UNITS else "")
    lines = [wrap(f"one step by hand: the chapter's listing, line by line, with the numbers it "
                  f"computes, to 4 significant digits. It is one gradient-descent step on "
                  f"{about} (m = 4), from this run's starting weights ({activation},"
                  f" {hidden} hidden units, lr {lr:g}); training's steps below use all "
                  f"{training} points, so this is not one of them.{more}", indent=""), ""]
    for name, title in [("X", "X: the four points, a row each"), ("y", "y: their classes"),
                        ("W1", "W1 (n_in, hidden)"), ("b1", "b1 (1, hidden)"),
                        ("W2", "W2 (hidden, 1), shown as a row"), ("b2", "b2 (1, 1)")]:
        lines += [title] + shown(name, q[name], X)
    for part, quantities in LISTING:
        lines += ["", f"# ---- {part} ----"]
        for name, text in quantities:
            if activation != "tanh" and name in ("a1", "dz1"):
                text = {"a1": f"a1 = {activation}(z1)   # hidden activation (the chapter's: "
                              "np.tanh)",
                        "dz1": f"dz1 = da1 * {activation}'(z1)   # the chapter's tanh: "
                               "(1 - a1**2)"}[name]
            lines += [text] + shown(name, q[name], X)
    return "\n".join(lines + [""] + calculator(q, activation))
