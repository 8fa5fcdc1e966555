"""experiments.py --sweep KNOB=V1,V2,...: the reader's own question, one knob over many seeds.

    add_arguments(parser)    --sweep, the knobs it does not turn (--hidden, --lr, ...), --test
    run(args)                the sweep: a row per value of the knob; the exit status

For each value, a network is trained on every seed with that value of the knob and the other
knobs' flags. The chapter's (one hidden layer, two classes) is trained CHUNK seeds at a time
(companion/many.py), each network bit for bit what nn_from_scratch.py trains with the same flags.
A deeper stack (--depth, or the knob depth, above 1) or a set of K > 2 classes (spiral3) is
companion/layers.py's network, trained seed by seed with its train(), the seeds spread over the
worker processes (companion/workers.py). A row says how many seeds solved it, how soon, how
well, and how many runs broke down (docs/sweeps.md).
"""

import argparse
import contextlib
import os
import signal

import numpy as np

import nn_from_scratch as nn
from companion.cli import WIDTH, Progress, Stop, choice, fail, number, wrap
from companion.datasets import classes, make_data, make_test_data
from companion.flags import DATA_NAMES, MOST_EPOCHS, MOST_LAYERS, MOST_NOISE
from companion.many import CHUNK, SOLVED
from companion.memory import over_budget, sweep_memory
from companion.workers import WorkerDied, Workers
from companion import layers, many

# the chapter's, as nn_from_scratch.py's (depth: its one hidden layer); the knobs in the order
# --help lists them
SWEEP_DEFAULTS = {"hidden": nn.KNOBS["hidden"], "depth": 1,
                  **{knob: nn.KNOBS[knob]
                     for knob in ("lr", "activation", "init", "epochs", "noise")},
                  "data": "xor"}


def knob_types():
    """The knobs a sweep may turn, each with the type of its flag (as nn_from_scratch.py's;
    depth, the hidden layers, at most --layers' MOST_LAYERS)."""
    return {"hidden": number(int, 1), "depth": number(int, 1, high=MOST_LAYERS),
            "lr": number(float, 0, strict=True),
            "activation": choice(tuple(nn.ACTIVATIONS)), "init": choice(nn.INITS),
            "epochs": number(int, 1, high=MOST_EPOCHS),
            "noise": number(float, 0, high=MOST_NOISE), "data": choice(DATA_NAMES)}


def add_arguments(parser):
    """Declare --sweep, a flag for each knob (its value when another knob is swept), --test."""
    parser.add_argument("--sweep", action="append", metavar="KNOB=V1,V2,...",
                        help="instead of the report: train the chapter's network (or a stack of "
                             "its layers: depth) on every seed "
                             "for each value of one knob (" + ", ".join(knob_types())
                             + ") and print a row per value")
    for name, kind in knob_types().items():
        what = ("depth (hidden layers of --hidden units each, at most "
                f"{MOST_LAYERS})" if name == "depth" else name)
        parser.add_argument(f"--{name}", type=kind, default=SWEEP_DEFAULTS[name], metavar="X",
                            help=f"with --sweep: the {what} when it is not the knob swept "
                                 f"(default: {SWEEP_DEFAULTS[name]})")
    parser.add_argument("--test", type=number(int, 1, high=10**6), default=None, metavar="N",
                        help="with --sweep: also the accuracy on N held-out points per seed")


def flags_given(args):
    """The sweep's flags (a knob, --test) that args sets to other than their defaults."""
    return [name for name in (*knob_types(), "test")
            if getattr(args, name) != SWEEP_DEFAULTS.get(name)]


def run(args):
    """The sweep args.sweep asks for, or one line saying why not; the exit status."""
    if len(args.sweep) > 1:
        fail("experiments.py: --sweep: one knob at a time")
        return 2
    try:
        knob, values = parse_sweep(args.sweep[0])
    except ValueError as err:
        fail(f"experiments.py: {err}")
        return 2
    return run_sweep(args, knob, values)


def parse_sweep(text):
    """'hidden=1,2,3' -> ("hidden", [1, 2, 3]); a bad sweep raises ValueError saying why."""
    knobs = knob_types()
    knob, equals, values = text.partition("=")
    if not equals:
        raise ValueError(f"--sweep {text[:20]!r} is not KNOB=V1,V2,... (see --help)")
    if knob not in knobs:
        raise ValueError(f"--sweep: {knob[:20]!r} is not a knob; the knobs are in --help")
    if "=" in values:
        raise ValueError("--sweep: one knob at a time")
    parts = values.split(",")
    if not values or "" in parts:
        raise ValueError(f"--sweep {knob}: a value is missing in {values!r}")
    for part in parts:
        try:
            knobs[knob](part)
        except argparse.ArgumentTypeError as err:
            why = f"--sweep {knob}: {err}"
            if len(why) > WIDTH - len("experiments.py: "):  # a list of names: too long
                why = f"--sweep {knob}: {part[:20]!r} is not a name it takes"
            raise ValueError(why) from None
    return knob, [knobs[knob](part) for part in parts]


def chapters(depth, data):
    """Whether a row trains the chapter's network, in stacks (companion/many.py): one hidden
    layer and two classes. Otherwise it is layers.py's, seed by seed (layered_net)."""
    return depth == 1 and classes(data) == 2


def sweep_nets(seeds, hidden, lr, activation, init, epochs, noise, data, test, on_done=None,
               depth=1, pool=None):
    """Train one network per seed with these knobs. A dict per seed: solved_at (None if
    never), accuracy, loss, test (accuracy, None without a test set), or {"diverged": the
    Diverged} for a run that broke down.

    The chapter's network (depth 1, two classes) is trained CHUNK seeds at a time
    (companion/many.py), each bit for bit what nn_from_scratch.py trains with the same flags;
    any other, layers.py's, one seed at a time (layered_net), over `pool`'s worker processes
    if given."""
    if not chapters(depth, data):
        tasks = [(seed, hidden, depth, lr, activation, init, epochs, noise, data, test)
                 for seed in seeds]
        results = []
        for run in (pool.map if pool else map)(layered_net, tasks):
            results.append(run)
            if on_done:
                on_done(len(results))
        return results
    results = []
    for k in range(0, len(seeds), CHUNK):
        chunk = seeds[k:k + CHUNK]
        sets = [make_data(data, seed, noise) for seed in chunk]
        X, y = np.stack([X for X, _ in sets]), np.stack([y for _, y in sets])
        params = many.stack([nn.init_params(2, hidden, init, seed) for seed in chunk])
        first = many.FirstEpochs(y, SOLVED)
        logs = many.train(params, X, y, activation, lr, epochs, on_epoch=first)
        for j, (net, seed) in enumerate(zip(many.unstack(params), chunk)):
            results.append(scored(net, X[j], y[j], logs[j], first.epochs[j], activation,
                                  test and make_test_data(data, seed, noise, test)))
        if on_done:
            on_done(len(results))
    return results


def layered_net(task):
    """One seed's network of `depth` hidden layers of `hidden` units and one output unit per
    class (one sigmoid unit for two), drawn and trained as layers.py draws and trains it:
    scored as the chapter's are. A task for a worker process: (seed, hidden, depth, lr,
    activation, init, epochs, noise, data, test)."""
    seed, hidden, depth, lr, activation, init, epochs, noise, data, test = task
    X, y = make_data(data, seed, noise)
    params = layers.init_params(layers.sizes(2, [hidden] * depth, classes(data)), init, seed)
    first = []  # the first epoch whose forward pass is right on SOLVED of the points

    def watch(epoch, p, row):
        if not first and layers.accuracy(p, y) >= SOLVED:
            first.append(epoch)

    try:
        log = layers.train(params, X, y, activation, lr, epochs, callback=watch)
    except nn.Diverged as err:
        return {"diverged": err}
    return scored(params, X, y, log, first[0] if first else None, activation,
                  test and make_test_data(data, seed, noise, test), model=layers)


def scored(params, X, y, log, solved_at, activation, test, model=nn):
    """What a sweep shows of one trained network: model is nn_from_scratch for the chapter's
    network, companion.layers for a stack of layers or K classes (accuracy by the most
    probable class, loss the cross-entropy)."""
    if isinstance(log, nn.Diverged):
        return {"diverged": log}
    loss = nn.bce_loss if model is nn else model.loss
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            p = model.predict(params, X, activation)
            held_out = test and model.accuracy(model.predict(params, test[0], activation),
                                               test[1])
            final = loss(p, y)
    except FloatingPointError as err:  # the last update's weights overflow when used
        return {"diverged": nn.Diverged(len(log), str(err))}
    return {"solved_at": solved_at, "accuracy": model.accuracy(p, y), "loss": final,
            "test": held_out if test else None}


# the sweep's columns: the knob's value, solved, first epoch at 0.99, train accuracy, test
# accuracy, loss, breakdowns; the rows and both lines of the head are made with these widths.
# From 100 seeds on, "100 of 100" outgrows the solved column's 8: the gaps after it narrow to
# one space to make room (WIDE), so a row stays within 80 columns up to --seeds' 10000.
SWEEP_COLUMNS = "{:<10} {:>8} {:>7}  {:<17}  {:<17}  {:<6}  {:>5}"
WIDE = "{:<10} {:>%d} {:>7} {:<17} {:<17} {:<6} {:>5}"
SWEEP_HEAD = (("", "seeds", "first", "train accuracy", "test accuracy", "median", "broke"),
              ("solved", "at 0.99", "median range", "median range", "loss", "down"))


def solved_of(solved, seeds):
    """'18 of 20'; '9500/10000' for 10000 seeds, where 'of' would not fit in 80 columns."""
    return f"{solved} of {seeds}" if seeds < 10000 else f"{solved}/{seeds}"


def columns(seeds):
    """The format of the table's lines for a sweep over this many seeds."""
    wide = len(solved_of(seeds, seeds))
    return SWEEP_COLUMNS if wide <= 8 else WIDE % wide


def sweep_head(knob, seeds):
    """The two lines over the table's rows."""
    line = columns(seeds)
    return [line.format(*SWEEP_HEAD[0]).rstrip(), line.format(knob, *SWEEP_HEAD[1]).rstrip()]


def sweep_row(value, runs):
    """One line of the sweep's table, within 80 columns: how many seeds solved it, the median
    first epoch at 0.99 (of those that reached it), the median and range of the accuracies,
    the median final loss (of the runs that did not break down), how many broke down."""
    fine = [run for run in runs if "diverged" not in run]
    epochs = [run["solved_at"] for run in fine if run["solved_at"] is not None]
    solved = sum(run["accuracy"] >= SOLVED for run in fine)

    def spread(key):
        values = [run[key] for run in fine if run[key] is not None]
        if not values:
            return "-"
        return f"{np.median(values):.3f} {min(values):.3f}-{max(values):.3f}"

    text = f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, float) and len(text) > 10:  # cut, 1.23456e-300 would read 1.23456e-3
        text = f"{value:.3g}"
    first = f"{np.median(epochs):.0f}" if epochs else "-"
    if len(first) > 7:  # 100 million epochs and more: 1.2e+08
        first = f"{np.median(epochs):.1e}"
    loss = f"{np.median([run['loss'] for run in fine]):.4f}" if fine else "-"
    if len(loss) > 6:  # a loss of 10 or more (at most 27.63, -log of EPS): 3 decimals
        loss = f"{np.median([run['loss'] for run in fine]):.3f}"
    return columns(len(runs)).format(text[:10], solved_of(solved, len(runs)), first,
                                     spread("accuracy"), spread("test"), loss,
                                     len(runs) - len(fine)).rstrip()


def run_sweep(args, knob, values):
    seeds = list(range(args.seeds))
    settings = {name: getattr(args, name) for name in knob_types()}
    rows = [{**settings, knob: value} for value in values]
    # layers.py's networks train seed by seed: over worker processes, as the report's do
    layered = any(not chapters(row["depth"], row["data"]) for row in rows)
    workers = min(args.workers or os.cpu_count() or 1, len(seeds)) if layered else 1
    points = max(400, args.test or 0)
    need = max(sweep_memory(len(seeds), points, row["hidden"], row["depth"],
                            classes(row["data"]), workers if workers > 1 else 0) for row in rows)
    if over_budget("sweep", need):
        return 2
    fixed = ", ".join(f"{name} {value:g}" if isinstance(value, float) else f"{name} {value}"
                      for name, value in settings.items() if name != knob)
    which = f"seeds {seeds[0]} to {seeds[-1]}" if len(seeds) > 1 else f"seed {seeds[0]}"
    print(wrap(f"--sweep {knob}, on {which}; {fixed}"
               + (f"; {args.test} held-out points" if args.test else "")
               + f"; solved means train accuracy >= {SOLVED}", indent=""))
    print()
    print("\n".join(sweep_head(knob, len(seeds))))
    progress = Progress(len(values) * len(seeds), "network")
    try:
        with Workers(workers) if workers > 1 else contextlib.nullcontext() as pool:
            for k, (value, row) in enumerate(zip(values, rows)):
                def done(n, k=k):
                    progress.update(k * len(seeds) + n)
                runs = sweep_nets(seeds, **row, test=args.test, on_done=done, pool=pool)
                progress.clear()
                print(sweep_row(value, runs))
    except WorkerDied as err:  # the OS killed it (out of memory?), or someone did
        progress.clear()
        fail(f"experiments.py: {err}; try again, or with --workers 1")
        return 1
    except KeyboardInterrupt as stop:
        progress.clear()
        raise Stop(getattr(stop, "signum", signal.SIGINT),
                   f"after {progress.done} of {progress.total} networks") from None
    return 0
