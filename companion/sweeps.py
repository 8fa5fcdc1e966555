"""experiments.py --sweep KNOB=V1,V2,...: the reader's own question, one knob over many seeds.

    add_arguments(parser)    --sweep, the knobs it does not turn (--hidden, --lr, ...), --test
    run(args)                the sweep: a row per value of the knob; the exit status

For each value, the chapter's network is trained on every seed with that value of the knob and
the other knobs' flags, CHUNK seeds at a time (companion/many.py), each network bit for bit what
nn_from_scratch.py trains with the same flags. A row says how many seeds solved it, how soon,
how well, and how many runs broke down (docs/sweeps.md).
"""

import argparse
import signal

import numpy as np

import nn_from_scratch as nn
from companion.cli import WIDTH, Progress, Stop, choice, fail, number, wrap
from companion.datasets import make_data, make_test_data
from companion.flags import DATA_NAMES, MOST_EPOCHS, MOST_NOISE
from companion.many import CHUNK, SOLVED
from companion.memory import over_budget, sweep_memory
from companion import many

# the chapter's, as nn_from_scratch.py's; the knobs in the order --help lists them
SWEEP_DEFAULTS = {**{knob: nn.KNOBS[knob]
                     for knob in ("hidden", "lr", "activation", "init", "epochs", "noise")},
                  "data": "xor"}


def knob_types():
    """The knobs a sweep may turn, each with the type of its flag (as nn_from_scratch.py's)."""
    return {"hidden": number(int, 1), "lr": number(float, 0, strict=True),
            "activation": choice(tuple(nn.ACTIVATIONS)), "init": choice(nn.INITS),
            "epochs": number(int, 1, high=MOST_EPOCHS),
            "noise": number(float, 0, high=MOST_NOISE), "data": choice(DATA_NAMES)}


def add_arguments(parser):
    """Declare --sweep, a flag for each knob (its value when another knob is swept), --test."""
    parser.add_argument("--sweep", action="append", metavar="KNOB=V1,V2,...",
                        help="instead of the report: train the chapter's network on every seed "
                             "for each value of one knob (" + ", ".join(knob_types())
                             + ") and print a row per value")
    for name, kind in knob_types().items():
        parser.add_argument(f"--{name}", type=kind, default=SWEEP_DEFAULTS[name], metavar="X",
                            help=f"with --sweep: the {name} when it is not the knob swept "
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


def sweep_nets(seeds, hidden, lr, activation, init, epochs, noise, data, test, on_done=None):
    """Train one network per seed with these knobs, CHUNK seeds at a time (companion/many.py),
    each bit for bit what nn_from_scratch.py trains with the same flags. A dict per seed:
    solved_at (None if never), accuracy, loss, test (accuracy, None without a test set), or
    {"diverged": the Diverged} for a run that broke down."""
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


def scored(params, X, y, log, solved_at, activation, test):
    """What a sweep shows of one trained network."""
    if isinstance(log, nn.Diverged):
        return {"diverged": log}
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            p = nn.predict(params, X, activation)
            held_out = test and nn.accuracy(nn.predict(params, test[0], activation), test[1])
    except FloatingPointError as err:  # the last update's weights overflow when used
        return {"diverged": nn.Diverged(len(log), str(err))}
    return {"solved_at": solved_at, "accuracy": nn.accuracy(p, y), "loss": nn.bce_loss(p, y),
            "test": held_out if test else None}


# the sweep's columns: the knob's value, solved, first epoch at 0.99, train accuracy, test
# accuracy, loss, breakdowns; the rows and both lines of the head are made with these widths
SWEEP_COLUMNS = "{:<10} {:>8} {:>7}  {:<17}  {:<17}  {:<6}  {:>5}"
SWEEP_HEAD = (SWEEP_COLUMNS.format("", "seeds", "first", "train accuracy", "test accuracy",
                                   "median", "broke"),
              ("solved", "at 0.99", "median range", "median range", "loss", "down"))


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
    loss = f"{np.median([run['loss'] for run in fine]):.4f}" if fine else "-"
    return SWEEP_COLUMNS.format(text[:10], f"{solved} of {len(runs)}", first, spread("accuracy"),
                                spread("test"), loss, len(runs) - len(fine)).rstrip()


def run_sweep(args, knob, values):
    seeds = list(range(args.seeds))
    settings = {name: getattr(args, name) for name in knob_types()}
    widest = max(values) if knob == "hidden" else settings["hidden"]
    if over_budget("sweep", sweep_memory(len(seeds), max(400, args.test or 0), widest)):
        return 2
    fixed = ", ".join(f"{name} {value:g}" if isinstance(value, float) else f"{name} {value}"
                      for name, value in settings.items() if name != knob)
    which = f"seeds {seeds[0]} to {seeds[-1]}" if len(seeds) > 1 else f"seed {seeds[0]}"
    print(wrap(f"--sweep {knob}, on {which}; {fixed}"
               + (f"; {args.test} held-out points" if args.test else "")
               + f"; solved means train accuracy >= {SOLVED}", indent=""))
    print()
    print(SWEEP_HEAD[0].rstrip())
    print(SWEEP_COLUMNS.format(knob, *SWEEP_HEAD[1]).rstrip())
    progress = Progress(len(values) * len(seeds), "network")
    try:
        for k, value in enumerate(values):
            def done(n, k=k):
                progress.update(k * len(seeds) + n)
            runs = sweep_nets(seeds, **{**settings, knob: value}, test=args.test, on_done=done)
            progress.clear()
            print(sweep_row(value, runs))
    except KeyboardInterrupt as stop:
        progress.clear()
        raise Stop(getattr(stop, "signum", signal.SIGINT),
                   f"after {progress.done} of {progress.total} networks") from None
    return 0
