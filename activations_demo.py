"""The chapter's activation zoo: four activations on the same five inputs, at 3 decimals.

    python activations_demo.py            prints exactly the chapter's listing
    python activations_demo.py --all      adds the table's GELU and SiLU
    python activations_demo.py --slopes   also prints each activation's slope at those inputs

The activations are not written again here: they are the rows of the table that the network in
nn_from_scratch.py uses (companion/activations.py), so what this prints is what the network
computes. The slopes show the
chapter's warning about sigmoid: at most 0.25, and near zero in the tails, where ReLU's stays 1.
"""

# companion.cli first: run as a program, Ctrl-C while NumPy loads already ends with one line
from companion.cli import ArgumentParser, command
import numpy as np  # noqa: E402, I001

from companion.activations import ACTIVATIONS  # noqa: E402

Z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
ZOO = {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh", "leaky": "leaky_relu"}  # label: name
MODERN = {"gelu": "gelu", "silu": "silu"}  # the table's "GELU/SiLU" row, with --all
GELU_NOTE = "(gelu in its tanh form: 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))))"


def rows(zoo, of):
    """One line per activation: its label and of(f, slope) at Z."""
    return [f"{label:<7}: {of(*ACTIVATIONS[name])}" for label, name in zoo.items()]


def main(argv=None):
    parser = ArgumentParser(prog="activations_demo.py",
                            description="Print the chapter's activation zoo.")
    parser.add_argument("--all", action="store_true",
                        help="add gelu and silu, the table's 'modern default'")
    parser.add_argument("--slopes", action="store_true",
                        help="also print each activation's slope (its derivative) at the "
                             "same inputs")
    args = parser.parse_args(argv)
    zoo = {**ZOO, **MODERN} if args.all else ZOO
    with np.printoptions(precision=3):
        print("\n".join(rows(zoo, lambda f, slope: f(Z))))
        if args.slopes:
            print(f"slopes at z = {Z}:")
            print("\n".join(rows(zoo, lambda f, slope: slope(Z, f(Z)))))
    if args.all:
        print(GELU_NOTE)
    return 0


if __name__ == "__main__":
    command(main)
