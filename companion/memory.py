"""What experiments.py will need of memory, estimated before it starts, against the budget.

    report_memory(seeds, workers)         the report's peak, in bytes
    sweep_memory(seeds, points, hidden)   a sweep's peak, in bytes
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


def sweep_memory(seeds, points, hidden):
    """The bytes a sweep will need at its peak: a stack of up to CHUNK networks, each holding
    up to 12 float64 arrays of points x hidden at once."""
    return 12 * 8 * min(seeds, CHUNK) * points * hidden


def over_budget(what, need):
    """Whether `what` (the report, the sweep) needs more memory than the budget; if so, said in
    one line on stderr."""
    budget = memory_budget()
    if need <= budget:
        return False
    fail(f"experiments.py: the {what} needs about {size(need, up=True)} of memory, the budget "
         f"{size(budget, up=False)}")
    return True
