"""What experiments.py will need of memory, estimated before it starts, against the budget.

    report_memory(seeds, workers)         the report's peak, in bytes
    sweep_memory(seeds, points, hidden, depth, classes, workers)
                                          a sweep's row's peak, in bytes
    over_budget(what, need)               more than the budget: said in one line, and True

The budget is companion/cli.py's memory_budget(): 2 GB, or half of what is free if that is
less, or NN_MEMORY_BUDGET. (nn_from_scratch.py's own estimate is companion/flags.py's.)
"""

from companion.cli import fail, memory_budget
from companion.flags import size
from companion.many import CHUNK

PROCESS_MEMORY = 55e6  # a process with NumPy and experiments.py: measured, a worker peaks at 50 MB
PER_SEED = 100e3       # what the parent keeps of a seed (networks, measurements): measured 90 kB


def report_memory(seeds, workers):
    """The bytes a report will need at its peak: the parent and its workers, and what the
    parent keeps of every seed until the report is written."""
    return PROCESS_MEMORY * (workers + 1) + PER_SEED * seeds


# A network of layers.py trained alone (measured with tracemalloc, 400 to 4000 points, 1 to 8
# layers of 256 and 1024 units): 4 float64 arrays of points x hidden a hidden layer (its z and
# a, kept for the backward pass, and the backward pass's), plus 1; the weights 3 times over
# (the weights, their gradients, one layer's lr * gradient); a few arrays of points x classes.
LAYER_ARRAYS, WEIGHT_COPIES, OUTPUT_ARRAYS = 4, 3, 8


def sweep_memory(seeds, points, hidden, depth=1, classes=2, workers=0):
    """The bytes a row of a sweep will need at its peak. The chapter's network (depth 1, two
    classes): a stack of up to CHUNK networks, each holding up to 12 float64 arrays of points x
    hidden at once. Any other (layers.py's): one network at a time in each of `workers` worker
    processes (in this one with 0), each holding LAYER_ARRAYS arrays of points x hidden per
    hidden layer, its weights WEIGHT_COPIES times, and OUTPUT_ARRAYS of points x classes. And
    the worker processes themselves, started for the sweep, with NumPy each."""
    processes = PROCESS_MEMORY * workers
    if depth == 1 and classes == 2:
        return processes + 12 * 8 * min(seeds, CHUNK) * points * hidden
    outputs = 1 if classes == 2 else classes
    weights = 2 * hidden + (depth - 1) * hidden * hidden + hidden * outputs
    one = 8 * ((LAYER_ARRAYS * depth + 1) * points * hidden + OUTPUT_ARRAYS * points * outputs
               + WEIGHT_COPIES * weights)
    return processes + one * max(1, workers)


def over_budget(what, need):
    """Whether `what` (the report, the sweep) needs more memory than the budget; if so, said in
    one line on stderr."""
    budget = memory_budget()
    if need <= budget:
        return False
    fail(f"experiments.py: the {what} needs about {size(need, up=True)} of memory, the budget "
         f"{size(budget, up=False)}")
    return True
