"""python -m companion [flags]: the chapter's run with every flag (companion/run.py).

`python nn_from_scratch.py [flags]` hands its command line here: the chapter's program imports
nothing of the companion's, and the companion imports it.
"""

# companion.cli first: Ctrl-C while NumPy loads already ends with one line
from companion.cli import command
import sys  # noqa: E402, I001

from companion.run import last_run, main  # noqa: E402


def to_the_prompt():
    """python -i: the prompt (the namespace of __main__) gets the chapter's names and the last
    run, last_run["params"], last_run["X"], last_run["y"], last_run["log"]."""
    import nn_from_scratch
    prompt = vars(sys.modules["__main__"])
    prompt.update({name: value for name, value in vars(nn_from_scratch).items()
                   if not name.startswith("__")}, last_run=last_run)


if __name__ == "__main__":
    command(main)  # exits, except under python -i
    to_the_prompt()
