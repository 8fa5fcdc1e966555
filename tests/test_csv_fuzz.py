"""--data FILE.csv against files made up by hypothesis: whatever the file, it is read into
finite points of labels 0 and 1, or refused in one line naming the file, with exit status 2,
nothing on stdout and nothing written; and written points read back as the very same floats."""

import os

import numpy as np
import pytest

from companion import run as companion_run
from companion import csvdata
from companion.cli import Refused
from test_csv import OUTPUTS

# ---- property-based: whatever the file, a clean answer ----

pytestmark = pytest.mark.slow  # fuzzing
hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies
CELLS = st.one_of(st.sampled_from(["0", "1", "1.0", "2", "-1", "0.5", "nan", "inf", "", " ",
                                   "abc", "1e999", '"1"', "x1", "label", "held_out", "\x00",
                                   "1_000", "\u0661", "\uff11", ' "0.5" ', "1\t0", "1;0"]),
                  st.floats(allow_nan=False, allow_infinity=False).map(repr),
                  st.text(max_size=4))
ROWS = st.lists(st.lists(CELLS, min_size=0, max_size=4), max_size=8)
ENDS = ["\n", "\r\n", "\r", ""]  # LF, CR LF, CR alone (Excel's "CSV (Macintosh)"), none


def valid(X, y, held):
    return (X.ndim == 2 and X.shape[1] >= 1 and len(X) == len(y) and np.isfinite(X).all()
            and set(np.unique(y)) <= {0.0, 1.0} and (held is None or len(held) == len(X)))


@hypothesis.settings(max_examples=150, deadline=None, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
@hypothesis.given(rows=ROWS, ends=st.lists(st.sampled_from(ENDS), min_size=8, max_size=8))
@hypothesis.example(rows=[["1", "0"], ["2", "1"], ["3", "0"]], ends=["\r"] * 8)
@hypothesis.example(rows=[["x", "label"], ["1", "0"], [], ["2", "1"]], ends=["\r\n", "\r"] * 4)
def test_any_file_is_read_or_refused_in_one_line(tmp_path_factory, rows, ends):
    path = tmp_path_factory.mktemp("fuzz") / "f.csv"
    text = "".join(",".join(row) + end for row, end in zip(rows, ends))
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
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
                status = companion_run.main(["--data", "f.csv", "--epochs", "1", *OUTPUTS])
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


@hypothesis.settings(max_examples=300, deadline=None, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
@hypothesis.given(data=st.lists(st.sampled_from(b'01,;"\r\n x'), max_size=60).map(bytes),
                  chunk=st.integers(1, 8))
def test_the_count_agrees_with_the_reader_line_for_line(tmp_path_factory, data, chunk):
    """measure's lines are the lines the csv module reads (so "row N" is the Nth line, and
    no row is read past the count); its cells are at least the cells read."""
    import csv
    path = tmp_path_factory.mktemp("count") / "f.csv"
    path.write_bytes(data)
    csvdata.CHUNK, old = chunk, csvdata.CHUNK  # lines cut across chunks count the same
    try:
        lines, cells, longest, widest = csvdata.measure(str(path))
    finally:
        csvdata.CHUNK = old
    with open(path, newline="") as file:
        read = file.readlines()
    assert lines == len(read)
    assert longest == max((len(line.rstrip("\r\n")) for line in read), default=0)
    with open(path, newline="") as file:
        try:
            rows = list(csv.reader(file))
            assert cells >= sum(map(len, rows))
            # no row has more columns, but a row whose quoted cell holds a line end, which
            # spans lines (read() refuses it: such a cell is no number)
            whole = [row for row in rows if not any("\r" in c or "\n" in c for c in row)]
            assert widest >= max(map(len, whole), default=0)
        except csv.Error:
            pass


@hypothesis.settings(max_examples=60, deadline=None, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
@hypothesis.given(digit=st.characters(categories=["Nd"]).filter(lambda c: not c.isascii()),
                  row=st.integers(0, 3), column=st.integers(0, 2))
def test_a_digit_that_is_not_ascii_is_refused_where_it_is(tmp_path_factory, digit, row, column):
    """float() reads any script's digits; the docs promise ASCII decimal notation only."""
    cells = [["1.5", "-2", "0"], ["3", "4e1", "1"], ["0.5", ".5", "0"], ["7", "8", "1"]]
    cells[row][column] = digit if column == 2 else f"1{digit}"
    path = tmp_path_factory.mktemp("digit") / "f.csv"
    path.write_text("x1,x2,label\n" + "".join(",".join(r) + "\n" for r in cells),
                    encoding="utf-8")
    with pytest.raises(Refused, match=f"row {row + 2}, column {column + 1}: .* is not a number$"):
        csvdata.read(str(path))
