"""--watch: the decision regions of the network, redrawn as it trains (any depth, K classes).

The network changes most in its first epochs (on the chapter's run, train accuracy is 0.95 by
epoch 50), so the frames are spaced evenly on a log scale of the epoch: epochs 0, 1, 2, 3, ...
at first, hundreds apart at the end. On a terminal the frames are an animation redrawn in place
and paced to last --watch-seconds; through a pipe or into a file they are plain text, fewer, and
not paced, on the same kind of schedule, so that a file shows the early epochs too.
"""

import shutil
import sys
import textwrap
import time

import numpy as np

from companion import layers
from companion.cli import WIDTH, animates
from companion.pictures import boundary_map, check_marks, classes, key
from nn_from_scratch import log_epochs

FRAMES = 40         # frames of the animation, at most (early epochs that round alike are one)
PLAIN_FRAMES = 12   # frames through a pipe or into a file, at most
MAP = (64, 24)      # the map's columns and rows, at most; (64, 16) in plain frames
SMALLEST_MAP = (24, 4)
BESIDE_MAP = 8      # the columns the frame adds to the map: the y labels and the two edges


def frame_epochs(epochs, frames):
    """The epochs a frame is drawn at: at most `frames` of them, evenly spaced on a log scale of
    epoch + 1 from the first epoch to the last."""
    at = np.round(np.geomspace(1, epochs, frames)).astype(int) - 1
    return sorted(set(at.tolist()) | {0, epochs - 1})


def fit(width, height, logged):
    """The map's (columns, rows) for a live frame on a terminal of width x height, below which
    the log's `logged` lines stand; or, where even the smallest map won't fit, why not. Room is
    kept for the header, the map's edges and x labels, the log and the prompt: moving the
    cursor up past the top of the screen would scramble the picture."""
    cols = min(MAP[0], width - BESIDE_MAP - 1)
    rows = min(MAP[1], height - 5 - logged)
    if cols < SMALLEST_MAP[0] or rows < SMALLEST_MAP[1]:
        least = (SMALLEST_MAP[0] + BESIDE_MAP + 1, SMALLEST_MAP[1] + 5 + logged)
        return (f"terminal is too small to animate in (it takes {least[0]}x{least[1]}): "
                "plain frames instead")
    return cols, rows


class Watch:
    """--watch: the decision regions as training goes.

    On a terminal: an animation redrawn in place (the cursor hidden, moved up over the last
    frame, shown again however training ends), the epoch, loss and accuracy above the map and the
    log so far below it; the map shrinks to fit the terminal. Through a pipe, into a file, on a
    terminal without escape codes (TERM=dumb) or one too small for the smallest map: plain text,
    no escape codes, no pacing, a frame with its epoch, loss and accuracy at each planned epoch.

    What it decides can be read without running it: `frames` (the epochs), `pause` (seconds
    per frame), `live`, `cols`, `rows`. clock and sleep are time.monotonic and time.sleep, or a
    test's stand-ins. test = (X_test, y_test): held-out points, drawn on every frame with
    marks of their own.
    """

    def __init__(self, params, X, y, activation, epochs, seconds, stream=None, size=None,
                 clock=time.monotonic, sleep=time.sleep, test=None):
        self.params, self.X, self.y, self.activation = params, X, y, activation
        self.test, self.classes = test, check_marks(classes(params))  # refused before training
        self.stream = stream or sys.stdout
        self.epochs, self.clock, self.sleep = epochs, clock, sleep
        width, height = size or shutil.get_terminal_size()
        self.live, self.why_plain = animates(self.stream), None
        self.cols, self.rows, self.width = MAP[0], 16, WIDTH  # plain frames
        if self.live:
            fits = fit(min(width, WIDTH), height, len(log_epochs(epochs)))
            if isinstance(fits, str):
                self.live, self.why_plain = False, f"--watch: a {width}x{height} {fits}"
            else:
                (self.cols, self.rows), self.width = fits, min(width, WIDTH)
        elif self.stream.isatty():
            self.why_plain = "--watch: this terminal (TERM=dumb or unset) takes no escape codes"
        self.frames = set(frame_epochs(epochs, FRAMES if self.live else PLAIN_FRAMES))
        self.pause = seconds / len(self.frames) if self.live else 0.0
        self.logged, self.height, self.due = [], 0, clock()

    def open(self):
        if self.why_plain:
            print(self.why_plain, file=self.stream)
        for legend in key(self.classes, self.test):
            print(textwrap.fill(legend, self.width, subsequent_indent="  "), file=self.stream)
        if self.live:
            self.stream.write("\033[?25l")  # hide the cursor while frames are drawn

    def close(self):
        if self.live:
            self.stream.write("\033[0m\033[?25h")  # colours reset, cursor shown
            self.stream.flush()

    def log(self, line):
        if self.live:
            self.logged.append(line)  # shown below the map in the next frame
        else:
            print(line, file=self.stream)

    def header(self, epoch, p):
        loss, acc = layers.loss(p, self.y), layers.accuracy(p, self.y)
        line = f"epoch {epoch} of {self.epochs}  loss {loss:.4f}  train-acc {acc:.3f}"
        if len(line) > self.width:
            line = f"epoch {epoch}/{self.epochs} loss {loss:.4f} acc {acc:.3f}"
        return line

    def frame(self, epoch, p):
        """The lines of the frame at this epoch: its header, the map, and (live) the log so far;
        none longer than the terminal is wide."""
        picture = boundary_map(self.params, self.X, self.y, self.activation, cols=self.cols,
                               rows=self.rows, legend=False, test=self.test)
        lines = [self.header(epoch, p)] + picture.split("\n")
        if self.live:
            lines += self.logged
        return [line[:self.width] for line in lines]

    def see(self, epoch, p, row=None):
        if epoch not in self.frames:
            return
        lines = self.frame(epoch, p)
        if not self.live:
            print("\n".join(lines), file=self.stream)
            return
        up = f"\033[{self.height}F" if self.height else ""  # to the first line of the last frame
        self.sleep(max(0.0, self.due - self.clock()))
        # Each line is erased before it is written, not after: a line as wide as the terminal
        # leaves the cursor on its last character, which an erase after it would take away.
        self.stream.write(up + "".join("\033[K" + line + "\n" for line in lines))
        self.stream.flush()
        self.height = len(lines)
        self.due = self.clock() + self.pause
