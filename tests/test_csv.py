"""--data FILE.csv: the reader's own points. Every bad file gets one line naming the file, the
row and what is wrong, exit status 2, before any training: nothing on stdout, no traceback,
nothing written. A good file's points are read exactly, whatever they are (hypothesis)."""

import os

import numpy as np
import pytest

from companion import run as companion_run
from companion import csvdata, inputs

OUTPUTS = ["--save", "out.json", "--dump-data", "out.csv"]

# (name, file contents or None to leave the file out, what the message must say)
BAD = [
    ("missing", None, "no such file"),
    ("empty", "", "is empty"),
    ("blank lines only", "\n\n  \n", "is empty"),
    ("a header alone", "x1,x2,label\n", "has a header row but no points"),
    ("not a number", "x1,x2,label\n1,2,0\n3,abc,1\n", "row 3, column 2: 'abc' is not a number"),
    ("nan", "1,2,0\nnan,1,1\n", "row 2, column 1: nan is not finite"),
    ("NaN in the label", "1,2,0\n1,1,NaN\n", "row 2, column 3: NaN is not finite"),
    ("inf", "1,inf,0\n1,1,1\n", "row 1, column 2: inf is not finite"),
    ("-inf", "1,2,0\n-inf,1,1\n", "row 2, column 1: -inf is not finite"),
    ("a float that overflows", "1,2,0\n1e999,1,1\n", "row 2, column 1: 1e999 is not finite"),
    ("an empty cell", "1,2,0\n1,,1\n", "row 2, column 2 is empty"),
    ("a short row", "1,2,0\n3,4\n", "row 2 has 2 cells; row 1 has 3"),
    ("a long row", "1,2,0\n3,4,1,5\n", "row 2 has 4 cells; row 1 has 3"),
    ("a row shorter than the header", "a,b,label\n1,2,0\n1,1\n", "row 3 has 2 cells; the header "
                                                                  "has 3"),
    ("labels with a gap", "1,2,0\n3,4,1\n5,6,3\n", "no point of class 2 (labels 0 to 3)"),
    ("no class 0", "1,2,1\n3,4,2\n", "no point of class 0 (labels 0 to 2)"),
    ("a label of 10", "1,2,0\n3,4,10\n", "row 2: label 10 is not a class (0 to 9)"),
    ("a label of 0.5", "1,2,0.5\n3,4,1\n", "row 1: label 0.5 is not a class (0 to 9)"),
    ("a label of -1", "1,2,-1\n3,4,1\n", "row 1: label -1 is not a class (0 to 9)"),
    ("a single class", "1,2,1\n3,4,1\n5,6,1\n", "all points are class 1, none 0"),
    ("a single row", "x,label\n1,0\n", "all points are class 0"),
    ("no feature", "0\n1\n", "row 1: no feature before the label"),
    ("not text", b"\xff\xfe\x00\x81,1\n", "is not text (UTF-8)"),
    ("a NUL byte", "1,2,0\n1,\x002,1\n", "row 2"),
    ("a bad held_out", "x1,label,held_out\n1,0,0\n2,1,3\n", "row 3: held_out 3 is not 0 or 1"),
    ("every row held out", "x1,label,held_out\n1,0,1\n2,1,1\n",
     "every row is held out: nothing to train on"),
    ("one class left to train on", "x1,label,held_out\n1,0,0\n2,1,1\n3,0,0\n",
     "all training points are class 0"),
    ("semicolons", "1;2;0\n3;4;1\n", "row 2: '3;4;1' has semicolons, not commas"),
    ("tabs", "x\ty\tlabel\n1\t2\t0\n3\t4\t1\n", r"row 2: '1\t2\t0' has tabs, not commas"),
    # float() reads all of these; the docs promise plain ASCII decimal notation only
    ("an underscore in a number", "x,label\n1_000,0\n2,1\n",
     "row 2, column 1: '1_000' is not a number"),
    ("Arabic-Indic digits", "x,label\n\u0661\u0662,0\n2,1\n",
     "row 2, column 1: '\u0661\u0662' is not a number"),
    ("full-width digits", "x,label\n1,0\n\uff12,1\n", "row 3, column 1: '\uff12' is not a number"),
    ("a label in Arabic-Indic digits", "1,0\n2,\u0661\n",
     "row 2, column 2: '\u0661' is not a number"),
    ("a full-width label", "1,0\n2,\uff11\n", "row 2, column 2: '\uff11' is not a number"),
    ("a no-break space", "1,0\n2\u00a0,1\n", r"row 2, column 1: '2\xa0' is not a number"),
    ("a NUL byte in the header", "x\x00,label\n1,0\n2,1\n", "a NUL byte in row 1"),
    ("a bad cell after CR line ends", "x,label\r1,0\r2,1\r3,abc\r",
     "row 4, column 2: 'abc' is not a number"),
    ("a bad cell after mixed line ends", "x,label\r\n1,0\r\r2,1\n\r\n3,1\r4,0\r5,1\r6,?\n",
     "row 9, column 2: '?' is not a number"),
]


def run(argv, capsys):
    """main(argv): its status, stdout and stderr; a SystemExit's code is the status too."""
    try:
        status = companion_run.main(argv)
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def assert_refused_in_one_line(status, out, err, *said):
    assert status == 2 and out == ""
    assert len(err.splitlines()) == 1 and len(err.splitlines()[0]) <= 80, err
    assert "Traceback" not in err
    for text in said:
        assert text in err, (text, err)


@pytest.mark.parametrize("name, text, said", BAD, ids=[b[0] for b in BAD])
def test_a_bad_file_gets_one_line_naming_it_and_nothing_is_written(tmp_path, monkeypatch, capsys,
                                                                    name, text, said):
    monkeypatch.chdir(tmp_path)
    if text is not None:
        (tmp_path / "bad.csv").write_bytes(text if isinstance(text, bytes) else text.encode())
    before = sorted(os.listdir(tmp_path))
    status, out, err = run(["--data", "bad.csv", *OUTPUTS, "--epochs", "1"], capsys)
    assert_refused_in_one_line(status, out, err, "--data 'bad.csv'", said)
    assert sorted(os.listdir(tmp_path)) == before


def test_there_are_at_least_20_named_bad_files():
    assert len(BAD) >= 20


def test_a_folder_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder.csv").mkdir()
    assert_refused_in_one_line(*run(["--data", "folder.csv"], capsys), "is a folder, not a file")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_an_unreadable_file_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "locked.csv").write_text("1,2,0\n3,4,1\n")
    os.chmod(tmp_path / "locked.csv", 0)
    assert_refused_in_one_line(*run(["--data", "locked.csv"], capsys), "can't be read")


def test_a_file_too_big_for_the_memory_budget_is_refused_before_it_is_read(
        tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    rows = "\n".join(f"{k},{k % 2}" for k in range(100_000))
    (tmp_path / "big.csv").write_text("x,label\n" + rows + "\n")
    monkeypatch.setenv("NN_MEMORY_BUDGET", "6e7")

    def never(path):
        raise AssertionError("the file was read")

    monkeypatch.setattr(csvdata, "read", never)
    assert_refused_in_one_line(*run(["--data", "big.csv"], capsys),
                               "--data 'big.csv': about", "over the 60.0 MB budget")


def test_the_memory_check_counts_rows_and_cells_without_reading_the_file_whole(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("a,b,label\n1,2,0\n3,4,1")  # no newline at the end
    assert csvdata.measure(str(path)) == (3, 9, 9, 3)
    csvdata.CHUNK, old = 4, csvdata.CHUNK  # lines cut across chunks count the same
    try:
        assert csvdata.measure(str(path)) == (3, 9, 9, 3)
    finally:
        csvdata.CHUNK = old


def test_the_widest_row_is_counted_however_many_blank_lines_there_are(tmp_path):
    # an average of cells per line, pulled down by blank lines, let 4 rows of 50,000 features
    # with 300 blank lines past the memory check, estimated at 131 MB for 2.6 GB
    path = tmp_path / "f.csv"
    path.write_text("a,b,c,d,label\n" + "\n" * 300 + "1,2,3,4,0\n0,0,0,0,1\n")
    for chunk in (3, 2**20):
        csvdata.CHUNK, old = chunk, csvdata.CHUNK
        try:
            assert csvdata.measure(str(path))[3] == 5, chunk
        finally:
            csvdata.CHUNK = old


def test_line_ends_are_counted_where_the_csv_module_ends_rows(tmp_path):
    # CR alone is Excel's "CSV (Macintosh)"; a CR LF cut between two chunks ends one line
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b,label\r1,2,0\r\n\r3,4,1\n\r\n5,6,1")
    for chunk in (1, 2, 3, 4, 5, 7, 2**20):
        csvdata.CHUNK, old = chunk, csvdata.CHUNK
        try:
            assert csvdata.measure(str(path)) == (6, 14, 9, 3), chunk
        finally:
            csvdata.CHUNK = old
    X, y, _ = csvdata.read(str(path))
    assert X.tolist() == [[1, 2], [3, 4], [5, 6]] and y[:, 0].tolist() == [0, 1, 1]


@pytest.mark.timeout(20)  # today's code would wait for a writer forever
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_refused_before_it_is_opened(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    os.mkfifo("pipe.csv")
    assert_refused_in_one_line(*run(["--data", "pipe.csv"], capsys),
                               "--data 'pipe.csv': is a named pipe, not a regular file")
    for reader in (csvdata.measure, csvdata.read):
        with pytest.raises(csvdata.Refused, match="is a named pipe"):
            reader("pipe.csv")


@pytest.mark.timeout(20)  # today's code reads them forever, or runs out of memory
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_link_to_a_device_that_never_ends_is_refused(tmp_path, monkeypatch, capsys, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    monkeypatch.chdir(tmp_path)
    os.symlink(device, "endless.csv")
    assert_refused_in_one_line(*run(["--data", "endless.csv"], capsys),
                               "--data 'endless.csv': is a device, not a regular file")
    with pytest.raises(csvdata.Refused, match="is a device"):
        csvdata.read("endless.csv")


@pytest.mark.timeout(20)
@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="needs Linux's /proc")
def test_a_file_whose_reading_fails_is_refused(tmp_path, monkeypatch, capsys):
    # /proc/self/mem is a regular file whose first bytes can't be read (EIO)
    monkeypatch.chdir(tmp_path)
    os.symlink("/proc/self/mem", "mem.csv")
    assert_refused_in_one_line(*run(["--data", "mem.csv"], capsys),
                               "--data 'mem.csv': can't be read")


def test_blank_lines_cost_no_memory_beside_a_few_wide_rows(tmp_path, monkeypatch, capsys):
    # 2 rows of 100,000 cells, then 200,000 blank lines: 149 GiB if each line were a row
    import tracemalloc
    monkeypatch.chdir(tmp_path)
    wide = 100_000
    (tmp_path / "wide.csv").write_text(",".join(["0.5"] * (wide - 1) + ["0"]) + "\n"
                                       + ",".join(["-1"] * (wide - 1) + ["1"]) + "\n"
                                       + "\n" * 200_000)
    tracemalloc.start()
    try:
        X, y, held = csvdata.read("wide.csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert X.shape == (2, wide - 1) and y[:, 0].tolist() == [0, 1] and held is None
    assert peak < 50e6, peak
    status, out, err = run(["--data", "wide.csv", "--epochs", "1"], capsys)
    assert (status, err) == (0, "") and "2 points, 99999 features" in out


def test_a_file_that_grew_since_it_was_counted_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.csv").write_text("1,0\n2,1\n3,0\n")
    monkeypatch.setattr(csvdata, "measure", lambda path: (1, 2, 3))  # counted before it grew
    with pytest.raises(csvdata.Refused,
                       match=r"^--data 'f\.csv': changed while it was read \(row 2\)$"):
        csvdata.read("f.csv")


def test_a_nul_byte_is_refused_as_it_is_counted(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"1,0\r\n2,1\r3,\x001\n" + b"1,0\n" * 1000)
    with pytest.raises(csvdata.Refused, match="is not text .UTF-8.: a NUL byte in row 3$"):
        csvdata.measure(str(path))


@pytest.mark.timeout(20)  # a pattern that backtracks would take minutes over this one cell
def test_a_long_cell_is_judged_at_once(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.csv").write_text("x,label\n" + "1" * 100_000 + "x,0\n2,1\n")
    assert_refused_in_one_line(*run(["--data", "f.csv"], capsys),
                               "row 2, column 1: '111111'... is not a number")


def test_test_must_leave_rows_to_train_on(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.csv").write_text("1,0\n2,1\n3,0\n4,1\n")
    assert_refused_in_one_line(*run(["--data", "f.csv", "--test", "4"], capsys),
                               "--test 4: 'f.csv' has 4 rows")
    (tmp_path / "g.csv").write_text("x,label,held_out\n1,0,0\n2,1,1\n3,1,0\n")
    assert_refused_in_one_line(*run(["--data", "g.csv", "--test", "1"], capsys),
                               "--test: 'g.csv' marks its own held-out rows")


def test_points_is_refused_with_a_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.csv").write_text("1,0\n2,1\n")
    assert_refused_in_one_line(*run(["--data", "f.csv", "--points", "8"], capsys), "--points")


def test_a_name_that_is_neither_a_set_nor_a_csv_file_is_a_bad_argument(capsys):
    assert_refused_in_one_line(*run(["--data", "spirals"], capsys),
                               "'spirals' is not a data set's name nor a .csv file")


# ---- good files ----

def test_a_header_blank_lines_spaces_a_bom_and_quotes_are_read(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("\ufeffheight, weight ,label\n\n 1.5, -2 ,0\n\"3e-1\",4,1.0\n\n".encode())
    X, y, held = csvdata.read(str(path))
    assert X.tolist() == [[1.5, -2.0], [0.3, 4.0]] and y.tolist() == [[0.0], [1.0]]
    assert held is None


def test_spaces_round_a_quoted_cell_are_fine(tmp_path):
    # the csv module keeps the quotes of a cell that starts with a space: they are taken off
    path = tmp_path / "f.csv"
    path.write_text('"x1" , "x2",label\n1, "0.2" ,0\n "3"\t,\t" 4 ", "1"\n')
    X, y, held = csvdata.read(str(path))
    assert X.tolist() == [[1.0, 0.2], [3.0, 4.0]] and y.tolist() == [[0.0], [1.0]]


def test_numbers_in_plain_ascii_decimal_notation_are_read(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("x,label\n-1.5,0\n+2.,1\n.25e+2,0\n3E-1,1\n007,0.0\n-0,1.0\n")
    X, y, _ = csvdata.read(str(path))
    assert X[:, 0].tolist() == [-1.5, 2.0, 25.0, 0.3, 7.0, 0.0]
    assert y[:, 0].tolist() == [0, 1, 0, 1, 0, 1]


def test_any_number_of_features_trains_and_the_plane_pictures_say_they_need_two(
        tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 3))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    (tmp_path / "three.csv").write_text("".join(f"{a},{b},{c},{t}\n"
                                                for (a, b, c), t in zip(X, y)))
    status, out, err = run(["--data", "three.csv", "--epochs", "20", "--shapes", "--gradcheck",
                            "--hidden-space", "--curve", "--predict", "1,1,0"], capsys)
    assert status == 0 and err == ""
    assert out.startswith("data: 60 points, 3 features, 2 classes (three.csv)\n")
    assert "X    (60, 3)" in out and "P(class 1) at your points" in out
    for flag in ["--boundary", "--features", "--watch", "--by-hand"]:
        assert_refused_in_one_line(*run(["--data", "three.csv", flag], capsys),
                                   f"{flag} draws the plane of 2 features; the data has 3")
    assert_refused_in_one_line(*run(["--data", "three.csv", "--predict", "1,2"], capsys),
                               "--predict 1,2: 2 values, but the data has 3 features")


def test_one_feature_is_enough(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "one.csv").write_text("".join(f"{x},{int(abs(x) > 1)}\n"
                                              for x in np.linspace(-2, 2, 41)))
    status, out, err = run(["--data", "one.csv", "--hidden", "4"], capsys)
    assert status == 0 and "41 points, 1 features" in out
    assert float(out.split("final train accuracy: ")[1].split()[0]) >= 0.9


def test_test_holds_out_rows_chosen_by_the_seed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.csv").write_text("".join(f"{k},{k % 2}\n" for k in range(20)))
    picked = {}
    for seed in (0, 0, 1):
        args = companion_run.parse_args(["--data", "f.csv", "--test", "5", "--seed", str(seed)])
        data = inputs.load(args)
        assert len(data.X) == 15 and len(data.test[0]) == 5
        assert sorted(data.X[:, 0].tolist() + data.test[0][:, 0].tolist()) == list(range(20))
        assert data.X[:, 0].tolist() == sorted(data.X[:, 0].tolist())  # the file's order kept
        picked.setdefault(seed, []).append(data.test[0][:, 0].tolist())
    assert picked[0][0] == picked[0][1] != picked[1][0]


@pytest.mark.slow
def test_a_bad_file_from_a_real_process_is_one_line_and_no_traceback(tmp_path):
    import subprocess
    import sys
    (tmp_path / "bad.csv").write_text("x1,x2,label\n1,2,0\n3,oops,1\n")
    result = subprocess.run([sys.executable, str(inputs.__file__).replace(
        "companion/inputs.py", "nn_from_scratch.py"), "--data", "bad.csv", "--save", "w.json"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("nn_from_scratch.py: --data 'bad.csv': row 3, column 2: 'oops' "
                             "is not a number\n")
    assert sorted(os.listdir(tmp_path)) == ["bad.csv"]
