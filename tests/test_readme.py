"""The README tells the truth: each block it marks as output is what the scripts print now, and
the numbers it quotes about --watch and the things to try are what the code computes."""

import io
import re
import shlex

import pytest

import activations_demo
import experiments
import nn_from_scratch
from companion import watch
from conftest import ROOT
from nn_from_scratch import accuracy, init_params, make_xor_data, train

README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"<!-- (all output|output|frame) of: (.*?) -->\n```\n(.*?)\n```", README, re.S)
PROGRAMS = {"nn_from_scratch.py": nn_from_scratch, "activations_demo.py": activations_demo}


def printed(capsys, command):
    """What `python command` prints on stdout, run in this process."""
    script, *argv = shlex.split(command)
    assert PROGRAMS[script].main(argv) == 0
    return capsys.readouterr().out


def test_the_readme_marks_its_output_blocks():
    assert len(BLOCKS) >= 7


@pytest.mark.parametrize("kind, command, block", BLOCKS, ids=[b[1] for b in BLOCKS])
def test_each_output_block_is_what_the_script_prints_now(capsys, monkeypatch, kind, command,
                                                         block):
    if kind == "frame":
        epoch, columns, lines = map(int, re.fullmatch(
            r"--watch at epoch (\d+) in an (\d+)x(\d+) terminal", command).groups())
        assert block.splitlines() == frame_at(monkeypatch, epoch, (columns, lines))
        return
    out = printed(capsys, command).splitlines()
    lines = block.splitlines()
    if kind == "all output":
        assert lines == out
    else:  # an excerpt: these lines, one after another, somewhere in the output
        starts = [i for i, line in enumerate(out) if line == lines[0]]
        assert any(out[i:i + len(lines)] == lines for i in starts), command


class Screen(io.StringIO):
    def isatty(self):
        return True


def frame_at(monkeypatch, epoch, size):
    """The lines --watch draws at that epoch on a terminal of that size, the log as the run
    makes it."""
    monkeypatch.setenv("TERM", "xterm")
    X, y = make_xor_data()
    params = init_params()
    plan = watch.Watch(params, X, y, "tanh", 2000, stream=Screen(), size=size,
                       clock=lambda: 0.0, sleep=lambda s: None)
    frames = {}

    def log(e, loss, acc):
        plan.log(f"epoch {e:4d}  loss {loss:.4f}  train-acc {acc:.3f}")

    train(params, X, y, on_log=log,
          on_epoch=lambda e, p: frames.setdefault(e, plan.frame(e, p)) if e == epoch else None)
    assert epoch in plan.frames  # a frame the animation really draws
    return frames[epoch]


def paragraph(starting):
    text = README[README.index(starting):]
    return " ".join(text[:text.index("\n\n")].split())


def test_the_watch_paragraph_quotes_the_schedule_the_code_plans():
    text = paragraph("The network changes most at the start")
    X, y = make_xor_data()
    accs = []
    train(init_params(), X, y, on_epoch=lambda e, p: accs.append(accuracy(p, y)))
    learned = next(e for e, a in enumerate(accs) if a >= experiments.SOLVED)
    frames = watch.frame_epochs(2000, watch.FRAMES)
    plain = watch.frame_epochs(2000, watch.PLAIN_FRAMES)
    before = sum(e < learned for e in frames)
    for quoted in [f"train accuracy is {accs[50]:.3f} by epoch 50",
                   f"first reaches 0.99 at epoch {learned}", f"{len(frames)} of them",
                   "at epochs " + ", ".join(map(str, frames[:12])) + ", ..., "
                   + ", ".join(map(str, frames[-4:])),
                   f"{before} of the {len(frames)} come before epoch {learned}",
                   f"about {watch.SECONDS:g} seconds",
                   f"gives {len(plain)} plain frames (epochs {', '.join(map(str, plain))})",
                   f"narrower than {watch.MAP[0] + watch.BESIDE_MAP + 1} columns",
                   f"shorter than {watch.MAP[1] + 5 + 6} lines",
                   f"under {watch.SMALLEST_MAP[0] + watch.BESIDE_MAP + 1} columns or "
                   f"{watch.SMALLEST_MAP[1] + 5 + 6} lines"]:
        assert quoted in text, quoted


def test_the_numbers_in_the_things_to_try_are_what_those_runs_print(capsys):
    block = README.split("Some things to try")[1].split("```")[1]
    checked = 0
    for line in block.splitlines():
        m = re.match(r"python (nn_from_scratch\.py .*?)\s+# .*?\b(0\.\d{3,4})\b", line)
        if not m:
            continue
        command, number = m.groups()
        out = printed(capsys, command)
        if "--init zeros" in command:  # "loss 0.6931 (ln 2) at every epoch"
            losses = set(re.findall(r"loss (\S+)", out))
            assert losses == {number}
        else:
            assert f"final train accuracy: {number}" in out, command
        checked += 1
    assert checked == 4


def test_solved_means_the_same_everywhere():
    assert "\"Solved\" means a train accuracy of 0.99 or more" in README
    assert experiments.SOLVED == 0.99
    assert "XOR solved (0.970)" not in README and "solved (>= 0.99)" in README


def test_the_size_and_bounds_items_quote_the_codes_numbers():
    from companion import flags
    size = " ".join(README.split("- **Size:**")[1].split("- **Bounds:**")[0].split())
    small = sorted(t for t, _, _ in flags.ARRAYS.values())
    large = sorted(t for _, t, _ in flags.ARRAYS.values())
    for quoted in [f"Python and NumPy ({flags.BASE / 1e6:.0f} MB; {flags.PLOT_BASE / 1e6:.0f} MB",
                   f"Training holds {large[0]:g} to {large[-1]:g} arrays",
                   f"when its arrays are over {flags.MAPPED // 2**20} MiB",
                   f"a run peaks at {small[0]:g} to {small[-1]:g}",
                   f"{flags.CURVE_EPOCH} bytes an epoch for `--curve`, "
                   f"{flags.CURVE_EPOCH + flags.PLOT_EPOCH} with `--plot`",
                   f"({experiments.PROCESS_MEMORY / 1e6:.0f} MB a process, "
                   f"{experiments.PER_SEED / 1e3:.0f} kB a seed)",
                   f"at most {experiments.most_workers() // (__import__('os').cpu_count() or 1)} "
                   "workers per core"]:
        assert quoted in size, quoted
    knobs = nn_from_scratch.parse_args(["--hidden", "200000"])
    need = flags.size(flags.run_memory(knobs), up=True)
    assert f'`--hidden 200000` is refused at once ("needs about {need} of memory; the budget is ' \
           f'{flags.size(2e9, up=False)}"' in size
    bounds = " ".join(README.split("- **Bounds:**")[1].split("- **")[0].split())
    assert f"`--epochs` at most 10^{len(str(nn_from_scratch.MOST_EPOCHS)) - 1}" in bounds
    assert f"`--noise` at most {nn_from_scratch.MOST_NOISE:g}" in bounds
