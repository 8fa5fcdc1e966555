"""--data FILE.csv against files made up by hypothesis: whatever the file, it is read into
finite points of labels 0 and 1, or refused in one line naming the file, with exit status 2,
nothing on stdout and nothing written; and written points read back as the very same floats."""

import os

import numpy as np
import pytest

import nn_from_scratch
from companion import csvdata
from companion.cli import Refused
from test_csv import OUTPUTS

# ---- property-based: whatever the file, a clean answer ----

pytestmark = pytest.mark.slow  # fuzzing
hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies
CELLS = st.one_of(st.sampled_from(["0", "1", "1.0", "2", "-1", "0.5", "nan", "inf", "", " ",
                                   "abc", "1e999", '"1"', "x1", "label", "held_out", "\x00"]),
                  st.floats(allow_nan=False, allow_infinity=False).map(repr),
                  st.text(max_size=4))
ROWS = st.lists(st.lists(CELLS, min_size=0, max_size=4), max_size=8)


def valid(X, y, held):
    return (X.ndim == 2 and X.shape[1] >= 1 and len(X) == len(y) and np.isfinite(X).all()
            and set(np.unique(y)) <= {0.0, 1.0} and (held is None or len(held) == len(X)))


@hypothesis.settings(max_examples=150, deadline=None, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
@hypothesis.given(rows=ROWS, newline=st.sampled_from(["\n", "\r\n"]))
def test_any_file_is_read_or_refused_in_one_line(tmp_path_factory, rows, newline):
    path = tmp_path_factory.mktemp("fuzz") / "f.csv"
    path.write_bytes(newline.join(",".join(row) for row in rows).encode("utf-8", "surrogatepass"))
    try:
        X, y, held = csvdata.read(str(path))
    except Refused as refused:
        message = str(refused).replace(csvdata.named(str(path)), "--data 'f.csv'")
        assert message.startswith("--data 'f.csv': ") and "\n" not in message
        return
    assert valid(X, y, held)


@hypothesis.settings(max_examples=25, deadline=None, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
@hypothesis.given(rows=ROWS)
def test_any_file_runs_or_is_refused_and_nothing_is_written(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("run")
    (folder / "f.csv").write_text("\n".join(",".join(row) for row in rows), errors="replace")
    old = os.getcwd()
    os.chdir(folder)
    try:
        import contextlib
        import io
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = nn_from_scratch.main(["--data", "f.csv", "--epochs", "1", *OUTPUTS])
            except SystemExit as exit_:
                status = exit_.code
        written = sorted(os.listdir(folder))
    finally:
        os.chdir(old)
    if status == 2:
        assert out.getvalue() == "" and len(err.getvalue().splitlines()) == 1
        assert written == ["f.csv"]
    else:
        assert status == 0 and err.getvalue() == ""
        assert written == ["f.csv", "out.csv", "out.json"]


@hypothesis.settings(max_examples=60, deadline=None, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
@hypothesis.given(X=st.lists(st.lists(st.floats(allow_nan=False, allow_infinity=False),
                                      min_size=2, max_size=2), min_size=3, max_size=10))
def test_written_points_read_back_as_the_very_same_floats(tmp_path_factory, X):
    X = np.array(X)
    y = (np.arange(len(X)) % 2).reshape(-1, 1).astype(float)
    path = str(tmp_path_factory.mktemp("dump") / "d.csv")
    csvdata.write(path, X[1:], y[1:], X[:1], y[:1])
    back, labels, held = csvdata.read(path)
    assert held.tolist() == [False] * (len(X) - 1) + [True]
    assert back[~held].tobytes() == X[1:].tobytes() and back[held].tobytes() == X[:1].tobytes()
    assert labels[:, 0].tolist() == y[1:, 0].tolist() + y[:1, 0].tolist()
