"""--layers and K classes on the command line: --layers 8 is the chapter's run bit for bit; deeper
networks and K classes train, check their gradient, predict, save and load; bad input gets one
line and exit status 2."""

import os
import re
import shlex
import subprocess
import sys

import numpy as np
import pytest

from companion import datasets, gradcheck, layers
from companion import run as companion_run
from conftest import ROOT
from test_csv import run  # main(argv): status, stdout, stderr

SNAPSHOT = (ROOT / "tests" / "snapshots" / "nn_from_scratch.txt").read_text()


# ---- --layers N is --hidden N ----

def test_layers_8_prints_the_chapters_listing_and_trains_its_very_weights(capsys):
    assert run(["--layers", "8"], capsys) == (0, SNAPSHOT, "")
    stacked = {name: W.copy() for name, W in companion_run.last_run["params"].items()}
    assert run([], capsys) == (0, SNAPSHOT, "")
    chapter = companion_run.last_run["params"]
    assert stacked.keys() == chapter.keys()
    assert all(stacked[k].tobytes() == chapter[k].tobytes() for k in chapter)


@pytest.mark.parametrize("flags", [
    ["--activation", "relu", "--data", "moons", "--test", "50", "--epochs", "300"],
    ["--activation", "gelu", "--init", "he", "--data", "spiral", "--predict=1,-1"],
    ["--hidden", "3", "--epochs", "500", "--lr", "2", "--gradcheck"],
])
def test_layers_n_is_hidden_n_with_every_other_flag(capsys, flags):
    hidden = flags[flags.index("--hidden") + 1] if "--hidden" in flags else "8"
    rest = [f for k, f in enumerate(flags) if "--hidden" not in flags[max(0, k - 1):k + 1]]
    assert run(["--layers", hidden, *rest], capsys) == run(flags, capsys)


# ---- deeper networks and K classes ----

def sector_labels(X, classes):
    """A K-class problem on any set's points: the class is the point's sector of the plane."""
    angle = np.arctan2(X[:, 1], X[:, 0]) + np.pi
    return np.minimum((angle / (2 * np.pi) * classes).astype(int), classes - 1)[:, None] * 1.0


@pytest.mark.parametrize("name", datasets.DATA_NAMES)
@pytest.mark.parametrize("hidden", [[6], [6, 5], [5, 4, 6], [4, 5, 4, 3]])
def test_the_gradient_check_passes_at_depths_1_to_4_with_2_to_4_classes_on_every_set(name,
                                                                                    hidden):
    X, native = datasets.make_data(name, 1, 0.35, 60)
    for classes in (2, 3, 4):
        y = native if classes == int(native.max()) + 1 else sector_labels(X, classes)
        params = layers.init_params(layers.sizes(2, hidden, classes), "xavier", 1)
        for when in ("start", "trained"):
            checks = gradcheck.check_gradients(params, X, y, "tanh")
            said = {k: gradcheck.gradient_verdict(c) for k, c in checks.items()}
            assert set(said) == set(params) and all(v.startswith("right") for v in said.values()), \
                (name, hidden, classes, when, said)
            layers.train(params, X, y, "tanh", 0.5, 100)


def test_a_mistake_in_a_deep_networks_backward_fails_the_command_lines_check(capsys,
                                                                            monkeypatch):
    argv = ["--layers", "6,5", "--data", "spiral3", "--epochs", "5", "--gradcheck"]
    status, out, _ = run(argv, capsys)
    assert status == 0 and "WRONG" not in out and out.count("  right\n") == 12
    right = layers.backward

    def forgot_the_slope(params, X, y, z, a, p, activation="tanh"):  # dz2 = da2, as if linear
        return right(params, X, y, z, a, p, "identity") if len(z) > 2 else right(
            params, X, y, z, a, p, activation)

    monkeypatch.setattr(layers, "backward", forgot_the_slope)
    status, out, err = run(argv, capsys)
    assert status == 1 and "WRONG" in out and "the gradient check failed" in err


def test_three_spiral_arms_are_learnt_and_the_log_says_three_classes(capsys):
    status, out, err = run(["--data", "spiral3", "--noise", "0.2", "--layers", "16,16",
                            "--test", "300", "--epochs", "3000"], capsys)
    lines = out.splitlines()
    assert (status, err) == (0, "") and lines[0] == "data: 400 points, 2 features, 3 classes " \
                                                    "(spiral3)"
    train_acc = float(next(l for l in lines if l.startswith("final train")).split()[-1])
    test_acc = float(next(l for l in lines if l.startswith("final test")).split()[-1])
    assert train_acc > 0.9 and test_acc > 0.75  # a third would be chance
    assert max(map(len, lines)) <= 80
    sanity = lines[lines.index("sanity check on the first training point of each class:") + 1:]
    assert [line.split("(class ")[1][0] for line in sanity] == ["0", "1", "2"]


def test_predict_gives_every_class_its_probability(capsys):
    status, out, _ = run(["--data", "spiral3", "--layers", "8,8", "--epochs", "50",
                          "--predict=0.5,-1", "--predict", "2,2"], capsys)
    params = companion_run.last_run["params"]
    p = layers.predict(params, np.array([[0.5, -1], [2, 2]]))
    lines = out.splitlines()
    shown = lines[lines.index("each class's probability at your points (--predict):") + 1:]
    for line, row in zip(shown, p):
        numbers = [float(v) for v in line.split("= ")[1].split()]
        assert numbers == [float(f"{q:.3f}") for q in row] and abs(sum(numbers) - 1) < 0.005
        assert f"-> class {row.argmax()};" in line


def test_ten_classes_from_a_file_fit_80_columns(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    X, _ = datasets.make_data("spiral", 0, 0.35, 200)
    rows = [f"{a:.6f},{b:.6f},{k % 10}" for k, (a, b) in enumerate(X)]
    (tmp_path / "ten.csv").write_text("\n".join(rows) + "\n")
    status, out, err = run(["--data", "ten.csv", "--epochs", "20", "--predict=-1234.5,1e20",
                            "--test", "30"], capsys)
    assert (status, err) == (0, "") and "10 classes" in out.splitlines()[0]
    assert max(map(len, out.splitlines())) <= 80


@pytest.mark.parametrize("kind", ["json", "npz"])
def test_a_deep_k_class_network_saves_and_loads_exactly(tmp_path, monkeypatch, capsys, kind):
    monkeypatch.chdir(tmp_path)
    argv = ["--data", "spiral3", "--layers", "8,6,4", "--epochs", "40"]
    first = run([*argv, "--save", f"w.{kind}"], capsys)
    saved = {k: W.copy() for k, W in companion_run.last_run["params"].items()}
    again = run([*argv[:4], "--load", f"w.{kind}", "--epochs", "0"], capsys)
    loaded = companion_run.last_run["params"]
    assert first[0] == again[0] == 0 and list(loaded) == [f"{w}{l}" for l in (1, 2, 3, 4)
                                                          for w in "Wb"]
    assert all(saved[k].tobytes() == loaded[k].tobytes() for k in saved)
    ends = [o.split("sanity check")[1] for o in (first[1], again[1])]
    assert ends[0].split("weights saved")[0] == ends[1]


@pytest.mark.parametrize("argv, said", [
    ([], "has W3: more layers than this run's 2-8-1"),
    (["--layers", "8"], "has W3: more layers than this run's 2-8-1"),
    (["--layers", "8,8,8"], "W3 is 8 x 1, not 8 x 8 (2-8-8-8-1)"),
    (["--layers", "8,8", "--data", "spiral3"], "W3 is 8 x 1, not 8 x 3 (3 classes here)"),
    (["--layers", "8,7"], "W2 is 8 x 8, not 8 x 7 (2-8-7-1)"),
])
def test_weights_of_another_network_are_refused_in_one_line(tmp_path, monkeypatch, capsys, argv,
                                                            said):
    monkeypatch.chdir(tmp_path)
    for kind in ("json", "npz"):
        assert run(["--layers", "8,8", "--epochs", "5", "--save", f"w.{kind}"], capsys)[0] == 0
        status, out, err = run([*argv, "--load", f"w.{kind}", "--epochs", "0"], capsys)
        assert (status, out) == (2, "") and err.count("\n") == 1 and said in err, err


def test_weights_of_three_classes_on_two_say_the_classes_are_why(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert run(["--data", "spiral3", "--epochs", "5", "--save", "w.npz"], capsys)[0] == 0
    status, out, err = run(["--load", "w.npz", "--epochs", "0"], capsys)
    assert (status, out) == (2, "")
    assert err == "nn_from_scratch.py: --load 'w.npz': W2 is 8 x 3, not 8 x 1 (2 classes here)\n"


# ---- bad input: one line, exit status 2 ----

@pytest.mark.parametrize("argv, said", [
    (["--layers", ""], "--layers: '' is not a list of widths such as 8,8,4"),
    (["--layers", "0"], "--layers: '0' is not a whole number >= 1 (a layer's units)"),
    (["--layers", "8,,8"], "--layers: '8,,8' has a width missing (write 8,8,4)"),
    (["--layers", "8,-1"], "--layers: '-1' is not a whole number >= 1"),
    (["--layers", ",".join(["4"] * 9)], "--layers: 9 hidden layers; at most 8"),
    (["--layers", "8", "--hidden", "4"], "--hidden and --layers: give one"),
    (["--layers", "8,8", "--by-hand"], "--by-hand steps the chapter's network: not with --layers"),
    (["--layers", "8,8", "--bug", "no-mean"], "--bug runs the chapter's network alone"),
    (["--data", "spiral3", "--by-hand"], "--by-hand steps the chapter's 2 classes; the data has 3"),
    (["--layers", "30000,30000"], "this run needs about"),
    (["--layers", "8," * 7 + "3000000"], "this run needs about"),
])
def test_bad_layers_get_one_line_and_exit_2_before_anything_runs(capsys, argv, said):
    status, out, err = run(argv, capsys)
    assert (status, out) == (2, "") and err.count("\n") == 1 and said in err, err
    assert len(err.rstrip("\n")) <= 80


@pytest.mark.parametrize("content, said", [
    ("1,2,0\n3,4,1\n5,6,3\n", "no point of class 2 (labels 0 to 3)"),
    ("1,2,1\n3,4,2\n5,6,2\n", "no point of class 0 (labels 0 to 2)"),
    ("1,2,0\n3,4,10\n", "row 2: label 10 is not a class (0 to 9)"),
    ("x1,x2,label,held_out\n1,2,0,0\n3,4,1,0\n5,6,2,1\n", "no training point of class 2"),
])
def test_labels_that_leave_a_class_without_points_are_refused(tmp_path, monkeypatch, capsys,
                                                              content, said):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "k.csv").write_text(content)
    status, out, err = run(["--data", "k.csv", "--epochs", "5"], capsys)
    assert (status, out) == (2, "") and err.count("\n") == 1 and said in err, err


def test_a_test_split_that_takes_a_whole_class_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "k.csv").write_text("1,2,0\n3,4,0\n5,6,1\n7,8,1\n9,9,2\n")
    said = {run(["--data", "k.csv", "--test", "1", "--seed", str(seed)], capsys)[2]
            for seed in range(12)}
    assert "nn_from_scratch.py: --test 1: no training point of class 2 (labels 0 to 2)\n" in said


def test_a_files_classes_past_the_memory_budget_are_refused_before_training(tmp_path,
                                                                           monkeypatch, capsys):
    from companion import flags
    monkeypatch.chdir(tmp_path)
    X, _ = datasets.make_data("spiral", 0, 0.35, 200)
    (tmp_path / "ten.csv").write_text("".join(f"{a:.6f},{b:.6f},{k % 10}\n"
                                              for k, (a, b) in enumerate(X)))
    args = companion_run.parse_args(["--data", "ten.csv", "--layers", "500,500"])
    ten = flags.run_memory(args, 200, 2, classes=10)
    assert ten > flags.run_memory(args, 200, 2) + 1e5  # the softmax's columns are counted
    monkeypatch.setenv("NN_MEMORY_BUDGET", str(int(ten) - 1))
    status, out, err = run(["--data", "ten.csv", "--layers", "500,500"], capsys)
    assert (status, out) == (2, "") and "10 classes: about " in err and err.count("\n") == 1


# ---- docs/layers.md's depth sweep: as printed, to what moves between processors ----

SWEEP = re.search(r"<!-- printed with AVX-512 by: (experiments\.py .*?) -->\n```\n(.*?)\n```",
                  (ROOT / "docs" / "layers.md").read_text(), re.S)


def sweep_in_a_process():
    """The docs' sweep, run as the page says, with one worker (the idle second core; about
    25 s of CPU): its printed rows."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    script, *argv = shlex.split(SWEEP[1])
    result = subprocess.run([sys.executable, str(ROOT / script), *argv, "--workers", "1"],
                            capture_output=True, text=True, timeout=900, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.rstrip("\n")


BACKGROUND = {"depth sweep": (sweep_in_a_process,)}  # see conftest.py


def numbers(row):
    return np.array([float(v) for v in re.findall(r"\d+\.\d+", row)])


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_depth_sweep_on_the_docs_page_is_what_the_sweep_prints(background):
    """Every line as printed, the rows' numbers within what moves from one processor's tanh to
    another's (measured between AVX-512 and AVX2: 0.009 in a median accuracy, 0.063 in a
    range's end, 0.03 in a median loss), and the page's verdict: depth 2 is what matters."""
    shown, got = SWEEP[2].splitlines(), background("depth sweep").splitlines()
    assert len(shown) == len(got)
    rows = {}
    for said, ran in zip(shown, got):
        if not re.match(r"\d ", said):
            assert said == ran
            continue
        assert said.split()[:4] == ran.split()[:4]  # depth, solved, of, seeds
        said_n, ran_n = numbers(said), numbers(ran)
        assert np.all(np.abs(said_n - ran_n) <= [0.02, 0.08, 0.08, 0.02, 0.08, 0.08, 0.05]), ran
        rows[int(ran.split()[0])] = ran_n
    train, test = ({depth: row[k] for depth, row in rows.items()} for k in (0, 3))
    assert train[2] - train[1] > 0.1 and test[2] - test[1] > 0.1
    assert rows[2][1] > train[1]  # every seed of depth 2 above depth 1's median
    assert all(abs(train[d] - train[2]) < 0.03 and abs(test[d] - test[2]) < 0.03
               for d in (3, 4))


def test_a_test_split_that_leaves_one_class_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "two.csv").write_text("1,2,0\n3,4,1\n")
    status, out, err = run(["--data", "two.csv", "--test", "1"], capsys)
    assert (status, out) == (2, "") and re.fullmatch(
        r"nn_from_scratch\.py: --test 1: all training points are class (0, none 1|1, none 0)\n",
        err), err
