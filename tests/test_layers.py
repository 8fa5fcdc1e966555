"""companion/layers.py: the chapter's network stacked, with K outputs. With one hidden layer it is
the chapter's network bit for bit; at every depth and K its backward pass is the gradient."""

import numpy as np
import pytest

import nn_from_scratch as nn
from companion import layers
from companion.gradcheck import (H, exact_loss, gradient_verdict, numeric_gradient,
                                 relative_error)


@pytest.mark.parametrize("activation", list(nn.ACTIVATIONS))
def test_one_hidden_layer_is_the_chapters_network_bit_for_bit(activation):
    X, y = nn.make_xor_data(seed=3)
    chapter = nn.init_params(2, 8, "xavier", 3)
    stacked = layers.init_params(layers.sizes(2, [8], 2), "xavier", 3)
    assert all(np.array_equal(chapter[k], stacked[k]) for k in chapter) and chapter.keys() == \
        stacked.keys()
    assert nn.train(chapter, X, y, activation, 0.5, 60) == \
        layers.train(stacked, X, y, activation, 0.5, 60)
    assert all(np.array_equal(chapter[k], stacked[k]) for k in chapter)


def small_problem(hidden, classes, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((12, 3))
    y = (np.arange(12) % classes).reshape(-1, 1).astype(float)
    params = layers.init_params(layers.sizes(3, hidden, classes), "xavier", seed)
    for name in params:  # biases away from zero, so that their gradients are not special
        params[name] += 0.1 * rng.standard_normal(params[name].shape)
    return params, X, y


@pytest.mark.parametrize("classes", [2, 3, 4])
def test_the_checks_exact_loss_is_the_loss_training_reports(classes):
    """gradcheck's loss, from z without eps, is layers.loss: the same cross-entropy."""
    params, X, y = small_problem([5, 4], classes)
    p = layers.predict(params, X)
    assert np.isclose(exact_loss(params, X, y, "tanh", stacked=True), layers.loss(p, y),
                      rtol=1e-10)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "gelu"])
@pytest.mark.parametrize("classes", [2, 3, 4])
@pytest.mark.parametrize("hidden", [[5], [5, 4], [4, 3, 5], [3, 4, 3, 4]])
def test_the_gradient_check_passes_at_every_depth_and_number_of_classes(hidden, classes,
                                                                        activation):
    params, X, y = small_problem(hidden, classes)
    z, a, p = layers.forward(params, X, activation)
    grads = layers.backward(params, X, y, z, a, p, activation)
    assert grads.keys() == params.keys()

    def loss():
        return exact_loss(params, X, y, activation, stacked=True)

    # judged as --gradcheck judges: under 1e-7, or a difference within float64's rounding
    # (a deep sigmoid network's first-layer gradients are tiny: the vanishing gradient)
    noise = 10 * np.finfo(float).eps * loss() / H
    for name, W in params.items():
        numeric = numeric_gradient(loss, W)
        check = {"error": relative_error(grads[name], numeric),
                 "difference": np.linalg.norm(grads[name] - numeric),
                 "noise": noise * np.sqrt(W.size)}
        assert gradient_verdict(check).startswith("right"), (name, check)


def test_a_slipped_slope_fails_the_same_check(monkeypatch):
    # the check can fail: tanh's slope written 1 - a instead of 1 - a**2, in a deep network
    monkeypatch.setitem(nn.ACTIVATIONS, "slipped", (np.tanh, lambda z, a: 1 - a))
    params, X, y = small_problem([5, 4], 3)
    z, a, p = layers.forward(params, X, "slipped")
    grads = layers.backward(params, X, y, z, a, p, "slipped")
    numeric = numeric_gradient(lambda: exact_loss(params, X, y, "tanh", stacked=True), params["W1"])
    assert relative_error(grads["W1"], numeric) > 1e-3


def test_a_two_unit_softmax_is_the_sigmoid_of_the_difference():
    params, X, y = small_problem([5], 2)
    z = layers.forward(params, X)[0][-1]
    pair = np.hstack([np.zeros_like(z), z])  # the class-0 unit's z held at zero
    assert np.allclose(layers.softmax(pair)[:, 1:], nn.sigmoid(z), rtol=0, atol=1e-15)
    assert np.isclose(layers.loss(layers.softmax(pair), y), layers.loss(nn.sigmoid(z), y),
                      rtol=1e-14)


def test_trained_a_two_unit_softmax_steps_its_difference_at_twice_the_sigmoids_rate():
    """Two softmax units whose output weights start at -w/2 and +w/2 compute the sigmoid unit's
    p; one gradient-descent step then gives the hidden layer the sigmoid network's very step,
    and the output's difference (W1 - W0) the sigmoid's step at twice the learning rate."""
    sigmoid_net, X, y = small_problem([5, 4], 2)
    w, b = sigmoid_net["W3"], sigmoid_net["b3"]
    pair = {**{k: v.copy() for k, v in sigmoid_net.items()},
            "W3": np.hstack([-w / 2, w / 2]), "b3": np.hstack([-b / 2, b / 2])}
    assert np.allclose(layers.predict(pair, X)[:, 1:], layers.predict(sigmoid_net, X), atol=1e-15)
    twice = {k: v.copy() for k, v in sigmoid_net.items()}
    for net, lr in ((pair, 0.5), (sigmoid_net, 0.5), (twice, 1.0)):
        layers.update(net, layers.backward(net, X, y, *layers.forward(net, X), "tanh"), lr)
    for k in ("W1", "b1", "W2", "b2"):
        assert np.allclose(pair[k], sigmoid_net[k], rtol=0, atol=1e-14), k
    assert np.allclose(pair["W3"][:, 1:] - pair["W3"][:, :1], twice["W3"], rtol=0, atol=1e-14)
    assert np.allclose(pair["b3"][:, 1:] - pair["b3"][:, :1], twice["b3"], rtol=0, atol=1e-14)
    assert not np.allclose(twice["W3"], sigmoid_net["W3"], rtol=0, atol=1e-6)


def test_softmax_survives_large_z_and_each_row_sums_to_one():
    p = layers.softmax(np.array([[1000.0, 0.0, -1000.0], [0.0, 0.0, 0.0]]))
    assert np.allclose(p.sum(axis=1), 1) and p[0, 0] == 1.0 and np.allclose(p[1], 1 / 3)


def test_three_classes_are_learnt_on_separate_clusters():
    rng = np.random.default_rng(0)
    centres = np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 2.0]])
    X = np.vstack([c + 0.3 * rng.standard_normal((30, 2)) for c in centres])
    y = np.repeat([0, 1, 2], 30).reshape(-1, 1).astype(float)
    params = layers.init_params(layers.sizes(2, [8], 3), "xavier", 0)
    log = layers.train(params, X, y, "tanh", 0.5, 300)
    assert log[0][2] < 0.7 and log[-1][2] == 1.0 and log[-1][1] < log[0][1] / 5
    p = layers.predict(params, X)
    assert p.shape == (90, 3) and np.allclose(p.sum(axis=1), 1)
