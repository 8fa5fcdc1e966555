"""--by-hand: one step of the chapter's listing with every number shown, to redo by hand.

    python nn_from_scratch.py --by-hand --hidden 2

One gradient-descent step on the four cluster centres (so m = 4), from the run's starting weights,
with its activation, hidden size and learning rate: each line that computes a quantity, followed
by the value it computes. The lines are read from the source of forward(), bce_loss(), backward()
and update() (inspect), the branches the activation takes followed; a line that is the chapter's
is written as the chapter writes it, any other as the source has it (an edit, or the mistake that
--bug plants). The calculator check at the end writes out the formula of the lines that ran and
computes its result from that very formula; where it can't tell what a line computes entry by
entry, it says so. The values are those of nn_from_scratch.py's
own forward(), bce_loss(), backward() and update() on those four points, rounded to 4
significant digits. Training's steps use all 400 points: this step is not one of them, and the
run's weights are left as they were.
"""

import ast
import inspect
import io
import math
import textwrap
import tokenize

import numpy as np

import nn_from_scratch
from companion.cli import WIDTH, wrap
from nn_from_scratch import CENTRES, LABELS

SHOWN_UNITS = 8  # at most this many hidden units' columns

# The slope in dz1 = da1 * slope, for each activation, as a formula of z1 and a1 entry by
# entry: what the chapter's line `dz1 = da1 * other_activation(activation)[1](z1, a1)` computes
# (companion/activations.py's slopes), written out for the calculator check.
SLOPES = {
    "tanh": "(1 - a1**2)",
    "sigmoid": "a1 * (1 - a1)",
    "relu": "(1 if z1 > 0 else 0)",
    "leaky_relu": "(1 if z1 > 0 else 0.01)",
    "gelu": "gelu_slope(z1)",
    "silu": "(a1 + sigmoid(z1) * (1 - a1))",
    "identity": "1",
}
# The functions an entry's formula may call, each element-wise.
ELEMENTWISE = ("np.tanh", "np.exp", "np.log", "np.sqrt", "np.abs", "sigmoid", "gelu_slope")

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


# How nn_from_scratch.py writes the lines whose listing text is not its code: the other
# activations' lines, and the loss, which bce_loss() returns.
OTHER_ACTIVATION = {"a1": "a1 = other_activation(activation)[0](z1)",
                    "dz1": "dz1 = da1 * other_activation(activation)[1](z1, a1)"}
THE_FUNCTIONS = ("forward", "bce_loss", "backward", "update")  # where the lines are read


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


def step(params, activation, lr, functions=None, X=CENTRES, labels=LABELS):
    """Every quantity of one step on the four centres, by the chapter's own functions (or those
    of `functions`, {name: function}, such as --bug's planted copies), as {name: array}; the
    weights given are left as they were."""
    forward, backward, update = (the(name, functions) for name in
                                 ("forward", "backward", "update"))
    y = labels.reshape(-1, 1).astype(float)
    before = {name: W.copy() for name, W in params.items()}
    z1, a1, z2, p = forward(before, X, activation)
    grads = backward(before, X, y, z1, a1, p, activation)
    after = {name: W.copy() for name, W in before.items()}
    update(after, grads, lr)
    return {"X": X, "y": y, **before, "z1": z1, "a1": a1, "z2": z2, "p": p,
            "loss": nn_from_scratch.bce_loss(p, y), **{"d" + name: g for name, g in grads.items()},
            **{"new " + name: W for name, W in after.items()}}


def the(name, functions=None):
    """The function that runs under `name`: from functions if given there, else the chapter's."""
    return (functions or {}).get(name) or getattr(nn_from_scratch, name)


# ---- the lines that ran, read from the source ----

def statements_that_run(body, activation):
    """The statements of a function's body in the order they run with this activation: an `if`
    that tests the activation goes down the branch it takes."""
    for node in body:
        if isinstance(node, ast.If) and tests_activation(node.test):
            taken = node.body if decided(node.test, activation) else node.orelse
            yield from statements_that_run(taken, activation)
        else:
            yield node


def tests_activation(test):
    """Whether an `if`'s test reads nothing but the name `activation`."""
    names = {n.id for n in ast.walk(test) if isinstance(n, ast.Name)}
    return names == {"activation"}


def decided(test, activation):
    return eval(compile(ast.Expression(test), "<test>", "eval"), {}, {"activation": activation})


def lines_that_ran(functions, activation):
    """{quantity: [(the code that ran, its comment)]}, from the source of forward(),
    bce_loss(), backward() and update(): a quantity is a name assigned with `=` (z1, dz2, ...),
    `new W1` for `W1 -= ...`, and `loss` for what bce_loss() returns. An `x if activation ==
    ... else y` is written as the side it takes."""
    found = {}
    for function in THE_FUNCTIONS:
        source = textwrap.dedent(inspect.getsource(the(function, functions)))
        lines = source.splitlines()
        body = ast.parse(source).body[0].body
        for node in statements_that_run(body, activation):
            named = quantity(node, function)
            if named:
                found.setdefault(named, []).append((ran(node, source, activation),
                                                    comment(node, lines)))
    return found


def quantity(node, function):
    """The quantity a statement computes, if it computes one."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0],
                                                                              ast.Name):
        return node.targets[0].id
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        return "new " + node.target.id
    if isinstance(node, ast.Return) and function == "bce_loss":
        return "loss"
    return None


def ran(node, source, activation):
    """The code of a statement as it ran: a conditional on the activation, the side taken."""
    segment = ast.get_source_segment(source, node)
    if isinstance(node, ast.Return):
        return "loss = " + ast.get_source_segment(source, node.value)
    value = node.value
    if isinstance(value, ast.IfExp) and tests_activation(value.test):
        side = value.body if decided(value.test, activation) else value.orelse
        return f"{ast.get_source_segment(source, node.targets[0])} = " \
               f"{ast.get_source_segment(source, side)}"
    return segment


def comment(node, lines):
    """The comment after a statement, when it is the last on its line."""
    if node.lineno != node.end_lineno:
        return ""
    rest = lines[node.end_lineno - 1].encode()[node.end_col_offset:].decode()
    return rest.strip() if rest.strip().startswith("#") else ""


def same_code(a, b):
    """Whether two lines are the same code, however spaced (and whatever their comments)."""
    try:
        return ast.dump(ast.parse(a)) == ast.dump(ast.parse(b))
    except SyntaxError:
        return False


def chapter_code(name, text, activation):
    """How nn_from_scratch.py writes a listing line, when it is the chapter's."""
    if activation != "tanh" and name in OTHER_ACTIVATION:
        return OTHER_ACTIVATION[name]
    return text.split("#")[0]


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


def written(name, text, found, activation, function):
    """The line a quantity is shown under: the chapter's text when the line that ran is the
    chapter's, else the line as the source has it; or a sentence when no one line computes it."""
    if len(found) == 1 and same_code(found[0][0], chapter_code(name, text, activation)):
        return [text]
    if not found and name.startswith("new "):
        return [f"{name[4:]}: no line of update() changes it, so it stays as it was"]
    if not found:
        return [f"{name}: no line of {function}() assigns it alone; as {function}() returns it"]
    return [f"{code}   {note}" if note and len(code + note) < WIDTH - 3 else code
            for code, note in found]


# ---- the calculator check: the formulas that ran, written out for one entry ----

def calculator(q, activation, lines):
    """One entry of dW1 written out as the chain rule with its numbers, each result computed
    from the formula printed; where a line is not one it can write out, it says so."""
    head = ["check it with a calculator, one entry of dW1 (inputs row 0, unit 1):"]
    dW1 = lines.get("dW1", [])
    if len(dW1) != 1 or not same_code(dW1[0][0], "dW1 = X.T @ dz1"):
        what = " and ".join(code for code, _ in dW1) or "no line of its own"
        return head + [wrap(f"can't write it out: dW1 is computed by {what}, not by the "
                            "chapter's X.T @ dz1, the sum this check writes out", first="  ",
                            indent="  ")]
    X, dz1 = q["X"][:, 0], np.asarray(q["dz1"])
    if dz1.shape != q["z1"].shape:
        return head + [f"  can't write it out: dz1 has shape {dz1.shape}, not z1's"]
    terms = " + ".join(f"({digits(x)})({digits(d)})" for x, d in zip(X, dz1[:, 0]))
    total = float(np.sum(X * dz1[:, 0]))  # the sum printed, over the four points
    out = head + ["  dW1[0,0] = the sum over the 4 points i of X[i,0] * dz1[i,0]",
                  wrap(f"= {terms} = {digits(total, cancels=True)}", indent="    ",
                       first="    ")]
    out += disagreement("dW1[0,0]", total, q["dW1"][0, 0])
    return out + entry_of_dz1(q, activation, lines.get("dz1", []))


def entry_of_dz1(q, activation, found):
    """dz1[i,0] as the formula of its line, and dz1[0,0] computed from it."""
    if len(found) != 1:
        return [wrap("where dz1 is not computed by one line of backward(): this check can't "
                     "write out its formula", indent="    ", first="  ")]
    code = found[0][0]
    if activation != "tanh" and same_code(code, OTHER_ACTIVATION["dz1"]):
        formula = "da1 * " + SLOPES[activation]  # what other_activation(...)[1] computes
    else:
        node = ast.parse(code).body[0]
        formula = ast.get_source_segment(code, node.value)
    entry = entry_formula(formula, q, q["z1"].shape)
    if entry is None:
        return [wrap(f"where dz1 = {formula}: not an element-wise formula this check can write "
                     "out for one entry (its numbers are above)", indent="    ", first="  ")]
    symbols, numbers, exact = entry
    value = float(eval(exact, formula_names(exact)))
    return [wrap(f"where dz1[i,0] = {symbols}; for the first point,", indent="    ",
                 first="  "),
            wrap(f"dz1[0,0] = {numbers} = {digits(value)}", indent="    ", first="    ")] \
        + disagreement("dz1[0,0]", value, q["dz1"][0, 0])


def disagreement(name, computed, program):
    """A line saying so, when the formula printed does not give what the program computed."""
    if math.isclose(computed, float(program), rel_tol=1e-9, abs_tol=1e-300):
        return []
    return [wrap(f"but the program computed {name} = {digits(program)}: the line printed is "
                 "not what ran (was the file changed after the run started?)", indent="    ",
                 first="  ")]


def entry_formula(formula, q, shape):
    """formula, written for entry [i,0] (symbols), with the numbers of entry [0,0] to 4 digits
    (numbers), and with them in full (exact, to compute with); None if formula is not element-
    wise in arrays of `shape`."""
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError:
        return None
    arrays = {name for name, v in q.items() if " " not in name and np.shape(v) == shape}
    if not elementwise(tree.body, arrays):
        return None
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


def elementwise(node, arrays):
    """Whether an expression computes each entry from the same entry of `arrays` alone."""
    if isinstance(node, ast.Name):
        return node.id in arrays
    if isinstance(node, ast.Constant):
        return type(node.value) in (int, float)
    if isinstance(node, ast.BinOp):
        return not isinstance(node.op, ast.MatMult) and all(
            elementwise(n, arrays) for n in (node.left, node.right))
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, (ast.USub, ast.UAdd)) and elementwise(node.operand, arrays)
    if isinstance(node, ast.IfExp):
        return all(elementwise(n, arrays) for n in (node.test, node.body, node.orelse))
    if isinstance(node, ast.Compare):
        return all(elementwise(n, arrays) for n in [node.left, *node.comparators])
    if isinstance(node, ast.Call):
        return (ast.unparse(node.func) in ELEMENTWISE and not node.keywords
                and all(elementwise(n, arrays) for n in node.args))
    return False


def formula_names(text):
    """What an entry's formula may call, to compute it."""
    names = {"np": np, "sigmoid": nn_from_scratch.sigmoid}
    if "gelu_slope" in text:
        from companion.activations import gelu_slope
        names["gelu_slope"] = gelu_slope
    return names


def bracketed(value):
    """A number to write inside a formula: (-0.4943)**2, not -0.4943**2, which is -(0.4943**2)."""
    text = digits(value)
    return f"({text})" if text.startswith("-") else text


FUNCTION_OF = {"forward pass": "forward", "loss: binary cross-entropy": "bce_loss"}


def listing(params, activation, lr, functions=None, planted=None, points=None, training=400,
            weights="this run's starting weights"):
    """The whole --by-hand text: of the chapter's functions, or of `functions` (--bug's copies,
    the mistake `planted` in one of them). points: (X, labels, what they are) of the four points
    to step on, the four cluster centres if None; training: how many points training's steps
    use; weights: which weights params are, as the opening sentence names them."""
    X, classes, about = points or (CENTRES, LABELS, "the four cluster centres")
    q = step(params, activation, lr, functions, X, classes)
    ran_lines = lines_that_ran(functions, activation)
    hidden = params["W1"].shape[1]
    more = (f" Only units 1 to {SHOWN_UNITS} of {hidden} are shown; the sums over units (z2) "
            f"take them all." if hidden > SHOWN_UNITS else "")
    if planted:
        more += (f" The lines are those that ran, with --bug {planted} planted: its line as the "
                 "planted copy's source has it.")
    lines = []
    for name, title in [("X", "X: the four points, a row each"), ("y", "y: their classes"),
                        ("W1", "W1 (n_in, hidden)"), ("b1", "b1 (1, hidden)"),
                        ("W2", "W2 (hidden, 1), shown as a row"), ("b2", "b2 (1, 1)")]:
        lines += [title] + shown(name, q[name], X)
    for part, quantities in LISTING:
        lines += ["", f"# ---- {part} ----"]
        function = FUNCTION_OF.get(part, "update" if "update" in part else "backward")
        for name, text in quantities:
            if activation != "tanh" and name in ("a1", "dz1"):
                text = {"a1": f"a1 = {activation}(z1)   # hidden activation (the chapter's: "
                              "np.tanh)",
                        "dz1": f"dz1 = da1 * {activation}'(z1)   # the chapter's tanh: "
                               "(1 - a1**2)"}[name]
            lines += written(name, text, ran_lines.get(name, []), activation, function)
            lines += shown(name, q[name], X)
    lines += [""] + calculator(q, activation, ran_lines)
    if any("~0" in line.split() or "(~0)" in line for line in lines):
        more += (f" ~0 is a sum under {ROUNDING:g}: terms that cancel, to float64's "
                 "rounding.")
    intro = wrap(f"one step by hand: the chapter's listing, line by line, with the numbers it "
                 f"computes, to 4 significant digits. It is one gradient-descent step on "
                 f"{about} (m = 4), from {weights} ({activation},"
                 f" {hidden} hidden units, lr {lr:g}); training's steps use all "
                 f"{training} points, so this is not one of them.{more}", indent="")
    return "\n".join([intro, ""] + lines)
