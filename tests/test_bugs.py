"""--bug NAME: each classic mistake, a wrong copy of the chapter's function planted in its place
while the mistaken run trains, is found by the checks the mathematics says should find it, shows
the symptom it should, and leaves the chapter's functions as they were."""

import ast
import inspect
import re
import textwrap
from contextlib import nullcontext

import numpy as np
import pytest

import nn_from_scratch as nn
from companion import bugs
from companion.run import main
from conftest import ROOT, run_script

THE_FUNCTIONS = ("forward", "backward", "update", "train", "predict", "bce_loss")
# The chapter's functions as they are before any mistake is planted: code, source, globals.
BEFORE = {name: (f, f.__code__, inspect.getsource(f))
          for name, f in ((name, getattr(nn, name)) for name in THE_FUNCTIONS)}

# Which arrays the gradient check must find wrong, derived from the chain rule: a wrong line
# makes wrong every gradient computed from it, and no other.
#   dz2 = (p - y)/m  feeds dW2, db2, da1, so dz1, dW1, db1: all four.
#   da1 feeds dz1, so dW1 and db1 only; dW2 and db2 are computed before it.
#   dz1 feeds dW1 and db1 only.
#   db1 feeds nothing: b1 only.
#   update() is not what the check runs: a mistake there leaves every gradient right.
FOUND_WRONG = {
    "tanh-slope": ["W1", "b1"],              # dz1's slope: dW1, db1
    "no-mean": ["W1", "b1", "W2", "b2"],     # dz2 is m times too big: all four
    "sigmoid-slope": ["W1", "b1", "W2", "b2"],  # dz2 has an extra p(1-p): all four
    "no-bias-update": [],                    # update(): backward is right
    "updated-W2": ["W1", "b1"],              # da1 through W2 - lr*dW2: dW1, db1
    "db1-every-axis": ["b1"],                # db1 alone: one number for every unit
    "plus-equals": [],                       # update(): backward is right
    "no-transpose": None,                    # backward() stops: the check can't run
    "sign-flipped": ["W1", "b1", "W2", "b2"],  # dz2 negated: all four
    "slope-of-z": ["W1", "b1"],              # dz1's slope: dW1, db1
    "no-slope": ["W1", "b1"],                # dz1's slope: dW1, db1
    "db1-wrong-axis": ["b1"],                # db1 alone, of another shape
}


def run_main(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def mistaken_log(out):
    """[(epoch, loss, acc)] of the mistaken run: the right-hand side of the side-by-side log."""
    return [(int(m[1]), float(m[2]), float(m[3])) for m in re.finditer(
        r"^epoch +(\d+) .*\|  loss (\S+)  train-acc (\S+)$", out, re.M)]


def chapter_log(out):
    return [(int(m[1]), float(m[2]), float(m[3])) for m in re.finditer(
        r"^epoch +(\d+)  loss (\S+)  train-acc (\S+)  \|", out, re.M)]


def finals(out):
    """The final train accuracies: the chapter's run's, the mistaken one's (None if it stopped)."""
    m = re.search(r"final train accuracy: (\S+) in the chapter's run, (\S+)",
                  " ".join(out.split()))
    return float(m[1]), (None if m[2] == "none" else float(m[2]))


def found_wrong(out):
    m = re.search(r"^  found wrong: (.*)$", out, re.M)
    if m is None:
        return None
    return [] if m[1] == "none" else m[1].split(", ")


def assert_the_chapter_is_untouched():
    for name, (function, code, source) in BEFORE.items():
        assert getattr(nn, name) is function, name
        assert function.__code__ is code and function.__globals__ is vars(nn), name
        assert inspect.getsource(function) == source, name
    # and it still computes what it computed before any mistake was planted
    grads = one_step()
    assert all(np.array_equal(grads[k], GRADS[k]) for k in GRADS)


def one_step():
    """The chapter's functions' gradients at its starting weights, and the weights after a step."""
    X, y = nn.make_xor_data()
    params = nn.init_params()
    z1, a1, _, p = nn.forward(params, X)
    grads = nn.backward(params, X, y, z1, a1, p)
    nn.update(params, grads, 0.5)
    return {**grads, **{"new " + k: W for k, W in params.items()}}


GRADS = one_step()


SYMPTOMS = {  # the direction each mistake shows in the run, measured against the chapter's
    "tanh-slope": "near 0.5", "no-mean": "loss above, jumping about", "sigmoid-slope": "loss above",
    "no-bias-update": "near 0.5", "updated-W2": "as the chapter's", "db1-every-axis": "loss above",
    "plus-equals": "climbs", "no-transpose": "shape error", "sign-flipped": "climbs",
    "slope-of-z": "breaks down", "no-slope": "near 0.5", "db1-wrong-axis": "shape error"}


def test_every_mistake_has_its_expectations_here():
    assert set(FOUND_WRONG) == set(SYMPTOMS) == set(bugs.MISTAKES) == set(bugs.NOTES)
    assert all(name == mistake.name for name, mistake in bugs.MISTAKES.items())
    assert len(bugs.MISTAKES) >= 8


@pytest.mark.parametrize("name", list(bugs.MISTAKES))
def test_each_mistake_is_found_where_the_maths_says_and_shows_its_symptom(capsys, name):
    status, out, err = run_main(capsys, "--bug", name)
    assert status == 0 and err == ""
    assert found_wrong(out) == FOUND_WRONG[name]
    right, wrong = chapter_log(out), mistaken_log(out)
    assert [row[0] for row in right] == [0, 400, 800, 1200, 1600, 1999]
    assert wrong[0] == right[0]  # the same starting weights
    right_acc, wrong_acc = finals(out)
    symptom = SYMPTOMS[name]
    if symptom == "near 0.5":
        assert abs(wrong_acc - 0.5) <= 0.1
    elif symptom == "loss above":
        assert wrong[-1][1] > right[-1][1] and wrong_acc > 0.9  # it learns, worse
    elif symptom == "loss above, jumping about":
        # lr 0.5 acting as lr 200 is chaotic: the last bits of tanh, which differ between
        # vector units, decide where it ends (train-acc 0.723 with AVX-512, 0.980 with AVX2,
        # 0.963 with SSE only, measured). What the maths guarantees: a step 400 times too long
        # can't settle into the chapter's minimum, so the loss ends above it, and it rises
        assert wrong[-1][1] > 10 * right[-1][1]
        assert any(b[1] > a[1] for a, b in zip(wrong, wrong[1:]))
    elif symptom == "as the chapter's":
        assert abs(wrong_acc - right_acc) <= 0.01
        assert abs(wrong[-1][1] - right[-1][1]) <= 0.1 * right[-1][1]
    elif symptom == "climbs":
        assert wrong[-1][1] > wrong[0][1] and wrong_acc < 0.5
    elif symptom == "breaks down":
        assert wrong_acc is None and "broke down at epoch" in " ".join(out.split())
    elif symptom == "shape error":
        assert wrong_acc is None and wrong == right[:1]  # stopped in the first backward pass
        assert "NumPy's message:" in out and "its operands:" in out
    said = " ".join(out.split())
    if wrong_acc is not None and wrong[-1][2] != wrong_acc:  # the last update moved it
        assert f"The log's last row, {wrong[-1][2]:.3f}, is measured before the last update" \
            in said
    else:
        assert "The log's last row" not in said
    assert_the_chapter_is_untouched()
    # the guide's table says what this run says
    (row,) = [r for r in TABLE if r[0] == f"`{name}`" or r[0] == name]
    said_wrong = None if row[1] == "(can't run)" else [] if row[1] == "none" else row[1].split(", ")
    assert said_wrong == FOUND_WRONG[name]
    if symptom == "loss above, jumping about":
        assert row[2] == "by processor" and "chaotic" in row[3] and "chaotic" in said
    else:
        assert row[2] == ("none" if wrong_acc is None else f"{wrong_acc:.3f}")


def test_each_is_written_as_the_chapters_line_and_the_mistaken_line(capsys):
    for name, mistake in bugs.MISTAKES.items():
        source = inspect.getsource(getattr(nn, mistake.where))
        assert sum(line.strip().startswith(mistake.right) for line in source.splitlines()) == 1
        assert mistake.wrong != mistake.right
        _, out, _ = run_main(capsys, "--bug", name, "--epochs", "2")
        lines = out.splitlines()
        at = lines.index(f"    {mistake.right}")
        assert lines[at + 1:at + 3] == ["  the mistaken line:", f"    {mistake.wrong}"]


def body(function):
    """A function's source lines after its def line and docstring: what a wrong copy keeps."""
    source = inspect.getsource(function)
    first = ast.parse(textwrap.dedent(source)).body[0].body[1].lineno
    return source.splitlines()[first - 1:]


@pytest.mark.parametrize("name", list(bugs.MISTAKES))
def test_each_wrong_function_is_the_chapters_with_only_the_mistaken_line_changed(name):
    """Diffed against the chapter's function, the wrong copy differs in the one line --bug
    prints, marked as the mistake, and takes the same arguments (updated-W2's lr besides)."""
    mistake = bugs.MISTAKES[name]
    chapters = getattr(nn, mistake.where)
    right, wrong = body(chapters), body(mistake.function)
    assert len(right) == len(wrong)
    (k,) = [k for k, (a, b) in enumerate(zip(right, wrong)) if a != b]
    code, (code_wrong, _, comment) = right[k].partition("#")[0], wrong[k].partition("#")
    assert (code.strip(), code_wrong.strip()) == (mistake.right, mistake.wrong)
    assert code.startswith(code_wrong[:len(code_wrong) - len(code_wrong.lstrip())])  # indent
    assert "the mistake:" in comment
    arguments = list(inspect.signature(chapters).parameters)
    assert list(inspect.signature(mistake.function).parameters) == \
        arguments + ["lr"] * mistake.takes_lr


def one_epoch(activation):
    """The weights after one epoch of the chapter's train(), whatever backward() and update()
    nn_from_scratch holds now; None if NumPy stops it with a shape error."""
    X, y = nn.make_xor_data()
    params = nn.init_params()
    try:
        nn.train(params, X, y, activation, 0.5, 1)
    except ValueError:
        return None
    return params


@pytest.mark.parametrize("name", list(bugs.MISTAKES))
def test_planted_the_chapters_train_runs_the_wrong_function_and_the_right_one_comes_back(name):
    mistake = bugs.MISTAKES[name]
    right = one_epoch("tanh")
    with bugs.planted(mistake, 0.5):
        assert getattr(nn, mistake.where) is not BEFORE[mistake.where][0]
        wrong = one_epoch("tanh")
    assert wrong is None or any(not np.array_equal(right[k], wrong[k]) for k in right)
    assert_the_chapter_is_untouched()
    with pytest.raises(KeyboardInterrupt), bugs.planted(mistake, 0.5):
        raise KeyboardInterrupt  # Ctrl-C in the mistaken run
    assert_the_chapter_is_untouched()


@pytest.mark.parametrize("name", list(bugs.MISTAKES))
def test_a_mistake_is_tanh_only_when_another_activation_never_runs_its_line(name):
    """With relu, a mistake in tanh's line leaves the step exactly the chapter's; any other
    mistake changes it (or stops it)."""
    mistake = bugs.MISTAKES[name]
    right = one_epoch("relu")
    with bugs.planted(mistake, 0.5):
        wrong = one_epoch("relu")
    unchanged = wrong is not None and all(np.array_equal(right[k], wrong[k]) for k in right)
    assert mistake.tanh_only == unchanged


def test_the_planted_backward_computes_the_mistaken_line_and_the_chapters_does_not():
    X, y = nn.make_xor_data()
    params = nn.init_params()
    z1, a1, _, p = nn.forward(params, X)
    right = nn.backward(params, X, y, z1, a1, p)
    with bugs.planted(bugs.MISTAKES["tanh-slope"], 0.5):
        wrong = nn.backward(params, X, y, z1, a1, p)
    assert np.array_equal(wrong["z1"], right["a1"] * (1 - a1))
    assert np.array_equal(right["z1"], right["a1"] * (1 - a1**2))
    with bugs.planted(bugs.MISTAKES["updated-W2"], 0.3):  # given the run's lr
        wrong = nn.backward(params, X, y, z1, a1, p)
    assert np.array_equal(wrong["a1"], right["z2"] @ (params["W2"] - 0.3 * right["W2"]).T)
    assert_the_chapter_is_untouched()


def test_no_bias_update_is_held_at_half_by_symmetry_as_the_note_says(capsys):
    """The claim, measured: with b1 = b2 = 0 every tanh unit is odd, so z2(-x) = -z2(x), and the
    opposite corners, which share a class, get P and 1 - P: one of each pair is wrong."""
    X, y = nn.make_xor_data()
    params = nn.init_params()
    with bugs.planted(bugs.MISTAKES["no-bias-update"], 0.5):
        nn.train(params, X, y)
    assert not params["b1"].any() and not params["b2"].any()
    assert np.array_equal(nn.forward(params, -X)[2], -nn.forward(params, X)[2])
    p = nn.predict(params, nn.CENTRES)[:, 0]
    assert p[0] + p[1] == pytest.approx(1) and p[2] + p[3] == pytest.approx(1)
    assert ((p > 0.5) == nn.LABELS).sum() == 2  # two of the four centres right
    _, out, _ = run_main(capsys, "--bug", "no-bias-update")
    said = " ".join(out.split())
    assert "z2(-x) = -z2(x) exactly" in said
    assert f"P = {p[0]:.3f} at (-1,-1) and {p[1]:.3f} at (+1,+1)" in said
    # with an activation that is not odd, the note does not make the claim
    _, out, _ = run_main(capsys, "--bug", "no-bias-update", "--activation", "relu")
    assert "not odd functions" in " ".join(out.split()) and "exactly" not in out


def test_sign_flipped_is_plus_equals_run_but_the_check_sees_it(capsys):
    _, flipped, _ = run_main(capsys, "--bug", "sign-flipped")
    _, plus, _ = run_main(capsys, "--bug", "plus-equals")
    assert mistaken_log(flipped) == mistaken_log(plus)
    assert found_wrong(flipped) == ["W1", "b1", "W2", "b2"] and found_wrong(plus) == []
    assert "the same log to the last digit" in " ".join(flipped.split())


def test_a_shape_error_shows_numpys_message_both_operands_and_the_right_lines_shapes(capsys):
    _, out, _ = run_main(capsys, "--bug", "no-transpose")
    X, y = nn.make_xor_data()
    params = nn.init_params()
    dz2 = (nn.forward(params, X)[3] - y) / len(X)
    with pytest.raises(ValueError) as err:
        dz2 @ params["W2"]  # the mistaken line, here: NumPy's own message
    message = str(err.value)
    assert " ".join(message.split()) in " ".join(out.split())
    assert "its operands: dz2 is (400, 1), W2 is (8, 1)" in out
    assert "what --shapes shows for the chapter's line, da1 = dz2 @ W2.T:" in out
    for row in ("  W2   (8, 1)     (hidden, 1)", "  dz2  (400, 1)   (m, 1)",
                "  da1  (400, 8)   (m, hidden)"):
        assert row in out.splitlines()
    _, out, _ = run_main(capsys, "--bug", "db1-wrong-axis")
    assert "in update(), the function after" in " ".join(out.split())
    assert "its operands: b1 is (1, 8), lr*db1 is (400, 1)" in out
    assert "db1 has shape (400, 1), where b1 is (1, 8)" in " ".join(out.split())


def test_a_gradient_of_another_shape_is_compared_where_it_broadcasts(capsys):
    """db1 as one number: with more than 100 units the check samples b1's entries, and the one
    number is compared with each, as update() applies it to each."""
    status, out, _ = run_main(capsys, "--bug", "db1-every-axis", "--hidden", "120", "--epochs",
                              "2")
    assert status == 0 and found_wrong(out) == ["b1"]
    assert "db1 has shape (), where b1 is (1, 120): wrong by its shape" in " ".join(out.split())


def test_with_one_hidden_unit_the_transpose_is_not_missed(capsys):
    _, out, _ = run_main(capsys, "--bug", "no-transpose", "--hidden", "1")
    assert found_wrong(out) == [] and finals(out)[1] is not None
    assert "its own transpose" in " ".join(out.split())


def test_it_combines_with_the_knobs_and_by_hand_and_curve(capsys):
    status, out, _ = run_main(capsys, "--bug", "no-mean", "--hidden", "3", "--seed", "2",
                              "--activation", "relu", "--epochs", "300", "--lr", "0.1")
    assert status == 0 and [row[0] for row in chapter_log(out)] == [0, 60, 120, 180, 240, 299]
    assert "(relu, float64" in out
    status, out, _ = run_main(capsys, "--bug", "tanh-slope", "--by-hand", "--hidden", "2",
                              "--epochs", "5")
    assert status == 0
    lines = out.splitlines()
    assert "dz1 = da1 * (1 - a1)   # planted by --bug tanh-slope" in lines
    assert "dz1 = da1 * (1 - a1**2)   # times tanh'(z) = 1 - tanh(z)^2" not in lines
    # the case, now a true equation: -0.05188 * (1 + 0.4943) = -0.07753
    assert "    dz1[0,0] = (-0.05188) * (1 - (-0.4943)) = -0.07753" in lines
    status, out, _ = run_main(capsys, "--bug", "no-transpose", "--by-hand", "--epochs", "2")
    assert status == 0 and "--by-hand: the step stops at the mistaken line" in out
    status, out, _ = run_main(capsys, "--bug", "plus-equals", "--curve", "--epochs", "50")
    assert status == 0 and out.count("loss (*, log scale)") == 2
    assert "the chapter's run:" in out and "with --bug plus-equals:" in out


@pytest.mark.parametrize("flags, says", [
    (["--watch"], "--watch animates one run"), (["--gradcheck"], "leave out --gradcheck"),
    (["--boundary"], "--boundary draws one network"), (["--shapes"], "leave out --shapes"),
    (["--activation", "relu"], "does not run with --activation relu")])
def test_a_combination_that_makes_no_sense_gets_one_line_and_status_2(capsys, flags, says):
    status, out, err = run_main(capsys, "--bug", "tanh-slope", *flags)
    assert status == 2 and out == ""
    assert says in " ".join(err.split()) and len(err.strip().splitlines()) <= 2  # one, wrapped
    assert err.startswith("nn_from_scratch.py: ")


def test_list_and_a_bad_name(capsys):
    status, out, err = run_main(capsys, "--bug", "list")
    assert status == 0 and err == ""
    assert [line.split()[0] for line in out.splitlines()] == list(bugs.MISTAKES)
    assert all(len(line) <= 80 for line in out.splitlines())
    status, out, err = run_main(capsys, "--bug", "no-such-thing")
    assert status == 2 and out == ""
    assert "'no-such-thing' is not one of these mistakes" in err
    assert all(name in err for name in bugs.MISTAKES)


def test_every_line_within_80_columns(capsys):
    runs = [[name, "--epochs", "30"] for name in bugs.MISTAKES]
    runs += [["plus-equals", "--epochs", "400"], ["db1-wrong-axis", "--hidden", "300",
                                                   "--epochs", "2"]]
    for argv in runs:  # a loss above 10 in the log; the widest shapes
        _, out, _ = run_main(capsys, "--bug", *argv)
        assert all(len(line) <= 80 for line in out.splitlines()), argv


def test_the_figure_has_both_runs_curves_and_says_which_is_which():
    pytest.importorskip("matplotlib")
    from companion import plot
    from companion.pictures import Curve
    X, y = nn.make_xor_data()
    start = nn.init_params()
    curves = []
    for planted in (False, True):
        curve, params = Curve(y, 100), {k: v.copy() for k, v in start.items()}
        with bugs.planted(bugs.MISTAKES["no-bias-update"], 0.5) if planted else nullcontext():
            nn.train(params, X, y, epochs=100, callback=curve.see)
        curves.append(curve)
    fig = bugs.both_curves(plot.figure(start, params, X, y, "tanh", curves[1]), curves[0],
                           "no-bias-update")
    (training,) = [ax for ax in fig.axes if ax.get_title() == "training"]
    labels = [t.get_text() for t in training.get_legend().get_texts()]
    assert labels == ["loss, --bug no-bias-update", "loss, the chapter's run",
                      "train accuracy, --bug no-bias-update", "train accuracy, the chapter's run"]
    dashed = [line for line in training.get_lines() if line.get_linestyle() == "--"]
    assert np.allclose(dashed[0].get_ydata(), curves[0].loss[:100])
    assert fig.get_suptitle().startswith("with --bug no-bias-update planted")


@pytest.mark.slow
def test_the_default_run_loads_none_of_it():
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-X", "importtime", "nn_from_scratch.py"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
    assert "companion.flags" in imported  # the probe sees the program's own modules
    assert not imported & {"companion.bugs", "companion.by_hand"}


@pytest.mark.slow
def test_as_a_program_status_and_streams():
    done = run_script("nn_from_scratch.py", "--bug", "no-bias-update")
    assert done.returncode == 0 and done.stderr == ""
    assert "The gradient check passes" in done.stdout
    done = run_script("nn_from_scratch.py", "--bug", "typo")
    assert done.returncode == 2 and done.stdout == "" and "tanh-slope" in done.stderr
    done = run_script("nn_from_scratch.py", "--bug", "list")
    assert done.returncode == 0 and len(done.stdout.splitlines()) == len(bugs.MISTAKES)


DOCS = (ROOT / "docs" / "bugs.md").read_text() if (ROOT / "docs" / "bugs.md").exists() else ""
TABLE = [[cell.strip() for cell in line.strip("|").split("|")]
         for line in DOCS.splitlines() if re.match(r"^\| [A-Za-z0-9-]+ \|", line)]
BLOCKS = re.findall(r"<!-- all output of: nn_from_scratch.py (.*?) -->\n```\n(.*?)\n```", DOCS, re.S)


def test_the_guides_page_shows_its_blocks():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("argv, block", BLOCKS, ids=[b[0] for b in BLOCKS])
def test_each_block_of_the_guides_page_is_what_it_prints_now(capsys, argv, block):
    _, out, _ = run_main(capsys, *argv.split())
    assert out.rstrip("\n") == block


@pytest.mark.slow
def test_ctrl_c_ends_with_one_line_saying_where_and_status_130():
    import signal
    import subprocess
    import sys
    import time
    child = subprocess.Popen([sys.executable, str(ROOT / "nn_from_scratch.py"), "--bug",
                              "plus-equals", "--epochs", "100000000"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline().startswith("--bug plus-equals:")  # it has started
    time.sleep(0.5)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130
    assert re.fullmatch(r"nn_from_scratch.py: interrupted at epoch \d+ of the chapter's run\n",
                        err)


@pytest.mark.parametrize("knobs", [["--init", "zeros"], ["--init", "constant"],
                                   ["--init", "large"], ["--noise", "0", "--lr", "3"],
                                   ["--hidden", "1"], ["--epochs", "1"]],
                         ids=lambda k: " ".join(k))
def test_every_mistake_runs_with_odd_knobs_and_says_only_what_it_measured(capsys, knobs):
    for name in bugs.MISTAKES:
        status, out, err = run_main(capsys, "--bug", name, "--epochs", "20", *knobs)
        assert status == 0 and err == "", (name, err)
        assert "nan" not in out and all(len(line) <= 80 for line in out.splitlines()), name
    if knobs == ["--init", "zeros"]:  # no gradient at all: nothing can show
        assert "the true gradient is zero" in " ".join(out.split())


@pytest.mark.parametrize("argv, named", [
    (["--data", "spiral"], "--data"), (["--test", "100"], "--test"),
    (["--load", "w.json"], "--load"), (["--predict", "1,1"], "--predict")])
def test_a_bug_with_another_data_flag_is_one_line_and_exit_2(argv, named, capsys):
    assert main(["--bug", "no-bias-update", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == (f"nn_from_scratch.py: --bug runs on the chapter's data alone: "
                                 f"not with {named}\n")
