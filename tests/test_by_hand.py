"""--by-hand: one step of the chapter's listing on the four centres, every number printed, each
checked here against the chapter's own functions, called directly, to the digits printed."""

import re

import numpy as np
import pytest

import nn_from_scratch
from companion.by_hand import SHOWN_UNITS, digits
from nn_from_scratch import CENTRES, LABELS, backward, bce_loss, forward, init_params, update


def run_main(capsys, *argv):
    status = nn_from_scratch.main(list(argv))
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


# ---- the lines that ran: read from the source, and the calculator computed from them ----

@pytest.mark.slow
def test_an_edited_backward_pass_is_shown_as_it_is_and_its_equation_is_true(tmp_path):
    """The issue's case: a reader writes tanh's slope as 1 - a1 in backward() and runs
    --by-hand --hidden 2. The line shown is the edited one, and the calculator's equation holds:
    (-0.05188) * (1 - (-0.4943)) is -0.07753 (the chapter's line would give -0.0392)."""
    import shutil
    import subprocess
    import sys

    from conftest import ROOT
    shutil.copytree(ROOT / "companion", tmp_path / "companion",
                    ignore=shutil.ignore_patterns("__pycache__"))
    source = (ROOT / "nn_from_scratch.py").read_text()
    edited = source.replace("dz1 = da1 * (1 - a1**2)      #", "dz1 = da1 * (1 - a1)         #")
    assert edited != source
    (tmp_path / "nn_from_scratch.py").write_text(edited)
    done = subprocess.run([sys.executable, "nn_from_scratch.py", "--by-hand", "--hidden", "2",
                           "--epochs", "1"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    lines = done.stdout.splitlines()
    assert "dz1 = da1 * (1 - a1)   # element-wise: times tanh'(z) = 1 - tanh(z)^2" in lines
    assert not any(line.startswith("dz1 = da1 * (1 - a1**2)") for line in lines)
    assert "  where dz1[i,0] = da1[i,0] * (1 - a1[i,0]); for the first point," in lines
    assert "    dz1[0,0] = (-0.05188) * (1 - (-0.4943)) = -0.07753" in lines
    assert -0.05188 * (1 - (-0.4943)) == pytest.approx(-0.07753, abs=1e-5)


def backward_written_otherwise(params, X, y, z1, a1, p, activation="tanh"):
    """The chapter's backward pass, with dz1 written as a product the check can't write out
    entry by entry (a transpose), and dW1 as a sum of a product."""
    W2 = params["W2"]
    m = len(X)
    dz2 = (p - y) / m
    dW2 = a1.T @ dz2
    db2 = dz2.sum(0, keepdims=True)
    da1 = dz2 @ W2.T
    dz1 = (da1.T * (1 - a1**2).T).T
    dW1 = X.T @ dz1
    db1 = dz1.sum(0, keepdims=True)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "z2": dz2, "a1": da1, "z1": dz1}


def test_a_line_it_cant_write_out_entry_by_entry_is_said_not_guessed():
    from companion.by_hand import listing
    text = listing(init_params(2, 2), "tanh", 0.5, {"backward": backward_written_otherwise})
    said = " ".join(text.split("check it with a calculator")[1].split())
    assert "dz1 = (da1.T * (1 - a1**2).T).T" in text.splitlines()  # as the source has it
    assert "not an element-wise formula this check can write out" in said
    assert "dz1[0,0] =" not in said


def test_a_source_that_is_not_what_ran_is_caught_not_printed_as_true():
    """inspect reads the file; if it says one thing and the code that ran another (a file edited
    after the run started), the computed formula disagrees with the program, and it says so."""
    import linecache

    from companion.by_hand import listing
    real = inspect_source(backward_written_otherwise).replace("(da1.T * (1 - a1**2).T).T",
                                                              "da1 * (1 - a1)")
    shown = real.replace("da1 * (1 - a1)", "da1 * (1 - a1**2)")
    namespace = {}
    exec(compile(real, "<ran>", "exec"), namespace)
    linecache.cache["<ran>"] = (len(shown), None, shown.splitlines(True), "<ran>")
    text = listing(init_params(2, 2), "tanh", 0.5, {"backward": namespace[
        "backward_written_otherwise"]})
    assert "but the program computed dz1[0,0] = -0.07753" in " ".join(text.split())


def inspect_source(function):
    import inspect
    return inspect.getsource(function)
