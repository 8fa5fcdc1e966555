"""Each claim of the chapter, as experiments.py runs it, checked on its measurements over seeds 0-4.

A test here fails if the claim stops holding (or, where the report says a claim does not hold in
our setting, if that finding changes), whatever the report's wording.
"""

import re

import numpy as np
import pytest

import experiments
from gradcheck import numeric_gradient, relative_error
from experiments import CLAIMS, deep_backward, deep_forward, deep_init, report, verdict
from nn_from_scratch import bce_loss

SEEDS = list(range(5))


@pytest.fixture(scope="module")
def results():
    return {claim.__name__: claim(SEEDS) for claim in CLAIMS}


def test_a_without_a_nonlinearity_two_layers_are_one_and_stay_at_chance(results):
    r = results["depth_collapse"]
    for s in SEEDS:
        assert r["difference"][s] <= 1e-12 * r["scale"][s]
        assert abs(r["accuracy"][s] - 0.5) <= 0.1


def test_b_logistic_regression_converges_near_chance(results):
    r = results["logistic_regression"]
    for s in SEEDS:
        assert abs(r["accuracy"][s] - 0.5) <= 0.1
        assert r["gradient"][s] < 1e-6


def test_c_the_chapters_network_solves_xor(results):
    assert min(results["hidden_layer_solves_xor"]["accuracy"].values()) >= 0.99


def test_d_constant_init_keeps_the_units_identical_and_cannot_solve_xor(results):
    r = results["constant_init"]
    for s in SEEDS:
        assert r["zero_spread"][s] <= 1e-12 and r["const_spread"][s] <= 1e-12
        assert r["zero_accuracy"][s] == 0.5
        assert r["const_accuracy"][s] < 0.8


def test_d_random_init_does_differentiate_the_units():
    params, *_ = experiments.trained(0)
    assert experiments.unit_spread(params) > 0.1


def test_e_large_init_saturates_and_ends_worse_on_average_but_does_not_stall(results):
    rows = results["large_init"]["rows"]
    for s in SEEDS:
        assert rows[s]["large"]["saturated"] > 0.5 and rows[s]["xavier"]["saturated"] < 0.1
        assert results["large_init"]["growth"][s] > 10  # explodes rather than vanishes
        assert rows[s]["large"]["accuracy"] >= 0.95      # what the report says: no stall here
        assert rows[s]["large"]["first_loss"] > 3 * rows[s]["xavier"]["first_loss"]
    assert (np.mean([rows[s]["large"]["loss"] for s in SEEDS])
            > np.mean([rows[s]["xavier"]["loss"] for s in SEEDS]))


def test_f_sigmoid_gradients_vanish_layer_by_layer_and_tanh_relu_much_less(results):
    r = results["vanishing_gradient"]
    for s in SEEDS:
        assert np.all(np.diff(r["norms"]["sigmoid"][s][:10]) > 0)
        assert r["ratio"]["sigmoid"][s] < 1e-4
        assert min(r["ratio"]["tanh"][s], r["ratio"]["relu"][s]) > 1e-2


def test_every_verdict_covers_every_seed(results):
    for r in results.values():
        for held in r["verdicts"].values():
            assert list(held) == SEEDS


def test_verdict_says_on_which_seeds_a_claim_held():
    assert verdict({0: True, 1: True}) == "holds on every seed"
    assert verdict({0: False, 1: False}) == "does not hold on any seed"
    assert verdict({0: True, 1: False, 2: True}) == "holds on seeds 0, 2 only (not 1)"


def test_report_shows_claim_measurements_and_verdicts(results):
    text = report(results["hidden_layer_solves_xor"])
    assert text.splitlines()[0].startswith("(c)")
    assert re.search(r"train accuracy, the chapter's network +0\.998 0\.998 0\.995 0\.995 1\.000", text)
    assert text.splitlines()[-1] == "    - it reaches at least 0.99: holds on every seed"


def test_main_reports_all_six_claims(capsys):
    assert experiments.main(["--seeds", "1"]) == 0
    out = capsys.readouterr().out
    assert [line[:3] for line in out.splitlines() if re.match(r"\([a-f]\)", line)] == \
        ["(a)", "(b)", "(c)", "(d)", "(e)", "(f)"]
    assert "nan" not in out


def test_bad_seeds_argument_gets_one_line(capsys):
    with pytest.raises(SystemExit) as exit_:
        experiments.main(["--seeds", "0"])
    assert exit_.value.code == 2 and len(capsys.readouterr().err.splitlines()) == 1


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_deep_gradients_match_finite_differences(activation):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((6, 2)), rng.integers(0, 2, (6, 1)).astype(float)
    Ws = deep_init(0, depth=3, width=4)
    z, a, p = deep_forward(Ws, X, activation)
    analytic = deep_backward(Ws, z, a, p, y, activation)
    for W, dW in zip(Ws, analytic):
        numeric = numeric_gradient(lambda: bce_loss(deep_forward(Ws, X, activation)[2], y), W)
        assert relative_error(dW, numeric) < 1e-7
