"""--by-hand: one step of the chapter's listing with every number shown, to redo by hand.

    python nn_from_scratch.py --by-hand --hidden 2

One gradient-descent step on the four cluster centres (so m = 4), from the run's starting weights,
with its activation, hidden size and learning rate: each line of the chapter's listing, followed
by the value it computes, to 4 significant digits. The lines are the chapter's, held here as text
(LISTING), so that the program's layout does not matter; with --bug, the mistaken line stands in
place of the chapter's. The values are those of nn_from_scratch.py's forward(), bce_loss(),
backward() and update(), looked up in the module when the step runs, so that under --bug they are
the mistaken step's. Each line is computed again from its own text with the step's inputs, and
the calculator check at the end writes out one entry of dW1 and of dz1 from the formulas
printed; where the program computed something else (edited away from the line printed), a line
says so. Training's steps use all 400 points: this step is
not one of them, and the run's weights are left as they were.
"""

import io
import math
import tokenize

import numpy as np

import nn_from_scratch as nn
from companion.cli import WIDTH, wrap
from nn_from_scratch import CENTRES, LABELS

SHOWN_UNITS = 8  # at most this many hidden units' columns

# The slope in dz1 = da1 * slope, for each activation, as a formula of z1 and a1 entry by entry:
# what nn_from_scratch.ACTIVATIONS' slopes compute, written out for the calculator check.
SLOPES = {
    "tanh": "(1 - a1**2)",
    "sigmoid": "a1 * (1 - a1)",
    "relu": "(1 if z1 > 0 else 0)",
    "leaky_relu": "(1 if z1 > 0 else 0.01)",
    "gelu": "gelu_slope(z1)",
    "silu": "(a1 + sigmoid(z1) * (1 - a1))",
    "identity": "1",
}

# The chapter's listing, a line per quantity shown, in its order: its text, comments and all.
# The hidden activation's line and the slope's are tanh's; another activation's are written by
# activation_line().
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


# The sums of the step add a few terms of 1e-4 to 1; a sum under 1e-12 is what is left of terms
# that cancel (db2 at the start: the four dz2 sum to 0), rounding's last bits, which differ from
# one processor's vector unit to another's. It is written ~0, not as digits. Only sums: a small
# value of a function (a saturated sigmoid's 3.8e-13) is a real one, shown as it is.
ROUNDING = 1e-12
SUMS = ("z1", "z2", "da1", "dW1", "db1", "dW2", "db2", "new W1", "new b1", "new W2", "new b2")


def digits(value, cancels=False):
    """value to 4 significant digits, a power of ten written short (1.234e-5), never -0; with
    cancels (a sum), ~0 for a number that is rounding's residue (under ROUNDING)."""
    if cancels and 0 < abs(value) < ROUNDING:
        return "~0"
    text = f"{float(value) + 0.0:.4g}"
    if "e" in text:
        mantissa, power = text.split("e")
        text = f"{mantissa}e{int(power)}"
    return "0" if float(text) == 0 else text


def step(params, activation, lr, X=CENTRES, classes=LABELS):
    """Every quantity of one step on the four points, as {name: array}, by nn_from_scratch's
    forward(), backward() and update() as the module has them now (under --bug, the mistaken
    one among them); the weights given are left as they were."""
    y = classes.reshape(-1, 1).astype(float)
    before = {name: W.copy() for name, W in params.items()}
    z1, a1, z2, p = nn.forward(before, X, activation)
    grads = nn.backward(before, X, y, z1, a1, p, activation)
    after = {name: W.copy() for name, W in before.items()}
    nn.update(after, grads, lr)
    return {"X": X, "y": y, **before, "z1": z1, "a1": a1, "z2": z2, "p": p,
            "loss": nn.bce_loss(p, y), **{"d" + name: g for name, g in grads.items()},
            **{"new " + name: W for name, W in after.items()}}


# ---- the lines shown: the chapter's, another activation's, or a planted mistake's ----

def activation_line(name, text, activation):
    """A listing line as it runs with this activation: the chapter's, but for another
    activation than tanh, the lines of a1 and dz1 name its function and its slope."""
    if activation == "tanh" or name not in ("a1", "dz1"):
        return text
    return {"a1": f"a1 = {activation}(z1)   # hidden activation (the chapter's: np.tanh)",
            "dz1": f"dz1 = da1 * {activation}'(z1)   # the chapter's tanh: (1 - a1**2)"}[name]


def statements(line):
    """{quantity: statement} of a line of code: `z1` for `z1 = ...`, `new W1` for `W1 -= ...`
    or `W1 += ...`, one for each statement of a line such as update()'s."""
    found = {}
    for statement in line.split(";"):
        target, operator = statement.split()[:2]
        found[target if operator == "=" else "new " + target] = statement.strip()
    return found


def planted_lines(mistake):
    """{quantity: the line shown} where a --bug mistake changes the chapter's line: its
    statement (the last of the line marked as planted, as a comment ends a line), or a sentence
    where it has none (a bias never updated)."""
    right, wrong = statements(mistake.right), statements(mistake.wrong)
    last, note = list(wrong)[-1], f"# planted by --bug {mistake.name}"
    lines = {}
    for name, statement in right.items():
        code = wrong.get(name)
        if code is None:
            lines[name] = f"{name[4:]}: no line of update() changes it, so it stays as it was"
        elif code != statement:
            fits = name == last and len(code + note) < WIDTH - 3
            lines[name] = f"{code}   {note}" if fits else code
    return lines


def dz1_formula(activation, mistake=None):
    """dz1 as the listing shows it, entry by entry: the right-hand side of the mistaken line
    when --bug plants one there, else da1 times the activation's slope."""
    planted = statements(mistake.wrong).get("dz1") if mistake else None
    return planted.split(" = ", 1)[1] if planted else "da1 * " + SLOPES[activation]


# ---- the numbers shown: each quantity as a labelled matrix ----

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


def matrix(values, rows, cols, cancels=False):
    """values (len(rows) x len(cols)) with labelled rows and columns, split into blocks of
    columns so that no line is wider than 80 columns; cancels: they are sums (digits())."""
    cells = [[digits(v, cancels) for v in row[:len(cols)]] for row in values]
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
    """The lines that show one quantity: a matrix, or `= number` for the loss (and for any
    quantity that is one number where the chapter's has a row of them)."""
    value = np.asarray(value)
    if value.ndim == 0:
        return [f"  = {digits(value, name in SUMS)}"
                + ("" if name == "loss" else "   (one number, shape ())")]
    if name.replace("new ", "").lstrip("d") == "W2":
        value = value.T
    if value.ndim != 2:
        return [f"  (shape {value.shape}: not a matrix this listing can show)"]
    rows, cols = labels(name, value.shape, X)
    if len(rows) != value.shape[0] or len(cols) != min(value.shape[1], SHOWN_UNITS):
        rows = [f"row {k}" for k in range(value.shape[0])]  # not the chapter's shape
        cols = [f"col {k}" for k in range(min(value.shape[1], SHOWN_UNITS))]
        return [f"  (shape {value.shape}, not the chapter's)"] + matrix(value, rows, cols,
                                                                        name in SUMS)
    return matrix(value, rows, cols, name in SUMS)


# ---- the calculator check: one entry of dW1 and of dz1, from the formulas printed ----

def calculator(q, formula):
    """One entry of dW1 written out as the chain rule with its numbers, each result computed
    from the formula printed (dz1's being `formula`), and checked against the step's."""
    head = ["check it with a calculator, one entry of dW1 (inputs row 0, unit 1):"]
    X, dz1 = q["X"][:, 0], np.asarray(q["dz1"])
    if dz1.shape != q["z1"].shape:
        return head + [f"  can't write it out: dz1 has shape {dz1.shape}, not z1's"]
    terms = " + ".join(f"({digits(x)})({digits(d)})" for x, d in zip(X, dz1[:, 0]))
    total = float(np.sum(X * dz1[:, 0]))  # the sum printed, over the four points
    out = head + ["  dW1[0,0] = the sum over the 4 points i of X[i,0] * dz1[i,0]",
                  wrap(f"= {terms} = {digits(total, cancels=True)}", indent="    ",
                       first="    ")]
    out += disagreement("dW1[0,0]", total, q["dW1"][0, 0])
    symbols, numbers, exact = entry_formula(formula, q, q["z1"].shape)
    value = float(eval(exact, {"np": np, "sigmoid": nn.sigmoid, "gelu_slope": nn.gelu_slope}))
    return out + [wrap(f"where dz1[i,0] = {symbols}; for the first point,", indent="    ",
                       first="  "),
                  wrap(f"dz1[0,0] = {numbers} = {digits(value)}", indent="    ", first="    ")] \
        + disagreement("dz1[0,0]", value, q["dz1"][0, 0])


def disagreement(name, computed, program):
    """A line saying so, when backward() computed another number than the formula printed
    gives: its code is not the line shown (a reader's edit of nn_from_scratch.py)."""
    if math.isclose(computed, float(program), rel_tol=1e-9, abs_tol=1e-300):
        return []
    said = digits if digits(program) != digits(computed) else "{:.10g}".format
    return [wrap(f"but backward() computed {name} = {said(program)}, not the {said(computed)} "
                 "above: its code is not the line printed (was nn_from_scratch.py edited?)",
                 indent="    ", first="  ")]


# The functions a line of the listing may call, when it is evaluated again from its own text.
NAMES = {"np": np, "sigmoid": nn.sigmoid, "eps": nn.EPS}
CHECKED_BY_CALCULATOR = ("dz1", "dW1")  # written out entry by entry at the end instead


def line_check(name, line, q, lr):
    """A line saying so when the step's value of `name` is not what the line printed gives,
    computed again from its text with the step's own inputs: the program's code is not that
    line. Nothing for a line that is not Python (another activation's a1, a sentence)."""
    code = line.split("#")[0].strip()
    target, operator, formula = (code.split(None, 2) + ["", "", ""])[:3]
    if name in CHECKED_BY_CALCULATOR or operator not in ("=", "-=", "+="):
        return []
    if operator != "=":  # an update: W1 -= lr*dW1 leaves W1 - lr*dW1
        formula = f"{target} {operator[0]} ({formula})"
    arrays = {key: value for key, value in q.items() if " " not in key}
    try:
        with np.errstate(all="ignore"):
            computed = eval(formula, dict(NAMES), {**arrays, "m": len(q["X"]), "lr": lr})
    except Exception:  # a name this check does not know: nothing said
        return []
    program = np.asarray(q[name], dtype=float)
    if np.shape(computed) == program.shape and np.allclose(computed, program, rtol=1e-9,
                                                           atol=1e-300, equal_nan=True):
        return []
    return [wrap(f"but the step computed another {name}: its code is not the line printed "
                 "(was nn_from_scratch.py edited?)", indent="    ", first="  ")]


def entry_formula(formula, q, shape):
    """formula, written for entry [i,0] (symbols), with the numbers of entry [0,0] to 4 digits
    (numbers), and with them in full (exact, to compute with): each name of an array of `shape`
    in q stands for its entry."""
    arrays = {name for name, v in q.items() if " " not in name and np.shape(v) == shape}
    tokens = list(tokenize.generate_tokens(io.StringIO(formula).readline))

    def written(entry):
        text, at, previous = "", 0, None
        for token in tokens:
            start, end = token.start[1], token.end[1]
            if token.type == tokenize.NAME and token.string in arrays and previous != ".":
                text += formula[at:start] + entry(token.string)
                at = end
            previous = token.string
        return text + formula[at:]

    return (written(lambda name: f"{name}[i,0]"),
            written(lambda name: bracketed(q[name][0, 0])),
            written(lambda name: f"({float(q[name][0, 0])!r})"))


def bracketed(value):
    """A number to write inside a formula: (-0.4943)**2, not -0.4943**2, which is -(0.4943**2)."""
    text = digits(value)
    return f"({text})" if text.startswith("-") else text


def listing(params, activation, lr, mistake=None, points=None, training=400,
            weights="this run's starting weights"):
    """The whole --by-hand text: the chapter's listing with the numbers of one step by
    nn_from_scratch's functions as they are now; with mistake (a --bug one, planted while this
    runs: companion/bugs.py), its line in place of the chapter's. points: (X, labels, what they
    are) of the four points to step on, the four cluster centres if None; training: how many
    points training's steps use; weights: which weights params are, as the opening sentence
    names them."""
    X, classes, about = points or (CENTRES, LABELS, "the four cluster centres")
    q = step(params, activation, lr, X, classes)
    planted = planted_lines(mistake) if mistake else {}
    hidden = params["W1"].shape[1]
    more = (f" Only units 1 to {SHOWN_UNITS} of {hidden} are shown; the sums over units (z2) "
            f"take them all." if hidden > SHOWN_UNITS else "")
    if mistake:
        more += (f" The lines are those that ran, with --bug {mistake.name} planted: its line as "
                 "the planted copy's source has it.")
    lines = []
    for name, title in [("X", "X: the four points, a row each"), ("y", "y: their classes"),
                        ("W1", "W1 (n_in, hidden)"), ("b1", "b1 (1, hidden)"),
                        ("W2", "W2 (hidden, 1), shown as a row"), ("b2", "b2 (1, 1)")]:
        lines += [title] + shown(name, q[name], X)
    for part, quantities in LISTING:
        lines += ["", f"# ---- {part} ----"]
        for name, text in quantities:
            line = planted.get(name) or activation_line(name, text, activation)
            lines += [line] + shown(name, q[name], X) + line_check(name, line, q, lr)
    lines += [""] + calculator(q, dz1_formula(activation, mistake))
    if any("~0" in line.split() or "(~0)" in line for line in lines):
        more += (f" ~0 is a sum under {ROUNDING:g}: terms that cancel, to float64's "
                 "rounding.")
    intro = wrap(f"one step by hand: the chapter's listing, line by line, with the numbers it "
                 f"computes, to 4 significant digits. It is one gradient-descent step on "
                 f"{about} (m = 4), from {weights} ({activation},"
                 f" {hidden} hidden units, lr {lr:g}); training's steps use all "
                 f"{training} points, so this is not one of them.{more}", indent="")
    return "\n".join([intro, ""] + lines)
