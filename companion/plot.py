"""--plot FILE: the trained network as one matplotlib figure, saved as .png, .svg or .pdf.

    python nn_from_scratch.py --plot figure.png

Four views, the same as the terminal pictures: the decision regions shaded by P(class 1) (with K
> 2 classes, coloured by the class the network says) with the training points (and held-out test
points, if given); the loss and accuracy of every epoch; the map of each unit of the first hidden
layer; and the hidden space, before and after training. Any depth, and up to 10 classes. Points
are black and white marks, a shape per class, so that they stand out on any region's colour; a
yellow disc behind a mark says the network gets that point wrong, as the terminal's capitals do.
matplotlib is optional (requirements-plot.txt) and is imported only here, only when --plot is
given.
"""

import os
import sys

import numpy as np

from companion import layers
from companion.cli import Refused, atomic_write, check_can_write
from companion.inputs import accuracy_on
from companion.pictures import (XOR_CENTRES, above_zero, check_marks, class_counts, classes,
                                covering, grid, hidden_view, is_right, shared_spots,
                                softmax_plane, votes, w2_text)

PICTURE_CELLS = 100 * 100  # the figure's grid: the most cells any picture evaluates at once

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
        raise Refused(f"--plot: no matplotlib; install it with\n{install_hint()}") from None
    check_can_write(path, "--plot")  # the rule of every file the scripts write


def quiet_matplotlib():
    """matplotlib's own warnings (a cache folder it can't write, so it makes a temporary one;
    building its font cache) are not ours to show: the figure is saved all the same."""
    import logging
    logging.getLogger("matplotlib").setLevel(logging.ERROR)


def save_figure(path, start, params, X, y, activation, curve, test=None, centres=XOR_CENTRES):
    """Draw the four views and save them to path, in the format its extension names: into a
    new file beside it first, renamed into place once written, so that a save that fails
    leaves any old figure as it was and no half-written one. test and centres: as figure's."""
    fig = figure(start, params, X, y, activation, curve, test, centres)
    kind = os.path.splitext(path)[1][1:].lower()
    atomic_write(path, lambda file: fig.savefig(file, format=kind), "--plot")


def figure(start, params, X, y, activation, curve, test=None, centres=XOR_CENTRES):
    """The four views of a trained network, as a matplotlib Figure. test = (X_test, y_test):
    held-out points, drawn with marks of their own, their accuracy beside the training one's.
    centres = (points, labels): marked on each unit's map, the XOR clusters' by default; None
    marks none (a data set without cluster centres)."""
    from matplotlib.figure import Figure  # no pyplot: no window, no backend to choose

    fig = Figure(figsize=(13, 10), layout="constrained")
    outer = fig.add_gridspec(3, 4, height_ratios=[1, 1, 0.85])
    regions(fig.add_subplot(outer[0:2, 0:2]), params, X, y, activation, test)
    loss_curve(fig.add_subplot(outer[0, 2:4]), curve,
               None if test is None else accuracy_on(params, *test, activation))
    for k, (title, weights) in enumerate([("before training", start), ("after training", params)]):
        hidden_space_panel(fig.add_subplot(outer[1, 2 + k]), weights, X, y, activation, title,
                           test)
    units = shown_units(params)
    cells, extent = box(X, UNIT_CELLS, test)
    a1 = layers.forward(params, cells, activation)[1][1][:, units]  # (cells, shown units)
    norm, cmap, label = units_scale(a1)
    axes = unit_row(fig, outer[2, :], len(units))
    w2 = votes(params)
    for k, (ax, unit) in enumerate(zip(axes[:-1], units)):
        image = unit_map(ax, a1[:, k], extent, norm, cmap, unit,
                         None if w2 is None else w2[unit], first=k == 0, centres=centres)
    fig.colorbar(image, cax=axes[-1], label=label)
    marks = "; 0 and 1 mark the cluster centres and their class" if centres is not None else ""
    many = "s" if layers.depth(params) > 2 else ""
    net = layers.name(layers.sizes_of(params))
    fig.suptitle(f"{net} network, {activation} hidden layer{many}, after {curve.epochs} epochs"
                 f"\nbottom row: {units_said(params, units)}: a1 over the input box{marks}")
    return fig


def units_said(params, units):
    """Which units the bottom row draws, as the figure's title says it."""
    hidden, L = params["W1"].shape[1], layers.depth(params)
    if votes(params) is not None:
        return (f"the {len(units)} hidden units with the largest |w2| (of {hidden})"
                if len(units) < hidden else "each hidden unit")
    layer = "the hidden layer" if L == 2 else f"the first of {L - 1} hidden layers"
    return (f"the {len(units)} units of {layer} with the largest row of W2 (of {hidden})"
            if len(units) < hidden else f"each unit of {layer}")


SLOTS = 8  # hidden units drawn in the bottom row, at most
UNIT_CELLS = 60  # each unit's map: UNIT_CELLS x UNIT_CELLS values
BAR = 0.12  # the colour bar's width, in maps
REGIONS_CMAP, UNITS_CMAP = "RdBu_r", "PuOr_r"  # low to high: blue to red, purple to orange
REGIONS_COLOURS = "P(class 1): red says class 1, blue class 0"
UNITS_COLOURS = "a1: orange > 0, purple < 0"
UNITS_COLOURS_POSITIVE = "a1: orange > 0 (none < 0)"
WRONG = "yellow disc: one the network gets wrong"


def shown_units(params):
    """The first hidden layer's units the bottom row draws, in order: all of them, or the SLOTS
    whose weights out are largest: |w2|, their vote for class 1, in the chapter's network; else
    the length of their row of W2."""
    W2 = params["W2"]
    out = np.abs(W2[:, 0]) if W2.shape[1] == 1 else np.linalg.norm(W2, axis=1)
    return sorted(np.argsort(-out, kind="stable")[:SLOTS].tolist())


def signed(value):
    """A unit's w2 as the figure writes it: as the terminal's --features does (w2_text)."""
    return w2_text(value)


def units_scale(a1):
    """One colour scale for every unit's map, its colour map and its colour bar's label: 0 is
    white, orange above it and purple below, symmetric about 0; where no a1 is below 0 (ReLU,
    sigmoid) only 0..top, white to orange, so that the whole scale shows what is there."""
    from matplotlib.colors import ListedColormap, Normalize
    import matplotlib

    top = float(np.abs(a1).max()) or 1.0
    if a1.min() >= 0:
        upper = matplotlib.colormaps[UNITS_CMAP](np.linspace(0.5, 1, 128))
        return Normalize(0, top), ListedColormap(upper, name="PuOr_r, upper half"), \
            UNITS_COLOURS_POSITIVE
    return Normalize(-top, top), UNITS_CMAP, UNITS_COLOURS


def unit_row(fig, spec, n):
    """The bottom row's axes: n maps of one size whatever n is, centred, and the colour bar
    right after the last of them (the last axes)."""
    gap = (SLOTS - n) / 2  # fewer maps than slots: room either side
    widths = ([gap] if gap else []) + [1] * n + [BAR] + ([gap] if gap else [])
    row = spec.subgridspec(1, len(widths), width_ratios=widths)
    first = 1 if gap else 0
    return [fig.add_subplot(row[0, first + k]) for k in range(n + 1)]


def box(X, n, test=None):
    """An n x n grid over the box of the data (training and test), and its extent for imshow."""
    lo, hi = covering(X, test)
    return grid(lo, hi, n, n), (lo[0], hi[0], lo[1], hi[1])


MARKS = {  # (marker, size, face, edge) of class 0 and class 1: black and white, seen on any hue
    "training": (("o", 16, "white", "black"), ("x", 20, "black", "black")),
    "test": (("s", 18, "white", "black"), ("+", 30, "black", "black")),
}
CLASS_MARKERS = "o^sDvph<>8"  # K > 2 classes: a shape per class, white (training), black (test)
CLASS_ALPHA = 0.45  # K > 2 classes: the regions' colours, pale enough for the black marks


def class_marks(K, kind):
    """(marker, size, face, edge) of each class's points: MARKS for two classes; for K, a shape
    each, white with a black edge for training points, black for test points."""
    if K == 2:
        return MARKS[kind]
    return [(marker, 24, "white" if kind == "training" else "black", "black")
            for marker in CLASS_MARKERS[:check_marks(K)]]


def class_colours(K):
    """The regions' colour of each of K > 2 classes: matplotlib's tab10, made to tell apart."""
    import matplotlib
    return matplotlib.colormaps["tab10"].colors[:check_marks(K)]


def scatter(ax, points, y, right, kind="training", named=True, K=2):
    """The points, o class 0 and x class 1 (test points: squares and +), or a shape per class of
    K (class_marks), each wrong one on a yellow disc behind its mark."""
    suffix = "" if not named else f" ({kind})"
    ax.scatter(*points[~right].T, s=70, marker="o", facecolors="yellow", edgecolors="black",
               linewidths=0.6, zorder=2, label=WRONG if kind == "training" else "_")
    for k, (marker, size, face, edge) in enumerate(class_marks(K, kind)):
        style = dict(color=face) if marker in "x+" else dict(facecolors=face, edgecolors=edge)
        ax.scatter(*points[y[:, 0] == k].T, s=size, marker=marker, linewidths=0.8, zorder=3,
                   label=f"class {k}{suffix}", **style)


def legend(ax, colours=None, **where):
    """The points' legend, the classes first and the yellow disc last; given the classes'
    region colours, each class's mark is drawn on its colour, so that one line says both."""
    from matplotlib.patches import Patch

    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: labels[i].startswith("yellow"))
    handles, labels = [handles[i] for i in order], [labels[i] for i in order]
    if colours is not None:
        handles = [(Patch(color=colours[int(label.split()[1])], alpha=CLASS_ALPHA), handle)
                   if label.startswith("class ") else handle
                   for handle, label in zip(handles, labels)]
    ax.legend(handles, labels, fontsize=8, framealpha=0.9, **where)


def shade_classes(ax, says, extent, K):
    """Regions coloured by the class said there (an array of classes, top row first)."""
    from matplotlib.colors import ListedColormap
    return ax.imshow(says, extent=extent, cmap=ListedColormap(class_colours(K)), vmin=-0.5,
                     vmax=K - 0.5, alpha=CLASS_ALPHA, aspect="auto", interpolation="nearest")


def regions(ax, params, X, y, activation, test=None):
    """The decision regions: two classes, P(class 1) from blue to red, the line P = 0.5; K
    classes, a colour each. The points on them, and the legend."""
    K = classes(params)
    n = int(np.sqrt(PICTURE_CELLS))
    cells, extent = box(X, n, test)
    p = layers.predict(params, cells, activation)
    if K == 2:
        image = ax.imshow(p.reshape(n, n), extent=extent, cmap=REGIONS_CMAP, vmin=0, vmax=1,
                          alpha=0.6, aspect="auto")
        ax.contour(p.reshape(n, n), levels=[0.5], extent=extent, origin="upper", colors="k",
                   linewidths=1)
    else:
        shade_classes(ax, layers.predicted_class(p).reshape(n, n), extent, K)
    scatter(ax, X, y, is_right(params, X, y, activation), named=test is not None, K=K)
    scores = f"train accuracy {accuracy_on(params, X, y, activation):.3f}"
    if test is not None:
        scatter(ax, test[0], test[1], is_right(params, *test, activation), "test", K=K)
        scores += f", test accuracy {accuracy_on(params, *test, activation):.3f}"
    if K == 2:
        ax.figure.colorbar(image, ax=ax, shrink=0.8, label=REGIONS_COLOURS)
        ax.set(title=f"decision regions (the line: P = 0.5)\n{scores}", xlabel="x1", ylabel="x2")
        legend(ax, loc="upper right")
    else:
        ax.set(title=f"decision regions (the class the network says)\n{scores}", xlabel="x1",
               ylabel="x2")
        legend(ax, class_colours(K), loc="upper left", bbox_to_anchor=(1.01, 1),
               borderaxespad=0, title="class: its region, its mark", title_fontsize=8)


def loss_curve(ax, curve, test_accuracy=None):
    """Loss and accuracy against epoch + 1 on a log scale: the first epochs, where the network
    changes most, get as much room as the last thousand. The final test accuracy, if given, is
    a mark at the last epoch, beside the train accuracy's end."""
    n = curve.epochs
    x = np.arange(n) + 1
    loss, at_zero = above_zero(curve.loss[:n])
    ax.plot(x, loss, color="k", label="loss" + (" (<= 0 drawn at the floor)" if at_zero else ""))
    ax.set(xscale="log", yscale="log", title="training", xlabel="epoch + 1 (log scale)",
           ylabel="loss (log scale)", xlim=(1, max(n, 2)))
    plain_log_axis(ax.yaxis, loss.min(), loss.max())
    right = ax.twinx()
    right.plot(x, curve.acc[:n], color="tab:green", label="train accuracy")
    low = curve.acc[:n].min() if test_accuracy is None else min(curve.acc[:n].min(), test_accuracy)
    if test_accuracy is not None:
        right.plot([n], [test_accuracy], linestyle="none", marker="*", markersize=11,
                   color="tab:green", markeredgecolor="black", clip_on=False,
                   label=f"final test accuracy ({test_accuracy:.3f})")
    right.set(ylabel="train accuracy" if test_accuracy is None else "accuracy",
              ylim=(min(0.45, low), 1.02))
    ax.legend(handles=ax.get_lines() + right.get_lines(), loc="center right", fontsize=8)


def plain_log_axis(axis, lo, hi):
    """A log axis labelled in plain numbers (0.5, 0.05), not 5 x 10^-1, and only at its major
    ticks: 1, 2, 5 (and 3 where the data spans under a decade) times a power of ten where it
    spans under three decades, powers of ten alone where it spans more."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    decades = np.log10(hi / lo) if lo > 0 else np.inf
    subs = (1.0,) if decades > 3 else (1.0, 2.0, 5.0) if decades > 1 else (1.0, 2.0, 3.0, 5.0)
    axis.set_major_locator(LogLocator(base=10, subs=subs))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_formatter(NullFormatter())


def hidden_space_panel(ax, params, X, y, activation, title, test=None):
    """The points as the output sees them (pictures.hidden_view), marked as in the decision
    regions (whose legend says what the marks are): two classes at (z, v), the output's
    boundary z = 0 a black line; K classes in the softmax's plane, its regions coloured where
    the plane is all it reads (3 classes). A spot that many points share (ReLU's dead points,
    a = 0 in every unit) gets a magenta ring and its count, and the title says how many points
    it holds and of which class."""
    K, L = classes(params), layers.depth(params)
    view = hidden_view(params, X, y, activation, test)
    u, v, right, one_unit = view[:4]
    scatter(ax, np.column_stack([u, v]), y, right, named=test is not None, K=K)
    side = f"on their class's side of z{L} = 0" if K == 2 else "in their class's region"
    lines = [f"hidden space, {title}:", f"{right.mean():.3f} {side}"]
    if test is not None:
        tu, tv, test_right = view[4]
        scatter(ax, np.column_stack([tu, tv]), test[1], test_right, "test", K=K)
        lines.append(f"test points: {test_right.mean():.3f}")
        u, v = np.concatenate([u, tu]), np.concatenate([v, tv])
    if K > 3:
        lines.append(f"(2 of the {K - 1} directions it reads)")
    if K == 2:
        ax.axvline(0, color="k", linewidth=1)
    else:
        plane_regions(ax, params, X, activation, u, v)
    points = X if test is None else np.vstack([X, test[0]])
    labels = y if test is None else np.vstack([y, test[1]])
    rights = right if test is None else np.concatenate([right, test_right])
    spots = [] if one_unit else shared_spots(params, points, activation)
    for k, (where, dead) in enumerate(spots):
        n = int(where.sum())
        shared_spot(ax, u[where][0], v[where][0], n)
        if k < 2:
            why = f"a{L - 1} = 0" if dead else f"one a{L - 1}"
            lines.append(f"ring: {n} points on one spot\n({why}): "
                         + ring_counts(labels[where, 0], rights[where], K))
    if len(spots) > 2:
        lines.append(f"and {len(spots) - 2} more rings")
    ax.set_title("\n".join(lines), fontsize=10 if len(lines) == 2 else 9)
    ax.set(**space_labels(K, L, one_unit))


def ring_counts(labels, right, K):
    """Who shares a spot, in a few words: each class's count for two classes; for K, how many
    classes and how many of the points the network gets wrong (ten counts would not fit)."""
    counts = class_counts(labels, K)
    if K == 2:
        return ", ".join(f"{c} class {k}" for k, c in counts)
    return f"{len(counts)} classes, {int((~right).sum())} wrong"


def space_labels(K, L, one_unit):
    """The hidden space's axis labels, in the chapter's words."""
    z = f"z{L} = a{L - 1} @ W{L} + b{L}"
    if K == 2:
        return dict(xlabel=f"{z}\n(what the output unit reads)",
                    ylabel="class (one hidden unit)" if one_unit
                    else f"where a{L - 1} varies most, besides z{L}")
    return dict(xlabel=f"{z}\nless its mean (what the softmax\nreads): its largest spread",
                ylabel="its second largest spread")


def plane_regions(ax, params, X, activation, u, v):
    """K = 3 classes: the regions the softmax says in its plane, coloured as the decision
    regions are, over the points' box (u, v) and a margin; more classes: none (the plane is
    not all the softmax reads)."""
    says = softmax_plane(params, X, activation)[1]
    if says is None:
        return
    n = int(np.sqrt(PICTURE_CELLS))
    margin = 0.05 * np.maximum(np.ptp([u, v], axis=1), 1e-9)
    lo, hi = np.array([u.min(), v.min()]) - margin, np.array([u.max(), v.max()]) + margin
    cells = grid(lo, hi, n, n)
    shade_classes(ax, says(*cells.T).reshape(n, n), (lo[0], hi[0], lo[1], hi[1]), 3)
    ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]))


SPOT = "magenta"  # the ring round a spot that many points share


def shared_spot(ax, x, y, n):
    """A spot that n points share: a ring round it and its count beside it, so that they are
    not taken for one point."""
    ax.scatter([x], [y], s=260, marker="o", facecolors="none", edgecolors=SPOT, linewidths=2,
               zorder=4, clip_on=False, label=f"{n} points on one spot")
    ax.annotate(str(n), (x, y), xytext=(9, 9), textcoords="offset points", fontsize=9,
                fontweight="bold", color=SPOT, zorder=5,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec=SPOT, alpha=0.9))


def unit_map(ax, a1, extent, norm, cmap, unit, w2, first=False, centres=XOR_CENTRES):
    """Where one unit of the first hidden layer is on: its a1 over the input box (UNIT_CELLS x
    UNIT_CELLS values) on the row's one colour scale, with the centres, if any, marked by
    class; w2, its vote for class 1, in its title where it has one (pictures.votes)."""
    image = ax.imshow(a1.reshape(UNIT_CELLS, UNIT_CELLS), extent=extent, cmap=cmap, norm=norm,
                      aspect="auto")
    if centres is not None:
        for (x1, x2), label in zip(*centres):
            ax.text(x1, x2, str(int(label)), ha="center", va="center", fontsize=10,
                    fontweight="bold", color="white",
                    bbox=dict(boxstyle="circle,pad=0.15", fc="black", lw=0))
        ax.set_xticks(np.unique(centres[0][:, 0]))
        ax.set_yticks(np.unique(centres[0][:, 1]))
    else:
        from matplotlib.ticker import MaxNLocator
        ax.xaxis.set_major_locator(MaxNLocator(3))
        ax.yaxis.set_major_locator(MaxNLocator(3))
    ax.set_title(f"unit {unit + 1}" + ("" if w2 is None else f", w2 = {signed(w2)}"), fontsize=9)
    ax.tick_params(labelsize=7)
    ax.set_xlabel("x1", fontsize=8, labelpad=1)
    if first:
        ax.set_ylabel("x2", fontsize=8, labelpad=1)
    return image
