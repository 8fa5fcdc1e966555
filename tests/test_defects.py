"""Defects found by trying the project as a new user would (issue 17), each pinned by a test
that fails without its fix."""

import pickle
import subprocess
import sys

import pytest

import nn_from_scratch
from conftest import ROOT

# Written beside the run: at exit, whether the module that companion/ imported as
# nn_from_scratch is the very module that ran as the program.
ONE_COPY_PROBE = """
import atexit, os, sys
def _report():
    main = sys.modules.get("__main__")
    copies = {id(m) for m in list(sys.modules.values())
              if os.path.basename(getattr(m, "__file__", "") or "") == "nn_from_scratch.py"}
    same = sys.modules.get("nn_from_scratch", main) is main
    with open(os.environ["ONE_COPY_REPORT"], "w") as out:
        out.write(f"{len(copies)} {same}")
atexit.register(_report)
"""

FLAGS = [[], ["--boundary"], ["--activation", "relu"], ["--features"], ["--gradcheck"],
         ["--by-hand"], ["--watch"], ["--shapes"], ["--curve"], ["--hidden-space"]]


@pytest.mark.slow
@pytest.mark.parametrize("flags", FLAGS, ids=lambda f: " ".join(f) or "default")
def test_run_as_a_program_the_chapters_module_is_loaded_once(flags, tmp_path):
    (tmp_path / "sitecustomize.py").write_text(ONE_COPY_PROBE)
    report = tmp_path / "report.txt"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path), "ONE_COPY_REPORT": str(report)}
    done = subprocess.run([sys.executable, str(ROOT / "nn_from_scratch.py"), "--epochs", "50",
                           *flags], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert report.read_text() == "1 True"


def test_diverged_pickles_with_its_epoch_and_message():
    again = pickle.loads(pickle.dumps(nn_from_scratch.Diverged(7, "overflow")))
    assert isinstance(again, nn_from_scratch.Diverged)
    assert (again.epoch, again.what, str(again)) == (7, "overflow", "at epoch 7: overflow")


def test_the_log_holds_plain_floats():
    X, y = nn_from_scratch.make_xor_data()
    log = nn_from_scratch.train(nn_from_scratch.init_params(), X, y, epochs=5)
    assert all(type(loss) is float and type(acc) is float for _, loss, acc in log)
    assert repr(log[0]) == "(0, 0.698282208287722, 0.505)"
