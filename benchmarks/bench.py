"""How fast experiments.py is, and where its time goes: run it, read it (it is not a test).

    python benchmarks/bench.py            the default report and --seeds 100, against a bare
                                          `python -c "import numpy"`, then the time per epoch
    python benchmarks/bench.py --quick    the same without --seeds 100 (it takes minutes)

Each command runs `--runs` times and the best wall time is kept (the machine may be shared),
with the CPU time of that run, its workers included. The last part trains the chapter's tanh
network on a stack of 20 seeds (companion/many.py) and times one epoch's pieces on their own:
the matrix products (BLAS), the activation and its slope, and the rest (NumPy's overhead per
call, the element-wise arithmetic of the loss gradient and the update).
"""

import argparse
import subprocess
import sys
import time
import timeit
from pathlib import Path

try:
    import resource  # Unix only: the CPU time of the runs
except ImportError:
    resource = None

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(command, runs):
    """(best wall seconds, CPU seconds of that run, children included, or None where the
    system can't tell) of a command."""
    best = None
    for _ in range(runs):
        before = cpu_seconds()
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        wall = time.perf_counter() - start
        cpu = None if before is None else cpu_seconds() - before
        if best is None or wall < best[0]:
            best = (wall, cpu)
    return best


def cpu_seconds():
    """User and system time of the finished child processes, or None without `resource`."""
    if resource is None:
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def epoch_shares(seeds=20, repeat=200):
    """Seconds per epoch of a stack of `seeds` networks: in all, and in its pieces."""
    import numpy as np

    import nn_from_scratch as nn
    from companion import many
    sets = [nn.make_xor_data(seed) for seed in range(seeds)]
    X, y = np.stack([X for X, _ in sets]), np.stack([y for _, y in sets])
    params = many.stack([nn.init_params(seed=seed) for seed in range(seeds)])
    z1, a1, z2, p = many.forward(params, X)
    g = many.backward(params, X, y, z1, a1, p)
    W1, W2, T = params["W1"], params["W2"], many.T

    def each(function):
        return timeit.timeit(function, number=repeat) / repeat

    whole = each(lambda: nn.update(params, many.backward(params, X, y, *many.forward(params, X)[:2],
                                                         p), 0.0))
    blas = each(lambda: (many.by_example(X, W1), a1 @ W2, T(a1) @ g["z2"],
                         many.by_example(g["z2"], T(W2)), T(X) @ g["z1"]))
    activation = each(lambda: (np.tanh(z1), 1 - a1**2))
    return whole, blas, activation


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="leave out --seeds 100")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (default 3)")
    args = parser.parse_args()
    python = sys.executable
    commands = [("python -c 'import numpy'", [python, "-c", "import numpy"]),
                ("experiments.py", [python, "experiments.py"])]
    if not args.quick:
        commands.append(("experiments.py --seeds 100", [python, "experiments.py", "--seeds", "100"]))
    base = None
    for name, command in commands:
        wall, cpu = timed(command, 1 if "100" in name else args.runs)
        base = base or wall
        cpu = "    n/a" if cpu is None else f"{cpu:7.2f}"
        print(f"{name:<28} {wall:7.2f} s wall ({wall / base:5.1f}x numpy's import)  "
              f"{cpu} s CPU")
    whole, blas, activation = epoch_shares()
    print(f"one epoch of 20 stacked networks: {whole * 1e6:.0f} us; matrix products (BLAS) "
          f"{blas / whole:.0%}, tanh and its slope {activation / whole:.0%}, the rest "
          f"{1 - (blas + activation) / whole:.0%}")


if __name__ == "__main__":
    main()
