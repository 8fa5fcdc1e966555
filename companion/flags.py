"""nn_from_scratch.py's knobs and flags: declared, sized, and done around its run.

    add_knobs(parser)       the chapter's knobs, with nn_from_scratch.py's defaults
    add_arguments(parser)   the flags, in the parser's "pictures and checks" group
    refuse_early(args)      a run too big for memory, or a --plot that can't be saved: refused
    FlagWork(args, ...)     what the flags add, at three points of the chapter's run: before
                            training (before_training), at each log line and epoch (log,
                            on_epoch), and after the sanity check (after_training); as a
                            context manager, around the training

With no flags, the run only gets its log lines printed, a progress line on stderr when stderr is
a terminal and the run is long, and Ctrl-C's one line saying where training stopped. The
modules that draw and check (pictures, watch, by_hand, gradcheck, plot) are loaded only when a
flag asks for them: the default run loads none of them.
"""

import argparse
import math
import os
import re
import signal

import nn_from_scratch as nn
from companion.datasets import DATA_NAMES, classes
from companion.inputs import widths
from companion.cli import (DECIMAL, Progress, Refused, Stop, check_can_write, choice, fail,
                           memory_budget, number, plain, printable, shortened, wrap)

SECONDS = 4.0  # --watch-seconds' default: the animation's length



MOST_EPOCHS = 10**9  # the log's epoch numbers stay within 80 columns
MOST_NOISE = 100.0   # clusters 100 times wider than their distance apart: nothing left to learn
MOST_LAYERS = 8      # --layers' hidden layers: deeper, plain gradient descent on tanh stalls


def add_knobs(parser):
    """Declare nn_from_scratch.py's knobs, with its defaults (nn.KNOBS), checked and explained."""
    default = nn.KNOBS
    names = tuple(nn.ACTIVATIONS)
    knob = parser.add_argument
    knob("--hidden", type=number(int, 1), default=default["hidden"], metavar="N",
         action=Given, help="hidden units (default: 8)")
    knob("--layers", type=widths_list, metavar="N,N,...",
         help=f"hidden layers and their units, such as 8,8,4 (at most {MOST_LAYERS} layers), "
              "instead of --hidden's one: the chapter's lines in a loop over the layers "
              "(companion/layers.py); --layers 8 is the chapter's network")
    knob("--activation", type=choice(names), default=default["activation"], metavar="NAME",
         help="the hidden layer's activation: " + ", ".join(names) + "; gelu is its "
              "tanh form, identity no non-linearity at all (default: tanh)")
    knob("--init", type=choice(nn.INITS), default=default["init"], metavar="NAME",
         help="initial weights: xavier = N(0,1)/sqrt(n_in), the chapter's (it says "
              "Xavier/He; the formula is LeCun's); glorot = N(0,1)*sqrt(2/(n_in+n_out)), "
              "Glorot and Bengio's; he = N(0,1)*sqrt(2/n_in); zeros; constant = every weight "
              f"{nn.CONSTANT_INIT}; large = N(0, {nn.LARGE_INIT_STD:g}^2), unscaled, far too "
              "big (default: xavier)")
    knob("--lr", type=number(float, 0, strict=True), default=default["lr"], metavar="X",
         help="learning rate (default: 0.5)")
    knob("--epochs", type=number(int, 0, high=MOST_EPOCHS), default=default["epochs"],
         metavar="N", help=f"full-batch gradient-descent steps, at most {plain(MOST_EPOCHS)}; "
                           "0 only with --load (default: 2000)")
    knob("--seed", type=number(int, 0), default=default["seed"], metavar="N",
         help="seed of the data and of the weights (default: 0)")
    knob("--noise", type=number(float, 0, high=MOST_NOISE), default=default["noise"],
         metavar="X", help=f"spread (std) of each cluster, at most {plain(MOST_NOISE)} "
                           "(default: 0.35)")


def widths_list(text):
    """An argparse type for --layers: 8,8,4 -> (8, 8, 4), each a whole number >= 1."""
    parts = text.split(",")
    if not text.strip():
        raise argparse.ArgumentTypeError("'' is not a list of widths such as 8,8,4")
    if "" in (part.strip() for part in parts):
        raise argparse.ArgumentTypeError(f"{shortened(text)} has a width missing (write "
                                         "8,8,4)")
    if len(parts) > MOST_LAYERS:
        raise argparse.ArgumentTypeError(f"{len(parts)} hidden layers; at most {MOST_LAYERS}")
    unit = number(int, 1)
    try:
        return tuple(unit(part) for part in parts)
    except argparse.ArgumentTypeError as err:
        raise argparse.ArgumentTypeError(f"{err} (a layer's units)") from None


def add_arguments(parser):
    """Declare the picture and check flags, in the order after_training() draws them."""
    look = parser.add_argument_group("pictures and checks (the listing stays as it is above them)")
    look.add_argument("--watch", action="store_true",
                      help="draw the decision regions as training goes, most often early, "
                           "where the network changes most: animated in a terminal, plain "
                           "frames through a pipe")
    look.add_argument("--watch-seconds", type=number(float, 0, high=3600), metavar="S",
                      action=ImpliesWatch, default=SECONDS,
                      help=f"how long the animation lasts (default: {SECONDS:g}); implies --watch")
    look.add_argument("--curve", action="store_true",
                      help="after training, plot the loss and accuracy of every epoch")
    look.add_argument("--boundary", action="store_true",
                      help="after training, draw the decision regions and the points")
    look.add_argument("--features", action="store_true",
                      help="after training, draw where each hidden unit is on")
    look.add_argument("--hidden-space", action="store_true",
                      help="draw the points as the output unit sees them, in the hidden layer's "
                           "coordinates, before and after training")
    look.add_argument("--shapes", action="store_true",
                      help="before training, list each quantity's shape")
    look.add_argument("--by-hand", action="store_true",
                      help="before training, one gradient-descent step on the four cluster "
                           "centres, each line of the chapter's listing with its numbers")
    look.add_argument("--gradcheck", action="store_true",
                      help="check backward() against finite differences, before and after "
                           "training; exit status 1 if an array's gradient is wrong")
    look.add_argument("--plot", metavar="FILE", type=figure_path,
                      help="save a figure of all of it (.png, .svg or .pdf); needs matplotlib")
    look.add_argument("--bug", metavar="NAME",
                      help="plant one classic mistake of a hand-derived backward pass in a copy "
                           "of the chapter's functions, and run it beside the right run; "
                           "--bug list lists them")
    parser.add_argument_group("the playground").add_argument(
        "--play", action="store_true",
        help="instead of the run: train in a full-screen terminal playground, from the knobs "
             "above, with keys to pause, step, change the lr live, add or remove layers, "
             "reset and look (see docs/play.md)")
    add_data_arguments(parser)




def add_data_arguments(parser):
    """Declare the data flags: which points, held-out points, weights and data in and out."""
    data = parser.add_argument_group("data, held-out points, weights in and out (docs/data.md)")
    data.add_argument("--data", metavar="NAME|FILE", type=data_source, default="xor",
                      help=f"the points: {', '.join(DATA_NAMES)} (400 points each, spread "
                           "by --noise), or a .csv file of your own: feature columns, then a "
                           "label of 0 or 1 (or 0 to K-1: K classes, a softmax) (default: "
                           "xor, the chapter's)")
    data.add_argument("--points", type=number(int, 4, high=10**9), metavar="N",
                      help="how many points a named set has (default: 400)")
    data.add_argument("--test", type=number(int, 1, high=10**9), metavar="N",
                      help="hold out N points the network never trains on, and log their "
                           "accuracy (test-acc): N fresh points of a named set, or N rows of "
                           "a file, chosen by the seed")
    data.add_argument("--predict", metavar="X1,X2", type=point, action="append",
                      help="after training, P(class 1) at this point, or each "
                           "class's probability with K classes (repeatable; "
                           "write --predict=-1,2 for a point that starts with -)")
    data.add_argument("--save", metavar="FILE", type=weights_path("--save"),
                      help="after training, write W1, b1, W2, b2, the knobs and the data to a "
                           ".json (floats exact) or .npz file")
    data.add_argument("--load", metavar="FILE", type=weights_path("--load"),
                      help="start from the weights a --save wrote instead of initialising; "
                           "with --epochs 0, only evaluate them")
    data.add_argument("--dump-data", metavar="FILE", type=csv_path,
                      help="after training, write the points (and which are held out) to a "
                           ".csv file that --data reads back exactly")


def data_source(text):
    """An argparse type for --data: a set's name, or a .csv file's."""
    if text in DATA_NAMES or text.lower().endswith(".csv"):
        return text
    raise argparse.ArgumentTypeError(f"{shortened(text)} is not a data set's name nor a .csv "
                                     "file")


def csv_path(text):
    if not os.path.basename(text).lower().endswith(".csv") or len(os.path.basename(text)) < 5:
        raise argparse.ArgumentTypeError(f"{shortened(text)} is not a .csv file name")
    return text


def weights_path(flag):
    def parse(text):
        name, extension = os.path.splitext(os.path.basename(text))
        if not name or extension.lower() not in (".json", ".npz"):
            raise argparse.ArgumentTypeError(f"{shortened(text)} is not a .json or .npz file "
                                             "name")
        return text
    return parse


def point(text):
    """An argparse type for --predict: numbers separated by commas, each finite."""
    parts = text.split(",")
    # plain ASCII numbers, as every flag takes them: float() would read 1_0 or Arabic digits
    ok = all(re.fullmatch(DECIMAL, part.strip(), re.ASCII) for part in parts)
    values = tuple(float(part) for part in parts) if ok else ()
    if not values or not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError(f"{shortened(text)} is not a point such as 0.5,-1")
    return values


def check_arguments(parser, args):
    """The flags that only go together, checked once all are parsed: a bad mix is a bad
    argument (one line, exit status 2)."""
    hidden_given = vars(args).pop("hidden_given", False)  # noted by Given, then forgotten
    if args.layers and hidden_given:
        parser.error("--hidden and --layers: give one (--layers 8 is --hidden 8)")
    if args.layers and args.by_hand:
        parser.error("--by-hand steps the chapter's network: not with --layers")
    if args.epochs == 0 and not args.load:
        parser.error("--epochs: 0 is not allowed without --load FILE")
    if args.epochs == 0 and (args.watch or args.curve or args.plot):
        parser.error("--epochs 0: --watch, --curve and --plot need training")
    if args.points is not None and args.data not in DATA_NAMES:
        parser.error("--points is for the named sets, not a file")
    if args.play:  # the playground trains a named set until you quit: nothing to load or keep
        ignored = [flag for flag, given in (("--load", args.load), ("--bug", args.bug),
                                            ("--save", args.save), ("--predict", args.predict),
                                            ("--dump-data", args.dump_data)) if given]
        if ignored:
            parser.error(f"--play can't take {' or '.join(ignored)}: run "
                         f"{'it' if len(ignored) == 1 else 'them'} without --play")
        if args.data not in DATA_NAMES:
            parser.error(f"--play trains on {', '.join(DATA_NAMES)}; a file's points run "
                         "without --play")
    return args


class Given(argparse.Action):
    """--hidden N: stores N, and notes that it was given (--layers says the same otherwise)."""

    def __call__(self, parser, namespace, value, option=None):
        namespace.hidden, namespace.hidden_given = value, True


class ImpliesWatch(argparse.Action):
    """--watch-seconds S: sets the animation's length, and asks for the animation."""

    def __call__(self, parser, namespace, value, option=None):
        namespace.watch_seconds, namespace.watch = value, True


def figure_path(text):
    """An argparse type for --plot: a file name ending in .png, .svg or .pdf, with a name
    before the extension (".png" alone is a hidden file with no extension)."""
    if os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{shortened(text)} is a folder, not a file")
    name, extension = os.path.splitext(os.path.basename(text))
    if not name or extension.lower() not in (".png", ".svg", ".pdf"):
        raise argparse.ArgumentTypeError(f"{shortened(text)} is not a .png, .svg or .pdf "
                                         "file name")
    return text


# Measured peaks, as float64 arrays of (rows, hidden) alive at once, for each activation (its
# temporaries differ: GELU's tanh form makes the most): training, per row of the data (forward,
# loss, backward and update on the 400 points), and a picture's grid, per cell (a forward pass).
# Training has two: glibc's malloc serves arrays under 32 MiB from its heap, where what is freed
# stays in the process for reuse, so a run of small arrays peaks higher than the arrays alive at
# once; larger arrays are mapped and unmapped one by one, so only those count. (GELU's and
# SiLU's large figures were measured again, 9.2 and 6.1, when their tanh and sigmoid came to be
# kept from the forward pass for the backward: activations.py's keeps_its_last.) Measured as the
# program's own peak (VmHWM) at the largest sizes allowed under 150 MB, 500 MB and 2 GB budgets,
# then given about 10% more. A picture's grid arrays are mapped at those sizes, and GELU and SiLU
# keep a grid-sized pair (keeps_its_last) beside their temporaries: 5.0 and 4.1 arrays at 2 GB.
# tests/test_memory.py checks the estimate against the measured peak at the largest size each
# activation is allowed, with and without --plot, at a small budget and at a large one.
ARRAYS = {  # activation: (training with small arrays, with large ones, a picture's grid)
    "tanh": (9, 5.5, 2.2), "relu": (7, 4.5, 2.2), "leaky_relu": (8, 4.5, 3.4),
    "sigmoid": (9, 4.5, 3.2), "gelu": (11.5, 10, 5.5), "silu": (9.5, 6.7, 4.6),
    "identity": (6, 3.5, 2.2)}
MAPPED = 32 * 2**20  # glibc's largest threshold for mapping an allocation of its own
BASE = 45e6         # Python and NumPy, before any array (measured: 38 MB)
PLOT_BASE = 110e6   # with matplotlib and a figure (measured: 100 MB)
TEXT_CELLS = 64 * 24  # the largest grid a terminal picture evaluates (the decision regions)
FIRST_LAYER = 3.3  # arrays of features x hidden at once: W1, dW1, lr*dW1 (measured: 3.0)
CURVE_EPOCH, PLOT_EPOCH = 17, 175  # bytes an epoch: the curve's two floats; and in the figure
# (measured: 16 and 157)


def run_memory(args, points=400, features=2, classes=2):
    """The bytes a run will need at its peak, estimated before anything is allocated: Python
    and NumPy (and matplotlib), then the larger of training and the largest picture (training's
    arrays are gone when the pictures are drawn), the first layer's weights (W1, dW1 and
    lr*dW1, features x hidden each: 4 rows of 50,000 features made them the largest), and the
    curve's and figure's cost an epoch. With --layers, every hidden layer's arrays count as
    the one layer's do, and every layer's weights as W1's; so do K > 2 classes' outputs."""
    small, large, grid = ARRAYS[args.activation]
    hidden = widths(args)
    outputs = classes if classes > 2 else 0  # a softmax's K columns (one sigmoid: negligible)
    units = sum(hidden) + outputs  # every layer's (points, units) arrays: z, a, dz, da
    weights = (features * hidden[0] + sum(a * b for a, b in zip(hidden, hidden[1:]))
               + hidden[-1] * outputs)
    train = large if 8 * points * max(hidden) >= MAPPED else small
    drawing = args.boundary or args.features or args.watch or args.hidden_space
    cells = TEXT_CELLS if drawing else 0
    if args.plot:
        from companion.plot import PICTURE_CELLS
        cells = PICTURE_CELLS
    per_epoch = PLOT_EPOCH + CURVE_EPOCH if args.plot else CURVE_EPOCH if args.curve else 0
    return ((PLOT_BASE if args.plot else BASE) + 8 * units * max(points * train, cells * grid)
            + FIRST_LAYER * 8 * weights + per_epoch * args.epochs)


def size(nbytes, up):
    """2.1 GB, 6.4 TB: rounded up (an estimate) or down (a budget), so that two different
    numbers never print alike."""
    unit, name = (1e12, "TB") if nbytes >= 1e12 else (1e9, "GB") if nbytes >= 1e9 else (1e6, "MB")
    tenths = math.ceil(nbytes / unit * 10) if up else math.floor(nbytes / unit * 10)
    return f"{tenths / 10:.1f} {name}"


def refuse_early(args):
    """Raise Refused, before anything is allocated or trained, for a run that would not fit in
    memory or whose --plot could not be saved. (A file's classes are known once it is read:
    refuse_classes checks them then, before training.)"""
    points, features, reading, file = 400, 2, 0, False
    if args.data != "xor" or args.points or args.test:
        from companion.inputs import is_file, rows  # counts a file's rows, not reading it whole
        points, features, reading = rows(args)
        file = is_file(args)
    known = 2 if file else classes(args.data)  # a file's: counted once it is read
    need, budget = run_memory(args, points, features, known) + reading, memory_budget()
    if need > budget and file:
        raise Refused(f"--data {shortened(args.data)}: about {size(need, up=True)}, over the "
                      f"{size(budget, up=False)} budget")
    if need > budget:
        raise Refused(f"this run needs about {size(need, up=True)} of memory; the budget is "
                      f"{size(budget, up=False)}")
    if args.plot:
        from companion.plot import check_can_save  # imports matplotlib
        check_can_save(args.plot)
    for flag, path in (("--save", args.save), ("--dump-data", args.dump_data)):
        if path:
            check_can_write(path, flag)


def refuse_classes(args, data):
    """Raise Refused, before training, when a file's K > 2 classes take the run past the
    memory budget (refuse_early counted two)."""
    X, test = data.X, data.test
    points = len(X) + (0 if test is None else len(test[0]))
    need, budget = run_memory(args, points, X.shape[1], data.classes), memory_budget()
    if data.classes > 2 and need > budget:
        raise Refused(f"--data {shortened(args.data)}: {data.classes} classes: about "
                      f"{size(need, up=True)}, budget {size(budget, up=False)}")


CLIMBED = 1.5  # a loss that ends 1.5 times where it started (or higher) has climbed


def warn_if_loss_climbed(log, lr):
    """One line on stderr when the log's last loss is far above its first: gradient descent
    with a small enough step never does that, so the step was too large. (The final accuracy,
    measured after the last update, then often differs from the last log line's, measured
    before it: the weights still jump at every step.)"""
    if len(log) < 2:  # --epochs 0 with --load: nothing trained, nothing to compare
        return
    start, end = log[0][1], log[-1][1]
    if end >= CLIMBED * start:
        fail(f"nn_from_scratch.py: --lr {lr:g} too large: the loss rose from {start:.4f} to "
             f"{end:.4f}")


class FlagWork:
    """The flags' work around one training run. As a context manager around the training, it
    gives the terminal back (cursor shown) however training ends, and turns Ctrl-C into one line
    saying where training stopped."""

    def __init__(self, args, X, y, params, score, data=None):
        """score(p): the loss and the accuracy of a forward pass's p, as the log measures them.
        data: the run's Inputs (companion/inputs.py): its points, held out points, weights."""
        self.args, self.X, self.y, self.score = args, X, y, score
        self.data = data
        self.test = data.test if data else None  # (X_test, y_test): --test's held-out points
        # The XOR clusters' centres, which the unit maps mark, mean something on XOR alone.
        self.centres = {} if args.data == "xor" else {"centres": None}
        self.latest = None  # (epoch, p) of the latest forward pass, for Ctrl-C's message
        if args.hidden_space or args.plot:  # the before-and-after pictures need the start
            self.start = {name: W.copy() for name, W in params.items()}
        self.wrong = []  # arrays whose gradient the check found wrong
        self.watch = self.curve = None
        if args.watch:
            from companion.watch import Watch
            self.watch = Watch(params, X, y, args.activation, args.epochs, args.watch_seconds,
                               test=self.test)
        if args.curve or args.plot:
            from companion.pictures import Curve
            self.curve = Curve(y, args.epochs)
        # The animation says which epoch it is at; a progress line would only fight it.
        self.progress = Progress(args.epochs, "epoch")
        self.progress.active &= not (self.watch and self.watch.live)
        self.drawing = [s.see for s in (self.watch, self.curve) if s]  # each sees every epoch

    def before_training(self, params):
        """What the flags print before training: --shapes, --by-hand, the first --gradcheck."""
        args, X, y = self.args, self.X, self.y
        if self.test is not None:
            print(f"held out: {len(self.test[0])} points, never trained on (test-acc below)")
        if args.shapes:
            from companion.pictures import shapes_table
            print(shapes_table(params, X, y, args.activation))
        if args.by_hand:
            from companion.by_hand import listing
            points = self.data.by_hand if self.data else None
            print(listing(params, args.activation, args.lr, points=points, training=len(X)))
        if args.gradcheck:
            self.wrong += self.gradcheck(params, "at the starting weights")

    def __enter__(self):
        if self.watch:
            self.watch.open()
        return self

    def __exit__(self, kind, error, trace):
        self.progress.clear()
        if self.watch:
            self.watch.close()
        if kind and issubclass(kind, KeyboardInterrupt) and self.latest:  # Ctrl-C, SIGTERM, ...
            epoch, p = self.latest
            loss, acc = self.score(p)
            raise Stop(getattr(error, "signum", signal.SIGINT),
                       f"at epoch {epoch}: loss {loss:.4f}, train-acc {acc:.3f}") from None

    def on_epoch(self, epoch, p):
        """After every forward pass: remember where training is, and show it if asked."""
        self.latest = epoch, p
        for see in self.drawing:
            see(epoch, p)
        if self.progress.active:
            self.progress.update(epoch + 1)

    def log(self, line):
        """A log line: printed, or kept in the animation while it runs."""
        self.progress.clear()
        if self.watch:
            self.watch.log(line)
        else:
            print(line)

    def test_accuracy(self, params):
        """--test: the held-out points' accuracy with these weights, or None."""
        if self.test is None:
            return None
        from companion.inputs import accuracy_on
        return accuracy_on(params, *self.test, self.args.activation)

    def test_column(self, params):
        """The log line's test-acc column, with --test."""
        acc = self.test_accuracy(params)
        return "" if acc is None else f"  test-acc {acc:.3f}"

    def final_test(self, params):
        """After the final train accuracy, with --test: the held-out points' accuracy."""
        if self.test is not None:
            print(f"final test accuracy: {self.test_accuracy(params):.3f}")

    def predictions(self, params):
        """--predict: P(class 1) at each point the reader asked about."""
        if self.args.predict:
            from companion.inputs import predictions
            print(predictions(params, self.args.predict, self.args.activation))

    def gradcheck(self, params, when):
        from companion.gradcheck import check_gradients, kinks_crossed, table
        X, activation = self.X, self.args.activation
        errors = check_gradients(params, X, self.y, activation)
        text, wrong = table(errors, activation, when, kinks_crossed(params, X, activation))
        print(text)
        return [f"{', '.join(wrong)} {when}"] if wrong else []

    def after_training(self, params):
        """The pictures of the trained network, in the order of the flags' help; the exit status."""
        args, X, y = self.args, self.X, self.y
        if args.boundary or args.features or args.curve or args.hidden_space:
            from companion import pictures
        if args.boundary:
            print(pictures.boundary_map(params, X, y, args.activation, test=self.test))
        if args.features:
            print(pictures.feature_maps(params, X, args.activation, **self.centres))
        if args.curve:
            print(self.curve.plot())
        if args.hidden_space:
            for weights, when in ((self.start, "before training"), (params, "after training")):
                print(pictures.hidden_space_map(weights, X, y, args.activation, when,
                                                test=self.test))
        if args.gradcheck:
            self.wrong += self.gradcheck(params, "after training")
        if args.plot:
            from companion.plot import save_figure
            save_figure(args.plot, self.start, params, X, y, args.activation, self.curve,
                        test=self.test, **self.centres)
            print(wrap(f"figure saved to {printable(args.plot)}"))
        if args.save:
            from companion.inputs import knobs
            from companion.saved import save
            save(args.save, params, knobs(args, len(X)), self.data.data)
            print(wrap(f"weights saved to {printable(args.save)}"))
        if args.dump_data:
            from companion.csvdata import write
            write(args.dump_data, X, y, *(self.test or ()))
            print(wrap(f"points written to {printable(args.dump_data)}"))
        if self.wrong:
            fail("nn_from_scratch.py: the gradient check failed: backward() is wrong for "
                 + "; ".join(self.wrong) + " (see the tables above)")
            return 1
        return 0
