"""python activations_demo.py [--all] [--slopes]: the demo, with the companion's terminal manners.

activations_demo.py hands its command line here when it runs as a command; its main() does the
work, given the companion's ArgumentParser (help and errors within 80 columns).
"""

# companion.cli first: Ctrl-C while NumPy loads already ends with one line
from companion.cli import ArgumentParser, command

import activations_demo  # noqa: E402, I001


def main(argv=None):
    return activations_demo.main(argv, ArgumentParser)


if __name__ == "__main__":
    command(main)
