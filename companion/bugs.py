"""--bug NAME: one classic mistake of a hand-derived backward pass, planted and run beside the
right run, to see what it does and which check finds it.

    python nn_from_scratch.py --bug list              the mistakes, one line each
    python nn_from_scratch.py --bug no-bias-update    one of them, beside the chapter's run

Each mistake is one line of the chapter's program written the way readers get it wrong: a copy
of its backward() or update() with that line wrong, in companion/mistakes.py. planted() puts the
copy in the place of the chapter's function in nn_from_scratch while the mistaken run trains:
train() looks backward() and update() up by name, so the chapter's own train(), forward() and
the rest run around the one wrong function, and the right one is back when it ends. What is
printed is computed from the two runs: the two lines, the gradient check of the mistaken backward
pass (companion/gradcheck.py's own, calling the copy), both logs side by side, and what to see in
them, with the measurements that say why.
"""

import ast
import contextlib
import functools
import operator
import signal
import sys
from typing import NamedTuple
from unittest import mock

import numpy as np

import nn_from_scratch as nn
from companion import gradcheck
from companion.cli import Stop, fail, printable, wrap
from companion.mistakes import MISTAKES, UPDATE_LINE


def listing():
    """--bug list: a line each."""
    width = max(map(len, MISTAKES))
    return "\n".join(wrap(f"{name:<{width}}  {m.about}", indent=" " * (width + 2))
                     for name, m in MISTAKES.items())


def wrong_function(mistake, lr):
    """The mistake's wrong function as train() calls it: given the run's lr, if it takes it."""
    return functools.partial(mistake.function, lr=lr) if mistake.takes_lr else mistake.function


def mistaken_backward(mistake, lr):
    """The backward pass that runs with the mistake: its wrong one, or the chapter's."""
    return wrong_function(mistake, lr) if mistake.where == "backward" else nn.backward


@contextlib.contextmanager
def planted(mistake, lr):
    """While open, nn_from_scratch's backward() or update() is the mistake's wrong one, so that
    the chapter's train() calls it; the chapter's own is back however the block ends."""
    with mock.patch.object(nn, mistake.where, wrong_function(mistake, lr)):
        yield


# ---- the gradient check of the mistaken backward pass ----

def check_mistaken(backward, params, X, y, activation):
    """gradcheck's own check and table, of `backward` in the place of the chapter's: (the table's
    text, the arrays found wrong). A gradient of another shape than its array is wrong by its
    shape; where NumPy can broadcast it to that shape (as the update will), it is compared entry
    by entry, and otherwise it is left out of the table and said."""
    shapes = {name: W.shape for name, W in params.items()}
    misshapen, uncompared = {}, set()

    def shaped(*args, **kwargs):
        grads = dict(backward(*args, **kwargs))
        for name, shape in shapes.items():
            if np.shape(grads[name]) != shape:
                misshapen[name] = np.shape(grads[name])
                try:
                    grads[name] = np.broadcast_to(grads[name], shape)
                except ValueError:
                    grads[name] = np.zeros(shape)  # a stand-in, so that the others are checked
                    uncompared.add(name)
        return grads

    with mock.patch.object(gradcheck.nn, "backward", shaped):  # what check_gradients calls
        checks = gradcheck.check_gradients(params, X, y, activation)
    errors = {name: e for name, e in checks.items() if name not in uncompared}
    text, wrong = gradcheck.table(errors, activation, "of the planted backward()",
                                  gradcheck.kinks_crossed(params, X, activation))
    said = [wrap(f"d{name} has shape {shape}, where {name} is {shapes[name]}: wrong by its "
                 "shape" + (", so it is not compared" if name in uncompared else ""),
                 first="  ", indent="    ") for name, shape in misshapen.items()]
    return "\n".join([text] + said), [n for n in params if n in wrong or n in misshapen]


# ---- the run: the chapter's beside the mistaken one ----

NOT_WITH_BUG = {  # flags that make no sense with --bug, and why
    "watch": "--watch animates one run, and --bug trains two: see both with --curve or --plot",
    "gradcheck": "--bug checks the mistaken backward pass itself: leave out --gradcheck",
    "shapes": "--bug shows what --shapes says where a shape is wrong: leave out --shapes",
    "boundary": "--boundary draws one network, and --bug trains two: --plot draws the "
                "mistaken one, with both runs' curves",
    "features": "--features draws one network, and --bug trains two: --plot draws the "
                "mistaken one, with both runs' curves",
    "hidden_space": "--hidden-space draws one network, and --bug trains two: --plot draws "
                    "the mistaken one, with both runs' curves",
}


# The data flags (docs/data.md), which --bug does not take: its runs and notes are the chapter's.
DATA_FLAGS = ("points", "test", "predict", "save", "load", "dump_data")


class Run(NamedTuple):
    """One training run: its log, its trained weights, its curve (or None), and where it stopped
    if it did not finish (None, or (epoch, the error))."""
    log: list
    params: dict
    curve: object
    stopped: object


def refusal(args):
    """Why args can't run, in one line, or None."""
    if args.bug not in MISTAKES:
        return None
    for flag, why in NOT_WITH_BUG.items():
        if getattr(args, flag):
            return why
    if args.layers:
        return "--bug runs the chapter's network alone: not with --layers"
    data_flags = [f"--{flag.replace('_', '-')}" for flag in DATA_FLAGS if getattr(args, flag)]
    if args.data != "xor" or data_flags:
        return f"--bug runs on the chapter's data alone: not with {(data_flags or ['--data'])[0]}"
    if MISTAKES[args.bug].tanh_only and args.activation != "tanh":
        return (f"--bug {args.bug} plants a mistake in a line of tanh's, which does not run "
                f"with --activation {args.activation}")
    return None


def run(args):
    """--bug NAME (or list): the chapter's run and the mistaken one, side by side. Returns the
    exit status: 0, the mistake being the point; 2 for a bad name or a combination that makes
    no sense."""
    if args.bug == "list":
        print(listing())
        return 0
    if args.bug not in MISTAKES:
        fail(f"nn_from_scratch.py: --bug {args.bug!r} is not one of these mistakes:")
        print(listing(), file=sys.stderr, flush=True)
        return 2
    why = refusal(args)
    if why:
        fail(f"nn_from_scratch.py: {why}")
        return 2
    mistake, name = MISTAKES[args.bug], args.bug
    print(wrap(f"--bug {name}: {mistake.about}, planted in a copy of {mistake.where}(); the "
               "chapter's functions run beside it, from the same starting weights.", indent=""))
    print(f"  the chapter's line, in {mistake.where}():\n    {mistake.right}")
    print(f"  the mistaken line:\n    {mistake.wrong}")
    X, y = nn.make_xor_data(seed=args.seed, noise=args.noise)
    print(f"data: {X.shape[0]} points, {X.shape[1]} features, {len(np.unique(y))} classes "
          "(XOR layout)")
    start = nn.init_params(X.shape[1], args.hidden, args.init, args.seed)
    if args.by_hand:
        print(by_hand(start, args, mistake))
    backward = mistaken_backward(mistake, args.lr)
    try:
        text, wrong = check_mistaken(backward, start, X, y, args.activation)
        text += "\n  found wrong: " + (", ".join(wrong) if wrong else "none")
    except ValueError:  # the mistaken backward pass stops before it returns
        text, wrong = wrap("gradient check of the planted backward(): it can't run, for "
                           "backward() stops with a shape error (below)", indent=""), None
    print(text)
    right = trained(start, X, y, args)
    with planted(mistake, args.lr):
        mistaken = trained(start, X, y, args, beside=right)
    print(wrap(f"final train accuracy: {final(right, X, y, args)} in the chapter's run, "
               f"{final(mistaken, X, y, args)} with the mistake", indent=""))
    if isinstance(mistaken.stopped, tuple) and isinstance(mistaken.stopped[1], ValueError):
        print(shape_error(mistaken.stopped[1], mistake, start, X, y, args))
    measured = Measured(backward, start, X, y, args, right, mistaken, wrong)
    print(wrap(measured.frozen() or NOTES[name](measured), indent=""))
    pictures(args, right, mistaken, start, X, y, name)
    return 0


def by_hand(start, args, mistake):
    """--by-hand's step, with the mistake planted."""
    from companion.by_hand import listing as step_by_hand
    try:
        with planted(mistake, args.lr):
            return step_by_hand(start, args.activation, args.lr, mistake)
    except ValueError as err:
        return wrap(f"--by-hand: the step stops at the mistaken line, with NumPy's error ({err});"
                    " the run below shows where", indent="")


def trained(start, X, y, args, beside=None):
    """A run of the chapter's train() (the mistaken one, inside planted()) from a copy of the
    starting weights. With `beside` (the chapter's run), each log line is printed as it is made,
    beside the chapter's line of that epoch."""
    from companion.cli import Progress
    params = {name: W.copy() for name, W in start.items()}
    curve = None
    if args.curve or args.plot:
        from companion.pictures import Curve
        curve = Curve(y, args.epochs)
    progress = Progress(args.epochs, "epoch")
    width = len(str(args.epochs - 1))
    theirs = {epoch: (loss, acc) for epoch, loss, acc in beside.log} if beside else {}
    log, latest = [], [0]

    def seen(epoch, p, row):
        latest[0] = epoch
        if row:
            log.append(row)
            if beside:
                progress.clear()
                _, loss, acc = row
                print(f"{chapters_line(epoch, theirs, args)}  |  loss {loss:.4f}  "
                      f"train-acc {acc:.3f}")
        if curve:
            curve.see(epoch, p)
        if progress.active:
            progress.update(epoch + 1)

    if beside:
        print(f"{'':{6 + width}}  {'the chapter' + chr(39) + 's run':<28}  |  with the mistake")
    stopped = None
    try:
        nn.train(params, X, y, args.activation, args.lr, args.epochs, seen)
    except (nn.Diverged, ValueError) as err:
        if not beside:  # the chapter's own run broke down: nn_from_scratch.py says so
            raise
        stopped = (err.epoch if isinstance(err, nn.Diverged) else log[-1][0], err)
    except KeyboardInterrupt as stop:  # Ctrl-C, SIGTERM, ...: one line, saying where
        run = "the mistaken run" if beside else "the chapter's run"
        raise Stop(getattr(stop, "signum", signal.SIGINT), f"at epoch {latest[0]} of {run}") \
            from None
    finally:
        progress.clear()
    if beside and stopped:
        print(f"{'':{6 + width}}  {'':28}  |  stopped at epoch {stopped[0]}")
        for epoch in sorted(set(theirs) - {row[0] for row in log}):
            print(f"{chapters_line(epoch, theirs, args)}  |")
        if isinstance(stopped[1], nn.Diverged):
            print(wrap(f"The mistaken run broke down at epoch {stopped[0]}: its numbers grew "
                       f"past what float64 can hold ({stopped[1].what}).", indent=""))
    return Run(log, params, curve, stopped)


def chapters_line(epoch, theirs, args):
    """The chapter's run's log line of an epoch, as nn_from_scratch.py prints it."""
    return nn.log_line(epoch, *theirs[epoch], args.epochs)


def final(done, X, y, args):
    """The run's final train accuracy, as nn_from_scratch.py prints it."""
    if done.stopped:
        return f"none (it stopped at epoch {done.stopped[0]})"
    return f"{nn.accuracy(nn.predict(done.params, X, args.activation), y):.3f}"


# ---- a shape error: where, NumPy's message, the operands' shapes, and the right line's ----

IN_PLACE = {ast.Add: operator.iadd, ast.Sub: operator.isub, ast.Mult: operator.imul,
            ast.Div: operator.itruediv}
BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
          ast.Div: operator.truediv, ast.Pow: operator.pow, ast.MatMult: operator.matmul}


def shape_error(err, mistake, start, X, y, args):
    """What a shape error says: the line it stopped at, NumPy's message, the shapes of the two
    operands it could not combine, and what --shapes shows for the chapter's line."""
    from companion.pictures import shapes_table
    stop = where_it_stopped(err, mistake)
    lines = []
    if stop:
        function, text, _ = stop
        later = "" if function == mistake.where else \
            f", the function after the mistaken line's {mistake.where}()"
        lines.append(wrap(f"the shape error, in {function}(){later}, at the line:",
                          indent=""))
        lines.append(f"    {text}")
    lines.append(wrap(f"NumPy's message: {err}", indent="    ", first="  "))
    if stop:
        lines.append("  its operands: " + ", ".join(f"{t} is {s}" for t, s in stop[2]))
    table = shapes_table(start, X, y, args.activation).splitlines()
    wanted = {n.id for n in ast.walk(ast.parse(mistake.right)) if isinstance(n, ast.Name)}
    rows = [row for row in table[2:] if row.split()[0] in wanted]
    lines.append(f"what --shapes shows for the chapter's line, {mistake.right}:")
    return "\n".join(lines + rows)


def where_it_stopped(err, mistake):
    """(function, line, operands) of the line a shape error stopped at, or None: the line is
    the mistaken one, in its wrong function, or update()'s, the function after backward(); the
    last frame of the traceback in either says which, and the operands of one of its operations,
    read in that frame, raising NumPy's same message again confirm it."""
    lines = {mistake.function.__code__: (mistake.where, mistake.wrong),
             nn.update.__code__: ("update", UPDATE_LINE)}
    frame, tb = None, err.__traceback__
    while tb:
        if tb.tb_frame.f_code in lines:
            frame = tb.tb_frame
        tb = tb.tb_next
    if frame is None:
        return None
    function, text = lines[frame.f_code]
    operands = culprit(text, frame, err)
    return (function, text, operands) if operands else None


def culprit(text, frame, err):
    """[(operand, shape), (operand, shape)] of the operation on the line that raises err: each
    binary operation's operands are evaluated in the frame again, and the operation retried on
    zeros of their shapes, until one raises NumPy's same message."""
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.AugAssign) and type(node.op) in IN_PLACE:
            pair, op = (node.target, node.value), IN_PLACE[type(node.op)]
        elif isinstance(node, ast.BinOp) and type(node.op) in BINARY:
            pair, op = (node.left, node.right), BINARY[type(node.op)]
        else:
            continue
        texts = [ast.get_source_segment(text, n) for n in pair]
        try:  # the operands as they were when it stopped (reading them changes nothing)
            shapes = [np.shape(eval(t, frame.f_globals, frame.f_locals)) for t in texts]
        except Exception:  # an operand that can't be read again: not this one
            continue
        try:
            op(np.zeros(shapes[0]), np.zeros(shapes[1]))
        except ValueError as again:
            if str(again) == str(err):
                return list(zip(texts, shapes))
    return None


# ---- the pictures: both runs' curves ----

def pictures(args, right, mistaken, start, X, y, name):
    """--curve: the chapter's run's curve, then the mistaken run's; --plot: the figure of the
    mistaken network, with both runs' curves."""
    if args.curve:
        print("the chapter's run:")
        print(right.curve.plot())
        print(f"with --bug {name}:")
        print(mistaken.curve.plot())
    if args.plot:
        from companion import plot
        if mistaken.stopped:  # a network that broke down has no picture to draw
            print(wrap(f"no figure: the mistaken run stopped at epoch {mistaken.stopped[0]}"))
            return
        figure = plot.figure
        with mock.patch.object(plot, "figure",  # the name save_figure() draws with
                               lambda *a: both_curves(figure(*a), right.curve, name)):
            plot.save_figure(args.plot, start, mistaken.params, X, y, args.activation,
                             mistaken.curve)
        print(wrap(f"figure saved to {printable(args.plot)}"))


def both_curves(fig, chapters, name):
    """plot.figure's figure of the mistaken run, the chapter's run's curves added to its
    training panel, dashed, and the legend saying which is which."""
    training = next(ax for ax in fig.axes if ax.get_title() == "training")
    accuracy = next(ax for ax in fig.axes if ax.get_ylabel() == "train accuracy")
    for line in training.get_lines() + accuracy.get_lines():
        line.set_label(f"{line.get_label()}, --bug {name}")
    n = chapters.epochs
    x = np.arange(n) + 1
    from companion.pictures import above_zero
    training.plot(x, above_zero(chapters.loss[:n])[0], color="k", linestyle="--",
                  label="loss, the chapter's run")
    accuracy.plot(x, chapters.acc[:n], color="tab:green", linestyle="--",
                  label="train accuracy, the chapter's run")
    low = min(0.45, np.nanmin(chapters.acc[:n]), *(l.get_ydata().min()
                                                   for l in accuracy.get_lines()))
    accuracy.set_ylim(low, 1.02)
    training.set_xlim(1, max(n, 2, training.get_xlim()[1]))
    training.legend(handles=training.get_lines() + accuracy.get_lines(), loc="center right",
                    fontsize=7)
    fig.suptitle(f"with --bug {name} planted: " + fig.get_suptitle())
    return fig


# ---- what to see: each mistake's sentences, from the runs' measurements ----

class Measured:
    """What the notes quote, measured on the two runs."""

    def __init__(self, backward, start, X, y, args, right, mistaken, wrong):
        self.backward = backward  # the backward pass that runs with the mistake
        self.start, self.X, self.y, self.args = start, X, y, args
        self.right, self.mistaken, self.wrong = right, mistaken, wrong

    def ends(self):
        """Where the mistaken run ends, beside the chapter's."""
        if self.mistaken.stopped:
            return f"It stopped at epoch {self.mistaken.stopped[0]}."
        (r_loss, r_acc), (w_loss, w_acc) = (self.last(run) for run in (self.right,
                                                                        self.mistaken))
        places = 4 if f"{w_loss:.4f}" != f"{r_loss:.4f}" else 6  # two numbers never alike
        text = (f"Train-acc ends at {w_acc:.3f} against the chapter's {r_acc:.3f}, the loss at "
                f"{w_loss:.{places}f} against {r_loss:.{places}f}.")
        _, _, logged = self.mistaken.log[-1]
        if f"{logged:.3f}" != f"{w_acc:.3f}":  # a run that jumps about moved in its last step
            text += (f" (The log's last row, {logged:.3f}, is measured before the last "
                     "update, as the chapter's log is.)")
        return text

    def last(self, done):
        """The loss and accuracy of the trained network."""
        p = nn.predict(done.params, self.X, self.args.activation)
        return float(nn.bce_loss(p, self.y)), float(nn.accuracy(p, self.y))

    def checked(self):
        """What the gradient check said."""
        if self.wrong is None:
            return "The gradient check can't run: backward() stops."
        if not self.wrong:
            return "The gradient check passes: backward() is right."
        named = ", ".join(self.wrong[:-1]) + " and " if len(self.wrong) > 1 else ""
        return f"The gradient check finds {named}{self.wrong[-1]} wrong."

    def step(self, params=None):
        """The angle, in degrees, between the mistaken backward pass's gradient and the true one
        (all four arrays as one vector), and the ratio of their lengths, at params."""
        params = params or self.start
        z1, a1, _, p = nn.forward(params, self.X, self.args.activation)
        args = (params, self.X, self.y, z1, a1, p, self.args.activation)
        true, mistaken = nn.backward(*args), self.backward(*args)
        t = np.concatenate([true[k].ravel() for k in params])
        g = np.concatenate([np.broadcast_to(mistaken[k], params[k].shape).ravel()
                            for k in params])
        if not (np.linalg.norm(t) and np.linalg.norm(g)):  # no direction to compare
            return None, None
        cos = t @ g / (np.linalg.norm(t) * np.linalg.norm(g))
        return float(np.degrees(np.arccos(np.clip(cos, -1, 1)))), float(
            np.linalg.norm(g) / np.linalg.norm(t))

    def log_losses(self, done):
        return [loss for _, loss, _ in done.log]

    def frozen(self):
        """A sentence when the true gradient is zero at the starting weights (--init zeros):
        neither run moves, and no mistake can show; else None."""
        z1, a1, _, p = nn.forward(self.start, self.X, self.args.activation)
        true = nn.backward(self.start, self.X, self.y, z1, a1, p, self.args.activation)
        if any(np.any(true[k]) for k in self.start):
            return None
        return (f"{self.checked()} At these starting weights the true gradient is zero: the "
                f"chapter's run does not move, and the mistake has nothing to show. {self.ends()}")

    def angles(self):
        """The planted gradient's angle from the true one, at the start and at the end."""
        start, _ = self.step()
        text = f"{degrees(start)} from the true gradient at the starting weights"
        if not self.mistaken.stopped:
            text += f" and {degrees(self.step(self.mistaken.params)[0])} at the end"
        return text

    def rises(self, done):
        """How many times the loss is higher at a log line than at the one before."""
        losses = self.log_losses(done)
        return sum(b > a for a, b in zip(losses, losses[1:])), len(losses) - 1


def degrees(angle):
    """12 degrees, 0.9 degrees, 0.004 degrees: small angles with the digits that say them."""
    if angle is None:
        return "no angle (a gradient of zero)"
    return f"{angle:.0f} degrees" if angle >= 10 else f"{angle:.2g} degrees"


def barely(m):
    """Whether the mistaken run ends where the chapter's does: within 0.01 of its accuracy and
    10% of its loss."""
    (r_loss, r_acc), (w_loss, w_acc) = m.last(m.right), m.last(m.mistaken)
    return abs(w_acc - r_acc) <= 0.01 and abs(w_loss - r_loss) <= 0.1 * r_loss


def tanh_slope(m):
    return (f"{m.checked()} dz1's line is wrong, and dz1 feeds dW1 and db1 alone. 1 - a1 is the "
            f"slope 1 - a1**2 divided by 1 + a1: the step points {m.angles()}. {m.ends()}")


def no_mean(m):
    _, ratio = m.step()
    n = len(m.X)
    up, of = m.rises(m.mistaken)
    times = f"{ratio:.1f} times" if ratio else "m times"
    return (f"{m.checked()} Each gradient is {times} the true one (m = {n}), pointing "
            f"the same way: the step of lr {m.args.lr:g} is one of lr {m.args.lr * n:g}. "
            f"{m.ends()} The loss rose at {up} of the {of} log lines after the first. A step "
            "that large is chaotic: it magnifies the last bits of the arithmetic, which differ "
            "between processors, so where the run ends differs too.")


def sigmoid_slope(m):
    _, start = m.step()
    _, end = m.step(m.mistaken.params) if not m.mistaken.stopped else (None, None)
    text = (f"{m.checked()} dz2 feeds them all. Its extra factor p(1 - p) is at most 0.25, and "
            "near 0 where the network is sure")
    if start:
        text += (f": the gradient is {start:.2f} times the true one's length at the starting "
                 "weights")
        if end:
            text += f" and {end:.2f} at the end"
    return f"{text}. {m.ends()}"


def no_bias_update(m):
    text = (f"{m.checked()} The mistake is in update(), which the check does not run. "
            f"{m.ends()} ")
    if m.mistaken.stopped:
        return text
    params, X, activation = m.mistaken.params, m.X, m.args.activation
    odd = float(np.abs(nn.forward(params, X, activation)[2]
                       + nn.forward(params, -X, activation)[2]).max())
    if odd > 1e-12:
        return text + (f"With {activation}, z2(x) + z2(-x) is as large as {odd:.2g} over the "
                       "points: the units are not odd functions, so the symmetry that holds "
                       "tanh at 0.5 does not hold here.")
    p = nn.predict(params, nn.CENTRES, activation)[:, 0]
    return text + ("With b1 and b2 left at 0, each tanh unit is an odd function of x, and so is "
                   "z2: measured, z2(-x) = -z2(x) "
                   + ("exactly" if odd == 0 else f"to within {odd:.1g}") + f" at all {len(X)} "
                   "points, so "
                   "P(class 1) at -x is 1 - P at x. XOR's opposite corners share a class, so one "
                   f"of each pair is on the wrong side: P = {p[0]:.3f} at (-1,-1) and "
                   f"{p[1]:.3f} at (+1,+1), {p[2]:.3f} at (-1,+1) and {p[3]:.3f} at (+1,-1).")


def updated_w2(m):
    text = (f"{m.checked()} Only da1 is wrong, and it feeds dW1 and db1: W2 - lr*dW2 differs "
            f"from W2 by lr*dW2, so the step points {m.angles()}, as dW2 shrinks. {m.ends()}")
    if barely(m):
        text += " The run barely shows it: only the gradient check sees it."
    return text


def db1_every_axis(m):
    return (f"{m.checked()} db1 is one number, the sum over the {m.args.hidden} units of the "
            "right db1, and update() gives every unit's bias that same step: the step points "
            f"{m.angles()}. {m.ends()}")


def plus_equals(m):
    losses = m.log_losses(m.mistaken)
    text = (f"{m.checked()} The mistake is in update(), which the check does not run: each "
            f"step goes up the gradient, not down. The loss goes from {losses[0]:.4f} at epoch "
            f"0 to {losses[-1]:.4f}. {m.ends()}")
    if not m.mistaken.stopped and m.last(m.mistaken)[1] < 0.5:
        text += " Below 0.5: worse than a guess, for the network is pushed to be wrong."
    return text


def sign_flipped(m):
    angle, _ = m.step()
    params = {name: W.copy() for name, W in m.start.items()}
    try:
        with planted(MISTAKES["plus-equals"], m.args.lr):
            same = nn.train(params, m.X, m.y, m.args.activation, m.args.lr,
                            m.args.epochs) == m.mistaken.log
    except nn.Diverged:
        same = False
    text = (f"{m.checked()} All four: dz2 feeds them, and each is the true gradient turned "
            f"round, {angle:.0f} degrees from it. update() then steps uphill. {m.ends()}")
    if same:
        text += (" W - lr*(-dW) is W + lr*dW: this is --bug plus-equals's run, the same log to "
                 "the last digit, but here the gradient check sees it.")
    return text


def no_transpose(m):
    if not m.mistaken.stopped:
        return (f"{m.checked()} With {m.args.hidden} hidden unit, W2 is (1, 1), its own "
                f"transpose: the mistaken line computes the right thing. {m.ends()}")
    hidden, n = m.args.hidden, len(m.X)
    return ("The gradient check can't run: backward() stops at the mistaken line, at the first "
            f"step. W2.T turns W2's ({hidden}, 1) into (1, {hidden}), so that dz2 ({n}, 1) @ "
            f"W2.T is da1 ({n}, {hidden}), a1's shape: one number for each point and unit.")


def db1_wrong_axis(m):
    hidden, n = m.args.hidden, len(m.X)
    return (f"{m.checked()} sum(1) adds up each point's {hidden} units: db1 is ({n}, 1), a "
            f"number for each point, where b1 has one for each unit, (1, {hidden}). backward() "
            "runs; NumPy stops one function later, when update() subtracts lr*db1 from b1 in "
            "place. sum(0) adds up the points, and keepdims keeps b1's two axes.")


def slope_of_z(m):
    z1 = nn.forward(m.start, m.X, m.args.activation)[0]
    share = float(np.mean(np.abs(z1) > 1))
    text = (f"{m.checked()} 1 - z1**2 is near tanh's slope only near z1 = 0; where |z1| > 1 it "
            f"is below 0, and there the step goes uphill: at the starting weights, for "
            f"{share:.0%} of the (point, unit) pairs. The step points {m.angles()}. ")
    if isinstance(m.mistaken.stopped and m.mistaken.stopped[1], nn.Diverged):
        return text + (f"Those z1 grow, until z1**2 overflows at epoch "
                       f"{m.mistaken.stopped[0]}.")
    return text + m.ends()


def no_slope(m):
    return (f"{m.checked()} Without tanh's slope, dz1 is da1, as if the hidden layer had no "
            f"tanh: the step points {m.angles()}. {m.ends()}")


NOTES = {"tanh-slope": tanh_slope, "no-mean": no_mean, "sigmoid-slope": sigmoid_slope,
         "no-bias-update": no_bias_update, "updated-W2": updated_w2,
         "db1-every-axis": db1_every_axis, "plus-equals": plus_equals,
         "no-transpose": no_transpose, "sign-flipped": sign_flipped, "slope-of-z": slope_of_z,
         "no-slope": no_slope, "db1-wrong-axis": db1_wrong_axis}
