"""--save and --load: the trained weights, with the knobs and the data that produced them.

    save(path, params, knobs, data)   a .json or .npz file
    load(path, n_in, hidden)          W1, b1, W2, b2 from such a file, checked against the run

The JSON file holds every float exactly: Python writes a float as repr(), the shortest text
that reads back as the very same float64, so another program, in any language, can compare its
own weights with these weight by weight. Its keys: W1, b1, W2, b2 (lists of rows), knobs (the
run's settings), and data: X, y, and X_test, y_test when --test held points out. A .npz file
holds the same arrays under the same names, and the knobs as a JSON string; it is read without
pickle, so a .npz file from elsewhere can't run code.
"""

import json
import os
import zipfile

import numpy as np

from companion.cli import Refused, atomic_write, memory_budget, shortened

NAMES = ("W1", "b1", "W2", "b2")
FORMAT = "nn_from_scratch.py weights, version 1"
JSON_GROWTH = 40  # bytes of Python objects per byte of JSON, at most (a float: 24 for ~18 bytes)


def save(path, params, knobs, data):
    """Write params (W1, b1, W2, b2), the knobs (a dict of plain values) and data (a dict of
    arrays: X, y, perhaps X_test, y_test) to path, in the format its extension names."""
    if path.lower().endswith(".npz"):
        def writer(file):
            np.savez(file, **{name: params[name] for name in NAMES}, **data,
                     knobs=np.array(json.dumps(knobs)), format=np.array(FORMAT))
        atomic_write(path, writer, "--save")
        return
    whole = {"format": FORMAT, **{name: params[name].tolist() for name in NAMES},
             "knobs": knobs, "data": {name: array.tolist() for name, array in data.items()}}
    atomic_write(path, json.dumps(whole) + "\n", "--save")


def expected(n_in, hidden):
    return {"W1": (n_in, hidden), "b1": (1, hidden), "W2": (hidden, 1), "b2": (1, 1)}


def load(path, n_in, hidden):
    """W1, b1, W2, b2 from a file save() wrote (or any file with those four arrays), as new
    float64 arrays; Refused, in one line, for a file that can't be read, is corrupt, lacks an
    array, holds a value that is not a finite number, or whose shapes are not those of an
    n_in-hidden-1 network."""
    name = f"--load {shortened(path)}"
    if os.path.isdir(path):
        raise Refused(f"{name}: is a folder, not a file")
    try:
        size = os.path.getsize(path)
    except OSError as err:
        raise Refused(f"{name}: {'no such file' if not os.path.exists(path) else err.strerror}"
                      ) from None
    growth = JSON_GROWTH if path.lower().endswith(".json") else 2
    if size * growth > memory_budget():
        raise Refused(f"{name}: too big to read within the memory budget ({size:,} bytes)")
    arrays = read_npz(path, name) if path.lower().endswith(".npz") else read_json(path, name)
    params = {}
    for key, shape in expected(n_in, hidden).items():
        if key not in arrays:
            raise Refused(f"{name}: has no {key} (not --save's file?)")
        try:
            W = np.array(arrays[key], dtype=float)
        except (ValueError, TypeError):
            raise Refused(f"{name}: {key} is not a table of numbers") from None
        if W.shape != shape:
            got = " x ".join(map(str, W.shape)) or "one number"
            raise Refused(f"{name}: {key} is {got}, not {shape[0]} x {shape[1]} (--hidden "
                          f"{hidden})")
        if not np.isfinite(W).all():
            raise Refused(f"{name}: {key} holds a value that is not finite")
        params[key] = W
    return params


def read_json(path, name):
    try:
        with open(path, encoding="utf-8") as file:
            whole = json.load(file)
    except OSError as err:
        raise Refused(f"{name}: can't be read ({err.strerror})") from None
    except (ValueError, RecursionError):  # a JSONDecodeError, or text that is not UTF-8
        raise Refused(f"{name}: is not a JSON file (corrupt?)") from None
    if not isinstance(whole, dict):
        raise Refused(f"{name}: has no W1, b1, W2, b2 (not --save's file?)")
    return whole


def read_npz(path, name):
    try:
        with open(path, "rb") as file, np.load(file, allow_pickle=False) as npz:
            return {key: npz[key] for key in NAMES if key in npz.files}
    except OSError as err:
        raise Refused(f"{name}: can't be read ({err.strerror or 'not a .npz file'})") from None
    except (ValueError, EOFError, KeyError, zipfile.BadZipFile, NotImplementedError):
        raise Refused(f"{name}: is not a .npz file (corrupt?)") from None
