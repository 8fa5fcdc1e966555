"""A neural network from scratch: the chapter's 2-8-1 network on the XOR clusters, in plain NumPy.

    python nn_from_scratch.py            prints exactly the chapter's listing
    python nn_from_scratch.py --help     the knobs, and the pictures and checks

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
What is not the chapter lives in modules of their own: the terminal manners (cli.py), the work
the picture and check flags add around the run (extras.py), and, imported only when a flag asks
for them, the pictures (pictures.py), the figure (plot.py) and the gradient check (gradcheck.py).
"""

import numpy as np

from cli import ArgumentParser, Refused, choice, command, fail, number
from extras import Extras, refuse_early

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


def gelu(z):
    """GELU in its tanh form, 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))): NumPy has no erf.
    (z + 0.044715 z^3 is written z (1 + 0.044715 z z): the same number, computed faster.)"""
    return 0.5 * z * (1 + np.tanh(GELU_C * z * (1 + 0.044715 * z * z)))


def gelu_slope(z):
    """d/dz of gelu(z), by the product and chain rules: with t the tanh above,
    0.5 (1 + t) + 0.5 z (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 z^2)."""
    t = np.tanh(GELU_C * z * (1 + 0.044715 * z * z))
    return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * z * z)


GELU_C = np.sqrt(2 / np.pi)

# Each hidden activation a = f(z) with its slope f'(z), the slope written in the form natural to
# it: from the output a where it can be, as the chapter writes tanh's (1 - a**2), from z where
# it can't. The forward pass uses the first column, the backward pass the second; one row is all
# it takes to add another activation.
ACTIVATIONS = {
    "tanh": (np.tanh, lambda z, a: 1 - a**2),
    "relu": (lambda z: np.maximum(0, z), lambda z, a: (z > 0) * 1.0),
    "leaky_relu": (lambda z: np.where(z > 0, z, 0.01 * z), lambda z, a: np.where(z > 0, 1.0, 0.01)),
    "sigmoid": (sigmoid, lambda z, a: a * (1 - a)),
    "gelu": (gelu, lambda z, a: gelu_slope(z)),
    # silu(z) = z s(z), s the sigmoid; its slope s + z s (1 - s) is a + s (1 - a)
    "silu": (lambda z: z * sigmoid(z), lambda z, a: a + sigmoid(z) * (1 - a)),
    "identity": (lambda z: z, lambda z, a: np.ones_like(z)),  # no non-linearity: experiments.py
}


# ---- initialisation ----

INITS = ("xavier", "he", "zeros", "constant", "large")
LARGE_INIT_STD = 10.0  # --init large: N(0, 10^2) weights, deliberately far too big
CONSTANT_INIT = 0.5    # --init constant: every weight 0.5, so every hidden unit starts the same


def init_weights(rng, n_in, n_out, init="xavier"):
    """An (n_in, n_out) weight matrix.

    xavier: N(0, 1) / sqrt(n_in), the chapter's: each unit's weighted sum then has about the variance
    of one input, however many inputs it has. (The chapter says "Xavier/He"; this is Xavier's.)
    he: N(0, 1) * sqrt(2 / n_in), He's, for ReLU, which zeroes half of its inputs' variance.
    zeros, constant: every unit the same. large: N(0, 10^2).
    """
    if init in ("zeros", "constant"):
        return np.full((n_in, n_out), 0.0 if init == "zeros" else CONSTANT_INIT)
    W = rng.standard_normal((n_in, n_out))
    if init == "xavier":
        return W / np.sqrt(n_in)
    return W * (np.sqrt(2 / n_in) if init == "he" else LARGE_INIT_STD)


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


def backward(params, X, y, z1, a1, p, activation="tanh"):
    """dL/dW1, dL/db1, dL/dW2, dL/db2 by the chain rule, layer by layer from the output.

    This is the exact gradient of the loss without bce_loss's eps, which only guards log(0).
    """
    W2 = params["W2"]
    _, slope = ACTIVATIONS[activation]
    m = len(X)
    dz2 = (p - y) / m                # (m, 1): sigmoid's slope cancels against the cross-entropy's
    dW2 = a1.T @ dz2                 # (hidden, 1)
    db2 = dz2.sum(0, keepdims=True)  # (1, 1)
    da1 = dz2 @ W2.T                 # (m, hidden): push the error back through W2
    dz1 = da1 * slope(z1, a1)        # element-wise; for tanh, times 1 - a1**2
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


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during training, with where it stopped: the loss and accuracy of the latest epoch."""

    def __init__(self, epoch, loss, acc):
        super().__init__(f"interrupted at epoch {epoch}: loss {loss:.4f}, train-acc {acc:.3f}")
        self.epoch = epoch


def log_epochs(epochs):
    """The epochs the log shows: every epochs // 5, and the last one (0, 400, ..., 1600, 1999)."""
    return set(range(0, epochs, max(1, epochs // 5))) | {epochs - 1}


def train(params, X, y, activation="tanh", lr=0.5, epochs=2000, on_log=None, on_epoch=None):
    """Full-batch gradient descent on params, in place. Returns the log: (epoch, loss, accuracy) rows.

    The loss and accuracy of an epoch are those of its forward pass, before its update; they are
    computed only on the epochs the log shows. on_log(epoch, loss, acc) is called as each row is
    made; on_epoch(epoch, p), if given, after every forward pass (for pictures and progress).
    Raises Diverged, naming the epoch, as soon as a number overflows or becomes undefined
    (inf - inf), and Interrupted on Ctrl-C.
    """
    shown = log_epochs(epochs)
    log = []
    latest = None  # (epoch, p) of the latest forward pass, to say where Ctrl-C stopped
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            for epoch in range(epochs):
                z1, a1, z2, p = forward(params, X, activation)
                latest = epoch, p
                if epoch in shown:
                    log.append((epoch, bce_loss(p, y), accuracy(p, y)))
                    if on_log:
                        on_log(*log[-1])
                if on_epoch:
                    on_epoch(epoch, p)
                grads = backward(params, X, y, z1, a1, p, activation)
                update(params, grads, lr)
    except FloatingPointError as err:
        raise Diverged(epoch, str(err)) from None
    except KeyboardInterrupt:
        if latest is None:
            raise
        raise Interrupted(latest[0], bce_loss(latest[1], y), accuracy(latest[1], y)) from None
    return log


# ---- the command line ----

def parse_args(argv=None):
    parser = ArgumentParser(
        prog="nn_from_scratch.py",
        description="Train the chapter's 2-8-1 network on the XOR clusters and print its log. "
                    "With no options it prints exactly the chapter's listing.")
    knob = parser.add_argument
    knob("--hidden", type=number(int, 1), default=8, metavar="N", help="hidden units (default: 8)")
    knob("--activation", type=choice(ACTIVATIONS), default="tanh", metavar="NAME",
         help="the hidden layer's activation: " + ", ".join(ACTIVATIONS) + "; gelu is its "
              "tanh form, identity no non-linearity at all (default: tanh)")
    knob("--init", type=choice(INITS), default="xavier", metavar="NAME",
         help="initial weights: xavier = N(0,1)/sqrt(n_in), the chapter's; he = "
              f"N(0,1)*sqrt(2/n_in); zeros; constant = every weight {CONSTANT_INIT}; large = "
              f"N(0, {LARGE_INIT_STD:g}^2), unscaled, far too big (default: xavier)")
    knob("--lr", type=number(float, 0, strict=True), default=0.5, metavar="X",
         help="learning rate (default: 0.5)")
    knob("--epochs", type=number(int, 1), default=2000, metavar="N",
         help="full-batch gradient-descent steps (default: 2000)")
    knob("--seed", type=number(int, 0), default=0, metavar="N",
         help="seed of the data and of the weights (default: 0)")
    knob("--noise", type=number(float, 0), default=0.35, metavar="X",
         help="spread (std) of each cluster (default: 0.35)")
    look = parser.add_argument_group("pictures and checks (the listing stays as it is above them)")
    look.add_argument("--watch", action="store_true",
                      help="draw the decision regions as training goes: animated in a terminal, "
                           "one plain frame per logged epoch through a pipe")
    look.add_argument("--curve", action="store_true",
                      help="after training, plot the loss and accuracy of every epoch")
    look.add_argument("--boundary", action="store_true",
                      help="after training, draw the decision regions and the points")
    look.add_argument("--features", action="store_true",
                      help="after training, draw where each hidden unit is on")
    look.add_argument("--hidden-space", action="store_true",
                      help="draw the points as the output unit sees them, in the hidden layer's "
                           "coordinates, before and after training")
    look.add_argument("--shapes", action="store_true",
                      help="before training, list each quantity's shape")
    look.add_argument("--gradcheck", action="store_true",
                      help="check backward() against finite differences, before and after "
                           "training; exit status 1 if an array's gradient is wrong")
    look.add_argument("--plot", metavar="FILE",
                      help="save a figure of all of it (.png, .svg or .pdf); needs matplotlib")
    args = parser.parse_args(argv)
    if args.plot and not args.plot.lower().endswith((".png", ".svg", ".pdf")):
        parser.error(f"argument --plot: expected a .png, .svg or .pdf file, got {args.plot!r}")
    return args


def run(args):
    """The chapter's run, with the knobs of args: train, log, then use the trained network.
    What the picture and check flags add is done by extras.py, at the three calls to `extras`."""
    X, y = make_xor_data(seed=args.seed, noise=args.noise)
    n_classes = len(np.unique(y))
    print(f"data: {X.shape[0]} points, {X.shape[1]} features, {n_classes} classes (XOR layout)")

    params = init_params(X.shape[1], args.hidden, args.init, args.seed)
    width = len(str(args.epochs - 1))
    with Extras(args, X, y, params) as extras:  # --shapes, --gradcheck; --watch, --curve start

        def show(epoch, loss, acc):
            extras.log(f"epoch {epoch:{width}d}  loss {loss:.4f}  train-acc {acc:.3f}")

        train(params, X, y, args.activation, args.lr, args.epochs, on_log=show,
              on_epoch=extras.on_epoch)  # None unless a picture or a progress line needs it

    print(f"final train accuracy: {accuracy(predict(params, X, args.activation), y):.3f}")
    print("sanity check on the four cluster centers:")
    for centre, p in zip(CENTRES, predict(params, CENTRES, args.activation)[:, 0]):
        print(f"  point {str(centre):9} -> P(class 1) = {p:.3f}")
    return extras.after_training(params)  # the pictures; 1 if the gradient check failed


def main(argv=None):
    args = parse_args(argv)
    try:
        refuse_early(args)  # a run too big for memory, a --plot file that can't be written
        # The last update can leave weights that overflow only when used, after the loop: the
        # whole run is watched, not just train().
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            return run(args)
    except Refused as err:
        fail(f"nn_from_scratch.py: {err}")
        return 2
    except Diverged as err:
        when, what = f"at epoch {err.epoch}", err.what
    except FloatingPointError as err:
        when, what = "after the last epoch, when the trained weights were used", str(err)
    advice = f"try a --lr smaller than {args.lr:g} (the chapter's is 0.5)"
    if args.init != "xavier":
        advice += " or --init xavier"
    fail(f"nn_from_scratch.py: training broke down {when}: the numbers grew past what float64 "
         f"can hold ({what}); {advice}")
    return 1


if __name__ == "__main__":
    command(main)
