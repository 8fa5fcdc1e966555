"""--play: the chapter's network in a terminal playground. Train it, pause it, step it one
epoch at a time, turn the learning rate up or down while it trains, add and remove hidden
layers, and look at it five ways.

    python nn_from_scratch.py --play --hidden 3 --lr 2
    python nn_from_scratch.py --play --layers 8,8 --data spiral3

The chapter's network (one hidden layer, two classes) trains with the chapter's own forward(),
backward() and update(), imported from nn_from_scratch; a deeper one, or one with K > 2 classes
(a softmax output), with companion/layers.py's, which are the chapter's lines in a loop over
the layers. It draws with the pictures of --boundary, --features, --hidden-space, --curve and
--by-hand (companion/pictures.py, companion/by_hand.py), sized to the window.

Three parts, so that all but the last can be tested without a terminal:

    Playground    the state: settings, data, weights, epoch. press(key) is what a key does,
                  train_frame(clock) the epochs of one frame, screen(cols, rows) the lines drawn
    run(...)      the loop: keys, frames and redraws, with the terminal and the clock passed in
    main(args)    the real terminal: the refusals, curses, every way out, the summary after

The terminal library is the standard library's curses: nothing to install on Linux or macOS,
and windows-curses (requirements-play.txt) gives Windows the same module. docs/play.md says why.
"""

import math
import os
import signal
import sys
import textwrap
import time

import numpy as np

from companion import layers
from companion.cli import Refused, Stop, fail, wrap
from companion.datasets import DATA_NAMES, make_data, make_test_data
from companion.flags import MOST_LAYERS
from companion.inputs import widths
from nn_from_scratch import (ACTIVATIONS, INITS, accuracy, backward, bce_loss, forward,
                             init_params, update)

SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)  # epochs a frame, at most
SPEED = 10      # the starting speed: 200 epochs a second, the chapter's 2000 in ten seconds
FRAME = 0.05    # seconds from one frame's start to the next: 20 frames a second
BUDGET = 0.05   # the most seconds of training in one frame, so a key waits at most this long
IDLE = 0.05     # seconds to wait for a key while paused (a resize is seen as soon)
MOST_UNITS = 256            # `H` stops here, in every hidden layer
CURVE_EPOCHS = 2**20        # the curve keeps the first million epochs (16 MB)
SMALLEST = (40, 10)         # the smallest window drawn in, columns x rows
ROOM = 4                    # the fewest lines of a view: fewer, and the keys line is cut short
VIEWS = ("regions", "units", "hidden space", "curve", "by hand")

# The keys, as the help line shows them; every other spelling of a key is in KEY_ALIASES.
KEYS = [("space", "run/pause"), ("s/S", "step 1/10"), ("+/-", "lr x2 /2"), ("</>", "speed"),
        ("r", "reset"), ("n", "new seed"), ("h/H", "units -/+"), ("l/L", "layers -/+"),
        (f"1-{MOST_LAYERS}", "pick layer"), ("a", "activation"), ("d", "data"), ("i", "init"),
        ("v", "view"), ("?", "help"), ("q", "quit")]
LAYER_KEYS = tuple(str(k) for k in range(1, MOST_LAYERS + 1))  # pick hidden layer 1, 2, ...
KEY_ALIASES = {"=": "+", "_": "-", ",": "<", ".": ">", "k": "up", "j": "down", "p": " ",
               "Q": "q", "V": "back"}
HELP = [
    "keys of the playground (? again to close this page)",
    "",
    "  space    run or pause training (p too)",
    "  s  S     train 1 epoch, or 10 (pauses first)",
    "  +  -     the learning rate times 2, or divided by 2, live: no reset",
    "  <  >     slower or faster: fewer or more epochs a frame (20 frames a second)",
    "  r        reset: back to the very same starting weights, epoch 0",
    "  n        a new seed (the next one): new data and new starting weights",
    "  h  H     one unit fewer or more in the picked layer (new starting weights)",
    "  l  L     a hidden layer fewer or more, at the end (new starting weights); L's",
    "           layer is as wide as the last, and picked",
    f"  1 to {MOST_LAYERS}   pick the hidden layer that h and H change: [8] in the status's net",
    "  a        the next activation of the hidden layers (same starting weights)",
    "  d        the next data set: " + ", ".join(DATA_NAMES),
    "  i        the next initialisation: " + ", ".join(INITS),
    "  v  V     the next view, or the one before",
    "  up down  scroll a view taller than the window (j, k, PgUp, PgDn too)",
    "  q        quit: where the run stood, and the command line that starts it again",
    "",
    "The epoch is the number of updates done. The loss and accuracies are those of",
    "the current weights: the next epoch's forward pass, as the chapter's log has it.",
    "net 2-8-1 is the chapter's network (the chapter's own functions train it); a",
    "deeper one or spiral3's 3 classes (a softmax) train with companion/layers.py's.",
]


def unit_for(value, places):
    return f"{value:.{places}f}" if math.isfinite(value) else "-"


def command_number(value):
    """A float as a command line writes it back exactly: 0.5, 1, 0.0625, 9.765625e-05."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


class Playground:
    """The playground's state, and what each key and each frame does to it.

    Settings: data, points, test (held-out points, 0 for none), noise, seed, widths (the
    hidden layers' units: `layers`, or `hidden`'s one layer), pick (the hidden layer h and H
    change, from 0), activation, init, lr, speed. State: the data and its classes, the starting
    weights `start` and the weights `params`, the epoch (updates done), running or paused, the
    view, the curve so far.
    """

    def __init__(self, data="xor", points=400, test=0, noise=0.35, seed=0, hidden=8,
                 activation="tanh", init="xavier", lr=0.5, layers=None):
        self.data, self.points, self.test, self.noise = data, points, test, noise
        self.widths = tuple(layers or (hidden,))
        self.pick = len(self.widths) - 1
        self.seed, self.activation, self.init = seed, activation, init
        self.lr, self.speed = lr, SPEED
        self.running, self.quit, self.help = True, False, False
        self.view, self.scroll, self.page = 0, 0, 1
        self.message = ""
        self.new_data()

    @classmethod
    def from_args(cls, args):
        """The playground of nn_from_scratch.py's command line (--data, --points and --test
        where they exist)."""
        return cls(data=getattr(args, "data", None) or "xor",
                   points=getattr(args, "points", None) or 400,
                   test=getattr(args, "test", None) or 0, noise=args.noise, seed=args.seed,
                   hidden=args.hidden, layers=getattr(args, "layers", None),
                   activation=args.activation, init=args.init, lr=args.lr)

    @property
    def hidden(self):
        """The picked hidden layer's units: with one hidden layer, the chapter's `hidden`."""
        return self.widths[self.pick]

    @property
    def chapters(self):
        """Whether the network is the chapter's: one hidden layer, two classes (one sigmoid
        unit). It then trains with nn_from_scratch's own functions; else with layers.py's."""
        return len(self.widths) == 1 and self.classes == 2

    def net(self, mark=True):
        """The layers' widths, 2-8-1 as the chapter writes it; with several hidden layers, the
        picked one in brackets (mark): 2-8-[8]-1."""
        sizes = layers.sizes(self.X.shape[1], self.widths, self.classes)
        return layers.name(f"[{w}]" if mark and k == self.pick + 1 and len(self.widths) > 1
                           else w for k, w in enumerate(sizes))

    # ---- starting over ----

    def new_data(self):
        """The data of the settings, then new starting weights."""
        self.X, self.y = make_data(self.data, self.seed, self.noise, self.points)
        self.classes = int(self.y.max()) + 1  # labels 0 to K - 1: spiral3's 3
        self.Xt = self.yt = None
        if self.test:
            self.Xt, self.yt = make_test_data(self.data, self.seed, self.noise, self.test)
        self.new_weights()

    def new_weights(self):
        """The starting weights of the settings, then a reset: the chapter's init_params for its
        network, layers.init_params (the same draws, layer after layer) for any other."""
        if self.chapters:
            self.start = init_params(self.X.shape[1], self.widths[0], self.init, self.seed)
        else:
            sizes = layers.sizes(self.X.shape[1], self.widths, self.classes)
            self.start = layers.init_params(sizes, self.init, self.seed)
        self.reset()

    def reset(self):
        """Back to the starting weights, bit for bit, at epoch 0; the settings stay."""
        self.params = {name: W.copy() for name, W in self.start.items()}
        self.epoch, self.broken = 0, None
        self.rates = [(0, self.lr)]  # (epoch, lr): where each learning rate took over
        self.loss = np.full(1024, np.nan)  # the loss and accuracy of each epoch trained
        self.acc = np.full(1024, np.nan)

    # ---- training ----

    def train_epochs(self, n):
        """n epochs, each as the chapter's train() does one: forward, backward, update (any
        other network: as layers.train() does one, with layers.py's functions). Its loss and
        accuracy are kept for the curve. On a number float64 can't hold the playground pauses,
        with the weights as they were before that epoch, and says so."""
        P, X, y, activation = self.params, self.X, self.y, self.activation
        forward_of, backward_of, update_of, loss_of, accuracy_of = self.functions()
        for _ in range(n):
            try:
                with np.errstate(over="raise", invalid="raise", divide="raise"):
                    # the chapter's forward() returns z1, a1, z2, p; layers.py's z, a, p:
                    # backward takes the first two, z1 and a1 or z and a, either way
                    *cache, p = forward_of(P, X, activation)
                    grads = backward_of(P, X, y, *cache[:2], p, activation)
                    before = {name: W.copy() for name, W in P.items()}
                    update_of(P, grads, self.lr)
                    loss, acc = loss_of(p, y), accuracy_of(p, y)
            except FloatingPointError as err:
                if "before" in locals():
                    for name, W in before.items():
                        P[name][...] = W
                self.broken = (f"training broke down at epoch {self.epoch} ({err}): "
                               "- lowers the lr, r resets")
                self.running = False
                return
            self.keep(loss, acc)
            self.epoch += 1

    def functions(self):
        """forward, backward, update, loss and accuracy: the chapter's own for its network,
        layers.py's for any other."""
        if self.chapters:
            return forward, backward, update, bce_loss, accuracy
        return layers.forward, layers.backward, layers.update, layers.loss, layers.accuracy

    def keep(self, loss, acc):
        """The curve: the loss and accuracy of the epoch, in arrays that double as they fill."""
        if self.epoch >= CURVE_EPOCHS:
            return
        if self.epoch == len(self.loss):
            self.loss = np.concatenate([self.loss, np.full(len(self.loss), np.nan)])
            self.acc = np.concatenate([self.acc, np.full(len(self.acc), np.nan)])
        self.loss[self.epoch], self.acc[self.epoch] = loss, acc

    def train_frame(self, clock):
        """One frame's training: `speed` epochs, or as many as fit in BUDGET seconds of clock
        (judged by the last epoch's time), so that a key pressed meanwhile waits no longer.
        Returns the epochs trained."""
        start = last = clock()
        done = 0
        while self.running and done < self.speed:
            self.train_epochs(1)
            done += 1
            now = clock()
            if now - start + (now - last) > BUDGET:  # another epoch would overrun
                break
            last = now
        return done

    # ---- the keys ----

    def press(self, key):
        """What a key does. Keys are one character, or 'up', 'down', 'pgup', 'pgdn', 'back',
        'resize' (a redraw)."""
        key = KEY_ALIASES.get(key, key)
        self.message = ""
        if key in LAYER_KEYS:
            self.set_pick(LAYER_KEYS.index(key))
            return
        if key in ("up", "down", "pgup", "pgdn"):
            step = {"up": -1, "down": 1, "pgup": -self.page, "pgdn": self.page}[key]
            self.scroll = max(0, self.scroll + step)
            return
        action = {
            " ": self.pause, "s": lambda: self.step(1), "S": lambda: self.step(10),
            "+": lambda: self.set_lr(self.lr * 2), "-": lambda: self.set_lr(self.lr / 2),
            "<": lambda: self.set_speed(-1), ">": lambda: self.set_speed(+1),
            "r": self.reset, "n": lambda: self.change("seed", self.seed + 1, self.new_data),
            "h": lambda: self.set_hidden(self.hidden - 1),
            "H": lambda: self.set_hidden(self.hidden + 1),
            "l": lambda: self.set_depth(len(self.widths) - 1),
            "L": lambda: self.set_depth(len(self.widths) + 1),
            "a": lambda: self.change("activation", following(tuple(ACTIVATIONS), self.activation),
                                     self.reset),
            "d": lambda: self.change("data", following(DATA_NAMES, self.data), self.new_data),
            "i": lambda: self.change("init", following(INITS, self.init), self.new_weights),
            "v": lambda: self.set_view(+1), "back": lambda: self.set_view(-1),
            "?": self.toggle_help, "q": self.stop,
        }.get(key)
        if action:
            action()

    def pause(self):
        self.running = not self.running
        if self.running:
            self.broken = None  # a second try, perhaps at a smaller lr

    def step(self, n):
        self.running = False
        self.broken = None
        self.train_epochs(n)

    def set_lr(self, lr):
        if not 0 < lr < math.inf:
            self.message = f"lr {lr:g} is out of reach"
            return
        self.lr = lr
        self.broken = None
        if self.rates[-1][0] == self.epoch:
            self.rates[-1] = (self.epoch, lr)
        else:
            self.rates.append((self.epoch, lr))

    def set_speed(self, by):
        at = SPEEDS.index(self.speed) if self.speed in SPEEDS else SPEEDS.index(SPEED)
        self.speed = SPEEDS[min(max(at + by, 0), len(SPEEDS) - 1)]

    def set_hidden(self, hidden):
        """The picked hidden layer's units, with new starting weights."""
        if not 1 <= hidden <= MOST_UNITS:
            self.message = f"hidden units go from 1 to {MOST_UNITS}"
            return
        widths = list(self.widths)
        widths[self.pick] = hidden
        self.set_widths(tuple(widths), self.pick)

    def set_depth(self, depth):
        """One hidden layer fewer (the last) or more (after the last, as wide, and picked), with
        new starting weights."""
        if not 1 <= depth <= MOST_LAYERS:
            self.message = f"hidden layers go from 1 to {MOST_LAYERS}"
            return
        widths = self.widths[:depth] + self.widths[-1:] * (depth - len(self.widths))
        self.set_widths(widths, min(self.pick, depth - 1) if depth < len(self.widths)
                        else depth - 1)

    def set_widths(self, widths, pick):
        """New hidden layers and new starting weights, where they fit in the memory budget that
        --play's start was checked against (flags.refuse_early); else it says so."""
        too_big = self.beyond_budget(widths)
        if too_big:
            self.message = too_big
            return
        self.pick = pick
        self.change("widths", widths, self.new_weights)

    def beyond_budget(self, widths):
        """What to say if hidden layers of these widths would take the playground past the
        memory budget, as a run of them with a picture would (flags.run_memory); else None."""
        from types import SimpleNamespace
        from companion.cli import memory_budget
        from companion.flags import run_memory, size
        run = SimpleNamespace(activation=self.activation, layers=tuple(widths),
                              hidden=widths[0], boundary=True, features=False, watch=False,
                              hidden_space=False, plot=None, curve=False, epochs=0)
        need = run_memory(run, self.points + self.test, self.X.shape[1], self.classes)
        budget = memory_budget()
        if need <= budget:
            return None
        net = layers.name(layers.sizes(self.X.shape[1], widths, self.classes))
        return (f"a {net} network would need about {size(need, up=True)} of memory; the "
                f"budget is {size(budget, up=False)}")

    def set_pick(self, layer):
        """The hidden layer that h and H change, from 0: nothing else changes."""
        if layer < len(self.widths):
            self.pick = layer
        else:
            self.message = (f"no hidden layer {layer + 1}: there are {len(self.widths)} "
                            "(L adds one)")

    def change(self, name, value, then):
        setattr(self, name, value)
        then()

    def set_view(self, by):
        self.view = (self.view + by) % len(VIEWS)
        self.help, self.scroll = False, 0

    def toggle_help(self):
        self.help, self.scroll = not self.help, 0

    def stop(self):
        self.quit = True

    # ---- what is drawn ----

    def measured(self):
        """loss, train-acc, test-acc (nan without a test set) of the current weights."""
        forward_of, _, _, loss_of, accuracy_of = self.functions()
        with np.errstate(all="ignore"):
            p = forward_of(self.params, self.X, self.activation)[-1]
            loss, acc = float(loss_of(p, self.y)), float(accuracy_of(p, self.y))
            test = math.nan
            if self.test:
                test = float(accuracy_of(forward_of(self.params, self.Xt, self.activation)[-1],
                                         self.yt))
        return loss, acc, test

    def status(self):
        loss, acc, test = self.measured()
        words = [f"epoch {self.epoch}", f"loss {unit_for(loss, 4)}", f"train-acc {acc:.3f}"]
        if self.test:
            words.append(f"test-acc {test:.3f}")
        words += [f"lr {self.lr:g}", f"net {self.net()}", self.activation, self.data,
                  f"seed {self.seed}", f"init {self.init}", f"speed {self.speed}/frame",
                  "running" if self.running else "broken down" if self.broken else "paused"]
        if self.broken or self.message:
            words.append(self.broken or self.message)
        return words

    def key_help(self):
        return [f"{keys} {what}" for keys, what in KEYS]

    def view_lines(self, cols, rows):
        """The current view (or the help page) as lines, drawn to fit cols x rows where it can."""
        if self.help:
            return HELP
        try:
            with np.errstate(all="ignore"):
                return getattr(self, "draw_" + VIEWS[self.view].replace(" ", "_"))(cols, rows)
        except Refused as err:  # a picture that can't draw this network says why
            return fitted([f"{VIEWS[self.view]}: {err}"], cols)

    def draw_regions(self, cols, rows):
        from companion.pictures import boundary_map, key
        head = fitted(key(self.classes), cols)
        if rows < 14 or rows - len(head) < 11:  # the map first: the legend where there's room
            head = []
        text = boundary_map(self.params, self.X, self.y, self.activation,
                            cols=clamp(cols - 9, 16, 160),
                            rows=clamp(rows - 3 - len(head), 4, 60), legend=False)
        return head + text.split("\n")

    def draw_units(self, cols, rows):
        from companion.pictures import feature_maps
        units = self.widths[0]  # the first hidden layer's: the features made from the inputs
        per_row = min(units, max(1, (cols + 3) // 20))  # 17 columns a map, 3 between
        groups = math.ceil(units / per_row)
        unit_rows = clamp((rows - 2) // groups - 2, 4, 12)
        unit_cols = clamp((cols + 3) // per_row - 3, 17, 30)
        # the XOR clusters' centres, which the maps mark, mean something on XOR alone
        centres = {} if self.data == "xor" else {"centres": None}
        return feature_maps(self.params, self.X, self.activation, cols=unit_cols, rows=unit_rows,
                            per_row=per_row, **centres).split("\n")

    def draw_hidden_space(self, cols, rows):
        from companion.pictures import hidden_space_map
        return hidden_space_map(self.params, self.X, self.y, self.activation,
                                f"at epoch {self.epoch}", cols=clamp(cols - 9, 16, 160),
                                rows=clamp(rows - 6, 4, 60)).split("\n")

    def draw_curve(self, cols, rows):
        from companion.pictures import Curve
        n = min(self.epoch, CURVE_EPOCHS)
        if n < 2:
            return ["the loss and accuracy curve: it needs two epochs or more (space runs, "
                    "s steps)"]
        curve = Curve(self.y, 0)
        curve.loss, curve.acc, curve.epochs = self.loss[:n], self.acc[:n], n
        width = clamp(cols - 9, 10, 160)
        lines = curve.plot(cols=width).split("\n")
        head = len(lines) - (12 + 6 + 4)  # the header's lines: wrapped, one to three
        room = max(6, rows - head - 4)
        loss_rows = max(3, room * 2 // 3)
        lines = curve.plot(cols=width, loss_rows=loss_rows, acc_rows=max(3, room - loss_rows))
        lines = lines.split("\n")
        if self.epoch > n:
            lines.insert(0, f"(the curve keeps the first {n:,} epochs of {self.epoch:,})")
        return lines

    def draw_by_hand(self, cols, rows):
        if not self.chapters:
            return fitted([f"by hand: --by-hand steps the chapter's network alone, one hidden "
                           f"layer and 2 classes; this one is {self.net(mark=False)}"], cols)
        from companion.by_hand import listing
        from companion.inputs import four_points
        head = f"--by-hand at epoch {self.epoch} (up/down scroll):"
        points = None if self.data == "xor" else four_points(self.X, self.y)
        text = listing(self.params, self.activation, self.lr, points=points,
                       training=len(self.X), weights=f"the weights after epoch {self.epoch}"
                       if self.epoch else "the starting weights")
        return [head, ""] + text.split("\n")

    def screen(self, cols, rows):
        """Every line of the screen at cols x rows: the status, the view, the keys."""
        if cols < SMALLEST[0] or rows < SMALLEST[1]:
            least = f"{SMALLEST[0]}x{SMALLEST[1]}"
            said = f"window too small ({cols}x{rows}): --play takes {least} or more"
            return [said if len(said) <= cols else f"too small: needs {least}"[:cols]]
        top = packed(self.status(), cols)
        bottom = packed(self.key_help(), cols)
        if rows - len(top) - len(bottom) < ROOM:  # a small window: the view before the keys
            bottom = packed(["? help (the keys)", "q quit"], cols)
        room = rows - len(top) - len(bottom)
        if room < 2:  # a status too long for the window: its first lines
            top = top[:max(1, rows - len(bottom) - 2)]
            room = rows - len(top) - len(bottom)
        body = self.view_lines(cols, room)
        self.page = max(1, room - 1)
        shown = body
        if len(body) > room:  # taller than the window: the last line says where it is
            self.scroll = min(self.scroll, len(body) - self.page)
            end = self.scroll + self.page
            shown = body[self.scroll:end] + [
                f"-- lines {self.scroll + 1}-{end} of {len(body)}: up/down scroll --"]
        lines = top + shown + [""] * (room - len(shown)) + bottom
        return [line[:cols] for line in lines]

    # ---- the way out ----

    def where(self):
        loss, acc, test = self.measured()
        text = f"at epoch {self.epoch}: loss {unit_for(loss, 4)}, train-acc {acc:.3f}"
        return text + (f", test-acc {test:.3f}" if self.test else "")

    def flags(self):
        """The command-line flags of the settings that differ from the defaults."""
        hidden = (("--hidden", self.widths[0], 8) if len(self.widths) == 1 else
                  ("--layers", ",".join(map(str, self.widths)), None))
        given = [("--data", self.data, "xor"), ("--points", self.points, 400),
                 ("--test", self.test, 0), ("--noise", self.noise, 0.35),
                 ("--seed", self.seed, 0), hidden,
                 ("--activation", self.activation, "tanh"), ("--init", self.init, "xavier"),
                 ("--lr", self.lr, 0.5)]
        return [f"{flag} {command_number(value) if isinstance(value, float) else value}"
                for flag, value, default in given if value != default]

    def summary(self):
        """What quitting prints on the normal screen: where the run stood, and the commands
        that start it again."""
        flags = self.flags()
        shape = (f"{self.widths[0]} hidden units" if len(self.widths) == 1 else
                 f"hidden layers {','.join(map(str, self.widths))}")
        lines = [wrap(f"--play stopped {self.where()}; {shape} ({self.net(mark=False)}), "
                      f"{self.activation}, lr {self.lr:g}, {self.data}, seed {self.seed}, "
                      f"init {self.init}", indent="  "),
                 "to play again from these settings:",
                 # commands to copy: one line each, however long, so that a paste runs them
                 "  " + " ".join(["python nn_from_scratch.py --play", *flags])]
        if self.epoch and len(self.rates) == 1:
            lines += [f"to train these {self.epoch} epochs again, with the chapter's log:",
                      "  " + " ".join(["python nn_from_scratch.py", *flags,
                                       f"--epochs {self.epoch}"])]
        elif self.epoch:
            changes = ", ".join(f"{lr:g} from epoch {at}" for at, lr in self.rates)
            lines.append(wrap(f"the learning rate was changed while training ({changes}): no "
                              "command line replays that; those above start over at lr "
                              f"{self.lr:g}", indent="  "))
        return "\n".join(lines)


def following(names, name):
    return names[(names.index(name) + 1) % len(names)]


def clamp(value, low, high):
    return max(low, min(high, value))


def fitted(lines, cols):
    """Each line wrapped to cols columns (never inside a word such as 2-8-1)."""
    return [part for line in lines
            for part in textwrap.wrap(line, cols, break_on_hyphens=False) or [""]]


def packed(words, cols):
    """Words joined by two spaces into as few lines of cols columns as they fit in."""
    lines = [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 2 + len(word) > cols:
            lines.append("")
        lines[-1] += ("  " if lines[-1] else "") + word
    return lines


# ---- the loop ----

def run(terminal, game, clock=time.monotonic):
    """Keys, frames and redraws until q. terminal: size() -> (cols, rows); keys(wait) -> the
    keys pressed within wait seconds, at most; draw(lines). While running, a frame starts every
    FRAME seconds and trains for BUDGET seconds at most; keys are read between frames, and what
    they did is drawn before the next frame trains: a key waits BUDGET seconds at most (or one
    epoch, where one takes longer), and a redraw."""
    due = clock()
    terminal.draw(game.screen(*terminal.size()))
    while not game.quit:
        keys = terminal.keys(max(0.0, due - clock()) if game.running else IDLE)
        for key in keys:
            game.press(key)
        if game.quit:
            break
        if keys:  # drawn at once, before another frame trains
            terminal.draw(game.screen(*terminal.size()))
        if game.running and clock() >= due:
            due = clock() + FRAME
            if game.train_frame(clock):
                terminal.draw(game.screen(*terminal.size()))


class Terminal:
    """run()'s terminal on curses: a window, its keys by name, and its size."""

    NAMES = {"KEY_UP": "up", "KEY_DOWN": "down", "KEY_PPAGE": "pgup", "KEY_NPAGE": "pgdn",
             "KEY_RESIZE": "resize"}

    def __init__(self, window, curses):
        self.window, self.curses = window, curses
        self.names = {getattr(curses, name): key for name, key in self.NAMES.items()
                      if hasattr(curses, name)}
        self.silent = 0  # waits in a row that found input ready but no key: a closed terminal
        window.keypad(True)
        try:
            curses.curs_set(0)
        except curses.error:  # a terminal that can't hide its cursor
            pass

    def size(self):
        rows, cols = self.window.getmaxyx()
        return cols, rows

    def keys(self, wait):
        ready = self.wait(wait)
        self.window.nodelay(True)
        keys = []
        while True:  # every key typed ahead, so that none waits in curses' buffer
            code = self.window.getch()
            if code == -1:
                break
            if code in self.names:
                keys.append(self.names[code])
                if self.names[code] == "resize" and os.name == "nt":
                    self.curses.resize_term(0, 0)  # PDCurses (windows-curses) asks for this
            elif 0 <= code < 256:
                keys.append(chr(code))
        self.silent = self.silent + 1 if ready and not keys else 0
        if self.silent >= 3:  # end of input: the terminal is gone (no SIGHUP came)
            raise Stop(getattr(signal, "SIGHUP", signal.SIGTERM), "")
        return keys

    def wait(self, seconds):
        """Until a key or seconds; whether input is ready. Windows has no select() on a
        console: curses waits there."""
        if os.name == "nt":
            self.window.timeout(int(seconds * 1000))
            code = self.window.getch()
            if code != -1:
                self.curses.ungetch(code)
            return False
        import select
        return bool(select.select([sys.stdin], [], [], seconds)[0])

    def draw(self, lines):
        self.window.erase()
        rows, cols = self.window.getmaxyx()
        for row, line in enumerate(lines[:rows]):
            try:  # the bottom right cell can't be written without scrolling: curses says so
                self.window.addnstr(row, 0, line, cols)
            except self.curses.error:
                pass
        self.window.refresh()


# ---- the real terminal ----

def cannot_play(stdin, stdout, environ, system=os.name):
    """Why --play can't run here, in a few words; or None."""
    if stdin is None or not stdin.isatty():
        return "needs a terminal, and its input is not one"
    if stdout is None or not stdout.isatty():
        return "needs a terminal, and its output is not one"
    if system != "nt" and environ.get("TERM", "dumb") in ("dumb", ""):
        return ("needs a terminal that takes escape codes ("
                + (f"TERM={environ['TERM']})" if environ.get("TERM") else "TERM is not set)"))
    return None


def in_curses(curses, window, body):
    """body() with the terminal in curses' keys mode (no echo, a key at a time), and the
    terminal given back however body ends. curses.wrapper's own way out fails with a second
    error when the terminal is gone (closed, hung up): here each step of it may fail alone."""
    try:
        curses.noecho()
        curses.cbreak()
        return body()
    finally:
        for undo in (lambda: window.keypad(False), curses.echo, curses.nocbreak, curses.endwin):
            try:
                undo()
            except curses.error:
                pass


def no_curses(system=os.name):
    """What to say where Python has no curses: on Windows, the extra that gives it one."""
    if system == "nt":
        return "--play needs curses: pip install -r requirements-play.txt"
    return "--play needs curses, which this Python was built without"


def gone():
    """Whether the terminal has gone (closed, not just sent SIGHUP): writing to it fails."""
    try:
        os.write(2, b"\r")
    except OSError:
        return True
    return False


def main(args):
    """--play: refused in one line where it can't run (exit 2); else the playground, and on
    the way out, however it ends, the terminal given back and the summary printed."""
    from companion.flags import refuse_early
    why = cannot_play(sys.stdin, sys.stdout, os.environ)
    try:
        if why:
            raise Refused(f"--play {why}")
        widest = max(widths(args))
        if widest > MOST_UNITS:  # the pictures, redrawn 20 times a second, stay small
            units = "units in a hidden layer" if args.layers else "hidden units"
            raise Refused(f"--play takes at most {MOST_UNITS} {units}, not {widest}")
        refuse_early(args)
        try:
            import curses
        except ImportError:
            raise Refused(no_curses()) from None
    except Refused as err:
        fail(f"nn_from_scratch.py: {err}")
        return 2
    game = Playground.from_args(args)
    os.environ.setdefault("ESCDELAY", "25")  # a lone Esc is not worth a second's wait
    try:
        window = curses.initscr()
    except curses.error:  # a TERM that terminfo does not know
        fail(f"nn_from_scratch.py: --play: this system's terminfo has no "
             f"TERM={os.environ.get('TERM', '')}")
        return 2
    try:
        in_curses(curses, window, lambda: run(Terminal(window, curses), game))
    except KeyboardInterrupt as stop:  # Ctrl-C, SIGTERM, SIGHUP: curses has ended already
        signum = getattr(stop, "signum", signal.SIGINT)
        if signum != getattr(signal, "SIGHUP", None):
            print(game.summary())
        elif gone():  # the terminal closed: the one line goes nowhere, quietly
            for fd in (1, 2):
                os.dup2(os.open(os.devnull, os.O_WRONLY), fd)
        raise Stop(signum, game.where()) from None
    print(game.summary())
    return 0
