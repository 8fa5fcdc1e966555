"""companion/many.py trains S networks at once, bit for bit as train() trains each alone."""

import numpy as np
import pytest

import nn_from_scratch as nn
from companion import many
from companion.datasets import make_data


def alone_and_stacked(seeds, activation, hidden, init="xavier", epochs=60, lr=0.5, data="xor"):
    """Each network trained alone with train(), and all of them at once with many.train()."""
    alone = []
    for k, seed in enumerate(seeds):
        X, y = make_data(data, seed)
        params = nn.init_params(2, hidden, init, seed)
        try:
            log = nn.train(params, X, y, activation, lr if np.isscalar(lr) else lr[k], epochs)
        except nn.Diverged as err:
            log = err
        alone.append((params, log))
    sets = [make_data(data, seed) for seed in seeds]
    X, y = np.stack([X for X, _ in sets]), np.stack([y for _, y in sets])
    params = many.stack([nn.init_params(2, hidden, init, seed) for seed in seeds])
    rates = lr if np.isscalar(lr) else np.reshape(lr, (-1, 1, 1))
    return alone, many.unstack(params), many.train(params, X, y, activation, rates, epochs)


@pytest.mark.parametrize("activation", tuple(nn.ACTIVATIONS))
@pytest.mark.parametrize("hidden", [1, 8, 20])
def test_the_stack_gives_exactly_the_weights_and_log_of_each_network_alone(activation, hidden):
    alone, stacked, logs = alone_and_stacked(range(3), activation, hidden)
    for (params, log), net, stacked_log in zip(alone, stacked, logs):
        assert stacked_log == log  # the same floats, not nearly
        for name in params:
            assert np.array_equal(net[name], params[name]), name


def test_other_inits_data_and_a_learning_rate_per_network_are_exact_too():
    for init, data in (("he", "spiral"), ("large", "moons"), ("zeros", "circles")):
        alone, stacked, logs = alone_and_stacked(range(4), "relu", 5, init, data=data)
        assert [log for _, log in alone] == logs
    rates = [0.05, 0.5, 2.0, 4.0]
    sets = [make_data("xor", seed) for seed in range(4)]
    X, y = np.stack([X for X, _ in sets]), np.stack([y for _, y in sets])
    params = many.stack([nn.init_params(seed=0)] * 4)
    logs = many.train(params, X, y, "tanh", np.reshape(rates, (-1, 1, 1)), 100)
    for k, rate in enumerate(rates):
        alone = nn.init_params(seed=0)
        assert nn.train(alone, X[k], y[k], "tanh", rate, 100) == logs[k]
        assert np.array_equal(alone["W1"], params["W1"][k])


def test_the_epochs_to_99_percent_are_those_of_each_network_alone():
    seeds = range(6)
    sets = [make_data("xor", seed) for seed in seeds]
    X, y = np.stack([X for X, _ in sets]), np.stack([y for _, y in sets])
    params = many.stack([nn.init_params(seed=seed) for seed in seeds])
    first = many.FirstEpochs(y, 0.99)
    many.train(params, X, y, "relu", 0.5, 400, on_epoch=first)
    for k, seed in enumerate(seeds):
        seen = []
        nn.train(nn.init_params(seed=seed), X[k], y[k], "relu", 0.5, 400,
                 callback=lambda epoch, p, row: seen.append(epoch)
                 if nn.accuracy(p, y[k]) >= 0.99 else None)
        assert first.epochs[k] == (seen[0] if seen else None)
    assert any(first.epochs) and None in first.epochs  # seed 0's relu never: both cases seen


def test_a_network_that_breaks_down_gets_its_own_diverged_and_the_others_their_logs():
    # lr 1e300 breaks every relu network down; a per-network rate breaks only the one
    alone, stacked, logs = alone_and_stacked(range(3), "relu", 8, lr=[0.5, 1e300, 0.5],
                                             epochs=50)
    assert isinstance(logs[1], nn.Diverged) and logs[1].epoch == alone[1][1].epoch
    for k in (0, 2):
        assert logs[k] == alone[k][1]
        assert np.array_equal(stacked[k]["W2"], alone[k][0]["W2"])


def test_accuracies_count_p_of_exactly_one_half_as_accuracy_does():
    # an all-zeros start gives p = 0.5 exactly on every point
    y = np.array([[[0.0], [0.0], [0.0], [1.0]]])
    p = np.full((1, 4, 1), 0.5)
    assert many.accuracies(p, y)[0] == nn.accuracy(p[0], y[0]) == 0.75  # 0.5 is class 0


def test_the_defaults_are_train_s():
    X, y = make_data("xor", 3)
    alone = nn.init_params(seed=3)
    log = nn.train(alone, X, y, epochs=30)
    params = many.stack([nn.init_params(seed=3)])
    assert many.train(params, X[None], y[None], epochs=30) == [log]
    assert [row[0] for row in many.train(many.stack([nn.init_params(seed=3)]), X[None],
                                         y[None])[0]] == sorted(nn.log_epochs(2000))


def test_after_a_breakdown_on_epoch_sees_each_network_alone():
    sets = [make_data("xor", seed) for seed in range(3)]
    X, y = np.stack([X for X, _ in sets]), np.stack([y for _, y in sets])
    params = many.stack([nn.init_params(seed=seed) for seed in range(3)])
    seen = []
    many.train(params, X, y, "relu", np.reshape([0.5, 1e300, 0.5], (-1, 1, 1)), 20,
               on_epoch=lambda epoch, p, which: seen.append((list(range(3)[which]), p.shape)))
    assert ([0], (1, 400, 1)) in seen and ([1], (1, 400, 1)) in seen and ([2], (1, 400, 1)) in seen
    assert all(len(networks) == 3 or shape[0] == 1 for networks, shape in seen)


def test_the_first_epochs_after_a_breakdown_are_each_networks_alone():
    # the breakdown trains the stack again network by network: FirstEpochs sees each alone
    sets = [make_data("xor", seed) for seed in range(3)]
    X, y = np.stack([X for X, _ in sets]), np.stack([y for _, y in sets])
    rates = [0.5, 1e300, 0.5]
    params = many.stack([nn.init_params(seed=seed) for seed in range(3)])
    first = many.FirstEpochs(y, 0.99)
    many.train(params, X, y, "relu", np.reshape(rates, (-1, 1, 1)), 200, on_epoch=first)
    for k, rate in enumerate(rates):
        seen = []
        try:
            nn.train(nn.init_params(seed=k), X[k], y[k], "relu", rate, 200,
                     callback=lambda epoch, p, row: seen.append(epoch)
                     if nn.accuracy(p, y[k]) >= 0.99 else None)
        except nn.Diverged:
            pass
        assert first.epochs[k] == (seen[0] if seen else None), k
    assert first.epochs[1] is None and first.epochs[2] is not None
