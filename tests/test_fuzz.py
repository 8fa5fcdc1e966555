"""Random argument lists, seeded so that a failure can be replayed: whatever a reader types,
the scripts end with status 0, 1 or 2, no traceback (no exception other than SystemExit leaves
main; warnings are errors here), and no line wider than 80 screen columns."""

import random

import pytest

from companion import run as companion_run
from companion import zoo
import experiments
from companion.cli import display_width

GOOD = {
    "--hidden": ["1", "2", "3", "8", "17"],
    "--activation": ["tanh", "relu", "leaky_relu", "sigmoid", "gelu", "silu", "identity"],
    "--init": ["xavier", "he", "zeros", "constant", "large"],
    "--lr": ["0.5", "0.01", "5", "50", "1e3", "1e300"],
    "--seed": ["0", "1", "7", "99999999999"],
    "--noise": ["0", "0.35", "1", "10", "100"],
    "--watch-seconds": ["0", "0.01"],
}
BAD = {
    "--hidden": ["0", "-1", "abc", "2.5", "1e3", ""],
    "--activation": ["softmax", "TANH", "漢字", "x" * 300],
    "--init": ["ones", ""],
    "--lr": ["0", "-1", "nan", "inf", "fast"],
    "--epochs": ["0", "x", "1e2", "9" * 400],
    "--seed": ["-1"],
    "--noise": ["101", "-1", "1e308", "nan"],
    "--watch-seconds": ["-1", "1e9"],
    "--plot": ["", ".png", "x.jpg", "=", "no-such-folder/x.png", "a" * 300 + ".png"],
}
FLAGS = ["--watch", "--curve", "--boundary", "--features", "--hidden-space", "--shapes",
         "--by-hand", "--gradcheck"]
ODD = ["--help", "--bogus", "--epoch", "stray"]


def argument_list(rng):
    """Knobs with good values, and now and then a bad one; some pictures; small epochs."""
    argv = []
    for knob in rng.sample(sorted(GOOD), rng.randint(0, 4)):
        argv += [knob, rng.choice(GOOD[knob])]
    argv += rng.sample(FLAGS, rng.choice([0, 1, 1, 2, 3]))
    argv += ["--epochs", str(rng.randint(1, 12))]  # small: the test is about the edges
    if rng.random() < 0.2:
        knob = rng.choice(sorted(BAD))
        argv += [knob, rng.choice(BAD[knob])]
    if rng.random() < 0.05:
        argv.append(rng.choice(ODD))
    return argv


def outcome(capsys, module, argv):
    try:
        status = module.main(argv)
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out + err


RUNS = [(seed, argument_list(random.Random(seed))) for seed in range(240)]


@pytest.mark.parametrize("seed, argv", RUNS, ids=[str(seed) for seed, _ in RUNS])
def test_random_arguments_end_cleanly_within_80_columns(capsys, monkeypatch, tmp_path, seed,
                                                       argv):
    monkeypatch.chdir(tmp_path)  # whatever a run writes lands here
    status, text = outcome(capsys, companion_run, argv)
    assert status in (0, 1, 2), (status, argv)
    wide = [line for line in text.splitlines() if display_width(line) > 80]
    assert not wide, (argv, wide[:2])
    assert "Traceback" not in text and "Warning" not in text


OTHERS = [(zoo, ["--all", "--slopes", "--bogus"]), (zoo, ["--z" * 90]),
          (experiments, ["--seeds", "0"]), (experiments, ["--seeds", "漢" * 50]),
          (experiments, ["--workers", "100000"]), (experiments, ["--seeds", "1e9"]),
          (experiments, ["--seed", "3"]), (experiments, ["--help"])]


@pytest.mark.parametrize("module, argv", OTHERS, ids=[" ".join(a)[:30] for _, a in OTHERS])
def test_the_other_scripts_refuse_bad_arguments_cleanly(capsys, module, argv):
    status, text = outcome(capsys, module, argv)
    assert status in (0, 2)
    assert all(display_width(line) <= 80 for line in text.splitlines())
