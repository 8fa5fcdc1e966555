"""What makes the scripts well-behaved terminal tools; none of it is the chapter's subject.

    command(main)      run main(argv) as a command: flushed lines, quiet on a closed pipe,
                       one line and exit status 130 on Ctrl-C
    ArgumentParser     argparse, but no abbreviated flags, help and errors within 80 columns,
                       a bad argument answered with one line and exit status 2
    number(...)        an argparse type for a finite number in a range
    choice(...)        an argparse type for one of a few names
    fail(...)          a message on stderr, after everything already on stdout, wrapped to 80
    Progress           a progress line on stderr, only when stderr is a terminal

Exit statuses: 0 done; 1 numerical breakdown, or a gradient check that failed; 2 bad input, a
refused size or a file that can't be written; 130 Ctrl-C; 141 a closed pipe (128 + SIGPIPE,
what a shell reports for `yes | head -1`).
"""

import argparse
import os
import shutil
import sys
import textwrap
import time

WIDTH = 80  # no line any script prints is wider than this
CTRL_C, CLOSED_PIPE = 130, 141


def wrap(text, indent="  ", first=""):
    """text as lines of at most WIDTH columns: the first indented by `first`, the rest by
    `indent`; never broken inside a word such as 2-8-1."""
    return textwrap.fill(text, WIDTH, initial_indent=first, subsequent_indent=indent,
                         break_on_hyphens=False)


def fail(message):
    """Write message to stderr, wrapped, after flushing stdout so that it lands after the lines
    it comments on, even when both go to one file (`> log 2>&1`)."""
    sys.stdout.flush()
    print(wrap(message), file=sys.stderr, flush=True)


def command(main):
    """Run main(sys.argv[1:]) as a command and exit with its status.

    stdout is line-buffered, so each log line reaches a pipe or `tee` as it is printed. A closed
    pipe (`| head -1`) ends the run quietly, as Python's documentation on SIGPIPE recommends:
    stdout is pointed at devnull so that the final flush can't fail again. Ctrl-C prints one
    line (an Interrupted exception's own words say where it stopped) and exits with 130.
    """
    prog = os.path.basename(sys.argv[0])
    sys.stdout.reconfigure(line_buffering=True)
    try:
        status = main(sys.argv[1:])
        sys.stdout.flush()
    except BrokenPipeError:
        status = CLOSED_PIPE
        stdout_to_devnull()
    except KeyboardInterrupt as stop:
        status = CTRL_C
        try:
            fail(f"{prog}: {stop or 'interrupted'}")
        except BrokenPipeError:  # and the pipe had closed too
            stdout_to_devnull()
    sys.exit(status)


def stdout_to_devnull():
    """After a closed pipe: what Python still has buffered for stdout goes nowhere, quietly."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


class ArgumentParser(argparse.ArgumentParser):
    """argparse with no abbreviated flags (`--seed` must not mean `--seeds`), help wrapped at
    80 columns whatever the terminal's width, and a bad argument answered in one line naming it
    (wrapped only when the choices make it longer than 80 columns), with exit status 2."""

    def __init__(self, **kwargs):
        width = min(WIDTH, shutil.get_terminal_size().columns) - 1
        super().__init__(allow_abbrev=False,
                         formatter_class=lambda prog: argparse.HelpFormatter(prog, width=width),
                         **kwargs)

    def error(self, message):
        message = f"{self.prog}: {message.removeprefix('argument ')}"
        if len(message + HINT) <= WIDTH:
            message += HINT
        sys.stdout.flush()
        self.exit(2, wrap(message) + "\n")


HINT = " (see --help)"


def number(kind, low, strict=False, high=None):
    """An argparse type: a finite int or float at least `low` (above it, if strict), and at most
    `high` if given."""
    wanted = f"{'a whole number' if kind is int else 'a number'} {'>' if strict else '>='} {low}"
    if high is not None:
        wanted += f" and <= {high}"

    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}") from None
        if (not float("-inf") < value < float("inf") or value < low or (strict and value == low)
                or (high is not None and value > high)):
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}")
        return value

    return parse


class Refused(Exception):
    """A run refused before it starts (too big, a file that can't be written): exit status 2."""


def choice(options):
    """An argparse type: one of options (argparse's own choices= message runs past 80 columns)."""

    def parse(text):
        if text not in options:
            raise argparse.ArgumentTypeError(f"{text!r} is none of {', '.join(options)}")
        return text

    return parse


def memory_budget():
    """The most memory a run may plan to use: 2 GB, or half of what is free if that is less."""
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not a POSIX system: trust the 2 GB
        free = float("inf")
    return min(2e9, free / 2)


class Progress:
    """`epoch 12,000 of 3,000,000  41,000/s  1m 13s left` on stderr, redrawn in place.

    Only when stderr is a terminal (never in a log: `2> file`), and only for work that will take
    more than `long` seconds in all, judged from its pace after `look` seconds. clear() erases
    the line before other output is printed, and when the work is done.
    """

    def __init__(self, total, unit, stream=None, look=0.5, long=3.0, every=0.2):
        self.total, self.unit, self.long, self.every = total, unit, long, every
        self.stream = stream or sys.stderr
        self.active = self.stream.isatty()
        self.start = time.monotonic()
        self.next = self.start + look
        self.shown = False
        self.done = 0

    def update(self, done):
        self.done = done
        if not self.active:
            return
        now = time.monotonic()
        if now < self.next:
            return
        self.next = now + self.every
        rate = done / max(now - self.start, 1e-9)
        left = (self.total - done) / rate if rate else float("inf")
        if not self.shown and now - self.start + left < self.long:
            return  # nearly done: not worth a line
        line = (f"{self.unit} {done:,} of {self.total:,}  {rate:,.0f}/s  "
                f"{duration(left)} left")
        self.shown = True  # first: Ctrl-C during the write must still find a line to erase
        self.stream.write("\r" + line[:WIDTH - 1] + "\033[K")
        self.stream.flush()

    def clear(self):
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def duration(seconds):
    """12s, 3m 05s, 2h 10m."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
