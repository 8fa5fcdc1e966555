"""--plot FILE: the trained network as one matplotlib figure, saved as .png, .svg or .pdf.

    python nn_from_scratch.py --plot figure.png

Four views, the same as the terminal pictures: the decision regions shaded by P(class 1) with the
training points; the loss and accuracy of every epoch; each hidden unit's map; and the hidden
space, before and after training. matplotlib is optional (requirements-plot.txt) and is imported
only here, only when --plot is given.
"""

import os
import stat
import sys
import tempfile

import numpy as np

from companion.cli import Refused, shortened
from companion.flags import PICTURE_CELLS
from companion.pictures import above_zero, grid, hidden_view
from nn_from_scratch import CENTRES, LABELS, forward, predict

def install_hint():
    """How to install matplotlib into the Python that is running: its own pip (.venv/bin/pip
    when run from the project's venv), with the project's requirements-plot.txt."""
    folder = os.path.dirname(sys.executable)
    pips = [os.path.join(folder, name) for name in ("pip", "pip3", "pip.exe")]
    pip = next((relative(p) for p in pips if os.path.exists(p)), f"{relative(sys.executable)} -m pip")
    wanted = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "requirements-plot.txt")
    return f"{pip} install -r {relative(wanted)}"


def relative(path):
    """path as short as it can be written from here: relative below the working folder."""
    inside = os.path.relpath(path)
    return path if inside.startswith("..") else inside


def check_can_save(path):
    """Raise Refused, before training, if matplotlib is missing or path can't take a figure:
    it must be a regular file, or a new file in a folder we can write to. (Opening a named pipe
    to find out would wait for a reader; a device such as /dev/full fails only when written.)"""
    quiet_matplotlib()
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise Refused(f"--plot: no matplotlib; {install_hint()}") from None
    shown = shortened(path)
    folder = os.path.dirname(path) or "."
    try:
        if os.path.isdir(path):
            raise Refused(f"--plot {shown}: is a folder, not a file")
        if os.path.exists(path):
            if not stat.S_ISREG(os.stat(path).st_mode):
                raise Refused(f"--plot {shown}: not a regular file")
            os.close(os.open(path, os.O_WRONLY | os.O_APPEND))  # an old figure we may replace
        handle, trial = tempfile.mkstemp(dir=folder, prefix=".plot-check-")
        os.close(handle)
        os.remove(trial)
    except OSError as err:
        raise Refused(f"--plot {shown}: {err.strerror}") from None


def quiet_matplotlib():
    """matplotlib's own warnings (a cache folder it can't write, so it makes a temporary one;
    building its font cache) are not ours to show: the figure is saved all the same."""
    import logging
    logging.getLogger("matplotlib").setLevel(logging.ERROR)


def save_figure(path, start, params, X, y, activation, curve):
    """Draw the four views and save them to path, in the format its extension names: into a
    new file beside it first, renamed into place once written, so that a save that fails
    leaves any old figure as it was and no half-written one."""
    fig = figure(start, params, X, y, activation, curve)
    kind = os.path.splitext(path)[1][1:].lower()
    handle, partial = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".plot-",
                                       suffix="." + kind)
    try:
        with os.fdopen(handle, "wb") as file:
            fig.savefig(file, format=kind)
        os.chmod(partial, file_mode(path))  # mkstemp's file is the owner's alone (0600)
        os.replace(partial, path)
    except OSError as err:
        raise Refused(f"--plot {shortened(path)}: {err.strerror}") from None
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def file_mode(path):
    """The permissions a saved figure gets: an old figure's own, kept; for a new file, what
    open() would give it, 0666 less the umask (0644 with the usual umask of 022)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def figure(start, params, X, y, activation, curve):
    """The four views of a trained network, as a matplotlib Figure."""
    from matplotlib.figure import Figure  # no pyplot: no window, no backend to choose

    hidden = params["W1"].shape[1]
    fig = Figure(figsize=(13, 10), layout="constrained")
    outer = fig.add_gridspec(3, 4, height_ratios=[1, 1, 0.85])
    regions(fig.add_subplot(outer[0:2, 0:2]), params, X, y, activation)
    loss_curve(fig.add_subplot(outer[0, 2:4]), curve)
    for k, (title, weights) in enumerate([("before training", start), ("after training", params)]):
        hidden_space_panel(fig.add_subplot(outer[1, 2 + k]), weights, X, y, activation, title)
    units = shown_units(params)
    row = outer[2, :].subgridspec(1, SLOTS + 1, width_ratios=[1] * SLOTS + [0.12])
    first = (SLOTS - len(units)) // 2  # fewer maps than slots: the same size, centred
    cells, extent = box(X, UNIT_CELLS)
    a1 = forward(params, cells, activation)[1][:, units]  # (cells, shown units)
    top = np.abs(a1).max() or 1.0  # one scale for every map, symmetric about 0
    for k, unit in enumerate(units):
        image = unit_map(fig.add_subplot(row[0, first + k]), a1[:, k], extent, top, unit,
                         params["W2"][unit, 0], first=k == 0)
    fig.colorbar(image, cax=fig.add_subplot(row[0, SLOTS]), label=UNITS_COLOURS)
    which = (f"the {len(units)} hidden units with the largest |w2| (of {hidden})"
             if len(units) < hidden else "each hidden unit")
    fig.suptitle(f"2-{hidden}-1 network, {activation} hidden layer, after {curve.epochs} epochs"
                 f"\nbottom row: {which}: a1 over the input box; 0 and 1 mark "
                 f"the cluster centres and their class")
    return fig


SLOTS = 8  # hidden units drawn in the bottom row, at most
UNIT_CELLS = 60  # each unit's map: UNIT_CELLS x UNIT_CELLS values
REGIONS_CMAP, UNITS_CMAP = "RdBu_r", "PuOr_r"  # low to high: blue to red, purple to orange
REGIONS_COLOURS = "P(class 1): red says class 1, blue class 0"
UNITS_COLOURS = "a1: orange > 0, purple < 0"


def shown_units(params):
    """The hidden units the bottom row draws, in order: all of them, or the SLOTS whose vote for
    class 1, |w2|, is largest."""
    w2 = np.abs(params["W2"][:, 0])
    return sorted(np.argsort(-w2, kind="stable")[:SLOTS].tolist())


def signed(value):
    """+2.2, -0.71, -0.038: two significant digits and a sign, never -0.0."""
    return f"{float(value) + 0.0:+.2g}"


def box(X, n):
    """An n x n grid over the data's box, and its extent for imshow."""
    lo, hi = X.min(0), X.max(0)
    return grid(lo, hi, n, n), (lo[0], hi[0], lo[1], hi[1])


def scatter(ax, points, y):
    is_1 = y[:, 0] == 1
    ax.scatter(*points[~is_1].T, s=9, marker="o", facecolors="none", edgecolors="tab:blue",
               linewidths=0.7, label="class 0")
    ax.scatter(*points[is_1].T, s=12, marker="x", color="tab:red", linewidths=0.7,
               label="class 1")


def regions(ax, params, X, y, activation):
    n = int(np.sqrt(PICTURE_CELLS))
    cells, extent = box(X, n)
    p = predict(params, cells, activation).reshape(n, n)
    image = ax.imshow(p, extent=extent, cmap=REGIONS_CMAP, vmin=0, vmax=1, alpha=0.6,
                      aspect="auto")
    ax.contour(p, levels=[0.5], extent=extent, origin="upper", colors="k", linewidths=1)
    scatter(ax, X, y)
    ax.figure.colorbar(image, ax=ax, shrink=0.8, label=REGIONS_COLOURS)
    ax.set(title="decision regions (the line: P = 0.5)", xlabel="x1", ylabel="x2")
    ax.legend(loc="upper right", fontsize=8)


def loss_curve(ax, curve):
    """Loss and accuracy against epoch + 1 on a log scale: the first epochs, where the network
    changes most, get as much room as the last thousand."""
    n = curve.epochs
    x = np.arange(n) + 1
    loss, at_zero = above_zero(curve.loss[:n])
    ax.plot(x, loss, color="k", label="loss" + (" (<= 0 drawn at the floor)" if at_zero else ""))
    ax.set(xscale="log", yscale="log", title="training", xlabel="epoch + 1 (log scale)",
           ylabel="loss (log scale)", xlim=(1, max(n, 2)))
    right = ax.twinx()
    right.plot(x, curve.acc[:n], color="tab:green", label="train accuracy")
    right.set(ylabel="train accuracy", ylim=(min(0.45, curve.acc[:n].min()), 1.02))
    ax.legend(handles=ax.get_lines() + right.get_lines(), loc="center right", fontsize=8)


def hidden_space_panel(ax, params, X, y, activation, title):
    u, v, right, one_unit = hidden_view(params, X, y, activation)
    scatter(ax, np.column_stack([u, v]), y)
    ax.axvline(0, color="k", linewidth=1)
    ax.set_title(f"hidden space, {title}:\n{right.mean():.3f} on their class's side of z2 = 0",
                 fontsize=10)
    ax.set(xlabel="z2 = a1 @ W2 + b2\n(what the output unit reads)",
           ylabel="class (one hidden unit)" if one_unit else "where a1 varies most, besides z2")


def unit_map(ax, a1, extent, top, unit, w2, first=False):
    """Where one hidden unit is on: its a1 over the input box (UNIT_CELLS x UNIT_CELLS values),
    orange > 0 and purple < 0 on the scale -top..top, with the cluster centres marked by class."""
    image = ax.imshow(a1.reshape(UNIT_CELLS, UNIT_CELLS), extent=extent, cmap=UNITS_CMAP,
                      vmin=-top, vmax=top, aspect="auto")
    for (x1, x2), label in zip(CENTRES, LABELS):
        ax.text(x1, x2, str(label), ha="center", va="center", fontsize=10, fontweight="bold",
                color="white", bbox=dict(boxstyle="circle,pad=0.15", fc="black", lw=0))
    ax.set_title(f"unit {unit + 1}, w2 = {signed(w2)}", fontsize=9)
    ax.set_xticks([-1, 1])
    ax.set_yticks([-1, 1])
    ax.tick_params(labelsize=7)
    ax.set_xlabel("x1", fontsize=8, labelpad=1)
    if first:
        ax.set_ylabel("x2", fontsize=8, labelpad=1)
    return image
