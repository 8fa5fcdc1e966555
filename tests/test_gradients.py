"""The hand-derived backward pass against central finite differences of the loss.

Relative error per parameter array, ||analytic - numeric|| / max(||analytic||, ||numeric||), must be
below 1e-7 (the CS231n standard), in float64 with h = 1e-5, for every one of W1, b1, W2, b2.
"""

import numpy as np
import pytest

import nn_from_scratch
from companion.gradcheck import numeric_gradient, relative_error
from nn_from_scratch import ACTIVATIONS
from nn_from_scratch import (backward, bce_loss, forward, init_params, make_xor_data,
                             predict, train)

H = 1e-5


def relative_errors(params, X, y, activation="tanh", grads=backward):
    z1, a1, _, p = forward(params, X, activation)
    if activation in ("relu", "leaky_relu"):  # a nudge of h must not carry a unit across the kink
        assert np.abs(z1).min() > 10 * H * np.abs(X).max()
    analytic = grads(params, X, y, z1, a1, p, activation)

    def loss():
        return bce_loss(predict(params, X, activation), y)

    return {name: relative_error(analytic[name], numeric_gradient(loss, W, H))
            for name, W in params.items()}


def small_problem(n_in=3, hidden=5, m=7, seed=0):
    """Another shape, so that the shapes can't be right by accident: 3 inputs, 5 hidden units, 7 points."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n_in))
    y = rng.integers(0, 2, (m, 1)).astype(float)
    params = init_params(n_in, hidden, seed=seed)
    params["b1"] += 0.1 * rng.standard_normal(params["b1"].shape)  # non-zero biases too
    params["b2"] += 0.1
    return params, X, y


def test_gradients_match_finite_differences_at_the_initial_weights():
    X, y = make_xor_data()
    errors = relative_errors(init_params(), X, y)
    assert max(errors.values()) < 1e-7, errors


def test_gradients_match_finite_differences_after_some_training():
    X, y = make_xor_data()
    params = init_params()
    train(params, X, y, epochs=300)
    errors = relative_errors(params, X, y)
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_gradients_match_finite_differences_for_another_shape(activation):
    params, X, y = small_problem()
    errors = relative_errors(params, X, y, activation)
    assert max(errors.values()) < 1e-7, errors


def test_the_check_catches_a_wrong_derivative(monkeypatch):
    # tanh' written as 1 - a1 instead of 1 - a1**2: a mistake the check must not let through.
    # The slip goes in as an activation of its own in the program's table, not by editing the
    # source text, so re-indenting a line can't break the test.
    monkeypatch.setitem(nn_from_scratch.ACTIVATIONS, "slipped tanh",
                        (np.tanh, lambda z, a: 1 - a))
    params, X, y = small_problem()
    # the same forward pass as the chapter's tanh: only the slope is wrong
    assert np.array_equal(forward(params, X, "slipped tanh")[3], forward(params, X)[3])
    slipped = relative_errors(params, X, y, activation="slipped tanh")
    assert slipped["W1"] > 1e-3 and slipped["b1"] > 1e-3
    assert slipped["W2"] < 1e-7 and slipped["b2"] < 1e-7  # computed before the slope is used
    assert relative_errors(params, X, y)["W1"] < 1e-7  # and the real one passes the same check
