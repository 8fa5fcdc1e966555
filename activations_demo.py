"""The chapter's activation zoo: four activations on the same five inputs, at 3 decimals.

    python activations_demo.py            prints exactly the chapter's listing
    python activations_demo.py --all      adds the table's GELU and SiLU
    python activations_demo.py --slopes   also prints each activation's slope at those inputs

zoo() is the chapter's code, its lines as the chapter writes them (the chapter's typesetting
collapsed the spaces that line up the labels), plus the one line the chapter leaves out: the one
that prints three decimals. --all and --slopes go through the table that the network in
nn_from_scratch.py uses (its ACTIVATIONS), so what they print is what the network computes.
The slopes show the chapter's warning about sigmoid: at most 0.25, and near zero in the tails,
where ReLU's stays 1.

Like nn_from_scratch.py, it imports NumPy and the chapter's program alone; run as a command, it
hands its command line to the companion (companion/zoo.py), which adds the terminal's manners.
"""

# Run as a command, the file hands its command line to the companion, which imports it back.
# (Under python -i, the file then goes on, so that the prompt has its functions.)
if __name__ == "__main__":
    import runpy
    runpy.run_module("companion.zoo", run_name="__main__")

import argparse  # noqa: E402

import numpy as np  # noqa: E402

from nn_from_scratch import ACTIVATIONS  # noqa: E402

Z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])  # the chapter's z, for the table's rows
ZOO = {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh", "leaky": "leaky_relu"}  # label: name
MODERN = {"gelu": "gelu", "silu": "silu"}  # the table's "GELU/SiLU" row, with --all
GELU_NOTE = "(gelu in its tanh form: 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))))"


def zoo():
    """The chapter's four lines, printed as the chapter prints them."""
    z = np.array([-2., -0.5, 0., 0.5, 2.])
    # Not in the chapter: its output shows three decimals, NumPy's default is eight.
    with np.printoptions(precision=3):
        print("relu   :", np.maximum(0, z))
        print("sigmoid:", 1/(1+np.exp(-z)))
        print("tanh   :", np.tanh(z))
        print("leaky  :", np.where(z>0, z, 0.01*z))  # noqa: E225


def rows(names, of):
    """One line per activation: its label and of(f, slope) at Z, from the table."""
    return [f"{label:<7}: {of(*ACTIVATIONS[name])}" for label, name in names.items()]


def main(argv=None, parser_class=argparse.ArgumentParser):
    """The zoo, and what --all and --slopes add. The companion passes its parser_class, whose
    help and errors keep within 80 columns."""
    parser = parser_class(prog="activations_demo.py",
                          description="Print the chapter's activation zoo.")
    parser.add_argument("--all", action="store_true",
                        help="add gelu and silu, the table's 'modern default'")
    parser.add_argument("--slopes", action="store_true",
                        help="also print each activation's slope (its derivative) at the "
                             "same inputs")
    args = parser.parse_args(argv)
    zoo()
    with np.printoptions(precision=3):
        if args.all:
            print("\n".join(rows(MODERN, lambda f, slope: f(Z))))
        if args.slopes:
            print(f"slopes at z = {Z}:")
            print("\n".join(rows({**ZOO, **MODERN} if args.all else ZOO,
                                 lambda f, slope: slope(Z, f(Z)))))
    if args.all:
        print(GELU_NOTE)
    return 0
