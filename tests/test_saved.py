"""Weights and data out and in, exactly: --dump-data then --data gives the same log; --save then
--load --epochs 0 gives the same final accuracies and probabilities; the JSON's weights are the
very arrays in memory. A file --load can't use gets one line and exit status 2."""

import io
import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from companion import run as companion_run
from conftest import ROOT
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
    loaded = saved.load(f"w.{kind}", [2, 8, 1])
    assert all(loaded[name].tobytes() == params[name].tobytes() for name in ("W1", "b1", "W2", "b2"))
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
    for name in ("W1", "b1", "W2", "b2"):
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
        for name in ("W1", "b1", "W2", "b2"):
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


def npy(shape, data=b"", descr="<f8"):
    """A .npy file's bytes: a header declaring shape and descr, then data, which may fall short
    of what the header declares (a forged file's does)."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": descr, "fortran_order": False,
                                                  "shape": shape})
    return header.getvalue() + data


def json_with(b2):
    """GOOD as JSON text, but b2's one number written as b2 (text)."""
    return json.dumps({k: v.tolist() for k, v in GOOD.items()}).replace("[[0.0]]}",
                                                                        f"[[{b2}]]}}")


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
    ("a .npy named .npz", npy((2, 8), bytes(128)), "is a .npy file (one array), not a .npz"),
    ("a forged .npy named .npz", npy((10**6, 10**6), bytes(64)),  # declares 7.28 TiB
     "is a .npy file (one array), not a .npz"),
    ("a 401-digit integer", json_with("1" * 401), "b2 holds a number too large for a float"),
    ("a 5,000-digit integer", json_with("9" * 5000), "holds a number too large for a float"),
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


def npz_of(path, entries):
    """A .npz (deflated) of entries: name -> the bytes of a .npy file, which may be forged."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(f"{name}.npy", data)


GOOD_NPY = {name: npy(array.shape, array.tobytes()) for name, array in GOOD.items()}
FORGED = [  # each beside an X that declares 16 TB: the data is never read
    ("W1 declares 150M floats", {"W1": npy((2, 75_000_000), bytes(2**20))},
     "W1 is 2 x 75000000, not 2 x 8 (--hidden 8)"),
    ("W1 declares 6.4 GB of text", {"W1": npy((2, 8), descr="<U100000000")},
     "W1 is not a table of numbers"),
    ("a header 4 GB long", {"W1": b"\x93NUMPY\x02\x00\xff\xff\xff\xff" + bytes(64 * 2**20)},
     "is not a .npz file (corrupt?)"),
]


@pytest.mark.parametrize("name, entries, said", FORGED, ids=[f[0] for f in FORGED])
def test_an_npz_entry_is_judged_by_its_header_before_its_data_is_read(
        tmp_path, monkeypatch, capsys, name, entries, said):
    # A 1 MB deflated entry whose header declares 150M floats made a 1.2 GB array before the
    # refusal; one whose header is 4 GB long was read whole. Now: the header, and no more.
    import tracemalloc
    monkeypatch.chdir(tmp_path)
    npz_of("w.npz", {**GOOD_NPY, "X": npy((10**12, 2)), **entries})
    tracemalloc.start()
    try:
        status, out, err = run(["--load", "w.npz"], capsys)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert status == 2 and out == "" and len(err.splitlines()) == 1, err
    assert f"--load 'w.npz': {said}" in err
    assert peak < 20e6, f"{peak:,} bytes"


def test_an_npz_of_forged_data_but_good_weights_is_loaded(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    npz_of("w.npz", {**GOOD_NPY, "X": npy((10**12, 2)), "y": b"not even a header"})
    status, out, err = run(["--load", "w.npz", "--epochs", "0"], capsys)
    assert (status, err) == (0, "") and "final train accuracy: 0.500" in out


@pytest.mark.timeout(20)  # the old code waited for a writer forever
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("kind", ["json", "npz"])
def test_a_named_pipe_is_refused_before_it_is_opened(tmp_path, monkeypatch, capsys, kind):
    monkeypatch.chdir(tmp_path)
    os.mkfifo(f"pipe.{kind}")
    status, out, err = run(["--load", f"pipe.{kind}"], capsys)
    assert status == 2 and out == "" and err == (
        f"nn_from_scratch.py: --load 'pipe.{kind}': is a named pipe, not a regular file\n")


def at_most_1_gb():
    """In the child, before it runs: an address space of 1 GB, so that a regression reading an
    endless device fails fast rather than filling the machine's memory."""
    import resource
    try:
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))
    except (ValueError, OSError):  # a system that does not limit it (macOS)
        pass


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="needs POSIX devices and links")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("kind", ["json", "npz"])
def test_a_link_to_a_device_that_never_ends_is_refused(tmp_path, device, kind):
    # the old code read a .json of /dev/zero until the machine ran out of memory
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    os.symlink(device, tmp_path / f"endless.{kind}")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}  # its threads' buffers: not in 1 GB
    result = subprocess.run([sys.executable, str(ROOT / "nn_from_scratch.py"), "--load",
                             f"endless.{kind}"], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=20, preexec_fn=at_most_1_gb)
    assert result.returncode == 2 and result.stdout == "" and result.stderr == (
        f"nn_from_scratch.py: --load 'endless.{kind}': is a device, not a regular file\n")


def test_weights_of_another_run_get_a_warning_and_the_run_goes_on(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for kind in ("json", "npz"):
        assert run(["--data", "circles", "--activation", "relu", "--epochs", "10", "--save",
                    f"w.{kind}"], capsys)[0] == 0
    for kind, argv, said in [
            ("json", [], "saved with --activation relu --data circles; this run is "
                         "--activation tanh --data xor"),
            ("npz", ["--data", "circles"], "saved with --activation relu; this run is "
                                           "--activation tanh"),
            ("npz", ["--data", "circles", "--activation", "relu", "--noise", "0.5"],
             "saved with --noise 0.35; this run is --noise 0.5"),
            # another sample of the same problem, or another way of training: no warning
            ("json", ["--data", "circles", "--activation", "relu", "--seed", "4", "--points",
                      "100", "--lr", "0.1", "--init", "he", "--test", "10"], None)]:
        status, out, err = run(["--load", f"w.{kind}", "--epochs", "0", *argv], capsys)
        assert status == 0 and out.startswith("data: "), err
        if said is None:
            assert err == ""
        else:
            assert " ".join(err.split()) == f"nn_from_scratch.py: --load 'w.{kind}': {said}"
            assert all(len(line) <= 80 for line in err.splitlines()), err


def test_the_warning_comes_before_the_log(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    run(["--activation", "relu", "--epochs", "10", "--save", "w.json"], capsys)
    both = io.StringIO()  # stdout and stderr in one stream, in the order they are written
    monkeypatch.setattr(sys, "stdout", both)
    monkeypatch.setattr(sys, "stderr", both)
    assert run(["--load", "w.json", "--epochs", "10"], capsys)[0] == 0
    lines = both.getvalue().splitlines()
    assert lines[:3] == ["nn_from_scratch.py: --load 'w.json': saved with --activation relu; "
                         "this run is", "  --activation tanh",
                         "data: 400 points, 2 features, 2 classes (XOR layout)"]
    assert lines[3].startswith("epoch 0  loss")


def test_a_file_without_knobs_gets_no_warning(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    npz_with(tmp_path / "w.npz", **GOOD)
    (tmp_path / "w.json").write_text(json.dumps({**{k: v.tolist() for k, v in GOOD.items()},
                                                 "knobs": ["not", "a", "dict"]}))
    for kind in ("npz", "json"):
        status, out, err = run(["--load", f"w.{kind}", "--activation", "relu", "--epochs", "0"],
                               capsys)
        assert (status, err) == (0, "")


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


def test_a_large_npz_of_its_own_is_judged_by_what_is_read_not_by_its_size(tmp_path, capsys,
                                                                         monkeypatch):
    # --save's .npz is mostly X and y, which --load never reads: it was refused when its
    # whole size, 8 times over, passed the budget (14 MB at a budget of 100 MB)
    monkeypatch.setenv("NN_MEMORY_BUDGET", "1e8")
    path = str(tmp_path / "big.npz")
    knobs = ["--points", "600000", "--hidden", "1"]
    assert companion_run.main([*knobs, "--epochs", "1", "--save", path]) == 0
    assert os.path.getsize(path) * saved.NPZ_GROWTH > 1e8
    capsys.readouterr()
    assert companion_run.main([*knobs, "--epochs", "0", "--load", path]) == 0
    assert capsys.readouterr().err == ""
