"""--by-hand: one step of the chapter's listing on the four centres, every number printed, each
checked here against the chapter's own functions, called directly, to the digits printed."""

import re

import numpy as np
import pytest

import nn_from_scratch
from companion.by_hand import SHOWN_UNITS, digits, listing
from companion.run import main
from conftest import ROOT
from nn_from_scratch import CENTRES, LABELS, backward, bce_loss, forward, init_params, update


def run_main(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def blocks(text):
    """{title line: {row label: [numbers as printed, across every block of columns]}}."""
    found, title = {}, None
    for line in text.splitlines():
        if line and not line.startswith(" "):
            title = line
            found.setdefault(title, {})
        elif title and re.match(r"^  \S", line) and not line.startswith("  ="):
            label, *values = line.split()
            found[title].setdefault(label, []).extend(values)
        elif title and line.startswith("  = "):
            found[title]["="] = [line.split()[-1]]
    return found


def expected(activation, hidden, lr=0.5):
    """The step, computed here by the chapter's functions, named as the printout's titles."""
    X, y = CENTRES, LABELS.reshape(-1, 1).astype(float)
    params = init_params(2, hidden, "xavier", 0)
    z1, a1, z2, p = forward(params, X, activation)
    g = backward(params, X, y, z1, a1, p, activation)
    after = {k: v.copy() for k, v in params.items()}
    update(after, g, lr)
    f_line = "a1 = np.tanh(z1)" if activation == "tanh" else f"a1 = {activation}(z1)"
    s_line = "dz1 = da1 * (1 - a1**2)" if activation == "tanh" else f"dz1 = da1 * {activation}'"
    return {"X:": X, "y:": y, "W1 (": params["W1"], "b1 (": params["b1"], "W2 (": params["W2"].T,
            "b2 (": params["b2"], "z1 = X @ W1 + b1": z1, f_line: a1, "z2 = a1 @ W2": z2,
            "p = sigmoid(z2)": p, "loss = ": np.array([[bce_loss(p, y)]]),
            "dz2 = (p - y) / m": g["z2"], "dW2 = a1.T @ dz2": g["W2"].T, "db2 = ": g["b2"],
            "da1 = dz2 @ W2.T": g["a1"], s_line: g["z1"], "dW1 = X.T @ dz1": g["W1"],
            "db1 = ": g["b1"], "W1 -= lr*dW1": after["W1"], "b1 -= lr*db1": after["b1"],
            "W2 -= lr*dW2": after["W2"].T, "b2 -= lr*db2": after["b2"]}


# the titles of the quantities that are sums, which may cancel to rounding's ~0
SUMS = ("z1 =", "z2 =", "da1 =", "dW1 =", "db1 =", "dW2 =", "db2 =", "W1 -=", "b1 -=", "W2 -=",
        "b2 -=")


@pytest.mark.parametrize("hidden", [2, 8, 16])
@pytest.mark.parametrize("activation", ["tanh", "relu", "gelu"])
def test_every_printed_number_is_the_chapters_functions_to_the_digits_shown(capsys, activation,
                                                                            hidden):
    status, out, _ = run_main(capsys, "--by-hand", "--activation", activation, "--hidden",
                              str(hidden), "--epochs", "1")
    assert status == 0
    printed = blocks(out.split("check it with a calculator")[0])
    for start, array in expected(activation, hidden).items():
        (title,) = [t for t in printed if t.startswith(start)]
        rows = list(printed[title].values())
        shown = array[:, :SHOWN_UNITS] if array.shape[1] > 1 else array
        assert len(rows) == len(shown), title
        for got, want in zip(rows, shown):
            assert got == [digits(v, start.startswith(SUMS)) for v in want], title


def test_it_is_one_step_on_the_four_centres_and_leaves_the_listing_below_unchanged(capsys):
    _, plain, _ = run_main(capsys)
    _, out, _ = run_main(capsys, "--by-hand")
    head = out.split("\nepoch    0")[0]
    assert "four cluster centres (m = 4)" in " ".join(head.split())
    assert "not one of them" in " ".join(head.split())  # not one of training's 400-point steps
    assert out.replace(head, plain.split("\nepoch    0")[0]) == plain
    assert all(len(line) <= 80 for line in out.splitlines())


def test_more_than_eight_units_shows_the_first_eight_and_says_so(capsys):
    _, out, _ = run_main(capsys, "--by-hand", "--hidden", "16", "--epochs", "1")
    assert "Only units 1 to 8 of 16 are shown" in " ".join(out.split())
    assert "unit 8" in out and "unit 9" not in out


@pytest.mark.parametrize("activation, slope", [
    ("tanh", "(1 - a1[i,0]**2)"), ("relu", "(1 if z1[i,0] > 0 else 0)"),
    ("sigmoid", "a1[i,0] * (1 - a1[i,0])"), ("gelu", "gelu_slope(z1[i,0])")])
def test_the_calculator_line_writes_one_entry_of_dW1_as_the_chain_rule(capsys, activation, slope):
    _, out, _ = run_main(capsys, "--by-hand", "--activation", activation, "--epochs", "1")
    check = " ".join(out.split("check it with a calculator")[1].split("epoch 0")[0].split())
    X, y = CENTRES, LABELS.reshape(-1, 1).astype(float)
    params = init_params()
    z1, a1, _, p = forward(params, X, activation)
    g = backward(params, X, y, z1, a1, p, activation)
    terms = " + ".join(f"({digits(x)})({digits(d)})" for x, d in zip(X[:, 0], g["z1"][:, 0]))
    assert f"= {terms} = {digits(g['W1'][0, 0])}" in check
    assert f"dz1[i,0] = da1[i,0] * {slope}" in check
    assert check.endswith(f"= {digits(g['z1'][0, 0])}")
    # the sum, redone from the printed numbers, agrees with the printed result
    total = sum(float(digits(x)) * float(digits(d)) for x, d in zip(X[:, 0], g["z1"][:, 0]))
    assert total == pytest.approx(g["W1"][0, 0], rel=1e-3)


def test_digits_are_four_significant_short_and_never_negative_zero():
    assert [digits(v) for v in [0.0889123, -0.09341, 1.234567e-5, -0.0, 1e-300 * 0]] \
        == ["0.08891", "-0.09341", "1.235e-5", "0", "0"]


def test_rounding_residue_is_written_as_such_not_as_digits(capsys):
    # db2 at the chapter's start is 0 in exact arithmetic (the four dz2 cancel); float64 leaves
    # -2.776e-17 on one processor and other last bits on another
    assert [digits(v, cancels=True) for v in [-2.776e-17, 1.388e-17, 0.99e-12, -1e-12, 1.5e-12]] \
        == ["~0", "~0", "~0", "-1e-12", "1.5e-12"]
    assert digits(3.768e-13) == "3.768e-13"  # a function's small value (a saturated sigmoid)
    X, y = CENTRES, LABELS.reshape(-1, 1).astype(float)
    params = init_params(2, 2, "xavier", 0)
    z1, a1, _, p = forward(params, X)
    assert abs(backward(params, X, y, z1, a1, p)["b2"][0, 0]) < 1e-12
    _, out, _ = run_main(capsys, "--by-hand", "--hidden", "2", "--epochs", "1")
    lines = out.splitlines()
    assert lines[lines.index("db2 = dz2.sum(0, keepdims=True)") + 2] == "  db2   ~0"
    assert "~0 is a sum under 1e-12: terms that cancel" in " ".join(out.split())
    _, out, _ = run_main(capsys, "--by-hand", "--hidden", "2", "--epochs", "1", "--seed", "3",
                         "--noise", "0.5", "--init", "he")
    assert ("~0" in out.split()) == ("~0 is a sum" in out)  # said only where it is used
    _, out, _ = run_main(capsys, "--by-hand", "--init", "large", "--activation", "sigmoid",
                         "--epochs", "1")
    assert "~0" not in out and "e-13" in out  # saturated, not cancelled: its digits shown


# ---- the lines are the chapter's; the numbers, the program's own, checked against them ----

def run_edited(tmp_path, edits=()):
    """--by-hand --hidden 2 of a copy of the project whose nn_from_scratch.py is edited as a
    reader might, each (old, new) of edits replacing old by new: its output."""
    import shutil
    import subprocess
    import sys
    shutil.copytree(ROOT / "companion", tmp_path / "companion",
                    ignore=shutil.ignore_patterns("__pycache__"))
    source = (ROOT / "nn_from_scratch.py").read_text()
    for old, new in edits:
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    (tmp_path / "nn_from_scratch.py").write_text(source)
    done = subprocess.run([sys.executable, "nn_from_scratch.py", "--by-hand", "--hidden", "2",
                           "--epochs", "1"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stderr == ""
    return done.stdout


@pytest.mark.slow
def test_an_edited_backward_pass_shows_the_chapters_line_and_says_its_numbers_disagree(tmp_path):
    """A reader writes tanh's slope as 1 - a1 in backward() and runs --by-hand --hidden 2. The
    line shown is the chapter's, the numbers are the edited program's, and the calculator says
    that they do not follow from the line: (-0.05188) * (1 - (-0.4943)**2) is -0.0392, where
    the edited backward() computed -0.07753."""
    out = run_edited(tmp_path, [("dz1 = da1 * (1 - a1**2)      #",
                                 "dz1 = da1 * (1 - a1)         #")])
    lines = out.splitlines()
    at = lines.index("dz1 = da1 * (1 - a1**2)   # times tanh'(z) = 1 - tanh(z)^2")
    assert lines[at + 2] == "  (-1,-1)  -0.07753   0.03435"  # the edited program's number
    assert not any(line.startswith("dz1 = da1 * (1 - a1)") for line in lines)
    assert "  where dz1[i,0] = da1[i,0] * (1 - a1[i,0]**2); for the first point," in lines
    assert "    dz1[0,0] = (-0.05188) * (1 - (-0.4943)**2) = -0.0392" in lines
    said = " ".join(out.split())
    assert "but backward() computed dz1[0,0] = -0.07753, not the -0.0392 above" in said
    assert said.count("but backward() computed") == 1  # dW1 = X.T @ dz1 holds: not said
    assert -0.05188 * (1 - (-0.4943) ** 2) == pytest.approx(-0.0392, abs=1e-4)


@pytest.mark.slow
def test_an_edit_of_any_line_is_said_under_that_line(tmp_path):
    """The / m left out of dz2 by a reader: the line printed is the chapter's, and under it,
    and under no line before it, one line says the step computed another dz2."""
    out = run_edited(tmp_path, [("dz2 = (p - y) / m ", "dz2 = (p - y)     ")])
    lines = out.splitlines()
    said = [k for k, line in enumerate(lines) if line.startswith("  but the step computed")]
    at = lines.index("dz2 = (p - y) / m   # dL/dz2")
    assert said and said[0] > at and "another dz2:" in lines[said[0]]
    assert all("another dz2:" not in lines[k] for k in said[1:])
    assert run_edited(tmp_path / "as-is").count("but the step computed") == 0


@pytest.mark.slow
def test_reformatting_the_program_changes_nothing_it_prints(tmp_path):
    """backward() laid out over other lines, as a formatter or a reader might (two lines made
    one, one made two): the same step, the same listing."""
    reflowed = run_edited(tmp_path / "reflowed", [
        ("dW2 = a1.T @ dz2\n    db2 = dz2.sum(0, keepdims=True)\n",
         "dW2, db2 = (a1.T @ dz2,\n                dz2.sum(0, keepdims=True))\n"),
        ("dz1 = da1 * (1 - a1**2)      #", "dz1 = (da1\n               * (1 - a1**2))  #")])
    assert reflowed == run_edited(tmp_path / "as-is")


def backward_reflowed(params, X, y, z1, a1, p, activation="tanh"):
    """The chapter's backward pass laid out otherwise: lines joined, split and reordered where
    the order does not matter, each number computed as the chapter's line computes it."""
    m = len(X); W2 = params["W2"]  # noqa: E702
    dz2 = (p - y) / m
    da1 = dz2 @ W2.T
    dW2, db2 = a1.T @ dz2, dz2.sum(0, keepdims=True)
    dz1 = (da1 * (1 - a1**2) if activation == "tanh"
           else da1 * nn_from_scratch.ACTIVATIONS[activation][1](z1, a1))
    return {"W1": X.T @ dz1, "b1": dz1.sum(0, keepdims=True), "W2": dW2, "b2": db2,
            "z2": dz2, "a1": da1, "z1": dz1}


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "gelu"])
def test_a_backward_laid_out_otherwise_changes_nothing_it_prints(monkeypatch, activation):
    params = init_params(2, 3)
    as_is = listing(params, activation, 0.5)
    monkeypatch.setattr(nn_from_scratch, "backward", backward_reflowed)
    assert listing(params, activation, 0.5) == as_is


def test_a_backward_that_is_not_the_line_printed_is_said_not_hidden(monkeypatch):
    """The numbers are always the program's: where its backward() computes dz1 otherwise than
    the line printed, the calculator's entry, computed from that line, disagrees, and it says
    so in one line."""
    from companion.mistakes import MISTAKES
    monkeypatch.setattr(nn_from_scratch, "backward", MISTAKES["tanh-slope"].function)
    text = listing(init_params(2, 2), "tanh", 0.5)
    assert "dz1 = da1 * (1 - a1**2)   # times tanh'(z) = 1 - tanh(z)^2" in text.splitlines()
    said = " ".join(text.split("check it with a calculator")[1].split())
    assert said.endswith("dz1[0,0] = (-0.05188) * (1 - (-0.4943)**2) = -0.0392 but backward() "
                         "computed dz1[0,0] = -0.07753, not the -0.0392 above: its code is not "
                         "the line printed (was nn_from_scratch.py edited?)")


def test_each_mistake_of_bug_replaces_lines_of_the_listing_shown():
    """--bug's chapter's line is, statement by statement, a line of the listing, so that its
    mistaken line is shown in that line's place."""
    from companion.by_hand import LISTING, statements
    from companion.mistakes import MISTAKES
    shown = {name: text.split("#")[0].strip() for _, lines in LISTING for name, text in lines}
    for mistake in MISTAKES.values():
        assert all(shown[name] == code for name, code in statements(mistake.right).items())
