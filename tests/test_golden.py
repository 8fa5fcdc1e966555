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
