"""--layers 8,8,4 and several classes: the chapter's network, stacked, with K outputs.

The chapter says "stack layers -> a multilayer perceptron" and "sigmoid/softmax only at the
output". Here are both, written as the chapter's lines in a loop over the layers, with the
chapter's names indexed by layer: z[l] = a[l-1] @ W[l] + b[l], a[l] = f(z[l]), a[0] = X; and
back from the output, dz[L] = (p - Y) / m, dW[l] = a[l-1].T @ dz[l], db[l] = dz[l].sum(0),
da = dz[l] @ W[l].T, dz[l-1] = da * f'(z[l-1]). The weights are named as the chapter's, W1, b1,
W2, b2, ... up to the output layer's.

The output: with two classes, the chapter's single sigmoid unit, P(class 1), and binary
cross-entropy. With K > 2 classes (labels 0..K-1), K units and a softmax, p[:, k] = P(class k),
and cross-entropy against Y, the labels one-hot. Its dz[L] is again (p - Y) / m: the softmax's
slope cancels against the cross-entropy's, as the sigmoid's does. (A softmax over two units is
a sigmoid of the difference of their z: p1 = e^z1 / (e^z0 + e^z1) = sigmoid(z1 - z0). So the
sigmoid unit is the two-class softmax with one unit's weights fixed at zero: the same models,
and tests/test_layers.py checks the same probabilities.)

With one hidden layer and two classes, every function here computes what nn_from_scratch.py's
does, bit for bit: the same draws for the weights, the same operations in the same order.
tests/test_layers.py checks that, and the gradient at depths 1 to 4 with 2 to 4 classes. The
command line trains with this module for --layers and for data of more than two classes
(companion/run.py); the chapter's network itself with nn_from_scratch.py's own functions.
"""

import numpy as np

import nn_from_scratch as nn

MOST_CLASSES = 10  # labels 0 to 9: a row of their probabilities still fits in 80 columns


def sizes(n_in, hidden, classes):
    """Every layer's width: the inputs, each hidden layer, and the outputs (1 unit for two
    classes, the chapter's sigmoid; K for K classes)."""
    return [n_in, *hidden, 1 if classes == 2 else classes]


def sizes_of(params):
    """The layers' widths of a network's weights: [2, 8, 1] for the chapter's."""
    return [params["W1"].shape[0]] + [params[f"W{l}"].shape[1] for l in
                                      range(1, depth(params) + 1)]


def name(layer_sizes):
    """2-8-1, 2-8-8-3: the layers' widths as the chapter names its network."""
    return "-".join(map(str, layer_sizes))


def depth(params):
    """How many layers of weights: 2 for the chapter's network."""
    return len(params) // 2


def init_params(layer_sizes, init="xavier", seed=0):
    """W1, b1, ..., WL, bL, drawn in order from one generator seeded with the data's seed, as
    nn.init_params draws W1 then W2; the biases start at zero."""
    rng = np.random.default_rng(seed)
    params = {}
    for l, (n_in, n_out) in enumerate(zip(layer_sizes, layer_sizes[1:]), start=1):
        params[f"W{l}"] = nn.init_weights(rng, n_in, n_out, init)
        params[f"b{l}"] = np.zeros((1, n_out))
    return params


def softmax(z):
    """Each row's e^z, normalised to sum to 1; the row's largest z is taken off first, which
    changes nothing but keeps e^z from overflowing."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def forward(params, X, activation="tanh"):
    """z and a, lists indexed by layer (z[0] unused, a[0] = X), and p: the chapter's forward
    pass, a layer at a time."""
    f = nn.ACTIVATIONS[activation][0]
    L = depth(params)
    z, a = [None], [X]
    for l in range(1, L + 1):
        z.append(a[l - 1] @ params[f"W{l}"] + params[f"b{l}"])
        if l < L:
            a.append(np.tanh(z[l]) if activation == "tanh" else f(z[l]))
    p = nn.sigmoid(z[L]) if z[L].shape[1] == 1 else softmax(z[L])
    return z, a, p


def one_hot(y, classes):
    """Y: (m, K), a 1 in each row's class column. y: (m, 1) labels 0..K-1."""
    return (y.astype(int) == np.arange(classes)).astype(float)


def targets(y, p):
    """What p is compared with: y itself for the sigmoid unit, y one-hot for a softmax."""
    return y if p.shape[1] == 1 else one_hot(y, p.shape[1])


def loss(p, y, eps=nn.EPS):
    """The chapter's binary cross-entropy for one unit; for K units, cross-entropy: the mean
    over the examples of -log p[their class]."""
    if p.shape[1] == 1:
        return nn.bce_loss(p, y, eps)
    return -np.mean(np.sum(one_hot(y, p.shape[1]) * np.log(p + eps), axis=1))


def backward(params, X, y, z, a, p, activation="tanh"):
    """The gradients, keyed as the weights are (W1, b1, ...): the chapter's backward pass, a
    layer at a time from the output."""
    slope = nn.ACTIVATIONS[activation][1]
    L, m = depth(params), len(X)
    grads = {}
    dz = (p - targets(y, p)) / m         # dL/dz[L]: the clean (pred - target) form
    for l in range(L, 0, -1):
        grads[f"W{l}"] = a[l - 1].T @ dz
        grads[f"b{l}"] = dz.sum(0, keepdims=True)
        if l > 1:
            da = dz @ params[f"W{l}"].T  # push the error back through W[l]
            dz = da * (1 - a[l - 1]**2) if activation == "tanh" else \
                da * slope(z[l - 1], a[l - 1])
    return grads


def update(params, grads, lr):
    """Plain gradient descent, in place, every layer."""
    for name in params:
        params[name] -= lr * grads[name]


def predict(params, X, activation="tanh"):
    return forward(params, X, activation)[-1]


def predicted_class(p):
    """Each row's class: p > 0.5 for the sigmoid unit, the most probable for a softmax."""
    return (p[:, 0] > 0.5).astype(int) if p.shape[1] == 1 else p.argmax(axis=1)


def accuracy(p, y):
    return np.mean(predicted_class(p) == y[:, 0])


def train(params, X, y, activation="tanh", lr=0.5, epochs=2000, callback=None):
    """nn.train's loop, over these functions: full-batch gradient descent on params, in place;
    the log's (epoch, loss, accuracy) rows; callback(epoch, p, row) after every forward pass.
    Raises nn.Diverged when a number overflows."""
    shown, log, epoch = nn.log_epochs(epochs), [], 0
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            for epoch in range(epochs):
                z, a, p = forward(params, X, activation)
                if epoch in shown:
                    log.append((epoch, float(loss(p, y)), float(accuracy(p, y))))
                if callback:
                    callback(epoch, p, log[-1] if epoch in shown else None)
                update(params, backward(params, X, y, z, a, p, activation), lr)
    except FloatingPointError as err:
        raise nn.Diverged(epoch, str(err)) from None
    return log
