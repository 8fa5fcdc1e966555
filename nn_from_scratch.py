"""A neural network from scratch: the chapter's 2-8-1 network on the XOR clusters, in plain NumPy.

    python nn_from_scratch.py            prints exactly the chapter's listing
    python nn_from_scratch.py --help     the knobs, and the pictures and checks

Where each line of the chapter's listing lives here:

    the chapter's lines                                 this file
    z1 = X @ W1 + b1; a1 = np.tanh(z1)                  forward()
    z2 = a1 @ W2 + b2; p = sigmoid(z2)                  forward(), sigmoid()
    loss = -np.mean(y*np.log(p+eps) + ...)              bce_loss()
    dz2 = (p - y) / m; dW2 = a1.T @ dz2; db2 = ...      backward()
    da1 = dz2 @ W2.T; dz1 = da1 * (1 - a1**2)           backward()
    dW1 = X.T @ dz1; db1 = dz1.sum(0, keepdims=True)    backward()
    W1 -= lr*dW1; b1 -= lr*db1; W2 -= ...; b2 -= ...    update()
    weights scaled by 1/sqrt(n_in)                      init_weights()
    the data: 400 points in the XOR layout              make_xor_data()
    the log, every 400 epochs, and training             log_epochs(), train()
    the sanity check on the four cluster centers        run()

Layout, once for the whole file: rows are examples. X is (m, n_in), y is (m, 1) of 0s and 1s,
W1 is (n_in, hidden), b1 is (1, hidden), W2 is (hidden, 1), b2 is (1, 1).

The chapter leaves out its data set, seed and learning rate; the values below are the ones that
reproduce every number it prints (docs/configuration.md). Left out on purpose, as in the chapter:
mini-batches, momentum, regularisation and a test split. The chapter reports training accuracy
on all 400 points, and so do we (--test holds points out, and --data trains on other sets or
your own points: docs/data.md).

Importing this module only defines things. What is not the chapter lives in the companion/
package: its terminal manners (companion/cli.py) and its flags (companion/flags.py), which
load the pictures, the figure and the gradient check only when a flag asks for them.
"""

# companion.cli first: run as a program, Ctrl-C while NumPy loads already ends with one line
from companion.cli import ArgumentParser, Refused, choice, command, fail, number, plain
import sys  # noqa: E402, I001

# Run as a program, this file is the module __main__; companion/'s modules import it by its name.
# Under that name they get this very module, not a second copy loaded from the file again.
if __name__ == "__main__":
    sys.modules.setdefault("nn_from_scratch", sys.modules[__name__])

import numpy as np  # noqa: E402

from companion import flags  # noqa: E402

# The four clusters, in the order the data set stacks them. XOR: class 1 where the signs differ.
CENTRES = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
LABELS = np.array([0, 0, 1, 1])

EPS = 1e-12  # keeps log() away from log(0) when p reaches exactly 0 or 1

# The last run's network and data, for a reader at `python -i nn_from_scratch.py`'s prompt:
# last_run["params"]["W1"], last_run["X"], last_run["log"]. Filled by run(), never read by it.
last_run = {}


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


# --activation's other choices (ReLU, GELU, ...) live in companion/activations.py, loaded only
# when one is chosen; forward() and backward() write the chapter's tanh out in full.
ACTIVATION_NAMES = ("tanh", "relu", "leaky_relu", "sigmoid", "gelu", "silu", "identity")


def other_activation(name):
    """(f, slope) of a hidden activation other than tanh: a = f(z), and slope(z, a) = f'(z)."""
    from companion.activations import ACTIVATIONS
    return ACTIVATIONS[name]


# ---- initialisation ----

INITS = ("xavier", "glorot", "he", "zeros", "constant", "large")
LARGE_INIT_STD = 10.0  # --init large: N(0, 10^2) weights, deliberately far too big
CONSTANT_INIT = 0.5    # --init constant: every weight 0.5, so every hidden unit starts the same


def init_weights(rng, n_in, n_out, init="xavier"):
    """An (n_in, n_out) weight matrix.

    xavier: N(0, 1) / sqrt(n_in), the chapter's: each unit's weighted sum then has about the variance
    of one input, however many inputs it has. The chapter calls it "Xavier/He"; the formula is
    LeCun's scaling. It keeps the name the chapter gives it.
    glorot: N(0, 1) * sqrt(2 / (n_in + n_out)), Glorot and Bengio's ("Xavier") normal scaling.
    he: N(0, 1) * sqrt(2 / n_in), He's, for ReLU, which zeroes half of its inputs' variance.
    zeros, constant: every unit the same. large: N(0, 10^2).
    """
    if init in ("zeros", "constant"):
        return np.full((n_in, n_out), 0.0 if init == "zeros" else CONSTANT_INIT)
    W = rng.standard_normal((n_in, n_out))
    if init == "xavier":
        return W / np.sqrt(n_in)
    if init == "glorot":
        return W * np.sqrt(2 / (n_in + n_out))
    return W * (np.sqrt(2 / n_in) if init == "he" else LARGE_INIT_STD)


def init_params(n_in=2, hidden=8, init="xavier", seed=0):
    """W1, b1, W2, b2 for an n_in-hidden-1 network; the biases start at zero.

    The weights get a generator of their own, but seeded with the data's seed, so the two draw
    the same stream: W1 is the first 16 draws divided by sqrt(2), the very draws that place the
    first 8 points of cluster (-1,-1). That is the chapter's configuration (it reproduces the
    chapter's numbers), so it stays; the weights are not independent of the data.
    """
    rng = np.random.default_rng(seed)
    W1 = init_weights(rng, n_in, hidden, init)
    W2 = init_weights(rng, hidden, 1, init)
    return {"W1": W1, "b1": np.zeros((1, hidden)), "W2": W2, "b2": np.zeros((1, 1))}


# ---- forward pass, loss, backward pass, update: the chapter's listing, one line per formula ----

def forward(params, X, activation="tanh"):
    """z1, a1, z2, p: two matrix products with the activation between them."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    z1 = X @ W1 + b1   # (m, hidden)
    a1 = np.tanh(z1) if activation == "tanh" else other_activation(activation)[0](z1)
    z2 = a1 @ W2 + b2  # (m, 1)
    p = sigmoid(z2)    # predicted probability of class 1
    return z1, a1, z2, p


def bce_loss(p, y, eps=EPS):
    """Binary cross-entropy, averaged over the m examples."""
    return -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))


def backward(params, X, y, z1, a1, p, activation="tanh"):
    """dL/dW1, dL/db1, dL/dW2, dL/db2 by the chain rule, layer by layer from the output, and
    on the way dL/dz2, dL/da1, dL/dz1, each keyed by the name of what it is the gradient of.

    This is the exact gradient of the loss without bce_loss's eps, which only guards log(0).
    """
    W2 = params["W2"]
    m = len(X)
    dz2 = (p - y) / m                # (m, 1): sigmoid's slope cancels against the cross-entropy's
    dW2 = a1.T @ dz2                 # (hidden, 1)
    db2 = dz2.sum(0, keepdims=True)  # (1, 1)
    da1 = dz2 @ W2.T                 # (m, hidden): push the error back through W2
    if activation == "tanh":
        dz1 = da1 * (1 - a1**2)      # element-wise: times tanh'(z) = 1 - tanh(z)^2
    else:
        dz1 = da1 * other_activation(activation)[1](z1, a1)  # times f'(z1), element-wise
    dW1 = X.T @ dz1                  # (n_in, hidden)
    db1 = dz1.sum(0, keepdims=True)  # (1, hidden)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "z2": dz2, "a1": da1, "z1": dz1}


def update(params, grads, lr):
    """Plain gradient descent, in place: params holds the very arrays W1, b1, W2, b2."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    dW1, db1, dW2, db2 = grads["W1"], grads["b1"], grads["W2"], grads["b2"]
    W1 -= lr*dW1; b1 -= lr*db1; W2 -= lr*dW2; b2 -= lr*db2  # noqa: E702 (the chapter's line)


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
        super().__init__(epoch, what)  # the args, so that it pickles (from a worker process)
        self.epoch, self.what = epoch, what

    def __str__(self):
        return f"at epoch {self.epoch}: {self.what}"


def log_epochs(epochs):
    """The epochs the log shows: every epochs // 5, and the last one (0, 400, ..., 1600, 1999)."""
    return set(range(0, epochs, max(1, epochs // 5))) | {epochs - 1}


def train(params, X, y, activation="tanh", lr=0.5, epochs=2000, on_log=None, on_epoch=None):
    """Full-batch gradient descent on params, in place. Returns the log: (epoch, loss, accuracy) rows.

    The loss and accuracy of an epoch are those of its forward pass, before its update; they are
    computed only on the epochs the log shows. on_log(epoch, loss, acc) is called as each row is
    made; on_epoch(epoch, p), if given, after every forward pass (for pictures and progress).
    Raises Diverged, naming the epoch, as soon as a number overflows or becomes undefined.
    """
    shown, log, epoch = log_epochs(epochs), [], 0
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            for epoch in range(epochs):
                z1, a1, z2, p = forward(params, X, activation)
                if epoch in shown:
                    log.append((epoch, float(bce_loss(p, y)), float(accuracy(p, y))))
                    if on_log:
                        on_log(*log[-1])
                if on_epoch:
                    on_epoch(epoch, p)
                grads = backward(params, X, y, z1, a1, p, activation)
                update(params, grads, lr)
    except FloatingPointError as err:
        raise Diverged(epoch, str(err)) from None
    return log


# ---- the command line: the knobs here, the pictures' and checks' flags in companion/flags.py ----

MOST_EPOCHS = 10**9  # the log's epoch numbers stay within 80 columns
MOST_NOISE = 100.0   # clusters 100 times wider than their distance apart: nothing left to learn

def parse_args(argv=None):
    parser = ArgumentParser(
        prog="nn_from_scratch.py",
        description="Train the chapter's 2-8-1 network on the XOR clusters and print its log. "
                    "With no options it prints exactly the chapter's listing.")
    knob = parser.add_argument
    knob("--hidden", type=number(int, 1), default=8, metavar="N", help="hidden units (default: 8)")
    knob("--activation", type=choice(ACTIVATION_NAMES), default="tanh", metavar="NAME",
         help="the hidden layer's activation: " + ", ".join(ACTIVATION_NAMES) + "; gelu is its "
              "tanh form, identity no non-linearity at all (default: tanh)")
    knob("--init", type=choice(INITS), default="xavier", metavar="NAME",
         help="initial weights: xavier = N(0,1)/sqrt(n_in), the chapter's (it says "
              "Xavier/He; the formula is LeCun's); glorot = N(0,1)*sqrt(2/(n_in+n_out)), "
              "Glorot and Bengio's; he = N(0,1)*sqrt(2/n_in); zeros; constant = every weight "
              f"{CONSTANT_INIT}; large = N(0, {LARGE_INIT_STD:g}^2), unscaled, far too big "
              "(default: xavier)")
    knob("--lr", type=number(float, 0, strict=True), default=0.5, metavar="X",
         help="learning rate (default: 0.5)")
    knob("--epochs", type=number(int, 0, high=MOST_EPOCHS), default=2000, metavar="N",
         help=f"full-batch gradient-descent steps, at most {plain(MOST_EPOCHS)}; 0 only with "
              "--load (default: 2000)")
    knob("--seed", type=number(int, 0), default=0, metavar="N",
         help="seed of the data and of the weights (default: 0)")
    knob("--noise", type=number(float, 0, high=MOST_NOISE), default=0.35, metavar="X",
         help=f"spread (std) of each cluster, at most {plain(MOST_NOISE)} (default: 0.35)")
    flags.add_arguments(parser)
    return flags.check_arguments(parser, parser.parse_args(argv))


def run(args):
    """The chapter's run, with the knobs of args: train, log, then use the trained network.
    `extras` does what the flags add (nothing but a progress line when none is given)."""
    if args.bug:  # one classic mistake planted in a copy of these functions: companion/bugs.py
        return flags.run_bug(args)
    # make_xor_data(args.seed, args.noise) unless --data names another set or a file; with
    # --test, the held-out points too; with --load, the saved weights (companion/inputs.py)
    data = flags.the_data(args)
    X, y = data.X, data.y
    n_classes = len(np.unique(y))
    print(f"data: {X.shape[0]} points, {X.shape[1]} features, {n_classes} classes ({data.name})")

    params = data.saved or init_params(X.shape[1], args.hidden, args.init, args.seed)
    width = len(str(args.epochs - 1))
    def score(p):
        return bce_loss(p, y), accuracy(p, y)

    extras = flags.Extras(args, X, y, params, score, data)
    extras.before_training(params)  # --shapes, --by-hand, --gradcheck print here
    with extras:

        def show(epoch, loss, acc):
            extras.log(f"epoch {epoch:{width}d}  loss {loss:.4f}  train-acc {acc:.3f}"
                       + extras.test_column(params))  # --test: the held-out points' accuracy

        log = train(params, X, y, args.activation, args.lr, args.epochs, show, extras.on_epoch)

    last_run.update(params=params, X=X, y=y, log=log)
    print(f"final train accuracy: {accuracy(predict(params, X, args.activation), y):.3f}")
    extras.final_test(params)  # --test
    what, points, names = data.check  # the four cluster centres, on the chapter's data
    print(f"sanity check on {what}:")
    for name, p in zip(names, predict(params, points, args.activation)[:, 0]):
        print(f"  point {name:9} -> P(class 1) = {p:.3f}")
    extras.predictions(params)  # --predict
    flags.warn_if_loss_climbed(log, args.lr)  # a learning rate far too large says so
    return extras.after_training(params)  # the pictures; 1 if the gradient check failed


def main(argv=None):
    args = parse_args(argv)
    if args.play:  # the terminal playground, companion/play.py: loaded by this flag alone
        return flags.play(args)
    try:
        flags.refuse_early(args)  # a run too big for memory, a --plot file that can't be written
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
