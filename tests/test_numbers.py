"""Every number the chapter, the README, --help or the CS231n notes state, pinned: each test fails
if its number moves. Verdict thresholds are tested with synthetic measurements just either side
of them, so no training is needed."""

import math

import numpy as np
import pytest

import experiments
import nn_from_scratch
from companion import run as companion_run
from companion import gradcheck
from nn_from_scratch import ACTIVATIONS, LEAKY_SLOPE, gelu, gelu_slope
from nn_from_scratch import CONSTANT_INIT, LARGE_INIT_STD, init_weights

# ---- initialisation: the spread of each over a large draw ----

N_IN = 400  # 400 x 400 = 160,000 weights: their std is known to within 0.4% (3 standard errors)


@pytest.mark.parametrize("init, std", [("xavier", 1 / math.sqrt(N_IN)),
                                       ("he", math.sqrt(2 / N_IN)), ("large", 10.0)])
def test_each_random_init_has_its_documented_spread(init, std):
    W = init_weights(np.random.default_rng(0), N_IN, N_IN, init)
    assert W.mean() == pytest.approx(0, abs=3 * std / N_IN)
    assert W.std() == pytest.approx(std, rel=0.004)


def test_he_is_sqrt_2_times_xavier_on_the_same_draws():
    xavier = init_weights(np.random.default_rng(5), 3, 7, "xavier")
    he = init_weights(np.random.default_rng(5), 3, 7, "he")
    assert np.allclose(he, math.sqrt(2) * xavier, rtol=1e-15)


def test_constant_and_zeros_are_exactly_what_they_say():
    assert CONSTANT_INIT == 0.5 and LARGE_INIT_STD == 10.0
    assert np.all(init_weights(None, 3, 4, "constant") == 0.5)
    assert np.all(init_weights(None, 3, 4, "zeros") == 0.0)


def test_help_states_the_same_numbers_the_code_uses(capsys):
    with pytest.raises(SystemExit):
        companion_run.main(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    for said in ["constant = every weight 0.5", "large = N(0, 10^2)", "he = N(0,1)*sqrt(2/n_in)",
                 "xavier = N(0,1)/sqrt(n_in)", "(default: 0.5)", "(default: 2000)",
                 "(default: 0.35)", "(default: 8)"]:
        assert said in help_text, said


# ---- the activations and their slopes, against their definitions ----

Z = np.array([-3.0, -1.0, -0.25, 0.25, 1.0, 3.0])  # away from ReLU's kink at 0


def test_each_activation_is_its_textbook_definition():
    f = {name: pair[0] for name, pair in ACTIVATIONS.items()}
    assert np.array_equal(f["relu"](Z), [0, 0, 0, 0.25, 1, 3])
    assert np.array_equal(f["leaky_relu"](Z), [-0.03, -0.01, -0.0025, 0.25, 1, 3])
    assert np.allclose(f["sigmoid"](Z), 1 / (1 + np.exp(-Z)), rtol=1e-15)
    assert np.allclose(f["tanh"](Z), (np.exp(Z) - np.exp(-Z)) / (np.exp(Z) + np.exp(-Z)))
    assert np.allclose(f["silu"](Z), Z / (1 + np.exp(-Z)), rtol=1e-15)
    assert np.array_equal(f["identity"](Z), Z)
    tanh_form = 0.5 * Z * (1 + np.tanh(math.sqrt(2 / math.pi) * (Z + 0.044715 * Z**3)))
    assert np.allclose(gelu(Z), tanh_form, rtol=1e-14)
    exact = np.array([0.5 * z * (1 + math.erf(z / math.sqrt(2))) for z in Z])
    assert np.abs(gelu(Z) - exact).max() < 5e-4  # the tanh form is GELU to within 5e-4


def test_each_slope_is_its_textbook_derivative():
    s = {name: pair[1](Z, pair[0](Z)) for name, pair in ACTIVATIONS.items()}
    sig = 1 / (1 + np.exp(-Z))
    assert LEAKY_SLOPE == 0.01
    assert np.array_equal(s["relu"], [0, 0, 0, 1, 1, 1])
    assert np.array_equal(s["leaky_relu"], [0.01, 0.01, 0.01, 1, 1, 1])
    assert np.allclose(s["tanh"], 1 / np.cosh(Z) ** 2, rtol=1e-12)
    assert np.allclose(s["sigmoid"], sig * (1 - sig), rtol=1e-12)
    assert np.allclose(s["silu"], sig + Z * sig * (1 - sig), rtol=1e-12)
    assert np.array_equal(s["identity"], np.ones_like(Z))
    h = 1e-6
    assert np.allclose(gelu_slope(Z), (gelu(Z + h) - gelu(Z - h)) / (2 * h), atol=1e-9)
    assert ACTIVATIONS["relu"][1](np.array([0.0]), np.array([0.0]))[0] == 0  # off at the kink
    assert ACTIVATIONS["leaky_relu"][1](np.array([0.0]), np.array([0.0]))[0] == LEAKY_SLOPE


# ---- the gradient check's bands, at their edges ----

def check(error, difference=1.0, noise=0.0):
    return {"error": error, "difference": difference, "noise": noise}


def test_the_gradient_checks_bands_are_the_cs231n_notes():
    assert (gradcheck.RIGHT, gradcheck.WRONG, gradcheck.H) == (1e-7, 1e-4, 1e-5)
    verdict = gradcheck.gradient_verdict
    assert verdict(check(0.99e-7)) == "right"
    assert verdict(check(1.01e-7)) == "suspicious"
    assert verdict(check(1e-4)) == "suspicious"
    assert verdict(check(1.01e-4)) == "WRONG"
    assert verdict(check(1e-2)) == "WRONG"  # a relative error of 1%: never merely suspicious
    assert verdict(check(1e-5), kinks=1) == "fine: a nudge crossed the kink"
    assert verdict(check(1.01e-4), kinks=1) == "WRONG"  # a kink excuses nothing that large
    assert verdict(check(0.5, difference=1e-9, noise=1e-9)) == "right: within rounding noise"
    assert verdict(check(0.5, difference=1.01e-9, noise=1e-9)) == "WRONG"


def test_the_bands_edges_belong_where_the_notes_put_them():
    verdict = gradcheck.gradient_verdict
    assert verdict(check(1e-7)) == "suspicious"  # "below 1e-7" is right; 1e-7 itself is not
    assert verdict(check(1e-7, difference=1e-9, noise=1e-9)) == "right: within rounding noise"
    assert gradcheck.table({"W1": {"error": 1e-5, "checked": 4, "largest": 1.0,
                                   "difference": 1.0, "noise": 0.0}}, "relu", "now")[0] \
        .splitlines()[2].endswith("suspicious")  # no kink crossed unless one is counted


def test_an_error_under_the_checks_own_is_printed_as_a_bound_not_as_digits():
    # 8.5e-10 with AVX-512 is 7.8e-10 with SSE: digits the check can't vouch for
    assert gradcheck.shown_error(0.99e-8) == "< 1e-08"
    assert gradcheck.shown_error(1e-8) == "1.0e-08"
    assert gradcheck.shown_error(3.2e-6) == "3.2e-06"

    def row(error):
        return {"error": error, "checked": 4, "largest": 1.0, "difference": 1.0, "noise": 0.0}
    text, _ = gradcheck.table({"W1": row(1e-9), "b1": row(1e-5)}, "tanh", "now")
    lines = text.splitlines()
    assert lines[2].split()[3:6] == ["<", "1e-08", "right"]
    assert lines[-1] == "  (< 1e-08: within the check's own error, from h and rounding)"
    text, _ = gradcheck.table({"b1": row(1e-5)}, "tanh", "now")
    assert "< 1e-08" not in text  # the legend only where a row needs it


def small_problem(hidden=3, seed=4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((6, 2))
    y = rng.integers(0, 2, (6, 1)).astype(float)
    return nn_from_scratch.init_params(2, hidden, seed=seed), X, y


def test_the_checks_numbers_are_what_its_docstring_says():
    params, X, y = small_problem()
    result = gradcheck.check_gradients(params, X, y)
    z1, a1, _, p = nn_from_scratch.forward(params, X)
    analytic = nn_from_scratch.backward(params, X, y, z1, a1, p)
    loss = gradcheck.exact_loss(params, X, y)
    for name, W in params.items():
        numeric = gradcheck.numeric_gradient(lambda: gradcheck.exact_loss(params, X, y), W)
        row = result[name]
        assert row["checked"] == W.size
        assert row["largest"] == np.abs(analytic[name]).max()
        assert row["difference"] == pytest.approx(np.linalg.norm(analytic[name] - numeric),
                                                  rel=1e-6, abs=1e-18)
        # what rounding alone can cause: a few eps of the loss, over 2h, for each entry
        noise = 10 * np.finfo(float).eps * loss / gradcheck.H * np.sqrt(W.size)
        assert row["noise"] == pytest.approx(noise, rel=1e-12)


def test_a_large_array_is_checked_at_100_distinct_entries_drawn_with_seed_0(monkeypatch):
    params, X, y = small_problem(hidden=120)  # W1 has 240 entries, b1 and W2 120
    drawn = {}
    real = gradcheck.numeric_gradient

    def spy(loss, W, h=gradcheck.H, entries=None):
        drawn[W.size] = entries
        return real(loss, W, h, entries)

    monkeypatch.setattr(gradcheck, "numeric_gradient", spy)
    result = gradcheck.check_gradients(params, X, y)
    assert gradcheck.MAX_ENTRIES == 100
    assert {name: r["checked"] for name, r in result.items()} == \
        {"W1": 100, "b1": 100, "W2": 100, "b2": 1}
    rng = np.random.default_rng(0)
    assert np.array_equal(drawn[240], np.sort(rng.choice(240, 100, replace=False)))
    assert len(set(drawn[240])) == 100  # distinct: no entry checked twice


def test_the_check_uses_a_centred_difference_and_the_norms_relative_error():
    W = np.array([[1.0, 2.0]])
    numeric = gradcheck.numeric_gradient(lambda: float(np.sum(W**3)), W, h=1e-3)
    assert np.allclose(numeric, 3 * W**2 + 1e-6, rtol=0, atol=1e-9)  # centred: error h^2 only
    assert gradcheck.relative_error(np.array([3.0, 4.0]), np.array([6.0, 8.0])) == 5 / 10
    assert gradcheck.relative_error(np.zeros(2), np.zeros(2)) == 0.0


def test_the_nudge_and_the_kink_window_are_what_the_docs_say():
    X = np.array([[1.0, 0.0], [0.0, 2.0], [-1.0, 0.0]])
    params = {"W1": np.array([[2e-5], [0.0]]), "b1": np.zeros((1, 1)), "W2": np.ones((1, 1)),
              "b2": np.zeros((1, 1))}
    # z1 = 2e-5, 0 and -2e-5: all within h * max|X| = 2e-5 of the kink
    assert gradcheck.kinks_crossed(params, X, "relu") == 3
    params["W1"][0, 0] = 2.1e-5
    assert gradcheck.kinks_crossed(params, X, "relu") == 1
    params["W1"][0, 0] = -5.0  # far below the kink: ReLU's a1 is 0 there, but z1 is not near 0
    assert gradcheck.kinks_crossed(params, X, "relu") == 1
    assert gradcheck.kinks_crossed(params, X, "tanh") == 0
    # with every |x| below 1, the window is h itself
    small = np.array([[0.5, 0.0]])
    params["W1"][0, 0] = 2 * 1.5e-5  # z1 = 1.5e-5: outside h = 1e-5
    assert gradcheck.kinks_crossed(params, small, "relu") == 0
    params["W1"][0, 0] = 2 * 0.9e-5
    assert gradcheck.kinks_crossed(params, small, "relu") == 1


# ---- experiments.py: each verdict threshold, with measurements either side of it ----

def verdicts(report, rows):
    return report(rows)["verdicts"]


def part(result, starts):
    (key,) = [k for k in result if k.startswith(starts)]
    return result[key]


def test_the_reports_thresholds_are_the_documented_numbers():
    assert (experiments.NEAR_CHANCE, experiments.SOLVED, experiments.ONE_LINE,
            experiments.SATURATED, experiments.DEAD_START) == (0.1, 0.99, 0.8, 0.99, -1.0)
    assert experiments.SCALINGS == {"chapter's 1/sqrt(n)": 1.0, "He's sqrt(2/n)": math.sqrt(2),
                                    "half the chapter's": 0.5, "3x the chapter's": 3.0}
    assert (experiments.STACK_DEPTH, experiments.STACK_WIDTH) == (20, 64)  # as the README says
    assert experiments.VANISHING_DEPTH == 10


def test_near_chance_is_within_0_1_of_one_half():
    rows = {k: {"difference": 0.0, "scale": 1.0, "accuracy": a}
            for k, a in enumerate([0.401, 0.599, 0.399, 0.601])}
    held = part(verdicts(experiments.depth_collapse_report, rows), "with no activation")
    assert held == {0: True, 1: True, 2: False, 3: False}
    rows = {k: {"accuracy": a, "gradient": 0.0} for k, a in enumerate([0.599, 0.601])}
    assert part(verdicts(experiments.logistic_regression_report, rows), "it stays") == \
        {0: True, 1: False}
    rows = {k: {"raw": a, "trained": 1.0, "start": 0.5} for k, a in enumerate([0.599, 0.601])}
    assert part(verdicts(experiments.bending_report, rows), "on the inputs") == \
        {0: True, 1: False}


def test_float_precision_and_convergence_thresholds():
    rows = {0: {"difference": 1e-12, "scale": 1.0, "accuracy": 0.5},
            1: {"difference": 1.01e-12, "scale": 1.0, "accuracy": 0.5},
            2: {"difference": 2e-12, "scale": 2.0, "accuracy": 0.5}}
    assert part(verdicts(experiments.depth_collapse_report, rows), "the two products") == \
        {0: True, 1: False, 2: True}
    rows = {0: {"accuracy": 0.5, "gradient": 0.99e-6}, 1: {"accuracy": 0.5, "gradient": 1e-6}}
    assert part(verdicts(experiments.logistic_regression_report, rows), "it has converged") == \
        {0: True, 1: False}


def test_solved_is_0_99_and_one_line_is_under_0_8():
    rows = {0: {"accuracy": 0.99}, 1: {"accuracy": 0.9899}}
    assert part(verdicts(experiments.hidden_layer_solves_xor_report, rows), "it reaches") == \
        {0: True, 1: False}
    rows = {k: {"raw": 0.5, "trained": t, "start": s}
            for k, (t, s) in enumerate([(0.99, 0.799), (0.9899, 0.8)])}
    result = verdicts(experiments.bending_report, rows)
    assert part(result, "on the trained a1") == {0: True, 1: False}
    assert part(result, "training did the bending") == {0: True, 1: False}
    rows = {k: {"zero_spread": s, "zero_accuracy": a, "const_spread": 0.0, "const_accuracy": 0.5}
            for k, (s, a) in enumerate([(1e-12, 0.799), (1.01e-12, 0.8)])}
    result = verdicts(experiments.constant_init_report, rows)
    assert part(result, "the 8 hidden units stay identical") == {0: True, 1: False}
    assert part(result, "so it is one unit wide") == {0: True, 1: False}


def large_init_row(saturated, xavier_saturated, growth, accuracy, loss):
    net = {"grad": 1.0, "first_loss": 1.0, "accuracy": accuracy, "loss": loss}
    return {"large": {**net, "saturated": saturated},
            "xavier": {**net, "saturated": xavier_saturated, "loss": 0.01, "accuracy": 1.0},
            "growth": growth}


def test_too_large_init_thresholds():
    rows = {0: large_init_row(0.501, 0.099, 10.01, 0.949, 0.0101),
            1: large_init_row(0.5, 0.099, 10.0, 0.95, 0.01),
            2: large_init_row(0.6, 0.1, 0.0999, 0.5, 0.02),
            3: large_init_row(0.6, 0.05, 0.1, 0.5, 0.02)}
    result = verdicts(experiments.large_init_report, rows)
    assert part(result, "activations saturate") == {0: True, 1: False, 2: False, 3: True}
    assert part(result, "gradients vanish or explode") == {0: True, 1: False, 2: True, 3: False}
    assert part(result, "training stalls") == {0: True, 1: False, 2: True, 3: True}
    assert part(result, "training ends worse") == {0: True, 1: False, 2: True, 3: True}


def test_vanishing_gradient_thresholds():
    def row(first_over_tenth, tanh_ratio):  # layer 10's norm is 4: the ratio is a quotient
        sigmoid = list(np.geomspace(4 * first_over_tenth, 4.0, 10)) + [5.0]
        growing = list(np.geomspace(4 * tanh_ratio, 4.0, 10)) + [5.0]
        return {"sigmoid": sigmoid, "tanh": growing, "relu": growing}

    rows = {0: row(0.99e-4, 1.01e-2), 1: row(1e-4, 1e-2)}
    result = verdicts(experiments.vanishing_gradient_report, rows)
    assert part(result, "and less than 1/10000") == {0: True, 1: False}
    assert part(result, "with tanh and ReLU") == {0: True, 1: False}
    assert part(result, "with sigmoid, the gradient shrinks") == {0: True, 1: True}
    flat = row(1e-6, 1.0)
    flat["sigmoid"][3] = flat["sigmoid"][4]  # one layer where it does not shrink
    assert part(verdicts(experiments.vanishing_gradient_report, {0: flat}),
                "with sigmoid, the gradient shrinks") == {0: False}


def test_signal_variance_thresholds():
    chapter, he, half, big = experiments.SCALINGS

    def row(tanh_chapter, relu_chapter, relu_he, tanh_half, relu_big, saturated):
        changes = {("tanh", chapter): tanh_chapter, ("relu", chapter): relu_chapter,
                   ("relu", he): relu_he, ("tanh", half): tanh_half, ("relu", half): tanh_half,
                   ("tanh", he): 1.0, ("tanh", big): 1.0, ("relu", big): relu_big}
        # layer 1's spread is 2, layer 2's 3: the change is layer 20's over layer 1's
        return {key: {"std": [2.0, 3.0] + [1.0] * 17 + [2.0 * change],
                      "saturated": saturated if key == ("tanh", big) else 0.0}
                for key, change in changes.items()}

    rows = {0: row(0.5, 0.99e-2, 2.0, 0.99e-3, 1.01e3, 0.501),
            1: row(0.49, 1e-2, 2.01, 1e-3, 1e3, 0.5),
            2: row(2.01, 1e-3, 0.49, 1e-4, 1e4, 0.9),
            3: row(2.0, 1e-3, 0.5, 1e-4, 1e4, 0.9),
            4: row(1.0, 1e-3, 0.6, 1e-4, 1e4, 0.9)}
    result = verdicts(experiments.signal_variance_report, rows)
    assert part(result, "the chapter's scaling keeps tanh") == \
        {0: True, 1: False, 2: False, 3: True, 4: True}
    assert part(result, "ReLU needs more") == {0: True, 1: False, 2: True, 3: True, 4: True}
    assert part(result, "... and He's keeps ReLU") == \
        {0: True, 1: False, 2: False, 3: True, 4: True}
    assert part(result, "too small vanishes") == {0: True, 1: False, 2: True, 3: True, 4: True}
    assert part(result, "too large saturates tanh") == \
        {0: True, 1: False, 2: True, 3: True, 4: True}
    assert part(result, "... and makes ReLU explode") == \
        {0: True, 1: False, 2: True, 3: True, 4: True}


def test_zero_centred_thresholds():
    def row(tanh_start, tanh_end, sigmoid_low, tanh_at, sigmoid_at):
        return {"tanh": {"start": tanh_start, "end": tanh_end, "solved_at": tanh_at},
                "sigmoid": {"start": sigmoid_low, "end": 0.5, "solved_at": sigmoid_at}}

    rows = {0: row(0.049, -0.249, 0.251, 40, 41), 1: row(-0.05, 0.25, 0.25, 40, 40),
            2: row(0.0, 0.0, 0.4, 40, None), 3: row(0.0, 0.0, 0.4, None, None)}
    result = verdicts(experiments.zero_centred_report, rows)
    assert part(result, "tanh's hidden activations start centred") == \
        {0: True, 1: False, 2: True, 3: True}
    assert part(result, "and stay nearer 0") == {0: True, 1: False, 2: True, 3: True}
    assert part(result, "sigmoid's are centred near 0.5") == \
        {0: True, 1: False, 2: True, 3: True}
    assert part(result, "sigmoid, not zero-centred, reaches 99% later") == \
        {0: True, 1: False, 2: True, 3: False}


def test_a_verdict_over_many_seeds_speaks_in_rates():
    assert experiments.seeds_verdict({0: True, 1: True}) == "holds on all 2 seeds"
    assert experiments.seeds_verdict({0: True}) == "holds on the 1 seed"
    assert experiments.seeds_verdict({0: False}) == "does not hold on the 1 seed"
    assert experiments.seeds_verdict({0: False, 1: False}) == "holds on none of the 2 seeds"
    many = {k: k % 3 != 0 for k in range(10)}
    assert experiments.seeds_verdict(many) == "holds on 6 of 10 seeds (not on 0, 3, 6, 9)"
    some = {k: k >= 6 for k in range(10)}
    assert experiments.seeds_verdict(some) == "holds on 4 of 10 seeds (not on 0, 1, 2, 3, 4, ...)"
    five = {k: k >= 5 for k in range(10)}
    assert experiments.seeds_verdict(five) == "holds on 5 of 10 seeds (not on 0, 1, 2, 3, 4)"
    assert experiments.seeds_verdict((True, "3 of 3")) == "holds (3 of 3)"
    assert experiments.seeds_verdict((False, "1 of 3")) == "does not hold (1 of 3)"
    assert experiments.seeds_verdict({}) == "nothing to judge"


def test_a_summary_shows_every_value_up_to_five_seeds_then_the_median_and_range():
    assert experiments.summary([0.5, 0.25], ".2f") == "0.50 0.25"
    assert experiments.summary(range(5), "d") == "0 1 2 3 4"
    assert experiments.summary(range(6), "d") == "median 2.5, 0 to 5"
    assert experiments.summary(range(7), "d") == "median 3, 0 to 6"
    assert experiments.summary([0.1, 0.2, 0.3, 0.4, 0.5, 0.9], ".1f") == "median 0.3, 0.1 to 0.9"


def test_a_row_goes_on_a_line_of_its_own_only_when_it_would_pass_80_columns():
    def rows(values):
        return experiments.report({"claim": "c", "verdicts": {},
                                   "measured": [("x" * 10, values, None)]}).splitlines()

    # 4 spaces, the label (10), 2 spaces, the values: exactly 80 fits, 81 does not
    assert rows("v" * 64) == ["c", "    " + "x" * 10 + "  " + "v" * 64]
    assert rows("v" * 65) == ["c", "    " + "x" * 10, "      " + "v" * 65]


def table_rows(**changes):
    """One seed's measurements for claim (g): everything solved and alive, then `changes`,
    {activation: {key: value}}."""
    row = {act: {"accuracy": 1.0, "solved_at": 30, "dead": 0, "dark": [], "dark_p": [],
                 "x2_weight_negative": 4, "bias_negative": 4} for act in experiments.TABLE}
    row["relu b1"] = {"accuracy": 1.0, "dead_start": 2, "dead": 1, "dead_gradient": 0.0}
    row["leaky_relu b1"] = {"accuracy": 1.0, "dead_start": 2, "dead": 0, "dead_gradient": np.nan}
    for act, values in changes.items():
        row[act] = {**row[act], **values}
    return row


def test_the_activation_tables_verdicts_at_their_edges():
    rows = {0: table_rows(relu={"accuracy": 0.99}),  # exactly 0.99 is solved
            1: table_rows(relu={"accuracy": 0.9899, "dark": [1, 2], "dark_p": [0.5, 0.5]}),
            2: table_rows(gelu={"accuracy": 0.5}),
            3: table_rows(relu={"dead": 1}),
            4: table_rows(**{"relu b1": {"dead": 0}}),
            5: table_rows(**{"relu b1": {"dead_gradient": 1e-3}}),
            6: table_rows(**{"leaky_relu b1": {"dead": 1}})}
    report = experiments.activation_table_report(rows)
    result = report["verdicts"]
    assert part(result, "relu solves XOR") == {k: k != 1 for k in rows}
    assert part(result, "gelu and silu solve it too") == {k: k != 2 for k in rows}
    assert part(result, "no relu unit dies") == {k: k != 3 for k in rows}
    assert part(result, "with biases starting at -1") == {k: k != 4 for k in rows}
    assert part(result, "dead relu units get no gradient") == \
        {k: k != 5 for k in rows if k != 4}
    assert part(result, "leaky_relu avoids them") == {k: k != 6 for k in rows if k != 4}
    assert part(result, "where relu or leaky_relu fail") == (True, "1 of 1 failures")
    assert part(result, "leaky_relu still learns there") == (True, "7 against 7 of 7")
    notes = " ".join(report["notes"])
    assert "relu, seed 1 (0.990): every unit off on 90% or more of clusters (+1,+1) class 0 " \
           "(mean p 0.500), (-1,+1) class 1 (mean p 0.500)" in notes
    table = report["table"]
    assert table[1].split()[:4] == ["tanh", "7", "of", "7"] and table[3].split()[1] == "6"


def test_the_failures_notes_and_their_verdict():
    one_class = table_rows(relu={"accuracy": 0.7, "dark": [0, 1], "dark_p": [0.4, 0.45]})
    none_dark = table_rows(leaky_relu={"accuracy": 0.5})
    rows = {0: one_class, 1: none_dark}
    report = experiments.activation_table_report(rows)
    assert part(report["verdicts"], "where relu or leaky_relu fail") == \
        (False, "0 of 2 failures")
    notes = report["notes"]
    assert "clusters none;" in notes[2]  # no cluster went dark
    many = {k: table_rows(relu={"accuracy": 0.5}) for k in range(6)}
    assert len(experiments.activation_table_report(many)["notes"]) == 1 + 4  # four, at most
    learns = {0: table_rows(**{"leaky_relu b1": {"accuracy": 0.99},
                               "relu b1": {"accuracy": 0.99}}),
              1: table_rows(**{"relu b1": {"accuracy": 0.5}, "leaky_relu b1": {"accuracy": 0.5}})}
    assert part(experiments.activation_table_report(learns)["verdicts"],
                "leaky_relu still learns there") == (True, "1 against 1 of 2")
    fewer = {0: table_rows(**{"relu b1": {"accuracy": 0.99}, "leaky_relu b1": {"accuracy": 0.5}})}
    assert part(experiments.activation_table_report(fewer)["verdicts"],
                "leaky_relu still learns there") == (False, "0 against 1 of 1")


def test_the_second_pass_turns_off_only_what_numpy_dispatches():
    # NumPy refuses to turn off a feature it has no code for (pytest then stops at once): the
    # names differ between NumPy 2.4 (X86_V4) and before (AVX512F)
    from simd_levels import one_level_down
    new = {"X86_V3", "X86_V4", "AVX512_ICL", "AVX512_SPR"}
    old = {"AVX2", "FMA3", "AVX512F", "AVX512CD", "AVX512_SKX", "AVX512_ICL"}
    avx512, avx2 = {"AVX512F": True, "AVX2": True}, {"AVX2": True}
    assert one_level_down(avx512, new) == "AVX512_SPR AVX512_ICL X86_V4"
    assert one_level_down(avx2, new) == "X86_V3"
    assert one_level_down(avx512, old) == "AVX512_ICL AVX512_SKX AVX512CD AVX512F"
    assert one_level_down(avx2, old) == "AVX2 FMA3"
    assert one_level_down({"ASIMD": True}, {"ASIMDHP"}) == ""  # ARM: nothing below NEON
