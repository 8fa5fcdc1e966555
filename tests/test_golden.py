"""The chapter's listings, verbatim in tests/listings/, against what the scripts print.

The chapter was typeset with runs of spaces collapsed, so its listings are compared with our output
collapsed the same way. The exact output, spacing and all, is pinned by tests/snapshots/.
"""

from pathlib import Path

import pytest

from conftest import ROOT, run_python, run_script

HERE = Path(__file__).resolve().parent
SCRIPTS = ["nn_from_scratch.py", "activations_demo.py"]


def collapsed(text):
    return [" ".join(line.split()) for line in text.splitlines()]


@pytest.fixture(scope="module", params=SCRIPTS)
def run(request):
    return request.param, run_script(request.param)


def test_output_matches_chapter_listing(run):
    script, result = run
    listing = (HERE / "listings" / script.replace(".py", ".txt")).read_text()
    assert collapsed(result.stdout) == listing.splitlines()


def test_output_matches_snapshot_exactly(run):
    script, result = run
    assert result.stdout == (HERE / "snapshots" / script.replace(".py", ".txt")).read_text()


def test_runs_cleanly(run):
    _, result = run
    assert (result.returncode, result.stderr) == (0, "")


def test_importing_runs_nothing():
    result = run_python("-c", "import nn_from_scratch, activations_demo", cwd=ROOT)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_programs_own_main_prints_the_listing_with_nothing_of_the_companions_loaded():
    # main(), called from Python, is the chapter's run with no companion: the same snapshot,
    # and not one companion module loaded on the way.
    code = ("import sys, nn_from_scratch, activations_demo; nn_from_scratch.main([]); "
            "activations_demo.main([]); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'companion'))")
    result = run_python("-c", code, cwd=ROOT)
    snapshots = "".join((HERE / "snapshots" / script.replace(".py", ".txt")).read_text()
                        for script in SCRIPTS)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == snapshots + "[]\n"


@pytest.mark.parametrize("knobs", [["--hidden", "3", "--epochs", "50"],
                                   ["--activation", "relu", "--init", "he", "--lr", "0.1",
                                    "--epochs", "7", "--seed", "4", "--noise", "0.8"]])
def test_the_programs_own_main_and_the_command_print_the_same_for_the_knobs(knobs, capsys):
    # The listing is printed in two places, the program's main() and companion/run.py's run():
    # with the knobs alone they must agree to the byte.
    import nn_from_scratch
    from companion import run as companion_run
    nn_from_scratch.main(knobs)
    bare = capsys.readouterr().out
    assert companion_run.main(knobs) == 0
    assert capsys.readouterr().out == bare and bare.count("\n") > 5
