"""The pieces of nn_from_scratch.py, one property at a time: data, initialisation, loss, accuracy,
the shapes of the forward and backward passes, and the training loop's bookkeeping."""

import numpy as np
import pytest

from nn_from_scratch import ACTIVATIONS
import nn_from_scratch
from nn_from_scratch import (CENTRES, LABELS, accuracy, backward, bce_loss, forward,
                             init_params, init_weights, log_epochs, make_xor_data, predict, sigmoid,
                             train)


# ---- data ----

def test_data_has_400_points_two_features_and_balanced_labels():
    X, y = make_xor_data()
    assert X.shape == (400, 2) and y.shape == (400, 1)
    assert set(np.unique(y)) == {0.0, 1.0}
    assert y.sum() == 200


def test_each_cluster_sits_on_its_centre_with_its_label_and_spread():
    X, y = make_xor_data()
    for k, (centre, label) in enumerate(zip(CENTRES, LABELS)):
        block = slice(100 * k, 100 * (k + 1))
        assert np.all(y[block] == label)
        assert np.allclose(X[block].mean(0), centre, atol=0.1)  # 3 standard errors of 0.35/10
        assert np.allclose(X[block].std(0), 0.35, atol=0.07)


def test_labels_follow_xor_of_the_centres_signs():
    assert list(LABELS) == list((np.sign(CENTRES[:, 0]) != np.sign(CENTRES[:, 1])).astype(int))


def test_noise_sets_the_spread_and_seed_the_draw():
    X, _ = make_xor_data(noise=0.0)
    assert np.array_equal(X, np.repeat(CENTRES, 100, axis=0))
    assert np.array_equal(make_xor_data(seed=3)[0], make_xor_data(seed=3)[0])
    assert not np.array_equal(make_xor_data(seed=3)[0], make_xor_data(seed=4)[0])


# ---- initialisation ----

def test_xavier_init_is_standard_normal_over_sqrt_fan_in_from_its_own_generator():
    params = init_params(n_in=2, hidden=8, seed=0)
    rng = np.random.default_rng(0)
    assert np.array_equal(params["W1"], rng.standard_normal((2, 8)) / np.sqrt(2))
    assert np.array_equal(params["W2"], rng.standard_normal((8, 1)) / np.sqrt(8))
    assert np.array_equal(params["b1"], np.zeros((1, 8)))
    assert np.array_equal(params["b2"], np.zeros((1, 1)))


def test_the_weights_draw_the_same_stream_as_the_data_as_init_params_says():
    # the chapter's configuration: both generators are seeded alike, so W1 re-uses the draws
    # that place the first 8 points of cluster (-1,-1)
    draws = np.random.default_rng(0).standard_normal(16)
    assert np.array_equal(init_params()["W1"].reshape(-1), draws / np.sqrt(2))
    assert np.array_equal(make_xor_data()[0][:8].reshape(-1), np.tile(CENTRES[0], 8) + 0.35 * draws)


@pytest.mark.parametrize("n_in", [2, 100, 1000])
def test_xavier_keeps_a_units_input_variance_near_one_whatever_the_fan_in(n_in):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2000, n_in))
    W = init_weights(rng, n_in, 200)
    assert 0.8 < (x @ W).var() < 1.2


def test_zeros_init_is_all_zero_and_large_init_has_std_ten():
    rng = np.random.default_rng(0)
    assert not init_weights(rng, 3, 4, "zeros").any()
    assert 9.5 < init_weights(rng, 300, 300, "large").std() < 10.5


# ---- loss and accuracy on hand-checked cases ----

def test_loss_of_a_coin_flip_is_ln2():
    y = np.array([[0.0], [1.0]])
    assert bce_loss(np.full((2, 1), 0.5), y) == pytest.approx(np.log(2))


def test_loss_by_hand():
    p, y = np.array([[0.9], [0.2]]), np.array([[1.0], [0.0]])
    assert bce_loss(p, y) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2)


def test_loss_stays_finite_when_p_is_exactly_0_or_1():
    y = np.array([[1.0], [0.0]])
    assert bce_loss(np.array([[1.0], [0.0]]), y) == pytest.approx(0, abs=1e-11)
    assert bce_loss(np.array([[0.0], [1.0]]), y) == pytest.approx(-np.log(1e-12))


def test_accuracy_thresholds_at_one_half():
    p = np.array([[0.2], [0.7], [0.5], [0.9]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    assert accuracy(p, y) == 0.5  # 0.5 itself counts as class 0


def test_sigmoid_reaches_its_limits_without_warnings():
    assert sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist() == [0.0, 0.5, 1.0]


# ---- shapes ----

@pytest.mark.parametrize("n_in, hidden, m", [(2, 8, 400), (3, 5, 7)])
def test_forward_and_backward_shapes(n_in, hidden, m):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((m, n_in)), rng.integers(0, 2, (m, 1)).astype(float)
    params = init_params(n_in, hidden)
    z1, a1, z2, p = forward(params, X)
    assert z1.shape == a1.shape == (m, hidden) and z2.shape == p.shape == (m, 1)
    grads = backward(params, X, y, z1, a1, p)
    arrays = {**params, "z1": z1, "a1": a1, "z2": z2}  # dQ has the shape of Q
    assert {k: g.shape for k, g in grads.items()} == {k: w.shape for k, w in arrays.items()}


# ---- training ----

def test_first_loss_is_what_chance_predicts():
    X, y = make_xor_data()
    p = predict(init_params(), X)
    assert bce_loss(p, y) == pytest.approx(np.log(2), abs=0.02)


def test_log_shows_every_fifth_of_the_epochs_and_the_last():
    assert log_epochs(2000) == {0, 400, 800, 1200, 1600, 1999}
    assert log_epochs(10) == {0, 2, 4, 6, 8, 9}
    assert log_epochs(3) == {0, 1, 2}
    assert log_epochs(1) == {0}


def test_logged_loss_is_the_loss_before_that_epochs_update():
    X, y = make_xor_data()
    params = init_params()
    before = bce_loss(predict(params, X), y)
    log = train(params, X, y, epochs=1)
    assert log == [(0, before, accuracy(predict(init_params(), X), y))]
    assert bce_loss(predict(params, X), y) < before  # and the update did happen


def test_training_solves_xor():
    X, y = make_xor_data()
    params = init_params()
    train(params, X, y)
    assert accuracy(predict(params, X), y) >= 0.99
    p = predict(params, CENTRES)[:, 0]
    assert np.all(np.abs(p - LABELS) < 0.01)


def test_every_activation_has_its_slope_as_its_derivative():
    z = np.array([-2.0, -0.5, -0.1, 0.1, 0.5, 2.0])  # away from ReLU's kink at 0
    h = 1e-6
    for name, (f, slope) in ACTIVATIONS.items():
        numeric = (f(z + h) - f(z - h)) / (2 * h)
        assert np.allclose(slope(z, f(z)), numeric, atol=1e-8), name


def test_the_knobs_names_are_the_tables_and_tanh_is_the_chapters():
    assert next(iter(ACTIVATIONS)) == nn_from_scratch.KNOBS["activation"] == "tanh"
    z = np.linspace(-3, 3, 13).reshape(-1, 1)
    params = {"W1": np.ones((1, 1)), "b1": np.zeros((1, 1)), "W2": np.ones((1, 1)),
              "b2": np.zeros((1, 1))}
    for name, (f, slope) in ACTIVATIONS.items():  # forward() and backward() agree with the table
        z1, a1, _, p = forward(params, z, name)
        assert np.array_equal(a1, f(z)), name
        dW1 = backward(params, z, np.zeros_like(z), z1, a1, p, name)["W1"]
        assert np.allclose(dW1, z.T @ (p / len(z) * slope(z, f(z))), rtol=1e-12), name
