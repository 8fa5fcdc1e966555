"""The classic mistakes of --bug (companion/bugs.py), each written out as a wrong function.

Each function below is nn_from_scratch.py's backward() or update(), copied as it stands, with one
line written the way readers get it wrong and marked `# the mistake:`. Diff one against the
chapter's function and that line is all that differs. --bug runs the chapter's train() with
one of them in the place of the right function (bugs.planted()); MISTAKES, at the end, says
what each is, with the chapter's line and the mistaken one as --bug prints them.
"""

from typing import Callable, NamedTuple

from nn_from_scratch import ACTIVATIONS

# ---- backward(), a line of it written wrong ----


def backward_tanh_slope(params, X, y, z1, a1, p, activation="tanh"):
    """backward(), tanh's slope written 1 - a1."""
    W2, m = params["W2"], len(X)
    dz2 = (p - y) / m                # sigmoid's slope cancels against the cross-entropy's
    dW2 = a1.T @ dz2
    db2 = dz2.sum(0, keepdims=True)
    da1 = dz2 @ W2.T                 # push the error back through W2
    if activation == "tanh":
        dz1 = da1 * (1 - a1)         # the mistake: 1 - a1**2 written 1 - a1
    else:
        dz1 = da1 * ACTIVATIONS[activation][1](z1, a1)  # times f'(z1), element-wise
    dW1 = X.T @ dz1
    db1 = dz1.sum(0, keepdims=True)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "z2": dz2, "a1": da1, "z1": dz1}


def backward_no_mean(params, X, y, z1, a1, p, activation="tanh"):
    """backward(), the / m of the mean forgotten."""
    W2, m = params["W2"], len(X)
    dz2 = (p - y)                    # the mistake: / m left out
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


def backward_sigmoid_slope(params, X, y, z1, a1, p, activation="tanh"):
    """backward(), sigmoid's slope kept in dz2."""
    W2, m = params["W2"], len(X)
    dz2 = (p - y) * p * (1 - p) / m  # the mistake: sigmoid's slope p(1 - p) kept
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


def backward_updated_w2(params, X, y, z1, a1, p, activation="tanh", lr=0.5):
    """backward(), the error pushed back through W2 as the update will leave it (lr: the run's,
    given by bugs.planted())."""
    W2, m = params["W2"], len(X)
    dz2 = (p - y) / m                # sigmoid's slope cancels against the cross-entropy's
    dW2 = a1.T @ dz2
    db2 = dz2.sum(0, keepdims=True)
    da1 = dz2 @ (W2 - lr*dW2).T      # the mistake: W2 after its update, not W2
    if activation == "tanh":
        dz1 = da1 * (1 - a1**2)      # times tanh'(z) = 1 - tanh(z)^2
    else:
        dz1 = da1 * ACTIVATIONS[activation][1](z1, a1)  # times f'(z1), element-wise
    dW1 = X.T @ dz1
    db1 = dz1.sum(0, keepdims=True)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "z2": dz2, "a1": da1, "z1": dz1}


def backward_db1_every_axis(params, X, y, z1, a1, p, activation="tanh"):
    """backward(), db1 summed over every axis."""
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
    db1 = dz1.sum()                  # the mistake: sum(0, keepdims=True) written sum()
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "z2": dz2, "a1": da1, "z1": dz1}


def backward_no_transpose(params, X, y, z1, a1, p, activation="tanh"):
    """backward(), W2's transpose forgotten."""
    W2, m = params["W2"], len(X)
    dz2 = (p - y) / m                # sigmoid's slope cancels against the cross-entropy's
    dW2 = a1.T @ dz2
    db2 = dz2.sum(0, keepdims=True)
    da1 = dz2 @ W2                   # the mistake: W2.T written W2
    if activation == "tanh":
        dz1 = da1 * (1 - a1**2)      # times tanh'(z) = 1 - tanh(z)^2
    else:
        dz1 = da1 * ACTIVATIONS[activation][1](z1, a1)  # times f'(z1), element-wise
    dW1 = X.T @ dz1
    db1 = dz1.sum(0, keepdims=True)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "z2": dz2, "a1": da1, "z1": dz1}


def backward_sign_flipped(params, X, y, z1, a1, p, activation="tanh"):
    """backward(), the output error's sign flipped."""
    W2, m = params["W2"], len(X)
    dz2 = (y - p) / m                # the mistake: p - y written y - p
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


def backward_slope_of_z(params, X, y, z1, a1, p, activation="tanh"):
    """backward(), tanh's slope taken of z1."""
    W2, m = params["W2"], len(X)
    dz2 = (p - y) / m                # sigmoid's slope cancels against the cross-entropy's
    dW2 = a1.T @ dz2
    db2 = dz2.sum(0, keepdims=True)
    da1 = dz2 @ W2.T                 # push the error back through W2
    if activation == "tanh":
        dz1 = da1 * (1 - z1**2)      # the mistake: a1 written z1
    else:
        dz1 = da1 * ACTIVATIONS[activation][1](z1, a1)  # times f'(z1), element-wise
    dW1 = X.T @ dz1
    db1 = dz1.sum(0, keepdims=True)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "z2": dz2, "a1": da1, "z1": dz1}


def backward_no_slope(params, X, y, z1, a1, p, activation="tanh"):
    """backward(), tanh's slope left out."""
    W2, m = params["W2"], len(X)
    dz2 = (p - y) / m                # sigmoid's slope cancels against the cross-entropy's
    dW2 = a1.T @ dz2
    db2 = dz2.sum(0, keepdims=True)
    da1 = dz2 @ W2.T                 # push the error back through W2
    if activation == "tanh":
        dz1 = da1                    # the mistake: * (1 - a1**2) left out
    else:
        dz1 = da1 * ACTIVATIONS[activation][1](z1, a1)  # times f'(z1), element-wise
    dW1 = X.T @ dz1
    db1 = dz1.sum(0, keepdims=True)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "z2": dz2, "a1": da1, "z1": dz1}


def backward_db1_wrong_axis(params, X, y, z1, a1, p, activation="tanh"):
    """backward(), db1 summed over the units."""
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
    db1 = dz1.sum(1, keepdims=True)  # the mistake: sum(0, ...) written sum(1, ...)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "z2": dz2, "a1": da1, "z1": dz1}


# ---- update(), its line written wrong ----

UPDATE_LINE = "W1 -= lr*dW1; b1 -= lr*db1; W2 -= lr*dW2; b2 -= lr*db2"  # the chapter's


def update_no_bias(params, grads, lr):
    """update(), the biases left out."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    dW1, db1, dW2, db2 = grads["W1"], grads["b1"], grads["W2"], grads["b2"]
    W1 -= lr*dW1;               W2 -= lr*dW2  # noqa: E702 (the mistake: b1, b2 left out)


def update_plus_equals(params, grads, lr):
    """update(), a step up the gradient."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    dW1, db1, dW2, db2 = grads["W1"], grads["b1"], grads["W2"], grads["b2"]
    W1 += lr*dW1; b1 += lr*db1; W2 += lr*dW2; b2 += lr*db2  # noqa: E702 (the mistake: -= as +=)


# ---- the table --bug reads ----

class Mistake(NamedTuple):
    name: str      # what --bug calls it
    about: str     # what --bug list says of it
    where: str     # the chapter's function it replaces: backward or update
    right: str     # the chapter's line, as nn_from_scratch.py writes it (its comment left out)
    wrong: str     # the same line as function writes it (its comment left out)
    function: Callable  # the chapter's function, with that one line written wrong
    tanh_only: bool = False  # its line is tanh's: with another activation it never runs
    takes_lr: bool = False   # function takes the run's learning rate, as lr=


MISTAKES = {mistake.name: mistake for mistake in [
    Mistake("tanh-slope", "tanh's slope written 1 - a1 instead of 1 - a1**2", "backward",
            "dz1 = da1 * (1 - a1**2)", "dz1 = da1 * (1 - a1)", backward_tanh_slope,
            tanh_only=True),
    Mistake("no-mean", "the / m of the mean forgotten in dz2", "backward",
            "dz2 = (p - y) / m", "dz2 = (p - y)", backward_no_mean),
    Mistake("sigmoid-slope", "sigmoid's slope kept in dz2, though the cross-entropy cancels it",
            "backward", "dz2 = (p - y) / m", "dz2 = (p - y) * p * (1 - p) / m",
            backward_sigmoid_slope),
    Mistake("no-bias-update", "the biases never updated", "update",
            UPDATE_LINE, "W1 -= lr*dW1;               W2 -= lr*dW2", update_no_bias),
    Mistake("updated-W2", "the error pushed back through W2 after W2 is updated", "backward",
            "da1 = dz2 @ W2.T", "da1 = dz2 @ (W2 - lr*dW2).T", backward_updated_w2,
            takes_lr=True),
    Mistake("db1-every-axis", "db1 summed over every axis, units too, not over the examples",
            "backward", "db1 = dz1.sum(0, keepdims=True)", "db1 = dz1.sum()",
            backward_db1_every_axis),
    Mistake("plus-equals", "+= in the update: a step up the loss, not down", "update",
            UPDATE_LINE, "W1 += lr*dW1; b1 += lr*db1; W2 += lr*dW2; b2 += lr*db2",
            update_plus_equals),
    Mistake("no-transpose", "W2's transpose forgotten in da1: a shape error", "backward",
            "da1 = dz2 @ W2.T", "da1 = dz2 @ W2", backward_no_transpose),
    Mistake("sign-flipped", "the output error's sign flipped: y - p for p - y", "backward",
            "dz2 = (p - y) / m", "dz2 = (y - p) / m", backward_sign_flipped),
    Mistake("slope-of-z", "tanh's slope taken of z1, not of a1 = tanh(z1)", "backward",
            "dz1 = da1 * (1 - a1**2)", "dz1 = da1 * (1 - z1**2)", backward_slope_of_z,
            tanh_only=True),
    Mistake("no-slope", "the activation's slope left out of dz1", "backward",
            "dz1 = da1 * (1 - a1**2)", "dz1 = da1", backward_no_slope, tanh_only=True),
    Mistake("db1-wrong-axis", "db1 summed over the units: a shape error, one function later",
            "backward", "db1 = dz1.sum(0, keepdims=True)", "db1 = dz1.sum(1, keepdims=True)",
            backward_db1_wrong_axis),
]}
