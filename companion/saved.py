"""--save and --load: the trained weights, with the knobs and the data that produced them.

    save(path, params, knobs, data)   a .json or .npz file
    load(path, sizes, run)            W1, b1, W2, b2 (..., WL, bL with --layers) from such a
                                      file, checked against the run's layer sizes, and a
                                      warning if it was saved by a run of other knobs

The JSON file holds every float exactly: Python writes a float as repr(), the shortest text
that reads back as the very same float64, so another program, in any language, can compare its
own weights with these weight by weight. Its keys: W1, b1, W2, b2 (lists of rows; W3, b3, ...
with --layers), knobs (the run's settings), and data: X, y, and X_test, y_test when --test held
points out. A .npz file
holds the same arrays under the same names, and the knobs as a JSON string; it is read without
pickle, so a .npz file from elsewhere can't run code, and only the weights and the knobs are
read from it, each only once its header declares what the run expects.
"""

import io
import json
import math
import os
import warnings
import zipfile
import zlib

import numpy as np
from numpy.lib import format as npy

from companion import layers
from companion.cli import (Refused, atomic_write, check_regular_file, fail, memory_budget,
                           shortened)
from companion.datasets import DATA_NAMES

try:
    from lzma import LZMAError
except ImportError:  # a Python built without lzma: zipfile can't unpack such entries either
    LZMAError = zlib.error

FORMAT = "nn_from_scratch.py weights, version 1"
JSON_GROWTH = 40  # bytes of Python objects per byte of JSON, at most (a float: 24 for ~18 bytes)
# zipfile keeps ~7 bytes of Python objects per byte of a .npz's directory of entries, and a
# forged directory can fill the file; the entries themselves are read only as far as needed
NPZ_GROWTH = 8
HEADER_MOST = 16_384  # bytes of an entry's .npy header, at most: numpy refuses over 10,000
KNOBS_MOST = 100_000  # characters of the knobs' JSON in a .npz (--save's are a few hundred)
COMPARED = ("activation", "data", "noise")  # knobs that make weights fit another problem


def save(path, params, knobs, data):
    """Write params (W1, b1, W2, b2, ...), the knobs (a dict of plain values) and data (a dict
    of arrays: X, y, perhaps X_test, y_test) to path, in the format its extension names."""
    if path.lower().endswith(".npz"):
        def writer(file):
            np.savez(file, **params, **data,
                     knobs=np.array(json.dumps(knobs)), format=np.array(FORMAT))
        atomic_write(path, writer, "--save")
        return
    whole = {"format": FORMAT, **{name: W.tolist() for name, W in params.items()},
             "knobs": knobs, "data": {name: array.tolist() for name, array in data.items()}}
    atomic_write(path, json.dumps(whole) + "\n", "--save")


def expected(sizes):
    """Each array's shape, W1 (n_in, hidden), b1 (1, hidden), ..., for layers of these sizes
    (the inputs, each hidden layer, the outputs)."""
    shapes = {}
    for l, (n_in, n_out) in enumerate(zip(sizes, sizes[1:]), start=1):
        shapes.update({f"W{l}": (n_in, n_out), f"b{l}": (1, n_out)})
    return shapes


def load(path, sizes, run=None):
    """W1, b1, W2, b2 (..., WL, bL) from a file save() wrote (or any file with those arrays),
    as new float64 arrays; Refused, in one line, for a file that can't be read, is corrupt,
    lacks an array or has one more layer's, holds a value that is not a finite number, or
    whose shapes are not those of a network of these layer sizes (layers.sizes()). With run,
    this run's knobs (knobs() in companion/inputs.py): one line on stderr if the file was
    saved by a run with another activation or data."""
    name = f"--load {shortened(path)}"
    check_regular_file(path, "--load")  # before open(): a FIFO waits, /dev/zero never ends
    try:
        size = os.path.getsize(path)
    except OSError as err:
        raise Refused(f"{name}: can't be read ({err.strerror})") from None
    is_json = path.lower().endswith(".json")
    # what reading costs before any entry: the whole JSON; of a .npz, its directory only (the
    # saved X and y, most of --save's file, are never read)
    read = size if is_json else directory_size(path, size)
    if read * (JSON_GROWTH if is_json else NPZ_GROWTH) > memory_budget():
        raise Refused(f"{name}: too big to read within the memory budget ({read:,} bytes)")
    shapes = expected(sizes)
    beyond = f"W{len(sizes)}"  # the first array of a deeper network's
    if is_json:
        arrays = read_json(path, name)
        knobs = arrays.get("knobs")
    else:
        arrays, knobs = read_npz(path, name, shapes, beyond)
    if beyond in arrays:
        raise deeper(name, beyond, shapes)
    params = {}
    for key, shape in shapes.items():
        if key not in arrays:
            raise Refused(f"{name}: has no {key} (not --save's file?)")
        try:
            W = np.array(arrays[key], dtype=float)
        except OverflowError:  # a JSON integer of 310 digits or more
            raise Refused(f"{name}: {key} holds a number too large for a float") from None
        except (ValueError, TypeError):
            raise Refused(f"{name}: {key} is not a table of numbers") from None
        if W.shape != shape:
            raise wrong_shape(name, key, W.shape, shapes)
        if not np.isfinite(W).all():
            raise Refused(f"{name}: {key} holds a value that is not finite")
        params[key] = W
    if run is not None:
        warn_if_saved_by_another_run(name, knobs, run)
    return params


def directory_size(path, size):
    """The bytes of a .npz's directory of entries, which zipfile reads whole, from the zip's
    end record; the file's size where that can't be found (not a zip: refused later)."""
    end_record = getattr(zipfile, "_EndRecData", None)  # zipfile's own reader of that record
    try:
        with open(path, "rb") as file:
            record = end_record(file) if end_record else None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        record = None
    return min(size, record[zipfile._ECD_SIZE]) if record else size


def wrong_shape(name, key, got, shapes):
    """Refused, naming the array, its shape and the run's; when only the output's columns
    differ, the cause: the number of classes (a weight file of spiral3's on two classes)."""
    rows, columns = shapes[key]
    output = key in list(shapes)[-2:]
    if output and len(got) == 2 and got[0] == rows and got[1] != columns:
        why = f"{max(columns, 2)} classes here"
    else:
        why = layers_flag(shapes)
    got = " x ".join(map(str, got)) or "one number"
    if len(got) > 20:  # a forged header's shape can run to thousands of digits
        got = got[:17] + "..."
    return Refused(f"{name}: {key} is {got}, not {rows} x {columns} ({why})")


def deeper(name, beyond, shapes):
    sizes = [shapes["W1"][0]] + [shape[1] for key, shape in shapes.items() if key[0] == "b"]
    return Refused(f"{name}: has {beyond}: more layers than this run's {layers.name(sizes)}")


def layers_flag(shapes):
    """--hidden 8 for the chapter's network; the layer sizes, 2-8-8-3, of another."""
    units = [shape[1] for key, shape in shapes.items() if key.startswith("b")]
    if len(units) == 2 and units[1] == 1:
        return f"--hidden {units[0]}"
    return layers.name([shapes["W1"][0], *units])


def read_json(path, name):
    try:
        with open(path, encoding="utf-8") as file:
            whole = json.load(file)
    except OSError as err:
        raise Refused(f"{name}: can't be read ({err.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):  # or not UTF-8 text
        raise Refused(f"{name}: is not a JSON file (corrupt?)") from None
    except ValueError:  # int() refuses over 4,300 digits: far past a float's range anyway
        raise Refused(f"{name}: holds a number too large for a float") from None
    if not isinstance(whole, dict):
        raise Refused(f"{name}: has no W1, b1, W2, b2 (not --save's file?)")
    return whole


def read_npz(path, name, shapes, beyond):
    """(arrays, knobs): the arrays of shapes' names that the .npz holds, and its knobs (None
    if it has none it can give). Each entry's .npy header is read first, and its data only
    if the header declares what shapes asks for: a forged header declaring terabytes, or a
    small deflated entry that would unpack to gigabytes, costs no more than its header.
    The data (X, y) are never read."""
    try:
        file = open(path, "rb")
    except OSError as err:
        raise Refused(f"{name}: can't be read ({err.strerror})") from None
    # from here on, any error is the file's: an OSError too (a seek before the start, bz2)
    with file:
        try:
            if file.read(6) == b"\x93NUMPY":
                raise Refused(f"{name}: is a .npy file (one array), not a .npz")
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                held = set(archive.namelist())
                if f"{beyond}.npy" in held:
                    raise deeper(name, beyond, shapes)
                arrays = {key: read_entry(archive, key, numbers(name, key, shapes))
                          for key in shapes if f"{key}.npy" in held}
                knobs = read_entry(archive, "knobs", is_knobs) if "knobs.npy" in held else None
        except (OSError, ValueError, EOFError, KeyError, RuntimeError, RecursionError,
                zipfile.BadZipFile, zlib.error, LZMAError):  # RuntimeError: an encrypted entry
            raise Refused(f"{name}: is not a .npz file (corrupt?)") from None
    if knobs is not None:
        try:
            knobs = json.loads(str(knobs))
        except (ValueError, RecursionError):  # knobs that aren't --save's: none
            knobs = None
    return arrays, knobs


def numbers(name, key, shapes):
    """The check of key's header: the shape the run expects, numbers, and within the budget."""
    shape = shapes[key]

    def check(got, dtype):
        if got != shape:
            raise wrong_shape(name, key, got, shapes)
        if dtype.kind not in "biuf":  # bool, int, unsigned or float: nothing else is a weight
            raise Refused(f"{name}: {key} is not a table of numbers")
        if shape[0] * shape[1] * dtype.itemsize > memory_budget():
            raise Refused(f"{name}: {key} too big to read within the memory budget")
        return True
    return check


def is_knobs(got, dtype):
    """The knobs: one string of JSON, of a sane length (else the file has no knobs to give)."""
    return got == () and dtype.kind == "U" and 0 < dtype.itemsize <= 4 * KNOBS_MOST


def read_entry(archive, key, check):
    """key's array from the archive, read only if check(shape, dtype) of its header says so
    (else None); at most HEADER_MOST bytes and then the bytes that the header declares."""
    with archive.open(f"{key}.npy") as entry:
        # numpy reads as many bytes as a header says it has before it checks that length: a
        # forged one says 4 GB. Its parser is given at most HEADER_MOST bytes.
        head = io.BytesIO(entry.read(HEADER_MOST))
        version = npy.read_magic(head)
        reader = {(1, 0): npy.read_array_header_1_0, (2, 0): npy.read_array_header_2_0}
        if version not in reader:  # 3.0 is for names in UTF-8, which weights don't have
            raise ValueError(f".npy version {version}")
        with warnings.catch_warnings():  # a header from Python 2 warns, and still reads
            warnings.simplefilter("ignore")
            shape, fortran, dtype = reader[version](head)
        if not check(shape, dtype):
            return None
        size = math.prod(shape) * dtype.itemsize
        data = head.read(size)
        data += entry.read(size - len(data))
    if len(data) < size:
        raise ValueError(f"{key} is cut short")
    return np.frombuffer(data, dtype).reshape(shape, order="F" if fortran else "C")


def warn_if_saved_by_another_run(name, knobs, run):
    """One line on stderr when the file's knobs differ from the run's in what the weights were
    fitted to: the activation, the data, and a named set's noise (a wider spread is another
    problem; another seed or --points is another sample of the same one). A warning, not a
    refusal: a reader may load weights into another run on purpose. No knobs, no warning."""
    if not isinstance(knobs, dict):  # a file from elsewhere
        return
    differ = [key for key in COMPARED if key in knobs and not same(key, knobs, run)]
    if differ:
        fail(f"nn_from_scratch.py: {name}: saved with {as_flags(knobs, differ)}; this run is "
             f"{as_flags(run, differ)}")


def same(key, knobs, run):
    saved, ours = knobs[key], run[key]
    if key == "noise":  # noise does nothing to a file, and another set is said already
        return run["data"] not in DATA_NAMES or knobs.get("data") != run["data"] or saved == ours
    if key == "data" and isinstance(saved, str) and ours not in DATA_NAMES:
        return os.path.normpath(saved) == os.path.normpath(ours)  # ./a.csv is a.csv
    return saved == ours


def as_flags(knobs, keys):
    """--activation relu --data circles: the values of keys as the flags that give them."""
    def shown(value):
        text = f"{value:g}" if isinstance(value, float) else str(value)
        plain = text.isprintable() and " " not in text and len(text) <= 40
        return text if plain else shortened(text)
    return " ".join(f"--{key} {shown(knobs[key])}" for key in keys)
