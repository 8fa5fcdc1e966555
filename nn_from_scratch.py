"""A neural network from scratch: the chapter's 2-8-1 network on the XOR clusters, in NumPy.

    python nn_from_scratch.py            prints exactly the chapter's listing
    python nn_from_scratch.py --help     the knobs, and the companion's pictures and checks

The chapter, top to bottom, in 231 lines: the data, the activations, the initial weights,
the forward pass, the loss, the backward pass, the update, training, and main(), which prints
the listing. Rows are examples: X is (m, n_in), y is (m, 1) of 0s and 1s, W1 is (n_in, hidden),
b1 is (1, hidden), W2 is (hidden, 1), b2 is (1, 1). KNOBS holds the data set, seed and learning
rate the chapter leaves out: the ones that reproduce its numbers (docs/configuration.md).

It imports NumPy and the standard library alone. Run as a command, it hands its command line
to the companion (companion/), which imports it back and adds the terminal's manners (Ctrl-C,
closed pipes, one-line errors), the pictures and checks, and other data (docs/layout.md).
"""

# The hand-over, before NumPy loads (so Ctrl-C meanwhile is the companion's too). Under
# python -i the file then goes on, so that the prompt has its functions.
if __name__ == "__main__":
    import runpy
    runpy.run_module("companion", run_name="__main__")

import argparse  # noqa: E402

import numpy as np  # noqa: E402

# The knobs and their defaults: the chapter's configuration (docs/configuration.md).
KNOBS = {"hidden": 8, "activation": "tanh", "init": "xavier", "lr": 0.5, "epochs": 2000,
         "seed": 0, "noise": 0.35}

# The four clusters, in the order the data set stacks them. XOR: class 1 where the signs differ.
CENTRES = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
LABELS = np.array([0, 0, 1, 1])
EPS = 1e-12  # keeps log() away from log(0) when p reaches exactly 0 or 1


def make_xor_data(seed=0, noise=0.35, per_cluster=100):
    """X (4*per_cluster, 2), y (4*per_cluster, 1): Gaussian blobs of spread `noise` round CENTRES."""
    rng = np.random.default_rng(seed)
    X = np.vstack([centre + noise * rng.standard_normal((per_cluster, 2)) for centre in CENTRES])
    y = np.repeat(LABELS, per_cluster).reshape(-1, 1).astype(float)
    return X, y


# ---- activations: the chapter's zoo, each f with its slope f'(z), as the chapter writes
# tanh's: from a = f(z) where it can be ----

def sigmoid(z):
    # exp(-z) overflows to inf for z < -709, and 1/(1+inf) = 0 is the right limit: not an error.
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


LEAKY_SLOPE = 0.01          # Leaky ReLU's slope for z < 0
GELU_C = np.sqrt(2 / np.pi)  # GELU in its tanh form: NumPy has no erf


def gelu(z):
    return 0.5 * z * (1 + np.tanh(GELU_C * z * (1 + 0.044715 * z * z)))


def gelu_slope(z):
    """By the product and chain rules, t being gelu's tanh."""
    t = np.tanh(GELU_C * z * (1 + 0.044715 * z * z))
    return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * z * z)


ACTIVATIONS = {  # name: (f, slope(z, a)); the chapter's tanh first
    "tanh": (np.tanh, lambda z, a: 1 - a**2),
    "relu": (lambda z: np.maximum(0, z), lambda z, a: (z > 0) * 1.0),
    "leaky_relu": (lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
                   lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE)),
    "sigmoid": (sigmoid, lambda z, a: a * (1 - a)),
    "gelu": (gelu, lambda z, a: gelu_slope(z)),
    # silu(z) = z s(z), s the sigmoid: its slope s + z s (1 - s) is a + s (1 - a)
    "silu": (lambda z: z * sigmoid(z), lambda z, a: a + sigmoid(z) * (1 - a)),
    "identity": (lambda z: z, lambda z, a: np.ones_like(z)),  # no non-linearity at all
}


# ---- initialisation ----

INITS = ("xavier", "glorot", "he", "zeros", "constant", "large")
LARGE_INIT_STD = 10.0  # --init large: N(0, 10^2), deliberately far too big
CONSTANT_INIT = 0.5    # --init constant: every weight 0.5, so every hidden unit starts the same


def init_weights(rng, n_in, n_out, init="xavier"):
    """An (n_in, n_out) weight matrix. xavier, the chapter's: N(0, 1) / sqrt(n_in), so that a
    unit's weighted sum has about the variance of one input (the chapter says "Xavier/He"; the
    formula is LeCun's). glorot: N(0, 1) * sqrt(2 / (n_in + n_out)). he: N(0, 1) * sqrt(2 / n_in),
    for ReLU, which zeroes half its inputs' variance. zeros, constant: every unit the same."""
    if init in ("zeros", "constant"):
        return np.full((n_in, n_out), 0.0 if init == "zeros" else CONSTANT_INIT)
    W = rng.standard_normal((n_in, n_out))
    if init == "xavier":
        return W / np.sqrt(n_in)
    if init == "glorot":
        return W * np.sqrt(2 / (n_in + n_out))
    return W * (np.sqrt(2 / n_in) if init == "he" else LARGE_INIT_STD)


def init_params(n_in=2, hidden=8, init="xavier", seed=0):
    """W1, b1, W2, b2; the biases start at zero. Seeded with the data's seed, the weights draw
    the data's own stream (W1 is the first 16 draws over sqrt(2)): the chapter's configuration."""
    rng = np.random.default_rng(seed)
    W1 = init_weights(rng, n_in, hidden, init)
    W2 = init_weights(rng, hidden, 1, init)
    return {"W1": W1, "b1": np.zeros((1, hidden)), "W2": W2, "b2": np.zeros((1, 1))}


# ---- forward pass, loss, backward pass, update: the chapter's listing, one line per formula ----

def forward(params, X, activation="tanh"):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    z1 = X @ W1 + b1   # (m, hidden)
    a1 = np.tanh(z1) if activation == "tanh" else ACTIVATIONS[activation][0](z1)
    z2 = a1 @ W2 + b2  # (m, 1)
    p = sigmoid(z2)    # predicted probability of class 1
    return z1, a1, z2, p


def bce_loss(p, y, eps=EPS):
    return -np.mean(y*np.log(p+eps) + (1-y)*np.log(1-p+eps))


def backward(params, X, y, z1, a1, p, activation="tanh"):
    """The gradients of the loss (without eps, which only guards log(0)), keyed by what each is
    the gradient of: W1, b1, W2, b2, and on the way z2, a1, z1."""
    W2, m = params["W2"], len(X)
    dz2 = (p - y) / m                # sigmoid's slope cancels against the cross-entropy's
    dW2 = a1.T @ dz2
    db2 = dz2.sum(0, keepdims=True)
    da1 = dz2 @ W2.T                 # push the error back through W2
    if activation == "tanh":
        dz1 = da1 * (1 - a1**2)      # times tanh'(z) = 1 - tanh(z)^2
    else:
        dz1 = da1 * ACTIVATIONS[activation][1](z1, a1)  # times f'(z1), element-wise
    dW1 = X.T @ dz1
    db1 = dz1.sum(0, keepdims=True)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "z2": dz2, "a1": da1, "z1": dz1}


def update(params, grads, lr):
    """Plain gradient descent, in place."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    dW1, db1, dW2, db2 = grads["W1"], grads["b1"], grads["W2"], grads["b2"]
    W1 -= lr*dW1; b1 -= lr*db1; W2 -= lr*dW2; b2 -= lr*db2  # noqa: E702 (the chapter's line)


# ---- training ----

def predict(params, X, activation="tanh"):
    return forward(params, X, activation)[-1]


def accuracy(p, y):
    return np.mean((p > 0.5) == y)


class Diverged(ArithmeticError):
    """Training produced a number float64 cannot hold, at `epoch`."""

    def __init__(self, epoch, what):
        super().__init__(epoch, what)  # its args, so that it pickles (from a worker process)
        self.epoch, self.what = epoch, what

    def __str__(self):
        return f"at epoch {self.epoch}: {self.what}"


def log_epochs(epochs):
    """The epochs the log shows: every epochs // 5, and the last (0, 400, ..., 1600, 1999)."""
    return set(range(0, epochs, max(1, epochs // 5))) | {epochs - 1}


def train(params, X, y, activation="tanh", lr=0.5, epochs=2000, callback=None):
    """Full-batch gradient descent on params, in place; returns the log, (epoch, loss, accuracy)
    rows, each of its epoch's forward pass. callback(epoch, p, row) follows every forward pass,
    row being the log's new row or None. Raises Diverged when a number overflows."""
    shown, log, epoch = log_epochs(epochs), [], 0
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            for epoch in range(epochs):
                z1, a1, z2, p = forward(params, X, activation)
                if epoch in shown:
                    log.append((epoch, float(bce_loss(p, y)), float(accuracy(p, y))))
                if callback:
                    callback(epoch, p, log[-1] if epoch in shown else None)
                grads = backward(params, X, y, z1, a1, p, activation)
                update(params, grads, lr)
    except FloatingPointError as err:
        raise Diverged(epoch, str(err)) from None
    return log


# ---- the listing ----

def log_line(epoch, loss, acc, epochs):
    return f"epoch {epoch:{len(str(epochs - 1))}d}  loss {loss:.4f}  train-acc {acc:.3f}"


def sanity_check(params, points, names, activation="tanh"):
    return [f"  point {name:9} -> P(class 1) = {p:.3f}"
            for name, p in zip(names, predict(params, points, activation)[:, 0])]


def parse_args(argv=None):
    """The knobs, read plainly; the companion checks them and explains a bad one."""
    parser = argparse.ArgumentParser(prog="nn_from_scratch.py")
    for knob, default in KNOBS.items():
        choices = {"activation": ACTIVATIONS, "init": INITS}.get(knob)
        parser.add_argument("--" + knob, type=type(default), default=default, choices=choices)
    return parser.parse_args(argv)


def main(argv=None):
    """The chapter's run: train on the XOR clusters and print the listing."""
    knobs = parse_args(argv)
    X, y = make_xor_data(knobs.seed, knobs.noise)
    print(f"data: {len(X)} points, {X.shape[1]} features, 2 classes (XOR layout)")
    params = init_params(X.shape[1], knobs.hidden, knobs.init, knobs.seed)

    def show(epoch, p, row):
        if row:
            print(log_line(*row, knobs.epochs))

    train(params, X, y, knobs.activation, knobs.lr, knobs.epochs, show)
    print(f"final train accuracy: {accuracy(predict(params, X, knobs.activation), y):.3f}")
    print("sanity check on the four cluster centers:")
    print("\n".join(sanity_check(params, CENTRES, map(str, CENTRES), knobs.activation)))
