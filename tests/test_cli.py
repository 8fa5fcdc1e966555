"""The knobs of nn_from_scratch.py and activations_demo.py, the pictures, bad input and numerical trouble.

Most tests call main(argv) in-process and read what it printed (capsys); a few run the script as a
reader would, to see the exit status and that no traceback or warning reaches the terminal.
"""

import math
import re

import numpy as np
import pytest

import nn_from_scratch
from companion import run as companion_run
from companion import zoo
from conftest import ROOT, run_script
from companion import pictures
from nn_from_scratch import CENTRES, LABELS, init_params, make_xor_data, train
from companion.pictures import SHAPE_NAMES, boundary_map, cell_of


def run_main(capsys, *argv, module=companion_run):
    status = module.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def log_rows(out):
    """(epoch, loss, accuracy) of each epoch line."""
    return [(int(e), float(l), float(a))
            for e, l, a in re.findall(r"^epoch +(\d+) +loss (\S+) +train-acc (\S+)$", out, re.M)]


def final_accuracy(out):
    return float(re.search(r"final train accuracy: (\S+)", out).group(1))


def centre_probabilities(out):
    return [float(p) for p in re.findall(r"P\(class 1\) = (\S+)", out)]


# ---- the knobs ----

def test_defaults_are_the_chapters():
    chapters = companion_run.parse_args(
        ["--hidden", "8", "--activation", "tanh", "--init", "xavier", "--lr", "0.5",
         "--epochs", "2000", "--seed", "0", "--noise", "0.35"])
    assert companion_run.parse_args([]) == chapters
    assert sorted(nn_from_scratch.log_epochs(chapters.epochs)) == [0, 400, 800, 1200, 1600, 1999]


def test_help_explains_every_knob_with_its_default(capsys):
    with pytest.raises(SystemExit) as exit_:
        companion_run.main(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert exit_.value.code == 0
    for knob, default in [("--hidden", "8"), ("--activation", "tanh"), ("--init", "xavier"),
                          ("--lr", "0.5"), ("--epochs", "2000"), ("--seed", "0"), ("--noise", "0.35")]:
        assert knob in out and f"(default: {default})" in out
    assert "N(0, 10^2)" in out  # the scale of the deliberately large init
    for flag in ["--boundary", "--features", "--shapes"]:
        assert flag in out


def test_epochs_sets_the_length_and_the_log_keeps_the_chapters_cadence(capsys):
    _, out, _ = run_main(capsys, "--epochs", "10")
    assert [e for e, _, _ in log_rows(out)] == [0, 2, 4, 6, 8, 9]


def test_a_smaller_learning_rate_learns_less_in_the_same_time(capsys):
    _, slow, _ = run_main(capsys, "--lr", "0.05", "--epochs", "400")
    _, fast, _ = run_main(capsys, "--lr", "0.5", "--epochs", "400")
    assert log_rows(slow)[0] == log_rows(fast)[0]  # same start
    assert log_rows(slow)[-1][1] > 5 * log_rows(fast)[-1][1]


def test_hidden_sets_the_number_of_hidden_units(capsys):
    _, out, _ = run_main(capsys, "--hidden", "3", "--shapes", "--epochs", "1")
    assert re.search(r"^  W1 +\(2, 3\) ", out, re.M)
    assert re.search(r"^  z1 +\(400, 3\) ", out, re.M)


def test_seed_changes_data_and_weights_and_the_network_still_solves_xor(capsys):
    _, out0, _ = run_main(capsys, "--seed", "0", "--epochs", "1")
    _, out1, _ = run_main(capsys, "--seed", "1")
    assert log_rows(out0)[0] != log_rows(out1)[0]
    assert final_accuracy(out1) >= 0.99


def test_noise_zero_makes_the_clusters_points_and_the_task_easy(capsys):
    _, out, _ = run_main(capsys, "--noise", "0", "--epochs", "300")
    assert final_accuracy(out) == 1.0


def test_zeros_init_never_leaves_chance(capsys):
    _, out, _ = run_main(capsys, "--init", "zeros", "--epochs", "300")
    assert {(round(loss, 4), acc) for _, loss, acc in log_rows(out)} == {(0.6931, 0.5)}
    assert centre_probabilities(out) == [0.5] * 4


def test_large_init_starts_far_from_chance(capsys):
    _, out, _ = run_main(capsys, "--init", "large", "--epochs", "1")
    assert log_rows(out)[0][1] > 3 * math.log(2)


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "sigmoid", "identity"])
def test_activation_reaches_the_hidden_layer(capsys, activation):
    _, out, _ = run_main(capsys, "--activation", activation, "--epochs", "1")
    X, y = make_xor_data()
    params = init_params()
    (_, loss, _), = train(params, X, y, activation, epochs=1)
    assert log_rows(out)[0][1] == round(loss, 4)


def test_without_a_nonlinearity_the_network_stays_at_chance(capsys):
    _, out, _ = run_main(capsys, "--activation", "identity")
    assert 0.4 < final_accuracy(out) < 0.6


# ---- the pictures ----

def test_shapes_are_printed_once_before_training_in_the_chapters_symbols(capsys):
    for hidden in ["8", "3"]:
        _, out, _ = run_main(capsys, "--hidden", hidden, "--shapes", "--epochs", "1")
        lines = out.splitlines()
        assert lines[1].startswith("shapes for m = 400 points") and lines[-7].startswith("epoch 0")
        rows = re.findall(r"^  (\w+) +(\([\d, ]+\)) +(\(.*\))$", out, re.M)
        names = [name for name, _, _ in rows]
        assert names == ["X", "y", "W1", "b1", "W2", "b2", "z1", "a1", "z2", "p",
                         "dz2", "dW2", "db2", "da1", "dz1", "dW1", "db1"]
        sizes = {"m": "400", "n_in": "2", "hidden": hidden}
        for name, shape, symbols in rows:
            assert symbols == SHAPE_NAMES[name[1:] if name.startswith("d") else name]  # dQ: Q's
            assert re.sub(r"[a-z_]+", lambda s: sizes[s.group()], symbols) == shape


def trained(**knobs):
    X, y = make_xor_data()
    params = init_params()
    train(params, X, y, **knobs)
    return params, X, y


def test_boundary_map_shows_the_xor_regions_and_every_point():
    params, X, y = trained()
    picture = boundary_map(params, X, y, cols=64, rows=24)
    canvas = [line[7:-1] for line in picture.splitlines() if line[6:7] == "|"]
    assert len(canvas) == 24 and all(len(row) == 64 for row in canvas)
    grid = np.array([list(row) for row in canvas])
    # each centre's cell lies in its own class's region, or holds a point of that class
    rows, cols = cell_of(CENTRES, X.min(0), X.max(0), 64, 24)
    for r, c, label in zip(rows, cols, LABELS):
        assert grid[r, c] in ({".", "x"} if label == 1 else {" ", "o"})
    # the one point the trained network gets wrong (accuracy 0.998 = 399/400) is drawn in capitals
    assert np.isin(grid, ["O", "X"]).sum() == 1
    assert set(np.unique(grid)) <= {".", " ", "o", "x", "O", "X"}


def test_boundary_flag_prints_the_map_after_the_chapters_output(capsys):
    _, out, _ = run_main(capsys, "--boundary")
    chapter = out.split("decision regions")[0]
    assert chapter == (ROOT / "tests" / "snapshots" / "nn_from_scratch.txt").read_text()
    assert out.count("|") == 2 * 24


def test_features_draw_one_map_per_hidden_unit(capsys):
    _, out, _ = run_main(capsys, "--features", "--hidden", "3", "--epochs", "50")
    titles = re.findall(r"unit (\d+): w2 = [+-]\d+\.\d", out)
    assert titles == ["1", "2", "3"]
    maps = out.split("w2 is the unit's vote for class 1")[1]
    assert set(maps) <= set("#.01 \n:w=+-unit0123456789.")


def test_a_feature_map_is_on_exactly_where_the_unit_is_on():
    params, X, _ = trained(epochs=50)
    picture = pictures.feature_maps(params, X, cols=17, rows=8, per_row=1)
    blocks = picture.split("\n\n")[1:]
    grid = pictures.grid(X.min(0), X.max(0), 17, 8)
    z1 = nn_from_scratch.forward(params, grid)[0]
    for unit, block in enumerate(blocks):
        cells = np.array([list(row) for row in block.splitlines()[1:]]).ravel()
        drawn = cells != "."
        is_centre = np.isin(cells, ["0", "1"])
        assert np.array_equal(drawn[~is_centre], (z1[:, unit] > 0)[~is_centre])


# ---- activations_demo.py ----

def test_activation_slopes_show_sigmoids_small_slope(capsys):
    _, out, _ = run_main(capsys, "--slopes", module=zoo)
    slopes = dict(re.findall(r"^(\w+) *: (\[.*\])$", out.split("slopes at")[1], re.M))
    sigmoid_slope = np.array(slopes["sigmoid"].strip("[]").split(), dtype=float)
    relu_slope = np.array(slopes["relu"].strip("[]").split(), dtype=float)
    assert sigmoid_slope.max() == 0.25 and sigmoid_slope[[0, -1]].max() < 0.11
    assert relu_slope[-1] == 1.0


# ---- bad input: one line, naming the argument, exit status 2 ----

BAD = [
    (["--hidden", "abc"], "--hidden"), (["--hidden", "0"], "--hidden"), (["--hidden", "2.5"], "--hidden"),
    (["--epochs", "0"], "--epochs"), (["--epochs", "-5"], "--epochs"),
    (["--lr", "0"], "--lr"), (["--lr", "-1"], "--lr"), (["--lr", "nan"], "--lr"),
    (["--lr", "inf"], "--lr"), (["--lr", "1e999"], "--lr"), (["--lr", "fast"], "--lr"),
    (["--noise", "-0.1"], "--noise"), (["--noise", "nan"], "--noise"),
    (["--seed", "-1"], "--seed"), (["--seed", "x"], "--seed"),
    (["--activation", "softmax"], "--activation"), (["--init", "ones"], "--init"),
    (["--lr"], "--lr"), (["--bogus"], "--bogus"),
]


@pytest.mark.parametrize("argv, named", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_argument_gets_one_line_and_exit_status_2(capsys, argv, named):
    with pytest.raises(SystemExit) as exit_:
        companion_run.main(argv)
    out, err = capsys.readouterr()
    assert exit_.value.code == 2 and out == ""
    lines = err.splitlines()
    assert named in lines[0] and all(len(line) <= 80 for line in lines)
    # the choices of --activation (7 names) and --init (6) make their lines wrap, once
    assert len(lines) == 1 or (named in ("--activation", "--init") and len(lines) == 2)
    assert any(word in err for word in ("is not", "is none of", "unrecognized", "expected one"))


def test_bad_argument_from_the_terminal_has_no_traceback():
    for script, argv in [("nn_from_scratch.py", ["--lr", "nan"]), ("activations_demo.py", ["--z"])]:
        result = run_script(script, *argv)
        assert result.returncode == 2 and result.stdout == ""
        assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


# ---- numerical trouble: finite numbers, or one sentence and exit status 1 ----

@pytest.mark.parametrize("argv, said", [
    # a climbing loss is said in one line, and the run goes on. Where lr 1000 ends is chaos
    # (3.0394 with AVX2, 3.0238 with AVX-512, 4.9736 with SSE only): what is sure is that the
    # first loss is the chapter's and the last is 1.5 times it or more, else nothing is said
    (["--lr", "1000"], r"nn_from_scratch.py: --lr 1000 too large: the loss rose from 0\.6983 to "
                       r"(\d+\.\d{4})\n"),
    (["--init", "large", "--activation", "sigmoid"], "")])
def test_hard_settings_carry_on_with_finite_numbers(capsys, argv, said):
    status, out, err = run_main(capsys, *argv)  # warnings are errors in these tests (pytest.ini)
    said = re.fullmatch(said, err)
    assert status == 0 and said
    if said.groups():
        assert float(said[1]) >= 1.5 * 0.6983 and float(said[1]) == log_rows(out)[-1][1]
    assert "nan" not in out and "inf" not in out
    assert all(math.isfinite(loss) for _, loss, _ in log_rows(out))


def one_sentence(err):
    """A message on stderr: one sentence, wrapped within 80 columns; the sentence unwrapped."""
    lines = err.splitlines()
    assert lines and all(len(line) <= 80 for line in lines)
    assert all(line.startswith("  ") for line in lines[1:])  # continuation lines, indented
    return " ".join(err.split())


def test_overflow_stops_training_with_one_sentence_and_exit_status_1(capsys):
    status, out, err = run_main(capsys, "--activation", "relu", "--lr", "1e300")
    assert status == 1
    assert "nan" not in out and "final train accuracy" not in out
    sentence = one_sentence(err)
    assert "broke down at epoch 1" in sentence and "--lr smaller than 1e+300" in sentence


def test_overflow_from_the_terminal_prints_no_warnings():
    result = run_script("nn_from_scratch.py", "--activation", "relu", "--lr", "1e300")
    assert result.returncode == 1
    assert "broke down" in one_sentence(result.stderr) and "Warning" not in result.stderr


def test_overflow_when_the_trained_weights_are_used_is_caught_too(capsys):
    # one huge update leaves finite weights whose forward pass overflows: after the loop, not in it
    status, out, err = run_main(capsys, "--activation", "relu", "--lr", "1e200", "--epochs", "1")
    assert status == 1 and "nan" not in out
    assert "after the last epoch" in one_sentence(err)


@pytest.mark.parametrize("init, advice", [("xavier", False), ("he", True), ("large", True)])
def test_a_breakdown_advises_the_chapters_init_only_when_another_was_used(capsys, init, advice):
    status, _, err = run_main(capsys, "--activation", "relu", "--lr", "1e300", "--init", init)
    sentence = one_sentence(err)
    assert status == 1 and ("or --init xavier" in sentence) == advice


def test_train_defaults_to_the_chapters_run():
    X, y = make_xor_data()
    log = train(init_params(), X, y)  # lr 0.5, 2000 epochs, tanh
    assert [(e, round(loss, 4), round(acc, 3)) for e, loss, acc in log] == [
        (0, 0.6983, 0.505), (400, 0.0377, 0.99), (800, 0.023, 0.998), (1200, 0.018, 0.998),
        (1600, 0.0154, 0.998), (1999, 0.0139, 0.998)]
