"""Weights and data out and in, exactly: --dump-data then --data gives the same log; --save then
--load --epochs 0 gives the same final accuracies and probabilities; the JSON's weights are the
very arrays in memory. A file --load can't use gets one line and exit status 2."""

import json
import zipfile

import numpy as np
import pytest

from test_csv import run  # main(argv): status, stdout, stderr
from companion import saved
from companion.datasets import make_data
from nn_from_scratch import init_params, predict, train

SPIRAL = ["--data", "spiral", "--test", "50", "--seed", "3", "--epochs", "300",
          "--predict", "0.5,-1"]




def without(out, *starts):
    """The lines of out, but those starting with any of starts."""
    return [line for line in out.splitlines() if not line.startswith(starts)]


@pytest.mark.parametrize("argv", [[], SPIRAL, ["--data", "circles", "--points", "97"]],
                         ids=["chapter", "spiral with --test", "circles, 97 points"])
def test_dump_data_then_data_gives_the_same_log(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.chdir(tmp_path)
    status, first, err = run([*argv, "--dump-data", "points.csv"], capsys)
    assert (status, err) == (0, "") and first.splitlines()[-1] == "points written to points.csv"
    seed = argv[argv.index("--seed") + 1] if "--seed" in argv else "0"
    epochs = argv[argv.index("--epochs") + 1] if "--epochs" in argv else "2000"
    predict = ["--predict", "0.5,-1"] if "--predict" in argv else []
    status, again, err = run(["--data", "points.csv", "--seed", seed, "--epochs", epochs,
                              *predict], capsys)
    assert (status, err) == (0, "")
    # the same log: every line but the data's name, and the chapter's cluster centres, which a
    # file does not have (a file's sanity check is on four of its points)
    ours = [line for line in first.splitlines()[1:-1]]
    theirs = again.splitlines()[1:]
    assert [line for line in ours if line.startswith(("epoch", "final", "held", "P(", "  point 0"))] \
        == [line for line in theirs if line.startswith(("epoch", "final", "held", "P(", "  point 0"))]
    assert sum(line.startswith("epoch") for line in theirs) == 6
    if argv:  # a named set's sanity check is on four training points: the file's are the same
        assert ours == theirs
    name = first.splitlines()[0].split("(")[0]
    assert again.splitlines()[0] == name + "(points.csv)"


def test_the_dump_holds_the_points_and_which_are_held_out_exactly(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert run([*SPIRAL, "--dump-data", "points.csv"], capsys)[0] == 0
    from companion.datasets import make_test_data
    X, y = make_data("spiral", 3, 0.35, 400)
    X_test, y_test = make_test_data("spiral", 3, 0.35, 50)
    lines = (tmp_path / "points.csv").read_text().splitlines()
    assert lines[0] == "x1,x2,label,held_out" and len(lines) == 451
    rows = [line.split(",") for line in lines[1:]]
    assert [[float(a), float(b)] for a, b, _, _ in rows] == np.vstack([X, X_test]).tolist()
    assert [int(label) for _, _, label, _ in rows] == [*y[:, 0], *y_test[:, 0]]
    assert [held for *_, held in rows] == ["0"] * 400 + ["1"] * 50


@pytest.mark.parametrize("kind", ["json", "npz"])
def test_save_then_load_with_epochs_0_gives_the_same_accuracies_and_probabilities(
        tmp_path, monkeypatch, capsys, kind):
    monkeypatch.chdir(tmp_path)
    status, trained, err = run([*SPIRAL, "--save", f"w.{kind}"], capsys)
    assert (status, err) == (0, "")
    status, evaluated, err = run([*SPIRAL[:-4], "--epochs", "0", "--load", f"w.{kind}",
                                  "--predict", "0.5,-1"], capsys)
    assert (status, err) == (0, "")
    end = trained.splitlines()
    end = end[next(i for i, line in enumerate(end) if line.startswith("final")):-1]
    assert evaluated.splitlines()[2:] == end  # after the data's two lines: no log, the same end
    assert "final test accuracy" in evaluated and "P(class 1) at your points" in evaluated
    # and exactly, not only to 3 decimals: the weights loaded are the very ones trained, so
    # every probability is the same float
    params, X, _ = trained_in_memory()
    loaded = saved.load(f"w.{kind}", 2, 8)
    assert all(loaded[name].tobytes() == params[name].tobytes() for name in saved.NAMES)
    assert predict(loaded, X).tobytes() == predict(params, X).tobytes()


def trained_in_memory():
    """The spiral run's weights, trained here by the chapter's own functions."""
    X, y = make_data("spiral", 3, 0.35, 400)
    params = init_params(2, 8, "xavier", 3)
    train(params, X, y, epochs=300)
    return params, X, y


def test_the_jsons_weights_and_data_equal_the_arrays_in_memory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert run([*SPIRAL, "--save", "w.json"], capsys)[0] == 0
    whole = json.loads((tmp_path / "w.json").read_text())
    params, X, y = trained_in_memory()
    for name in saved.NAMES:
        assert np.array(whole[name]).tobytes() == params[name].tobytes(), name
    assert np.array(whole["data"]["X"]).tobytes() == X.tobytes()
    assert whole["data"]["y"] == y.tolist() and len(whole["data"]["X_test"]) == 50
    assert whole["knobs"] == {"data": "spiral", "points": 400, "test": 50, "hidden": 8,
                              "activation": "tanh", "init": "xavier", "lr": 0.5, "epochs": 300,
                              "seed": 3, "noise": 0.35, "loaded": None}


def test_the_npz_holds_the_same_arrays(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert run([*SPIRAL, "--save", "w.npz"], capsys)[0] == 0
    params, X, _ = trained_in_memory()
    with np.load(tmp_path / "w.npz", allow_pickle=False) as npz:
        for name in saved.NAMES:
            assert npz[name].tobytes() == params[name].tobytes(), name
        assert npz["X"].tobytes() == X.tobytes()
        assert json.loads(str(npz["knobs"]))["seed"] == 3


def test_load_then_training_goes_on_from_the_saved_weights(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    run(["--epochs", "100", "--save", "w.json"], capsys)
    again = run(["--epochs", "100", "--load", "w.json"], capsys)[1]
    at_once = run(["--epochs", "200"], capsys)[1]
    assert "epoch  0  loss 0.6983" not in again  # not the fresh network's first loss
    assert again.split("final")[1:] == at_once.split("final")[1:]  # 100 + 100 steps = 200


# ---- files --load can't use: one line, exit status 2, before anything is printed ----

def npz_with(path, **arrays):
    np.savez(path, **arrays)


GOOD = {"W1": np.zeros((2, 8)), "b1": np.zeros((1, 8)), "W2": np.zeros((8, 1)),
        "b2": np.zeros((1, 1))}
BAD_LOADS = [
    ("missing", None, "no such file"),
    ("not JSON", "{W1: 1", "is not a JSON file (corrupt?)"),
    ("truncated JSON", json.dumps({k: v.tolist() for k, v in GOOD.items()})[:50],
     "is not a JSON file"),
    ("a JSON list", "[1, 2]", "has no W1, b1, W2, b2"),
    ("no b2", json.dumps({k: v.tolist() for k, v in GOOD.items() if k != "b2"}), "has no b2"),
    ("wrong shape", json.dumps({**{k: v.tolist() for k, v in GOOD.items()},
                                "W1": np.zeros((2, 4)).tolist()}),
     "W1 is 2 x 4, not 2 x 8 (--hidden 8)"),
    ("ragged", json.dumps({**{k: v.tolist() for k, v in GOOD.items()}, "W1": [[1, 2], [3]]}),
     "W1 is not a table of numbers"),
    ("strings", json.dumps({**{k: v.tolist() for k, v in GOOD.items()}, "b2": [["a"]]}),
     "b2 is not a table of numbers"),
    ("NaN", json.dumps({**{k: v.tolist() for k, v in GOOD.items()}, "b2": [[float("nan")]]}),
     "b2 holds a value that is not finite"),
    ("a bad npz", b"PK\x03\x04 not really", "is not a .npz file (corrupt?)"),
    ("a text npz", "hello", "is not a .npz file"),
    ("an npz of the wrong shapes", {**GOOD, "b1": np.zeros((8,))}, "b1 is 8, not 1 x 8"),
    ("an npz without W2", {k: v for k, v in GOOD.items() if k != "W2"}, "has no W2"),
]


@pytest.mark.parametrize("name, content, said", BAD_LOADS, ids=[b[0] for b in BAD_LOADS])
def test_a_file_load_cant_use_gets_one_line(tmp_path, monkeypatch, capsys, name, content, said):
    monkeypatch.chdir(tmp_path)
    kind = "npz" if "npz" in name else "json"
    path = tmp_path / f"w.{kind}"
    if isinstance(content, dict):
        npz_with(path, **content)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    status, out, err = run(["--load", f"w.{kind}", "--save", "out.json"], capsys)
    assert status == 2 and out == "" and len(err.splitlines()) == 1, err
    assert f"--load 'w.{kind}': {said}" in err and "Traceback" not in err
    assert not (tmp_path / "out.json").exists()


def test_a_truncated_npz_gets_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    npz_with(tmp_path / "w.npz", **GOOD)
    whole = (tmp_path / "w.npz").read_bytes()
    (tmp_path / "w.npz").write_bytes(whole[:len(whole) // 2])
    status, out, err = run(["--load", "w.npz"], capsys)
    assert status == 2 and out == "" and "--load 'w.npz': " in err
    assert zipfile  # the corrupt zip's error is one of those saved.read_npz names


def test_epochs_0_needs_load_and_no_training_pictures(capsys):
    status, out, err = run(["--epochs", "0"], capsys)
    assert status == 2 and "--epochs: 0 is not allowed without --load FILE" in err
    status, out, err = run(["--epochs", "0", "--load", "w.json", "--curve"], capsys)
    assert status == 2 and "--watch, --curve and --plot need training" in err


def test_save_and_dump_paths_that_cant_be_written_are_refused_before_training(tmp_path, capsys):
    for flag, name in [("--save", "w.json"), ("--dump-data", "d.csv")]:
        status, out, err = run([flag, str(tmp_path / "no-folder" / name)], capsys)
        assert status == 2 and out == "" and "no such folder" in " ".join(err.split())
        (tmp_path / name).mkdir()
        status, out, err = run([flag, str(tmp_path / name)], capsys)
        assert status == 2 and out == "" and "is a folder" in " ".join(err.split())
    for flag, name in [("--save", "w.txt"), ("--load", "w.csv"), ("--dump-data", "d.json")]:
        status, out, err = run([flag, name], capsys)
        assert status == 2 and out == "" and flag in err
