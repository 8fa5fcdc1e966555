"""experiments.py --sweep depth=... and spiral3: the chapter's network stays the chapter's, a deeper
stack or K classes is companion/layers.py's, each seed's run what layers.train gives it."""

import tracemalloc

import numpy as np
import pytest

import experiments
import nn_from_scratch as nn
from companion import layers, many, memory, sweeps
from companion.datasets import make_data, make_test_data

KNOBS = {"hidden": 8, "lr": 0.5, "activation": "tanh", "init": "xavier", "noise": 0.35}


def sweep(argv, capsys):
    """experiments.main(argv) in this process (one worker): its exit status and its lines."""
    try:
        status = experiments.main([*argv, "--workers", "1"])
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out.splitlines(), err.splitlines()


def layered_alone(seed, depth, data, epochs, test=None, hidden=8):
    """What the sweep must give a seed of layers.py's network: layers.train on its own, the
    first epoch at 0.99 seen by its callback, scored by layers' accuracy and loss."""
    X, y = make_data(data, seed, 0.35)
    K = int(y.max()) + 1
    params = layers.init_params(layers.sizes(2, [hidden] * depth, K), "xavier", seed)
    seen = []
    layers.train(params, X, y, "tanh", 0.5, epochs,
                 callback=lambda epoch, p, row: seen.append(layers.accuracy(p, y)))
    p = layers.predict(params, X)
    held_out = None
    if test:
        Xt, yt = make_test_data(data, seed, 0.35, test)
        held_out = layers.accuracy(layers.predict(params, Xt), yt)
    return {"solved_at": next((e for e, right in enumerate(seen) if right >= 0.99), None),
            "accuracy": layers.accuracy(p, y), "loss": layers.loss(p, y), "test": held_out}


def spy(monkeypatch):
    """Which trainers a sweep calls: many.train (the chapter's, stacked) and layers.train."""
    calls = []
    for module in (many, layers):
        real = module.train

        def counted(*args, real=real, name=module.__name__, **kwargs):
            calls.append(name)
            return real(*args, **kwargs)
        monkeypatch.setattr(module, "train", counted)
    return calls


def test_depth_1_is_todays_sweep_bit_for_bit_and_the_chapters_network(capsys, monkeypatch):
    calls = spy(monkeypatch)
    runs = sweeps.sweep_nets([0, 1, 2], **KNOBS, epochs=200, data="xor", test=50, depth=1)
    assert set(calls) == {"companion.many"}  # today's path: stacked, not layer by layer
    for seed, run in enumerate(runs):  # what nn_from_scratch.py --epochs 200 --seed N trains
        X, y = nn.make_xor_data(seed)
        params, seen = nn.init_params(2, 8, "xavier", seed), []
        nn.train(params, X, y, "tanh", 0.5, 200,
                 callback=lambda epoch, p, row: seen.append(nn.accuracy(p, y)))
        p = nn.predict(params, X)
        Xt, yt = make_test_data("xor", seed, 0.35, 50)
        assert run == {"solved_at": next((e for e, r in enumerate(seen) if r >= 0.99), None),
                       "accuracy": nn.accuracy(p, y), "loss": nn.bce_loss(p, y),
                       "test": nn.accuracy(nn.predict(params, Xt), yt)}, seed
    # and the printed row: --sweep depth's depth-1 row is --sweep hidden's row for hidden 8
    common = ["--seeds", "3", "--epochs", "200", "--test", "50"]
    _, by_depth, _ = sweep(["--sweep", "depth=1,2", *common], capsys)
    _, by_hidden, _ = sweep(["--sweep", "hidden=8", *common], capsys)
    assert by_depth[-2].split()[0] == "1" and by_hidden[-1].split()[0] == "8"
    assert by_depth[-2][10:] == by_hidden[-1][10:]
    assert by_depth[-1][10:] != by_hidden[-1][10:]  # depth 2 is another network


def test_a_depth_2_seed_is_layers_train_of_that_seed(monkeypatch):
    calls = spy(monkeypatch)
    runs = sweeps.sweep_nets([0, 1], **KNOBS, epochs=150, data="xor", test=40, depth=2)
    assert calls == ["companion.layers"] * 2
    for seed, run in enumerate(runs):
        assert run == layered_alone(seed, 2, "xor", 150, test=40), seed


def test_spiral3_trains_three_softmax_units_scored_by_the_most_probable_class(capsys):
    status, lines, err = sweep(["--sweep", "depth=1,2", "--data", "spiral3", "--seeds", "2",
                                "--epochs", "60", "--test", "30"], capsys)
    assert status == 0 and not err and all(len(line) <= 80 for line in lines)
    assert "data spiral3" in " ".join(lines[:3])
    for depth, line in zip((1, 2), lines[-2:]):
        alone = [layered_alone(seed, depth, "spiral3", 60, test=30) for seed in (0, 1)]
        train = [run["accuracy"] for run in alone]
        test = [run["test"] for run in alone]
        assert line.split() == [
            str(depth), "0", "of", "2", "-", f"{np.median(train):.3f}",
            f"{min(train):.3f}-{max(train):.3f}", f"{np.median(test):.3f}",
            f"{min(test):.3f}-{max(test):.3f}",
            f"{np.median([run['loss'] for run in alone]):.4f}", "0"]
    # accuracies of three classes: near a third at the start, not the sigmoid's p > 0.5
    assert 0.2 < float(lines[-1].split()[5]) < 0.9


def test_the_data_knob_takes_spiral3_beside_the_two_class_sets(capsys, monkeypatch):
    calls = spy(monkeypatch)
    status, lines, _ = sweep(["--sweep", "data=xor,spiral3", "--seeds", "2", "--epochs", "30"],
                             capsys)
    assert status == 0 and [line.split()[0] for line in lines[-2:]] == ["xor", "spiral3"]
    assert calls == ["companion.many", "companion.layers", "companion.layers"]


def test_the_first_epoch_of_k_classes_is_the_first_whose_most_probable_class_is_right(
        monkeypatch):
    # 0.99 is out of reach in a few epochs: the same rule, at 0.5 (argmax, not p > 0.5)
    monkeypatch.setattr(sweeps, "SOLVED", 0.5)
    run = sweeps.layered_net((0, 8, 2, 0.5, "tanh", "xavier", 300, 0.35, "spiral3", None))
    X, y = make_data("spiral3", 0, 0.35)
    params, seen = layers.init_params([2, 8, 8, 3], "xavier", 0), []
    layers.train(params, X, y, "tanh", 0.5, 300,
                 callback=lambda epoch, p, row: seen.append(layers.accuracy(p, y)))
    first = next(e for e, right in enumerate(seen) if right >= 0.5)
    assert 0 < first < 300 and run["solved_at"] == first


def test_a_deep_run_that_breaks_down_is_counted_as_broken_down():
    runs = sweeps.sweep_nets([0, 1], **{**KNOBS, "lr": 1e300, "activation": "relu"}, epochs=20,
                             data="spiral3", test=None, depth=2)
    assert all(isinstance(run.get("diverged"), nn.Diverged) for run in runs)
    assert sweeps.sweep_row(1e300, runs).split()[-1] == "2"


@pytest.mark.parametrize("argv", [["--sweep", "depth=0"], ["--sweep", "depth=9"],
                                  ["--sweep", "depth=1,9"], ["--sweep", "hidden=8", "--depth", "9"],
                                  ["--sweep", "hidden=8", "--depth", "0"], ["--depth", "2"]])
def test_a_depth_out_of_1_to_8_is_refused_in_one_line(capsys, argv):
    status, lines, err = sweep(argv, capsys)
    assert status == 2 and lines == [] and len(err) == 1, err
    assert len(err[0]) <= 80 and ("from 1 to 8" in err[0] or "is for --sweep" in err[0])
    assert sweeps.knob_types()["depth"]("8") == 8 and sweeps.MOST_LAYERS == 8


def test_a_deep_wide_sweep_is_refused_before_it_trains(capsys, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("trained before the memory check")
    monkeypatch.setattr(layers, "train", never)
    monkeypatch.setattr(many, "train", never)
    status, lines, err = sweep(["--sweep", "depth=2,8", "--hidden", "5000", "--seeds", "1"],
                               capsys)
    assert status == 2 and lines == [] and len(err) == 1
    assert "the sweep needs about" in err[0] and "GB of memory" in err[0]
    # depth 2 alone fits: the 8 layers' weights, 7 x 5000 x 5000, are what does not
    assert memory.sweep_memory(1, 400, 5000, 2) < 2e9 < memory.sweep_memory(1, 400, 5000, 8)


def test_the_memory_estimate_grows_with_depth_and_covers_a_networks_peak():
    for hidden, classes in ((8, 2), (256, 3)):
        sizes = [memory.sweep_memory(20, 400, hidden, depth, classes) for depth in range(2, 9)]
        assert sizes == sorted(set(sizes))  # strictly growing
    assert memory.sweep_memory(20, 400, 8, 3, 2, workers=2) > 2 * memory.PROCESS_MEMORY
    for depth, classes in ((1, 3), (3, 2)):  # measured: NumPy's arrays are traced
        X, y = make_data("spiral3" if classes == 3 else "xor", 0, 0.35)
        params = layers.init_params(layers.sizes(2, [128] * depth, classes), "xavier", 0)
        tracemalloc.start()
        try:
            layers.train(params, X, y, epochs=2)
            layers.predict(params, X)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        weights = sum(W.nbytes for W in params.values())
        assert weights + peak <= memory.sweep_memory(1, 400, 128, depth, classes)


def worst_run(n_fine, n_broken):
    fine = {"accuracy": 0.995, "solved_at": 123456789, "loss": 27.6310, "test": 0.333}
    return [fine] * n_fine + [{"diverged": "broke down"}] * n_broken


@pytest.mark.parametrize("seeds", [3, 20, 99, 100, 999, 1000, 9999, 10000])
def test_every_row_and_the_head_stay_within_80_columns_and_line_up(seeds):
    runs = worst_run(seeds - seeds // 3, seeds // 3)
    row = sweeps.sweep_row("a_long_file_name.csv", runs)
    head = sweeps.sweep_head("activation", seeds)
    assert max(len(line) for line in [row, *head]) <= 80
    solved = sweeps.solved_of(seeds - seeds // 3, seeds)
    assert row.index(solved) + len(solved) == head[0].index("seeds") + len("seeds")
    assert row.index("0.995 ") == head[0].index("train accuracy")
    assert row.rstrip().endswith(str(seeds // 3)) and head[1].endswith("down")
    assert "27.631 " in row and "1.2e+08" in row  # loss and first epoch narrowed to fit
    if seeds < 100:  # today's table, as docs/sweeps.md shows it
        assert sweeps.columns(seeds) == sweeps.SWEEP_COLUMNS


@pytest.mark.slow
def test_worker_processes_give_the_same_rows_as_one_process(capsys):
    argv = ["--sweep", "depth=1,2", "--data", "spiral3", "--seeds", "3", "--epochs", "40"]
    assert experiments.main([*argv, "--workers", "2"]) == 0
    two = capsys.readouterr().out
    assert experiments.main([*argv, "--workers", "1"]) == 0
    assert capsys.readouterr().out == two
