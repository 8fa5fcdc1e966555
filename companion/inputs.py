"""What a run of nn_from_scratch.py starts from: its points, its held-out points, its weights.

    rows(args)     the points a run will hold (training and held out), and the bytes a file
                   read needs: for the memory check, before anything is read whole
    load(args)     the Inputs of a run: --data's points (a set's, or the reader's file),
                   --test's held-out points and --load's weights, each checked against the
                   other flags before anything is printed or trained

With no --data, --points, --test or --load, the points are make_xor_data()'s: the chapter's.
"""

import os

import numpy as np

from companion import datasets, layers
from companion.cli import Refused, printable, shortened, wrap
from nn_from_scratch import CENTRES, LABELS

DEFAULT_POINTS = 400  # the chapter's
NAME_COLUMNS = 25  # a file's name in the log's first line: with 10^9 points, still 80 columns
PLANE_FLAGS = ("boundary", "features", "watch", "plot", "by_hand")  # they draw x1 and x2


def widths(args):
    """The hidden layers' widths: --layers', or --hidden's one layer."""
    return args.layers or (args.hidden,)


def is_file(args):
    return args.data not in datasets.DATA_NAMES


def rows(args):
    """(points, features, bytes): how many points the run will hold, how many features at most
    (a file's: the cells of its widest row), and the bytes that reading its file needs besides
    (the table as read, the split into features and labels, and the csv module's list of the
    longest line's cells: about 20 bytes a byte for cells of one or two characters)."""
    if not is_file(args):
        return (args.points or DEFAULT_POINTS) + (args.test or 0), 2, 0
    from companion import csvdata  # only for a file
    lines, cells, longest, widest = csvdata.measure(args.data)
    return lines, widest, 16 * cells + 22 * longest


class Inputs:
    """X, y: the training points; classes: how many (the labels are 0 to classes - 1). name:
    the data's name in the log's first line. test:
    (X_test, y_test), or None without held-out points. check: (what, points, labels) of the
    sanity check. by_hand: the four points --by-hand steps on, with their classes and what they
    are. saved: --load's weights, or None. data: the points as --save writes them."""

    def __init__(self, X, y, name, test=None, centres=False):
        self.X, self.y, self.name, self.test = X, y, name, test
        self.classes = int(y.max()) + 1
        self.saved = None
        self.data = {"X": X, "y": y}
        if test is not None:
            self.data.update(X_test=test[0], y_test=test[1])
        if centres:  # the chapter's clusters
            self.by_hand = CENTRES, LABELS, "the four cluster centres"
            self.check = "the four cluster centers", CENTRES, [str(c) for c in CENTRES]
        else:
            self.by_hand = four_points(X, y) if self.classes == 2 else first_of_each(X, y)
            points = self.by_hand[0]
            self.check = (self.by_hand[2], points, [point_name(x, c) for x, c in
                                                     zip(points, self.by_hand[1])])


def four_points(X, y):
    """Four training points, the first two of each class (more of the other class when one has
    a single point), their classes, and a sentence saying which they are."""
    first = [np.flatnonzero(y[:, 0] == c)[:2] for c in (0, 1)]
    if len(first[0]) < 2 or len(first[1]) < 2:
        short = 0 if len(first[0]) < 2 else 1
        first[1 - short] = np.flatnonzero(y[:, 0] == 1 - short)[:4 - len(first[short])]
    picked = np.concatenate(first)
    return X[picked], y[picked, 0].astype(int), "four training points, the first two of each class"


def first_of_each(X, y):
    """The first training point of each class, their classes, and a sentence saying which."""
    picked = [np.flatnonzero(y[:, 0] == c)[0] for c in range(int(y.max()) + 1)]
    return X[picked], y[picked, 0].astype(int), "the first training point of each class"


def point_name(x, label):
    """[0.41, -1.73] (class 0): a point as the sanity check names it."""
    values = ", ".join(map(two_decimals, x[:3])) + (", ..." if len(x) > 3 else "")
    return f"[{values}] (class {label})"


def two_decimals(value):
    """0.41, -1.73; a value whose two decimals would pass 7 characters as a power of ten
    (1e20 is 24 characters in .2f: three of them took the sanity line past 80 columns)."""
    text = f"{value:.2f}"
    return text if len(text) <= 7 else f"{value:.1e}".replace("e+", "e")


def load(args):
    """The run's Inputs; Refused, in one line, where the data, the held-out points, the saved
    weights or the flags that need two features or a point disagree."""
    if is_file(args):
        inputs = from_file(args)
    else:
        name, points = args.data, args.points or DEFAULT_POINTS
        X, y = datasets.make_data(name, args.seed, args.noise, points)
        test = (datasets.make_test_data(name, args.seed, args.noise, args.test)
                if args.test else None)
        xor = name == "xor"
        inputs = Inputs(X, y, "XOR layout" if xor else name, test, centres=xor)
    features = inputs.X.shape[1]
    if features != 2:
        needing = [f"--{flag.replace('_', '-')}" for flag in PLANE_FLAGS if getattr(args, flag)]
        if needing:
            raise Refused(f"{' and '.join(needing)} draw{'s' * (len(needing) == 1)} the plane of "
                          f"2 features; the data has {features}")
    for point in args.predict or []:
        if len(point) != features:
            raise Refused(f"--predict {','.join(f'{v:g}' for v in point)}: {len(point)} "
                          f"value{'s' * (len(point) != 1)}, but the data has {features} "
                          f"feature{'s' * (features != 1)}")
    if inputs.classes > 2 and args.by_hand:
        raise Refused(f"--by-hand steps the chapter's 2 classes; the data has {inputs.classes}")
    if args.load:
        from companion.saved import load as load_weights
        # the run's knobs as --save writes them: a file saved by another run says so
        inputs.saved = load_weights(args.load,
                                    layers.sizes(features, widths(args), inputs.classes),
                                    knobs(args, len(inputs.X)))
    return inputs


def from_file(args):
    """The reader's points; --test holds out that many rows, chosen by the seed."""
    from companion import csvdata  # only for a file
    X, y, held = csvdata.read(args.data)
    name = printable(os.path.basename(args.data), NAME_COLUMNS)
    if held is not None:
        if args.test:
            raise Refused(f"--test: {shortened(args.data)} marks its own held-out rows")
    elif args.test:
        if args.test >= len(X):
            raise Refused(f"--test {args.test}: {shortened(args.data)} has {len(X)} rows; "
                          "some must be left to train on")
        held = np.zeros(len(X), bool)
        held[np.random.default_rng((args.seed, datasets.TEST_STREAM)).choice(
            len(X), args.test, replace=False)] = True
        # every class the file has must be left to train on, as in a held_out column
        csvdata.check_classes(f"--test {args.test}", y[~held, 0], some_held=True,
                              classes=int(y.max()) + 1)
    if held is None or not held.any():  # a held_out column of 0s holds nothing out
        return Inputs(X, y, name)
    return Inputs(X[~held], y[~held], name, (X[held], y[held]))


def accuracy_on(params, X, y, activation):
    """The accuracy of the network on points X, y (the held-out points), of any depth (the
    chapter's network computes the same through layers' functions, bit for bit)."""
    return float(layers.accuracy(layers.predict(params, X, activation), y))


def predictions(params, points, activation):
    """--predict's lines: P(class 1) at each of the reader's points; with K classes, the
    probability of each."""
    # A point far out (1e308) overflows its weighted sums, which says nothing about training:
    # an infinite sum still saturates to its limit; where it is no number at all (inf - inf,
    # or -inf * 0 inside GELU or SiLU, or inf - inf in the softmax), the line says so.
    with np.errstate(over="ignore", invalid="ignore"):
        p = layers.predict(params, np.array(points, dtype=float), activation)
    names = [printable(','.join(f'{v:g}' for v in x), 30) for x in points]
    if p.shape[1] > 1:
        return "\n".join(["each class's probability at your points (--predict):",
                          *class_lines(p, names)])
    lines = ["P(class 1) at your points (--predict):"]
    lines += [f"  point {name} -> " + (
              f"P(class 1) = {q:.3f}" if np.isfinite(q) else
              "no number (too far out for float64)")
              for name, q in zip(names, p[:, 0])]
    return "\n".join(lines)


def class_lines(p, names, width=0):
    """A line per point of K classes' probabilities: its most probable class, then each
    class's P in order, wrapped within 80 columns."""
    lines = []
    for name, row in zip(names, p):
        if not np.isfinite(row).all():
            lines.append(f"  point {name:{width}} -> no number (too far out for float64)")
            continue
        chances = " ".join(f"{q:.3f}" for q in row)
        lines.append(wrap(f"  point {name:{width}} -> class {row.argmax()}; "
                          f"P(class 0 to {len(row) - 1}) = {chances}", indent=" " * 8))
    return lines


def sanity_check(params, points, names, activation):
    """The sanity check's lines, the chapter's (nn.sanity_check's) for one output unit."""
    p = layers.predict(params, points, activation)
    if p.shape[1] == 1:
        return [f"  point {name:9} -> P(class 1) = {q:.3f}" for name, q in zip(names, p[:, 0])]
    return class_lines(p, names, width=9)


def knobs(args, points):
    """The run's settings, as --save writes them beside the weights (--layers' only if given,
    so that a file of the chapter's network reads as it always has)."""
    hidden = {"layers": list(args.layers)} if args.layers else {"hidden": args.hidden}
    return {"data": args.data, "points": points, "test": args.test, **hidden,
            "activation": args.activation, "init": args.init, "lr": args.lr,
            "epochs": args.epochs, "seed": args.seed, "noise": args.noise,
            "loaded": args.load}
