"""What makes the scripts well-behaved terminal tools; none of it is the chapter's subject.

    command(main)      run main(argv) as a command: flushed lines; quiet on a closed pipe or
                       closed stdout or stderr; one line and the shell's status on Ctrl-C,
                       SIGTERM or SIGHUP; characters the output can't encode written escaped
    ArgumentParser     argparse, but no abbreviated flags, help and errors within 80 columns,
                       a bad argument answered with one line and exit status 2
    number(...)        an argparse type for a finite number in a range
    choice(...)        an argparse type for one of a few names
    fail(...)          a message on stderr, after everything already on stdout, wrapped to 80
    Progress           a progress line on stderr, only when stderr is a terminal

Exit statuses: 0 done; 1 numerical breakdown, or a gradient check that failed; 2 bad input, a
refused size or a file that can't be written; 128 + the signal's number when a signal ends the
run (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP), as a shell reports it; 141 a closed pipe (128 +
SIGPIPE, what a shell reports for `yes | head -1`).

Portable: names only some systems have (SIGHUP, os.sysconf) are used only where they exist;
on Windows there is no SIGHUP handler, and the memory budget is the 2 GB default.

Imported first by each program, before NumPy: run as a program, Ctrl-C (or SIGTERM, SIGHUP)
while the imports are still loading already ends with one line and its status.
"""

import os
import signal
import sys

PROGRAMS = ("nn_from_scratch.py", "activations_demo.py", "experiments.py")
# The signals that end a run, what the one line says for each, and why each is handled:
# Ctrl-C is the reader's; SIGTERM comes from kill or a service manager; SIGHUP when the
# terminal closes. Windows has no SIGHUP: there, only the first two.
SIGNALS = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
if hasattr(signal, "SIGHUP"):
    SIGNALS[signal.SIGHUP] = "hung up"


def program_name():
    """The program's name, for its messages: `python -m companion` runs nn_from_scratch.py."""
    name = os.path.basename(sys.argv[0])
    return "nn_from_scratch.py" if name == "__main__.py" else name


def stopped_while_loading(signum, frame):
    """Until command() takes over: one line, and out with the signal's status, at once."""
    try:
        os.write(2, f"{program_name()}: {SIGNALS[signum]}\n".encode())
    except OSError:  # no stderr
        pass
    os._exit(128 + signum)


def _guard_the_start():
    main = sys.modules.get("__main__")
    name = os.path.basename(getattr(main, "__file__", None) or "")
    spec = getattr(getattr(main, "__spec__", None), "name", "")
    if (name in PROGRAMS or spec == "companion.__main__") and main.__name__ == "__main__":
        for signum in SIGNALS:  # not where it is ignored: experiments.py's workers ignore Ctrl-C
            if signal.getsignal(signum) not in (signal.SIG_IGN, None):
                signal.signal(signum, stopped_while_loading)


_guard_the_start()

# The rest after the guard: Ctrl-C while these load ends with one line too, not a traceback.
import argparse  # noqa: E402
import difflib  # noqa: E402
import errno  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import textwrap  # noqa: E402
import time  # noqa: E402
import unicodedata  # noqa: E402

WIDTH = 80  # no line any script prints is wider than this
# The errors of a write that can't be done (full disk, quota, file too large, a failing device):
# on stdout they end the run with one line, not a traceback.
WRITE_ERRORS = {getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO")
                if hasattr(errno, name)}  # Windows' errno may lack EDQUOT
CLOSED_PIPE = 141


class Stop(KeyboardInterrupt):
    """A signal that ends the run (SIGINT, SIGTERM, SIGHUP), and where it found the run: a
    KeyboardInterrupt, so that every `finally` and context manager gives the terminal back."""

    def __init__(self, signum=signal.SIGINT, where=""):
        super().__init__(signum, where)
        self.signum, self.where = signum, where

    def __str__(self):
        return f"{SIGNALS[self.signum]} {self.where}".strip()

    @property
    def status(self):
        return 128 + self.signum


def stopped(signum, frame):
    """The first signal ends the run; any that follow (a second Ctrl-C) are ignored, so that
    nothing interrupts the way out: the terminal given back, the one line printed."""
    for each in SIGNALS:  # a function, not SIG_IGN: CPython raises "ignored due to race
        signal.signal(each, ignored)  # condition" for a signal still pending when SIG_IGN is set
    raise Stop(signum)


def ignored(signum, frame):
    pass



def display_width(text):
    """The columns text takes on a terminal: wide East Asian characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0
               if unicodedata.combining(c) else 1 for c in text)


def wrap(text, indent="  ", first=""):
    """text as lines of at most WIDTH columns: the first indented by `first`, the rest by
    `indent`; never broken inside a word such as 2-8-1. Columns are screen columns: a CJK
    character takes two, and a word wider than a line is cut where the line ends."""
    if display_width(text) == len(text):
        return textwrap.fill(text, WIDTH, initial_indent=first, subsequent_indent=indent,
                             break_on_hyphens=False)
    lines, line = [], first
    for word in text.split():
        room = WIDTH - display_width(line)
        gap = "" if line.strip() == "" else " "
        if display_width(gap + word) <= room:
            line += gap + word
            continue
        if line.strip():
            lines.append(line)
            line = indent
        while display_width(line + word) > WIDTH:  # a word too wide for any line
            cut = cut_at(word, WIDTH - display_width(line))
            lines.append(line + word[:cut])
            line, word = indent, word[cut:]
        line += word
    lines.append(line)
    return "\n".join(lines)


def cut_at(word, columns):
    """How many characters of word fit in columns (at least one)."""
    used = 0
    for k, c in enumerate(word):
        used += display_width(c)
        if used > columns:
            return max(k, 1)
    return len(word)


def shortened(text, most=40):
    """A value as an error message echoes it: quoted, and only as much as fits in `most`
    screen columns."""
    if display_width(text) <= most:
        return repr(text)
    return repr(text[:cut_at(text, most)]) + "..."


def printable(text, most=None):
    """A name from outside (a file's) as a line may show it: control characters and escape
    codes written escaped, as repr() writes them, never sent raw to the terminal; with most,
    cut to that many screen columns with "..."."""
    if not text.isprintable():
        text = repr(text)[1:-1]
    if most is not None and display_width(text) > most:
        text = text[:cut_at(text, most - 3)] + "..."
    return text


def fail(message):
    """Write message to stderr, wrapped, after flushing stdout so that it lands after the lines
    it comments on, even when both go to one file (`> log 2>&1`). A line after a newline in
    message is a command to copy: it stays one line, indented, however long (a command cut
    in two would not run when pasted)."""
    sys.stdout.flush()
    sentence, *commands = message.split("\n")
    print("\n".join([wrap(sentence)] + [f"  {command}" for command in commands]),
          file=sys.stderr, flush=True)


def command(main):
    """Run main(sys.argv[1:]) as a command and exit with its status.

    stdout is line-buffered, so each log line reaches a pipe or `tee` as it is printed, and
    both streams write what their encoding can't show escaped (\\xfc) rather than failing. A
    stream that was closed before the start (`>&-`) becomes devnull. A closed pipe (`| head -1`)
    ends the run quietly, as Python's documentation on SIGPIPE recommends: stdout is pointed at
    devnull so that the final flush can't fail again. Ctrl-C, SIGTERM and SIGHUP print one line
    (saying where the run was, if it knows) and exit with the status a shell gives them.
    """
    prog = program_name()
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:  # closed before we started
            setattr(sys, name, open(os.devnull, "w"))
        getattr(sys, name).reconfigure(errors="backslashreplace")
    sys.stdout.reconfigure(line_buffering=True)
    for signum in SIGNALS:
        if signal.getsignal(signum) != signal.SIG_IGN:  # nohup's SIG_IGN stays
            signal.signal(signum, stopped)
    try:
        status = main(sys.argv[1:])
        sys.stdout.flush()
    except BrokenPipeError:
        status = CLOSED_PIPE
        stdout_to_devnull()
    except SystemExit as exit_:  # argparse's, for a bad argument
        if not sys.flags.inspect:
            raise
        status = exit_.code  # python -i: on to the prompt all the same
    except Refused as err:  # what main() did not catch itself: NN_MEMORY_BUDGET, say
        fail(f"{prog}: {err}")
        status = 2
    except OSError as err:  # stdout itself failed: a full disk (`> /dev/full`), a lost drive
        if err.errno not in WRITE_ERRORS:
            raise
        stdout_to_devnull()  # so that Python's last flush can't fail again
        try:
            fail(f"{prog}: can't write its output: {err.strerror}")
        except OSError:  # stderr is the one that is full: nothing more can be said
            sys.stderr = open(os.devnull, "w")
        status = 2
    except KeyboardInterrupt as stop:
        if not isinstance(stop, Stop):
            stop = Stop(signal.SIGINT, str(stop).removeprefix("interrupted").strip())
        status = stop.status
        try:
            fail(f"{prog}: {stop}")
        except BrokenPipeError:  # and the pipe had closed too
            stdout_to_devnull()
        # Out at once. A second signal now is ignored (see stopped), but Python's own exit
        # puts every handler back to the system's default first, and a signal arriving then
        # (a second Ctrl-C, late on a busy machine) would end the process by itself.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (BrokenPipeError, OSError, ValueError):
                pass
        os._exit(status)
    if sys.flags.inspect:  # python -i: on to the prompt, not a SystemExit traceback
        return
    sys.exit(status)


def stdout_to_devnull():
    """After a closed pipe: what Python still has buffered for stdout goes nowhere, quietly."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def animates(stream, environ=os.environ):
    """Whether escape codes may be written to stream: a terminal whose TERM understands them."""
    return stream.isatty() and environ.get("TERM", "dumb") != "dumb"


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
        meant = self.flag_meant(message)
        # argparse echoes what it did not recognise whole: a word of 5,000 characters is cut
        message = re.sub(r"\S{41,}", lambda word: word.group()[:40] + "...", message)
        message = f"{self.prog}: {message.removeprefix('argument ')}"
        if meant:
            flag, meant = meant
            guess = f" (did you mean {meant}?)"
            shorter = f"{self.prog}: no flag {shortened(flag, 30)[1:-1]}{guess}"
            message = message + guess if display_width(message + guess) <= WIDTH else shorter
        elif display_width(message + HINT) <= WIDTH:
            message += HINT
        sys.stdout.flush()
        self.exit(2, wrap(message) + "\n")


    def _print_message(self, message, file=None):
        # argparse's own drops an OSError: `--help > /dev/full` would end "done", status 0
        if message:
            file = file or sys.stdout
            file.write(message)
            file.flush()

    def flag_meant(self, message):
        """For `unrecognized arguments: --hiden 4`, the first unknown flag and the known flag
        most like it (--hiden, --hidden), if one is close enough; None otherwise."""
        if not message.startswith("unrecognized arguments: "):
            return None
        flags = [word.split("=")[0] for word in message.split()[2:] if word.startswith("--")]
        known = [flag for flag in self._option_string_actions if flag.startswith("--")]
        close = difflib.get_close_matches(flags[0], known, n=1, cutoff=0.75) if flags else []
        return (flags[0], close[0]) if close else None


HINT = " (see --help)"
# A number as the docs promise it: ASCII digits, a point, an exponent. Python's int() and float()
# take more (1_000, Arabic-Indic and full-width digits, inf, nan), which a reader did not mean.
INTEGER = r"[+-]?[0-9]+"
# Each digit can match one way only, so a long string that fails fails in linear time.
DECIMAL = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"


def number(kind, low, strict=False, high=None):
    """An argparse type: a finite int or float at least `low` (above it, if strict), and at most
    `high` if given."""
    wanted = f"{'a whole number' if kind is int else 'a number'} {'>' if strict else '>='} {low}"
    if high is not None:
        wanted = (f"{'a whole number' if kind is int else 'a number'} from {plain(low)} to "
                  f"{plain(high)}")

    def parse(text):
        try:
            if not re.fullmatch(INTEGER if kind is int else DECIMAL, text.strip(), re.ASCII):
                raise ValueError(text)
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{shortened(text)} is not {wanted}") from None
        if (not float("-inf") < value < float("inf") or value < low or (strict and value == low)
                or (high is not None and value > high)):
            raise argparse.ArgumentTypeError(f"{shortened(text)} is not {wanted}")
        return value

    return parse


def plain(number):
    """A bound as a person writes it: 100, 0.5, 10^9."""
    if number >= 10**4 and float(number).is_integer() and str(int(number)).rstrip("0") == "1":
        return f"10^{len(str(int(number))) - 1}"
    return f"{number:g}"


class Refused(Exception):
    """A run refused before it starts (too big, a file that can't be written): exit status 2."""


def choice(options):
    """An argparse type: one of options (argparse's own choices= message runs past 80 columns)."""

    def parse(text):
        if text not in options:
            raise argparse.ArgumentTypeError(f"{shortened(text)} is none of {', '.join(options)}")
        return text

    return parse


def memory_budget(environ=os.environ):
    """The most memory a run may plan to use: 2 GB, or half of what is free if that is less, or
    less again if NN_MEMORY_BUDGET says so (in bytes: the tests use it to reach the largest size
    quickly)."""
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not a POSIX system: trust the 2 GB
        free = float("inf")
    text = environ.get("NN_MEMORY_BUDGET")
    if not text:  # unset, or set to nothing (`NN_MEMORY_BUDGET= python ...`): the default
        return min(2e9, free / 2)
    # A budget mistyped must not mean no budget, nor silently the default: said in one line
    if not re.fullmatch(DECIMAL, text.strip(), re.ASCII) or not float(text) > 0:
        raise Refused(f"NN_MEMORY_BUDGET={shortened(text)} is not a number of bytes above 0")
    return min(2e9, free / 2, float(text))


class Progress:
    """`epoch 12,000 of 3,000,000  41,000/s  1m 13s left` on stderr, redrawn in place.

    Only when stderr is a terminal (never in a log: `2> file`), and only for work that will take
    more than `long` seconds in all, judged from its pace after `look` seconds. clear() erases
    the line before other output is printed, and when the work is done.
    """

    def __init__(self, total, unit, stream=None, look=0.5, long=3.0, every=0.2):
        self.total, self.unit, self.long, self.every = total, unit, long, every
        self.stream = stream or sys.stderr
        self.active = animates(self.stream)  # \r and erasing need a terminal that knows them
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
        self.stream.write("\r" + line[:self.columns() - 1] + "\033[K")
        self.stream.flush()

    def columns(self):
        """The terminal's width now (it may have been resized), at most WIDTH: a line as wide
        as the terminal would wrap, and every redraw would leave a line behind."""
        try:
            return min(WIDTH, os.get_terminal_size(self.stream.fileno()).columns)
        except (OSError, ValueError, AttributeError):
            return WIDTH

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


def kind_of(mode):
    """What a file that is not a regular file is, in a few words, from its st_mode."""
    import stat  # a folder is refused by name before this is asked
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a socket" if stat.S_ISSOCK(mode) else "not a regular file"


def check_regular_file(path, flag):
    """Refused, in one line and before anything is opened, for a path a reader's file can't be:
    missing, a folder, or not a regular file once links are followed (a FIFO, whose open would
    wait for a writer forever; /dev/zero or /dev/urandom, which never end)."""
    import stat
    name = f"{flag} {shortened(path)}"
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise Refused(f"{name}: no such file") from None
    except OSError as err:
        raise Refused(f"{name}: can't be read ({err.strerror or err})") from None
    if stat.S_ISDIR(mode):
        raise Refused(f"{name}: is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise Refused(f"{name}: is {kind_of(mode)}, not a regular file")


def check_can_write(path, flag):
    """Refused, in one line and before any training, for a path the scripts can't write a file
    to, by one rule for every file they write (--save, --dump-data, --plot): not a folder; in a
    folder that exists and takes a new file (one is made there and removed: no inodes, /proc, a
    read-only disk all fail it); an old file only if it is a regular file that is not
    write-protected. A link is followed: its target is what is written. Returns the target."""
    import stat
    import tempfile
    name = f"{flag} {shortened(path)}"
    try:
        target = os.path.realpath(path)  # needs the working folder, which may have gone
        folder = os.path.dirname(target)
        if os.path.isdir(target):
            raise Refused(f"{name}: is a folder, not a file")
        if not os.path.isdir(folder):
            raise Refused(f"{name}: no such folder {shortened(folder)}")
        if os.path.exists(target):
            mode = os.stat(target).st_mode
            if not stat.S_ISREG(mode):
                raise Refused(f"{name}: is {kind_of(mode)}; the scripts write only regular "
                              "files")
            if not mode & 0o222 or not os.access(target, os.W_OK):
                raise Refused(f"{name}: is write-protected; the scripts don't replace it")
        handle, trial = tempfile.mkstemp(dir=folder, prefix=".partial-")
        os.close(handle)
        os.remove(trial)
    except OSError as err:
        raise Refused(f"{name}: {err.strerror or err}") from None
    return target


def atomic_write(path, text_or_writer, flag):
    """Write path through a new file beside it, renamed into place once whole: a failed write
    leaves any old file as it was and no partial one. text_or_writer: a str, or a function
    of the open binary file. The file gets the mode a plain open() would give it (an old
    file's own, kept), not the 0600 of the temporary file. A link is followed: its target is
    replaced, the link kept. The rule of check_can_write is checked again (the folder may have
    gone since), and any OSError is Refused, naming flag and the path as given."""
    import tempfile  # only when a file is written
    target = check_can_write(path, flag)
    partial = None
    try:
        handle, partial = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".partial-")
        with os.fdopen(handle, "wb") as file:
            if isinstance(text_or_writer, str):
                file.write(text_or_writer.encode())
            else:
                text_or_writer(file)
        os.chmod(partial, file_mode(target))
        os.replace(partial, target)
    except OSError as err:
        raise Refused(f"{flag} {shortened(path)}: {err.strerror or err}") from None
    finally:
        if partial and os.path.exists(partial):
            os.remove(partial)


def file_mode(path):
    """The permissions a written file gets: an old file's own, kept; for a new file, what
    open() would give it, 0666 less the umask (0644 with the usual umask of 022)."""
    import stat
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
