"""--watch: the decision regions of the chapter's network, redrawn as it trains."""

import shutil
import sys
import time

from companion.pictures import POINTS_LEGEND, REGIONS_LEGEND, boundary_map
from nn_from_scratch import accuracy, bce_loss, log_epochs


class Watch:
    """--watch: the decision regions as training goes.

    On a terminal: an animation redrawn in place (the cursor hidden, moved up over the last
    frame, shown again however training ends), at least 20 frames paced to last about SECONDS,
    the epoch, loss and accuracy above the map and the log so far below it. Through a pipe or into
    a file: no escape codes and no pacing, one plain map after each log line.
    """

    FRAMES, SECONDS = 40, 4.0

    def __init__(self, params, X, y, activation, epochs, stream=None):
        self.params, self.X, self.y, self.activation = params, X, y, activation
        self.stream = stream or sys.stdout
        self.epochs = epochs
        room = shutil.get_terminal_size().lines - 13  # header, edges, ranges, log, prompt
        # In place only on a terminal tall enough for a frame: moving the cursor up past the top
        # of the screen would scramble the picture.
        self.live = self.stream.isatty() and room >= 6
        if self.live:
            self.frames = set(range(0, epochs, max(1, epochs // self.FRAMES))) | {epochs - 1}
            self.rows = min(room, 24)
        else:
            self.frames, self.rows = log_epochs(epochs), 16
        self.pause = self.SECONDS / len(self.frames)
        self.logged, self.height, self.due = [], 0, time.monotonic()

    def open(self):
        print(REGIONS_LEGEND, file=self.stream)
        print("training " + POINTS_LEGEND, file=self.stream)
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

    def see(self, epoch, p):
        if epoch not in self.frames:
            return
        picture = boundary_map(self.params, self.X, self.y, self.activation, rows=self.rows,
                               legend=False)
        if not self.live:
            print(picture, file=self.stream)
            return
        header = (f"epoch {epoch} of {self.epochs}  loss {bce_loss(p, self.y):.4f}  "
                  f"train-acc {accuracy(p, self.y):.3f}")
        lines = [header] + picture.split("\n") + self.logged
        up = f"\033[{self.height}F" if self.height else ""  # to the first line of the last frame
        time.sleep(max(0.0, self.due - time.monotonic()))
        self.stream.write(up + "".join(line + "\033[K\n" for line in lines))
        self.stream.flush()
        self.height = len(lines)
        self.due = time.monotonic() + self.pause
