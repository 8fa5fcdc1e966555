"""Many networks at once: nn_from_scratch.py's train(), for S networks of the same shape.

Read it beside nn_from_scratch.py: forward(), backward() and train() here are the chapter's,
line for line, with one more axis in front. Every array of a network gets a leading axis of S
networks (different seeds, or different knobs that keep the shapes):

    X (S, m, n_in), y (S, m, 1), W1 (S, n_in, hidden), b1 (S, 1, hidden), W2 (S, hidden, 1),
    b2 (S, 1, 1); lr a number, or an (S, 1, 1) array of one learning rate per network

so one NumPy call does the work of S calls. A network this small spends most of its time in
NumPy's overhead per call, not in arithmetic, so S networks train in little more time than one.

The results are bit for bit those of train() on each network alone (tests/test_many.py checks
the weights, the log and the epochs to 0.99). That holds because each operation does the same
arithmetic in the same order on every network's slice: the element-wise ones trivially; the
matrix products because NumPy's matmul runs the same BLAS call on each slice of a stack that it
runs on a single matrix; the sums over the m examples because NumPy adds them in the same order
along the same axis. The loss and accuracy of the log are computed per network with
nn_from_scratch's own bce_loss() and accuracy(), a few times per run.

A network that breaks down (a number float64 can't hold) raises Diverged in train(); in a stack
it would take the others down with it. So when that happens, the whole stack is trained again
network by network with nn_from_scratch's train(), and each network's result is what train()
gives it: its log and weights, or its Diverged.

For experiments.py's claims and sweeps: accuracies() scores each network of a stack, FirstEpochs
notes when each first reaches SOLVED, and CHUNK is how many networks a stack holds at most.
"""

import numpy as np

import nn_from_scratch as single
from nn_from_scratch import Diverged, accuracy, bce_loss, log_epochs, sigmoid


def stack(networks):
    """One dict of stacked arrays from a list of params dicts (W1, b1, W2, b2): copies."""
    return {name: np.stack([params[name] for params in networks]) for name in networks[0]}


def unstack(params):
    """The params dict of each network, as views into the stack."""
    return [{name: W[k] for name, W in params.items()} for k in range(len(params["W1"]))]


def T(A):
    """Each network's matrix transposed: the last two axes swapped (the chapter's .T)."""
    return A.swapaxes(-1, -2)


def by_example(A, B):
    """A @ B for every network, its result laid out in memory example by example.

    The (S, m, hidden) result is stored as (m, S, hidden): element-wise steps on it, and on
    what is computed from it (NumPy keeps an array's layout), then run along all S * hidden
    numbers of an example at once, not along hidden = 8 at a time; so do the sums over the m
    examples, still in the order one network's sum adds them. BLAS writes each network's
    product with a longer stride between rows, the same numbers.

    Not for a single hidden unit (n = 1): one network's sum over its examples is then NumPy's
    pairwise sum along one column, which needs the network's m numbers side by side.
    """
    S, m, n = A.shape[0], A.shape[1], B.shape[-1]
    if n == 1:
        return A @ B
    return np.matmul(A, B, out=np.empty((m, S, n)).transpose(1, 0, 2))


def forward(params, X, activation="tanh"):
    """z1, a1, z2, p of every network: nn_from_scratch.forward() on stacks."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    z1 = by_example(X, W1) + b1  # (S, m, hidden)
    a1 = np.tanh(z1) if activation == "tanh" else single.ACTIVATIONS[activation][0](z1)
    z2 = a1 @ W2 + b2  # (S, m, 1)
    p = sigmoid(z2)
    return z1, a1, z2, p


def backward(params, X, y, z1, a1, p, activation="tanh"):
    """The gradients of every network: nn_from_scratch.backward() on stacks, each sum over
    the m examples of one network (axis 1)."""
    W2 = params["W2"]
    m = X.shape[1]
    dz2 = (p - y) / m                # (S, m, 1)
    dW2 = T(a1) @ dz2                # (S, hidden, 1)
    db2 = dz2.sum(1, keepdims=True)  # (S, 1, 1)
    da1 = by_example(dz2, T(W2))     # (S, m, hidden)
    if activation == "tanh":
        dz1 = da1 * (1 - a1**2)
    else:
        dz1 = da1 * single.ACTIVATIONS[activation][1](z1, a1)
    dW1 = T(X) @ dz1                 # (S, n_in, hidden)
    db1 = dz1.sum(1, keepdims=True)  # (S, 1, hidden)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "z2": dz2, "a1": da1, "z1": dz1}


def accuracies(p, y):
    """The train accuracy of each network: accuracy() of each slice (a count over m, exact)."""
    return ((p > 0.5) == y).mean(axis=(1, 2))


SOLVED = 0.99  # solved: right on 99% of the training points (the chapter's network: 99.8%)


class FirstEpochs:
    """An on_epoch for train(): each network's first epoch whose forward pass is right on at
    least `share` of its points, in .epochs (None for a network that has not got there)."""

    def __init__(self, y, share):
        self.y, self.share, self.epochs = y, share, [None] * len(y)

    def __call__(self, epoch, p, which):
        if None in self.epochs[which]:
            networks = range(len(self.epochs))[which]
            for k, right in zip(networks, accuracies(p, self.y[which])):
                if self.epochs[k] is None and right >= self.share:
                    self.epochs[k] = epoch


# The most networks to train in one stack: measured fastest from 10 to 25 of the chapter's
# networks; a larger stack outgrows the processor's caches.
CHUNK = 20


def train(params, X, y, activation="tanh", lr=0.5, epochs=2000, on_epoch=None):
    """Full-batch gradient descent on the stacked params, in place: train() for S networks.

    Returns one entry per network: its log, (epoch, loss, accuracy) rows as train() makes
    them, or the Diverged that train() raises for it. on_epoch(epoch, p, which), if given, is
    called after every forward pass: p is the stacked p of the networks `which` (a slice: all
    of them, or after a breakdown the one being trained again alone; see the module's
    docstring), and params holds their weights as they are at that epoch.
    """
    start = {name: W.copy() for name, W in params.items()}
    shown, logs = log_epochs(epochs), [[] for _ in range(len(X))]
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            for epoch in range(epochs):
                z1, a1, z2, p = forward(params, X, activation)
                if epoch in shown:
                    for log, p_k, y_k in zip(logs, p, y):
                        log.append((epoch, float(bce_loss(p_k, y_k)), float(accuracy(p_k, y_k))))
                if on_epoch:
                    on_epoch(epoch, p, slice(None))
                grads = backward(params, X, y, z1, a1, p, activation)
                single.update(params, grads, lr)
    except FloatingPointError:
        return one_by_one(params, start, X, y, activation, lr, epochs, on_epoch)
    return logs


def one_by_one(params, start, X, y, activation, lr, epochs, on_epoch=None):
    """After a breakdown: each network trained from its start with nn_from_scratch's train(),
    its weights written back into the stack; its log, or its Diverged."""
    rates = np.broadcast_to(lr, (len(X), 1, 1))
    results = []
    for k, net in enumerate(unstack(params)):
        for name in net:
            net[name][...] = start[name][k]

        def watch(epoch, p, row, k=k):  # train()'s callback; the row is in the log it returns
            on_epoch(epoch, p[None], slice(k, k + 1))

        try:
            results.append(single.train(net, X[k], y[k], activation, float(rates[k, 0, 0]),
                                        epochs, callback=watch if on_epoch else None))
        except Diverged as err:
            results.append(err)
    return results
