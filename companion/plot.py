"""--plot FILE: the trained network as one matplotlib figure, saved as .png, .svg or .pdf.

    python nn_from_scratch.py --plot figure.png

Four views, the same as the terminal pictures: the decision regions shaded by P(class 1) with the
training points; the loss and accuracy of every epoch; each hidden unit's map; and the hidden
space, before and after training. matplotlib is optional (requirements-plot.txt) and is imported
only here, only when --plot is given.
"""

import os

import numpy as np

from companion.cli import Refused
from companion.flags import PICTURE_CELLS
from companion.pictures import grid, hidden_view
from nn_from_scratch import forward, predict

INSTALL = "pip install -r requirements-plot.txt"


def check_can_save(path):
    """Raise Refused, before training, if matplotlib is missing or path can't be written."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise Refused(f"--plot: no matplotlib; {INSTALL}") from None
    existed = os.path.exists(path)
    try:
        with open(path, "ab"):
            pass
    except OSError as err:
        raise Refused(f"--plot {path}: {err.strerror}") from None
    if not existed:
        os.remove(path)


def save_figure(path, start, params, X, y, activation, curve):
    """Draw the four views and save them to path, in the format its extension names."""
    fig = figure(start, params, X, y, activation, curve)
    try:
        fig.savefig(path)
    except OSError as err:
        raise Refused(f"--plot {path}: {err.strerror}") from None


def figure(start, params, X, y, activation, curve):
    """The four views of a trained network, as a matplotlib Figure."""
    from matplotlib.figure import Figure  # no pyplot: no window, no backend to choose

    hidden = params["W1"].shape[1]
    shown_units = min(hidden, 8)
    fig = Figure(figsize=(13, 9.5), layout="constrained")
    outer = fig.add_gridspec(3, 4, height_ratios=[1, 1, 0.8])
    regions(fig.add_subplot(outer[0:2, 0:2]), params, X, y, activation)
    loss_curve(fig.add_subplot(outer[0, 2:4]), curve)
    for k, (title, weights) in enumerate([("before training", start), ("after training", params)]):
        hidden_space(fig.add_subplot(outer[1, 2 + k]), weights, X, y, activation, title)
    units = outer[2, :].subgridspec(1, shown_units)
    for unit in range(shown_units):
        unit_map(fig.add_subplot(units[0, unit]), params, X, activation, unit)
    fig.suptitle(f"2-{hidden}-1 network, {activation} hidden layer, after {curve.epochs} epochs;"
                 f" bottom row: each hidden unit's activation a1 over the input box (orange > 0,"
                 f" purple < 0)")
    return fig


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
    image = ax.imshow(p, extent=extent, cmap="RdBu_r", vmin=0, vmax=1, alpha=0.6, aspect="auto")
    ax.contour(p, levels=[0.5], extent=extent, origin="upper", colors="k", linewidths=1)
    scatter(ax, X, y)
    ax.figure.colorbar(image, ax=ax, shrink=0.8, label="P(class 1)")
    ax.set(title="decision regions (the line: P = 0.5)", xlabel="x1", ylabel="x2")
    ax.legend(loc="upper right", fontsize=8)


def loss_curve(ax, curve):
    epochs = np.arange(curve.epochs)
    ax.semilogy(epochs, curve.loss[:curve.epochs], color="k", label="loss")
    ax.set(title="training", xlabel="epoch", ylabel="loss (log scale)")
    right = ax.twinx()
    right.plot(epochs, curve.acc[:curve.epochs], color="tab:green", label="train accuracy")
    right.set(ylabel="train accuracy", ylim=(min(0.45, curve.acc[:curve.epochs].min()), 1.02))
    ax.legend(handles=ax.get_lines() + right.get_lines(), loc="center right", fontsize=8)


def hidden_space(ax, params, X, y, activation, title):
    u, v, right, _ = hidden_view(params, X, y, activation)
    scatter(ax, np.column_stack([u, v]), y)
    ax.axvline(0, color="k", linewidth=1)
    ax.set_title(f"hidden space, {title}:\n{right.mean():.3f} on their class's side of z2 = 0",
                 fontsize=10)
    ax.set(xlabel="z2 = a1 @ W2 + b2", ylabel="largest other spread of a1")


def unit_map(ax, params, X, activation, unit):
    n = 60
    cells, extent = box(X, n)
    a1 = forward(params, cells, activation)[1][:, unit].reshape(n, n)
    top = np.abs(a1).max() or 1.0
    ax.imshow(a1, extent=extent, cmap="PuOr", vmin=-top, vmax=top, aspect="auto")
    ax.set_title(f"unit {unit + 1}, w2 = {params['W2'][unit, 0]:+.1f}", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
