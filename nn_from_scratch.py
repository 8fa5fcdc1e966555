"""A neural network from scratch: the chapter's 2-8-1 network on the XOR clusters, in plain NumPy.

    python nn_from_scratch.py            prints exactly the chapter's listing

In the chapter's order: make the four-cluster XOR data; give a 2-8-1 network (tanh hidden layer,
sigmoid output) small random weights scaled by 1/sqrt(n_in); train it by full-batch gradient descent
on binary cross-entropy, with the backward pass derived by hand; log the loss and training accuracy;
then ask the trained network about the four cluster centres.

Layout, once for the whole file: rows are examples. X is (m, n_in), y is (m, 1) of 0s and 1s,
W1 is (n_in, hidden), b1 is (1, hidden), W2 is (hidden, 1), b2 is (1, 1).

The chapter leaves out its data set, seed and learning rate; the values below are the ones that
reproduce every number it prints (see the README). Left out on purpose, as in the chapter:
mini-batches, momentum, regularisation and a test split. The chapter reports training accuracy
on all 400 points, and so do we.

Importing this module only defines things; tests and the other scripts reuse its functions.
"""

import argparse
import math
import sys

import numpy as np

# The four clusters, in the order the data set stacks them. XOR: class 1 where the signs differ.
CENTRES = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
LABELS = np.array([0, 0, 1, 1])

EPS = 1e-12  # keeps log() away from log(0) when p reaches exactly 0 or 1


# ---- data ----

def make_xor_data(seed=0, noise=0.35, per_cluster=100):
    """X (4*per_cluster, 2) and y (4*per_cluster, 1): Gaussian blobs of spread `noise` round CENTRES."""
    rng = np.random.default_rng(seed)
    X = np.vstack([centre + noise * rng.standard_normal((per_cluster, 2)) for centre in CENTRES])
    y = np.repeat(LABELS, per_cluster).reshape(-1, 1).astype(float)
    return X, y


# ---- activations ----

def sigmoid(z):
    # exp(-z) overflows to inf for z < -709, and 1/(1+inf) = 0 is the right limit: not an error.
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


# Each hidden activation with its slope, the slope written in terms of the activation's output
# a = f(z), as the chapter writes tanh's: tanh'(z) = 1 - tanh(z)**2 = 1 - a**2. The forward pass
# uses the first column, the backward pass the second; one row is all it takes to add another.
ACTIVATIONS = {
    "tanh": (np.tanh, lambda a: 1 - a**2),
    "relu": (lambda z: np.maximum(0, z), lambda a: (a > 0) * 1.0),
    "leaky_relu": (lambda z: np.where(z > 0, z, 0.01 * z), lambda a: np.where(a > 0, 1.0, 0.01)),
    "sigmoid": (sigmoid, lambda a: a * (1 - a)),
    "identity": (lambda z: z, lambda a: np.ones_like(a)),  # no non-linearity: see experiments.py
}


# ---- initialisation ----

INITS = ("xavier", "zeros", "large")
LARGE_INIT_STD = 10.0  # --init large: N(0, 10^2) weights, deliberately far too big


def init_weights(rng, n_in, n_out, init="xavier"):
    """An (n_in, n_out) weight matrix.

    xavier: N(0, 1) / sqrt(n_in), the chapter's: each unit's weighted sum then has about the variance
    of one input, however many inputs it has. (The chapter says "Xavier/He"; He's scaling, meant
    for ReLU, would be sqrt(2 / n_in).) zeros: every unit the same. large: N(0, 10^2).
    """
    if init == "zeros":
        return np.zeros((n_in, n_out))
    W = rng.standard_normal((n_in, n_out))
    return W / np.sqrt(n_in) if init == "xavier" else W * LARGE_INIT_STD


def init_params(n_in=2, hidden=8, init="xavier", seed=0):
    """W1, b1, W2, b2 for an n_in-hidden-1 network; the biases start at zero."""
    rng = np.random.default_rng(seed)  # its own generator: the weights don't depend on the data
    W1 = init_weights(rng, n_in, hidden, init)
    W2 = init_weights(rng, hidden, 1, init)
    return {"W1": W1, "b1": np.zeros((1, hidden)), "W2": W2, "b2": np.zeros((1, 1))}


# ---- forward pass, loss, backward pass, update: the chapter's listing, one line per formula ----

def forward(params, X, activation="tanh"):
    """z1, a1, z2, p: two matrix products with the activation between them."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    f, _ = ACTIVATIONS[activation]
    z1 = X @ W1 + b1   # (m, hidden)
    a1 = f(z1)         # hidden activation: np.tanh in the chapter
    z2 = a1 @ W2 + b2  # (m, 1)
    p = sigmoid(z2)    # predicted probability of class 1
    return z1, a1, z2, p


def bce_loss(p, y, eps=EPS):
    """Binary cross-entropy, averaged over the m examples."""
    return -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))


def backward(params, X, y, a1, p, activation="tanh"):
    """dL/dW1, dL/db1, dL/dW2, dL/db2 by the chain rule, layer by layer from the output."""
    W2 = params["W2"]
    _, slope = ACTIVATIONS[activation]
    m = len(X)
    dz2 = (p - y) / m                # (m, 1): sigmoid's slope cancels against the cross-entropy's
    dW2 = a1.T @ dz2                 # (hidden, 1)
    db2 = dz2.sum(0, keepdims=True)  # (1, 1)
    da1 = dz2 @ W2.T                 # (m, hidden): push the error back through W2
    dz1 = da1 * slope(a1)            # element-wise; for tanh, times 1 - a1**2
    dW1 = X.T @ dz1                  # (n_in, hidden)
    db1 = dz1.sum(0, keepdims=True)  # (1, hidden)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def update(params, grads, lr):
    """Plain gradient descent, in place: W1 -= lr*dW1; b1 -= lr*db1; W2 -= lr*dW2; b2 -= lr*db2."""
    for name in params:
        params[name] -= lr * grads[name]


# ---- using the network ----

def predict(params, X, activation="tanh"):
    """P(class 1) for each row of X."""
    return forward(params, X, activation)[-1]


def accuracy(p, y):
    """Fraction of examples on the right side of P(class 1) = 0.5."""
    return np.mean((p > 0.5) == y)


class Diverged(ArithmeticError):
    """Training produced a number float64 cannot hold; `epoch` says when."""

    def __init__(self, epoch, what):
        super().__init__(f"at epoch {epoch}: {what}")
        self.epoch, self.what = epoch, what


def log_epochs(epochs):
    """The epochs the log shows: every epochs // 5, and the last one (0, 400, ..., 1600, 1999)."""
    return set(range(0, epochs, max(1, epochs // 5))) | {epochs - 1}


def train(params, X, y, activation="tanh", lr=0.5, epochs=2000, on_log=None):
    """Full-batch gradient descent on params, in place. Returns the log: (epoch, loss, accuracy) rows.

    The loss and accuracy of an epoch are those of its forward pass, before its update; they are
    computed only on the epochs the log shows. on_log(epoch, loss, acc) is called as each row is made.
    Raises Diverged, naming the epoch, as soon as a number overflows or becomes undefined (inf - inf).
    """
    shown = log_epochs(epochs)
    log = []
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            for epoch in range(epochs):
                z1, a1, z2, p = forward(params, X, activation)
                if epoch in shown:
                    log.append((epoch, bce_loss(p, y), accuracy(p, y)))
                    if on_log:
                        on_log(*log[-1])
                grads = backward(params, X, y, a1, p, activation)
                update(params, grads, lr)
    except FloatingPointError as err:
        raise Diverged(epoch, str(err)) from None
    return log


# ---- pictures: the decision regions, the hidden units, the shapes ----

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
    """Lines of a character canvas in a box, with the x1 and x2 ranges written on its edges."""
    cols = canvas.shape[1]
    edge = "      +" + "-" * cols + "+"
    lines = [edge]
    for i, row in enumerate(canvas):
        label = f"{hi[1]:5.2f}" if i == 0 else f"{lo[1]:5.2f}" if i == len(canvas) - 1 else ""
        lines.append(f"{label:>5} |" + "".join(row) + "|")
    lines.append(edge)
    lines.append(f"       {lo[0]:<6.2f}" + f"{hi[0]:>{cols - 6}.2f}")
    return lines


def boundary_map(params, X, y, activation="tanh", cols=64, rows=24):
    """An ASCII map of where the network says class 1, with the training points drawn on it."""
    lo, hi = X.min(0), X.max(0)
    says_1 = predict(params, grid(lo, hi, cols, rows), activation).reshape(rows, cols) > 0.5
    canvas = np.where(says_1, ".", " ")
    is_1 = y[:, 0] == 1
    wrong = (predict(params, X, activation)[:, 0] > 0.5) != is_1
    marks = np.where(is_1, "x", "o")
    marks = np.where(wrong, np.char.upper(marks), marks)
    order = np.argsort(wrong, kind="stable")  # the mistakes last, so nothing hides them
    row, col = cell_of(X[order], lo, hi, cols, rows)
    canvas[row, col] = marks[order]
    return "\n".join(
        ["decision regions: '.' where the network says class 1, blank where it says class 0;",
         "training points: o class 0, x class 1; O and X are the ones it gets wrong"]
        + framed(canvas, lo, hi))


def feature_maps(params, X, activation="tanh", cols=17, rows=8, per_row=4):
    """A small map per hidden unit of where it is on (z1 > 0) or off: the features the network made."""
    lo, hi = X.min(0), X.max(0)
    on = forward(params, grid(lo, hi, cols, rows), activation)[0] > 0  # (rows*cols, hidden)
    row, col = cell_of(CENTRES, lo, hi, cols, rows)
    maps = []
    for unit in range(on.shape[1]):
        canvas = np.where(on[:, unit].reshape(rows, cols), "#", ".")
        canvas[row, col] = LABELS.astype(str)
        title = f"unit {unit + 1}: w2 = {params['W2'][unit, 0]:+.1f}"
        maps.append([f"{title:<{cols}}"] + ["".join(r) for r in canvas])
    lines = ["hidden units: '#' where the unit is on (z1 > 0), '.' where it is off; 0 and 1 mark",
             "the cluster centres and their class; w2 is the unit's vote for class 1"]
    for first in range(0, len(maps), per_row):
        lines.append("")
        lines += ["   ".join(parts) for parts in zip(*maps[first:first + per_row])]
    return "\n".join(lines)


SHAPE_NAMES = {  # the chapter's shape notes, in its symbols
    "X": "(m, n_in)", "y": "(m, 1)", "W1": "(n_in, hidden)", "b1": "(1, hidden)",
    "W2": "(hidden, 1)", "b2": "(1, 1)", "z1": "(m, hidden)", "a1": "(m, hidden)",
    "z2": "(m, 1)", "p": "(m, 1)",
}


def shapes_table(params, X, y, activation="tanh"):
    """The name and shape of every quantity of one forward and backward pass, in the chapter's order."""
    z1, a1, z2, p = forward(params, X, activation)
    grads = backward(params, X, y, a1, p, activation)
    arrays = {"X": X, "y": y, **params, "z1": z1, "a1": a1, "z2": z2, "p": p}
    # A gradient dQ always has the shape of Q; dW1..db2 are read off the backward pass itself.
    rows = [(name, arrays[name].shape, SHAPE_NAMES[name]) for name in arrays]
    for name in ["z2", "W2", "b2", "a1", "z1", "W1", "b1"]:
        shape = grads[name].shape if name in grads else arrays[name].shape
        rows.append(("d" + name, shape, SHAPE_NAMES[name]))
    m, n_in = X.shape
    lines = [f"shapes for m = {m} points, n_in = {n_in} inputs, hidden = {a1.shape[1]} units"
             " (rows are examples; dQ has the shape of Q):"]
    lines += [f"  {name:<4} {str(shape):<10} {symbols}" for name, shape, symbols in rows]
    return "\n".join(lines)


# ---- the command line ----

class ArgumentParser(argparse.ArgumentParser):
    """argparse, with a bad argument answered in one line (not the whole usage) and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def number(kind, low, strict):
    """An argparse type: a finite int or float at least `low` (above it, if strict)."""
    wanted = f"{'a whole number' if kind is int else 'a number'} {'>' if strict else '>='} {low}"

    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}") from None
        if not math.isfinite(value) or value < low or (strict and value == low):
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}")
        return value

    return parse


def parse_args(argv=None):
    parser = ArgumentParser(
        prog="nn_from_scratch.py",
        description="Train the chapter's 2-8-1 network on the XOR clusters and print its log. "
                    "With no options it prints exactly the chapter's listing.")
    knob = parser.add_argument
    knob("--hidden", type=number(int, 1, False), default=8, metavar="N",
         help="hidden units (default: 8)")
    knob("--activation", choices=list(ACTIVATIONS), default="tanh",
         help="the hidden layer's activation; identity = none at all (default: tanh)")
    knob("--init", choices=INITS, default="xavier",
         help="initial weights: xavier = N(0,1)/sqrt(n_in), the chapter's; zeros; "
              f"large = N(0, {LARGE_INIT_STD:g}^2), unscaled, far too big (default: xavier)")
    knob("--lr", type=number(float, 0, True), default=0.5, help="learning rate (default: 0.5)")
    knob("--epochs", type=number(int, 1, False), default=2000,
         help="full-batch gradient-descent steps (default: 2000)")
    knob("--seed", type=number(int, 0, False), default=0,
         help="seed of the data and of the weights (default: 0)")
    knob("--noise", type=number(float, 0, False), default=0.35,
         help="spread (std) of each cluster (default: 0.35)")
    knob("--boundary", action="store_true",
         help="after training, draw the decision regions and the points")
    knob("--features", action="store_true",
         help="after training, draw where each hidden unit is on")
    knob("--shapes", action="store_true",
         help="before training, list each quantity's shape")
    return parser.parse_args(argv)


def run(args):
    """The chapter's run, with the knobs of args: train, log, then use the trained network."""
    X, y = make_xor_data(seed=args.seed, noise=args.noise)
    n_classes = len(np.unique(y))
    print(f"data: {X.shape[0]} points, {X.shape[1]} features, {n_classes} classes (XOR layout)")

    params = init_params(X.shape[1], args.hidden, args.init, args.seed)
    if args.shapes:
        print(shapes_table(params, X, y, args.activation))
    width = len(str(args.epochs - 1))

    def show(epoch, loss, acc):
        print(f"epoch {epoch:{width}d}  loss {loss:.4f}  train-acc {acc:.3f}")

    train(params, X, y, args.activation, args.lr, args.epochs, on_log=show)

    print(f"final train accuracy: {accuracy(predict(params, X, args.activation), y):.3f}")
    print("sanity check on the four cluster centers:")
    for centre, p in zip(CENTRES, predict(params, CENTRES, args.activation)[:, 0]):
        print(f"  point {str(centre):9} -> P(class 1) = {p:.3f}")
    if args.boundary:
        print(boundary_map(params, X, y, args.activation))
    if args.features:
        print(feature_maps(params, X, args.activation))


def main(argv=None):
    args = parse_args(argv)
    try:
        # The last update can leave weights that overflow only when used, after the loop: the
        # whole run is watched, not just train().
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            run(args)
        return 0
    except Diverged as err:
        when, what = f"at epoch {err.epoch}", err.what
    except FloatingPointError as err:
        when, what = "after the last epoch, when the trained weights were used", str(err)
    advice = f"try a --lr smaller than {args.lr:g} (the chapter's is 0.5)"
    if args.init != "xavier":
        advice += " or --init xavier"
    print(f"training broke down {when}: the numbers grew past what float64 can hold ({what}); "
          f"{advice}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
