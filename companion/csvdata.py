"""--data FILE.csv: the reader's own points, read and checked, and --dump-data's file written.

    measure(path)        lines, cells, longest line and widest row, counted without reading it:
                         what the memory check needs before the file is read
    read(path)           X (rows, features), y (rows, 1), and which rows the file holds out
    write(path, ...)     the points, exactly (repr), with a held_out column

The rules (docs/data.md): one row per point, the feature columns (at least one), then a label
column of 0 or 1 (or 0, 1, ..., K-1 for K classes, every class with a point, K at most
layers.MOST_CLASSES), commas between cells. The first row is a header when none of its cells is a
number. A header whose last name is held_out adds a last column of 0 or 1 that marks the rows
held out (what --dump-data writes). Blank lines are skipped; rows are counted as lines of the
file, each ended by LF, CR LF or CR as the csv module ends them (CR alone: Excel's "CSV
(Macintosh)"), so that "row 7" is the file's seventh line. A number is plain ASCII decimal
notation (-1.5, 2e-3), not all that float() takes (1_000, full-width or Arabic-Indic digits).
Every bad file raises Refused with one line naming the file, the row and what is wrong.
"""

import csv
import math
import re

import numpy as np

from companion import cli
from companion.layers import MOST_CLASSES
from companion.cli import Refused, atomic_write, check_regular_file, display_width, shortened

HELD_OUT = "held_out"  # the header name of --dump-data's last column
CHUNK = 2**20  # bytes read at a time while counting
# What a cell may hold, once the spaces and quotes round it are gone: a number in ASCII
# decimal notation, as a flag's (cli.DECIMAL), or a word float() reads as nan or infinity
# (refused as not finite).
DECIMAL = re.compile(cli.DECIMAL, re.ASCII)
NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE | re.ASCII)
SPACES = " \t"


def named(path):
    return f"--data {shortened(path)}"


def opened(path, mode="r"):
    """The file, opened; a missing file, a folder, a named pipe or a device (which would wait
    or never end) refused in one line before it is opened, as is one that can't be read."""
    check_regular_file(path, "--data")
    try:
        if mode == "rb":
            return open(path, "rb")
        return open(path, newline="", encoding="utf-8-sig")  # a BOM (Excel's) is not a cell
    except OSError as err:
        raise Refused(f"{named(path)}: can't be read ({err.strerror or err})") from None


def measure(path):
    """(lines, cells, longest line in bytes, most cells in a line) of the file, counted a chunk
    at a time: at most lines rows, and at most cells values, so the memory a read needs is
    known before it; and at most that many columns (features and label) in a row, however many
    blank lines there are (a row that a quoted line end spans may have more: read() refuses it,
    for a cell holding a line end is no number). Lines end at LF, CR LF or CR, where the csv
    module ends them, so the two agree."""
    lines = commas = longest = current = widest = current_commas = 0
    after_cr = False  # the last chunk ended in \r: a \n first in this one ends no new line
    with opened(path, "rb") as file:
        try:
            while chunk := file.read(CHUNK):
                if after_cr and chunk.startswith(b"\n"):
                    chunk = chunk[1:]
                after_cr = chunk.endswith(b"\r")
                commas += chunk.count(b",")
                chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
                if b"\0" in chunk:  # binary: refused at once, however long the file
                    row = lines + chunk.count(b"\n", 0, chunk.index(b"\0")) + 1
                    raise Refused(f"{named(path)}: is not text (UTF-8): a NUL byte in row {row}")
                parts = chunk.split(b"\n")
                lines += len(parts) - 1
                current += len(parts[0])
                current_commas += parts[0].count(b",")
                if len(parts) > 1:
                    longest = max(longest, current, *map(len, parts[1:-1]))
                    widest = max(widest, current_commas,
                                 *(part.count(b",") for part in parts[1:-1]))
                    current, current_commas = len(parts[-1]), parts[-1].count(b",")
        except OSError as err:
            raise Refused(f"{named(path)}: can't be read ({err.strerror or err})") from None
    longest, widest = max(longest, current), max(widest, current_commas)
    lines += current > 0  # a last line without its line end
    return lines, commas + lines, longest, widest + 1


def plain(text):
    """A cell without the spaces round it, then without the quotes round that: ` "0.2" ` is
    0.2 (the csv module keeps the quotes of a cell that starts with a space)."""
    text = text.strip(SPACES)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1].strip(SPACES)
    return text


def is_number(cell):
    text = plain(cell)
    return bool(DECIMAL.fullmatch(text) or NOT_FINITE.fullmatch(text))


def read(path):
    """X (rows, features) and y (rows, 1) of the file's points, and held (rows,) of booleans:
    True for the rows its held_out column marks, None if it has none. Refused, in one line, for
    every file that breaks a rule."""
    name = named(path)
    room = measure(path)[1]
    with opened(path) as file:
        reader = csv.reader(file)
        try:
            header, table, numbers = checked_rows(reader, name, room)
        except UnicodeDecodeError:
            raise Refused(f"{name}: is not text (UTF-8)") from None
        except csv.Error as err:
            raise Refused(f"{name}: row {reader.line_num}: {err}") from None
        except OSError as err:
            raise Refused(f"{name}: can't be read ({err.strerror or err})") from None
    if table is None:
        raise Refused(f"{name}: is empty" if header is None else
                      f"{name}: has a header row but no points")
    has_held = header is not None and plain(header[-1]).lower() == HELD_OUT
    first = 2 if has_held else 1
    if table.shape[1] <= first:
        raise Refused(f"{name}: row {numbers[0]}: no feature before the label"
                      + (" and held_out" if has_held else ""))
    held = None
    if has_held:
        column = table[:, -1]
        bad = np.flatnonzero((column != 0) & (column != 1))
        if bad.size:
            raise Refused(f"{name}: row {numbers[bad[0]]}: held_out {cell(column[bad[0]])} is not "
                          "0 or 1")
        held, table = column == 1, table[:, :-1]
    X, labels = table[:, :-1], table[:, -1]
    bad = np.flatnonzero((labels != np.round(labels)) | (labels < 0) | (labels >= MOST_CLASSES))
    if bad.size:
        raise Refused(f"{name}: row {numbers[bad[0]]}: label {cell(labels[bad[0]])} is not a "
                      f"class (0 to {MOST_CLASSES - 1})")
    labels = labels + 0.0  # -0 is class 0
    if held is not None and held.all():
        raise Refused(f"{name}: every row is held out: nothing to train on")
    check_classes(name, labels)
    if held is not None:
        check_classes(name, labels[~held], some_held=True, classes=int(labels.max()) + 1)
    return np.ascontiguousarray(X), labels.reshape(-1, 1), held


def check_classes(name, labels, some_held=False, classes=None):
    """Refused unless the labels are 0 to K-1 with a point in each class, K >= 2 (K: classes,
    or the largest label + 1): the network has a unit for every class up to the largest label,
    and a class with no point can't be learnt (and would read as a mistyped label)."""
    present = np.unique(labels).astype(int)
    which = "training " * some_held
    if len(present) < 2:
        other = "1" if present[0] == 0 else "0"
        raise Refused(f"{name}: all {which}points are class {present[0]}, none {other}")
    top = (classes or present[-1] + 1) - 1
    missing = sorted(set(range(top + 1)) - set(present))
    if missing:
        raise Refused(f"{name}: no {which}point of class {missing[0]} (labels 0 to {top})")


def cell(value):
    """A value as the file would write it: 2, not 2.0; 0.5."""
    return f"{value:g}"


def checked_rows(reader, name, room):
    """(header or None, the table (rows, columns) or None, each table row's row number in the
    file), each row checked as it is read. The cells go into one array of `room` values
    (measure's count: commas and lines), however many blank lines the file has, so a few wide
    rows and many blank lines cost no more than their cells."""
    header, values, numbers, width, used = None, None, [], None, 0
    for row in reader:
        line = reader.line_num
        if not any(c.strip() for c in row):
            continue  # a blank line
        if header is None and values is None and not any(is_number(c) for c in row):
            header = row
            continue
        if width is None:
            width = len(header) if header is not None else len(row)
            values = np.empty(room)
        if len(row) != width:
            which = "the header has" if header is not None else f"row {numbers[0]} has"
            raise Refused(f"{name}: row {line} has {len(row)} cell{'s' * (len(row) != 1)}; "
                          f"{which} {width}")
        if used + width > room:  # more cells than were counted: the file grew since
            raise Refused(f"{name}: changed while it was read (row {line})")
        for k, text in enumerate(row):
            values[used + k] = number(text, name, line, k + 1)
        used += width
        numbers.append(line)
    table = None if values is None else values[:used].reshape(-1, width)
    return header, table, numbers


def number(text, name, line, column):
    """One cell as a finite float, or Refused naming the row, the column and the cell."""
    where = f"{name}: row {line}, column {column}"
    text = plain(text)
    if not text:
        raise Refused(f"{where} is empty")
    if DECIMAL.fullmatch(text) or NOT_FINITE.fullmatch(text):
        value = float(text)
        if not math.isfinite(value):
            raise Refused(f"{where}: {text[:10]} is not finite")
        return value
    shown = echoed(text)
    for mark, marks in (("\t", "tabs"), (";", "semicolons")):
        if mark in text:  # the whole row in one cell: the file is not separated by commas
            raise Refused(f"{name}: row {line}{': ' * bool(shown)}{shown} has {marks}, not commas")
    raise Refused(f"{where}{': ' * bool(shown)}{shown} is not a number")


def echoed(text, most=11):
    """A cell as a message shows it, in at most `most` columns so that the message stays on
    one line: quoted and escaped (a tab is \\t), and cut short ('1.5\\t'...); "" when not
    even one character of it fits (one escaped as \\U0001b2fc)."""
    shown = shortened(text, most - 5)  # the quotes and "..." take the other 5 columns
    if display_width(shown) <= most:
        return shown
    cut = min(len(text), most)  # no character's repr is shorter than itself
    while cut and display_width(repr(text[:cut])) + 3 > most:
        cut -= 1
    return repr(text[:cut]) + "..." if cut else ""


def write(path, X, y, X_test=None, y_test=None):
    """The points as --data reads them back exactly: a header x1, ..., label, held_out, the
    training points (held_out 0) in their order, then the held-out ones (held_out 1); each
    value written by repr, the shortest text that reads back as the very same float. Written
    beside the target first and renamed into place, so that no half-written file is left."""
    parts = [(X, y, 0)] + ([(X_test, y_test, 1)] if X_test is not None else [])
    head = [f"x{k + 1}" for k in range(X.shape[1])] + ["label", HELD_OUT]
    lines = [",".join(head)]
    for points, labels, held in parts:
        lines += [",".join([*map(repr, map(float, point)), str(int(label)), str(held)])
                  for point, label in zip(points, labels[:, 0])]
    atomic_write(path, "\n".join(lines) + "\n", "--dump-data")
