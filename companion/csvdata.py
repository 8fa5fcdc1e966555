"""--data FILE.csv: the reader's own points, read and checked, and --dump-data's file written.

    measure(path)        rows, cells and longest line, counted without reading the file whole:
                         what the memory check needs before the file is read
    read(path)           X (rows, features), y (rows, 1), and which rows the file holds out
    write(path, ...)     the points, exactly (repr), with a held_out column

The rules (docs/data.md): one row per point, the feature columns (at least one), then a label
column of 0 or 1, commas between cells. The first row is a header when none of its cells is a
number. A header whose last name is held_out adds a last column of 0 or 1 that marks the rows
held out (what --dump-data writes). Blank lines are skipped; rows are counted as lines of the
file, so that "row 7" is the file's seventh line. Every bad file raises Refused with one line
naming the file, the row and what is wrong.
"""

import csv
import math
import os

import numpy as np

from companion.cli import Refused, atomic_write, shortened

HELD_OUT = "held_out"  # the header name of --dump-data's last column
CHUNK = 2**20  # bytes read at a time while counting


def named(path):
    return f"--data {shortened(path)}"


def opened(path, mode="r"):
    """The file, opened; a missing file, a folder or one that can't be read refused in one line."""
    if os.path.isdir(path):
        raise Refused(f"{named(path)}: is a folder, not a file")
    try:
        if mode == "rb":
            return open(path, "rb")
        return open(path, newline="", encoding="utf-8-sig")  # a BOM (Excel's) is not a cell
    except FileNotFoundError:
        raise Refused(f"{named(path)}: no such file") from None
    except OSError as err:
        raise Refused(f"{named(path)}: can't be read ({err.strerror or err})") from None


def measure(path):
    """(lines, cells, longest line in bytes) of the file, counted a chunk at a time: at most
    lines rows, and at most cells values, so the memory a read needs is known before it."""
    lines = commas = longest = current = 0
    with opened(path, "rb") as file:
        while chunk := file.read(CHUNK):
            parts = chunk.split(b"\n")
            lines += len(parts) - 1
            commas += chunk.count(b",")
            current += len(parts[0])
            if len(parts) > 1:
                longest = max(longest, current, *map(len, parts[1:-1]))
                current = len(parts[-1])
    longest = max(longest, current)
    lines += current > 0  # a last line without its newline
    return lines, commas + lines, longest


def is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def read(path):
    """X (rows, features) and y (rows, 1) of the file's points, and held (rows,) of booleans:
    True for the rows its held_out column marks, None if it has none. Refused, in one line, for
    every file that breaks a rule."""
    name = named(path)
    most = measure(path)[0]
    with opened(path) as file:
        reader = csv.reader(file)
        try:
            header, table, numbers = checked_rows(reader, name, most)
        except UnicodeDecodeError:
            raise Refused(f"{name}: is not text (UTF-8)") from None
        except csv.Error as err:
            raise Refused(f"{name}: row {reader.line_num}: {err}") from None
    if table is None:
        raise Refused(f"{name}: is empty" if header is None else
                      f"{name}: has a header row but no points")
    has_held = header is not None and header[-1].strip().lower() == HELD_OUT
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
    bad = np.flatnonzero((labels != 0) & (labels != 1))
    if bad.size:
        raise Refused(f"{name}: row {numbers[bad[0]]}: label {cell(labels[bad[0]])} is not 0 or 1")
    training = labels if held is None else labels[~held]
    if held is not None and held.all():
        raise Refused(f"{name}: every row is held out: nothing to train on")
    if len(np.unique(training)) < 2:
        raise Refused(f"{name}: all {'training ' * (held is not None)}points are class "
                      f"{cell(training[0])}, none {cell(1 - training[0])}")
    return np.ascontiguousarray(X), labels.reshape(-1, 1).copy(), held


def cell(value):
    """A value as the file would write it: 2, not 2.0; 0.5."""
    return f"{value:g}"


def checked_rows(reader, name, most):
    """(header or None, the table (rows, columns) or None, each table row's row number in the
    file), each row checked as it is read into a table of at most `most` rows."""
    header, table, numbers, width = None, None, [], None
    for row in reader:
        line = reader.line_num
        if not any(c.strip() for c in row):
            continue  # a blank line
        if header is None and table is None and not any(is_number(c) for c in row):
            header = row
            continue
        if width is None:
            width = len(header) if header is not None else len(row)
            table = np.empty((most, len(row)))
        if len(row) != width:
            which = "the header has" if header is not None else f"row {numbers[0]} has"
            raise Refused(f"{name}: row {line} has {len(row)} cell{'s' * (len(row) != 1)}; "
                          f"{which} {width}")
        table[len(numbers)] = [number(c, name, line, k + 1) for k, c in enumerate(row)]
        numbers.append(line)
    if table is not None:
        table = table[:len(numbers)]
    return header, table, numbers


def number(text, name, line, column):
    """One cell as a finite float, or Refused naming the row and the column."""
    where = f"{name}: row {line}, column {column}"
    if not text.strip():
        raise Refused(f"{where} is empty")
    try:
        value = float(text)
    except ValueError:
        shown = f" {shortened(text.strip(), 6)}" if text.isprintable() else ""
        raise Refused(f"{where}:{shown} is not a number") from None
    if not math.isfinite(value):
        raise Refused(f"{where}: {text.strip()[:10]} is not finite")
    return value


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


def check_can_write(path, flag):
    """Refused, before training, for an output path that can't be a file: a folder, or in a
    folder that does not exist or can't be written."""
    folder = os.path.dirname(path) or "."
    if os.path.isdir(path):
        raise Refused(f"{flag} {shortened(path)}: is a folder")
    if not os.path.isdir(folder):
        raise Refused(f"{flag} {shortened(path)}: no such folder {shortened(folder)}")
    if not os.access(folder, os.W_OK):
        raise Refused(f"{flag} {shortened(path)}: the folder can't be written")
