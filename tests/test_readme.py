"""The README and the guide in docs/ tell the truth: each block they mark as output is what the
scripts print now, the numbers they quote about --watch, the sizes and the things to try are what
the code computes, and every relative link leads to a file and, with a #, to one of its headings."""

import io
import re
import shlex

import pytest

import experiments
from companion import flags
from companion import memory, workers
from companion import run as companion_run
from companion import plot, watch, zoo
from conftest import ROOT
from nn_from_scratch import accuracy, init_params, make_xor_data, train

PAGES = {path.relative_to(ROOT).as_posix(): path.read_text()
         for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]}
README = PAGES["README.md"]
GUIDE = "\n\n".join(PAGES.values())  # the README and every page of docs/
MARKED = r"<!-- (all output|output|frame) of: (.*?) -->\n```\n(.*?)\n```"
BLOCKS = [(page, *block) for page, text in PAGES.items() for block in re.findall(MARKED, text, re.S)]
PROGRAMS = {"nn_from_scratch.py": companion_run, "activations_demo.py": zoo}


def printed(capsys, command):
    """What `python command` prints on stdout, run in this process."""
    script, *argv = shlex.split(command)
    assert PROGRAMS[script].main(argv) == 0
    return capsys.readouterr().out


def test_the_pages_mark_their_output_blocks():
    assert len(BLOCKS) >= 7
    # the entrance shows the chapter's two listings
    assert {command for page, kind, command, _ in BLOCKS if page == "README.md"} == {
        "nn_from_scratch.py", "activations_demo.py"}


@pytest.mark.parametrize("page, kind, command, block", BLOCKS,
                         ids=[f"{b[0]}: {b[2]}" for b in BLOCKS])
def test_each_output_block_is_what_the_script_prints_now(capsys, monkeypatch, page, kind, command,
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
    plan = watch.Watch(params, X, y, "tanh", 2000, flags.SECONDS, stream=Screen(), size=size,
                       clock=lambda: 0.0, sleep=lambda s: None)
    frames = {}

    def seen(e, p, row):
        if row:
            plan.log(f"epoch {e:4d}  loss {row[1]:.4f}  train-acc {row[2]:.3f}")
        if e == epoch:
            frames.setdefault(e, plan.frame(e, p))

    train(params, X, y, callback=seen)
    assert epoch in plan.frames  # a frame the animation really draws
    return frames[epoch]


def paragraph(starting):
    text = GUIDE[GUIDE.index(starting):]
    return " ".join(text[:text.index("\n\n")].split())


def test_the_watch_paragraph_quotes_the_schedule_the_code_plans():
    text = paragraph("The network changes most at the start")
    X, y = make_xor_data()
    accs = []
    train(init_params(), X, y, callback=lambda e, p, row: accs.append(accuracy(p, y)))
    learned = next(e for e, a in enumerate(accs) if a >= experiments.SOLVED)
    frames = watch.frame_epochs(2000, watch.FRAMES)
    plain = watch.frame_epochs(2000, watch.PLAIN_FRAMES)
    before = sum(e < learned for e in frames)
    for quoted in [f"train accuracy is {accs[50]:.3f} by epoch 50",
                   f"first reaches 0.99 at epoch {learned}", f"{len(frames)} of them",
                   "at epochs " + ", ".join(map(str, frames[:12])) + ", ..., "
                   + ", ".join(map(str, frames[-4:])),
                   f"{before} of the {len(frames)} come before epoch {learned}",
                   f"about {flags.SECONDS:g} seconds",
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
        elif "--test" in command:  # "train 0.885, held out 0.863"
            held_out = re.search(r"held out (0\.\d{3})", line).group(1)
            assert f"final train accuracy: {number}" in out, command
            assert f"final test accuracy: {held_out}" in out, command
        else:
            assert f"final train accuracy: {number}" in out, command
        checked += 1
    assert checked == 5


def test_solved_means_the_same_everywhere():
    assert "\"Solved\" means a train accuracy of 0.99 or more" in README
    assert experiments.SOLVED == 0.99
    assert "XOR solved (0.970)" not in GUIDE and "solved (>= 0.99)" in PAGES["docs/claims.md"]


def test_the_size_and_bounds_items_quote_the_codes_numbers():
    from companion import flags
    page = PAGES["docs/command-line.md"]
    size = " ".join(page.split("- **Size:**")[1].split("- **Bounds:**")[0].split())
    small = sorted(t for t, _, _ in flags.ARRAYS.values())
    large = sorted(t for _, t, _ in flags.ARRAYS.values())
    grid = sorted(t for _, _, t in flags.ARRAYS.values())
    for quoted in [f"Python and NumPy ({flags.BASE / 1e6:.0f} MB; {flags.PLOT_BASE / 1e6:.0f} MB",
                   f"Training holds {large[0]:g} to {large[-1]:g} arrays",
                   f"when its arrays are over {flags.MAPPED // 2**20} MiB",
                   f"a run peaks at {small[0]:g} to {small[-1]:g}",
                   f"the first layer's weights ({flags.FIRST_LAYER:g} arrays of features x "
                   "hidden units",
                   f"A picture's grid holds {grid[0]:g} to {grid[-1]:g} arrays of its "
                   f"{plot.PICTURE_CELLS:,} cells",
                   f"{flags.CURVE_EPOCH} bytes an epoch for `--curve`, "
                   f"{flags.CURVE_EPOCH + flags.PLOT_EPOCH} with `--plot`",
                   f"({memory.PROCESS_MEMORY / 1e6:.0f} MB a process, "
                   f"{memory.PER_SEED / 1e3:.0f} kB a seed)",
                   f"at most {workers.most_workers() // (__import__('os').cpu_count() or 1)} "
                   "workers per core"]:
        assert quoted in size, quoted
    knobs = companion_run.parse_args(["--hidden", "200000"])
    need = flags.size(flags.run_memory(knobs), up=True)
    assert f'`--hidden 200000` is refused at once ("needs about {need} of memory; the budget is ' \
           f'{flags.size(2e9, up=False)}"' in size
    bounds = " ".join(page.split("- **Bounds:**")[1].split("- **")[0].split())
    assert f"`--epochs` at most 10^{len(str(flags.MOST_EPOCHS)) - 1}" in bounds
    assert f"`--noise` at most {flags.MOST_NOISE:g}" in bounds


def test_the_programs_sizes_in_the_readme_are_about_right():
    quoted = dict(re.findall(r"^- `(\w+\.py)`, about (\d+) lines", README, re.M))
    assert set(quoted) == {"nn_from_scratch.py", "activations_demo.py", "experiments.py"}
    for program, lines in quoted.items():
        real = len((ROOT / program).read_text().splitlines())
        assert abs(real - int(lines)) <= 0.25 * int(lines), (program, real, lines)


def test_the_readme_is_an_entrance_and_each_page_says_what_it_covers():
    lines = README.splitlines()
    assert len(lines) <= 150
    first_screen = "\n".join(lines[:40])
    assert "Read `nn_from_scratch.py` beside the chapter; `companion/` is what you can skip" in (
        " ".join(first_screen.split()))
    assert "```\n.venv/bin/python -m pytest\n```" in first_screen  # exactly what .ci/run runs
    assert "```\n.venv/bin/python -m pytest -m \"not slow\"\n```" in first_screen
    # CI runs that command, then the same again one level of NumPy's vector units down
    runs = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
            if "pytest" in line and not line.lstrip().startswith("#")]
    assert runs == [".venv/bin/python -m pytest",
                    'NPY_DISABLE_CPU_FEATURES="$down" .venv/bin/python -m pytest']
    for page, text in PAGES.items():
        if page != "README.md":
            # a title, then one sentence on what the page covers
            opening = re.match(r"# [^\n]+\n\n(.+?)\n\n", text, re.S)
            assert opening and opening[1].endswith("."), page
            assert not re.search(r"[.:;!?] +[A-Z]", opening[1]), page
            assert f"]({page[len('docs/'):]})" in README.replace("](docs/", "]("), page


# ---- links ----

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def anchors(text):
    """The anchors of a page's headings, as GitHub makes them: lower case, punctuation dropped,
    spaces to hyphens, a repeated one numbered -1, -2, ..."""
    seen, found = {}, set()
    for heading in re.findall(r"^#{1,6} +(.+?) *#*$", FENCE.sub("", text), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
        seen[slug] = seen.get(slug, 0) + 1
    return found


def broken_links(text, page):
    """The relative links of a page (outside code blocks) that point at no file, or at no
    heading of the page they name."""
    broken = []
    for target in LINK.findall(FENCE.sub("", text)):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:: not ours to check
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve()
        if not file.exists():
            broken.append(target)
        elif anchor and anchor not in anchors(text if not path else
                                              file.read_text() if file.suffix == ".md" else ""):
            broken.append(target)
    return broken


@pytest.mark.parametrize("page", PAGES)
def test_every_relative_link_leads_somewhere(page):
    assert broken_links(PAGES[page], ROOT / page) == []


def test_the_link_check_finds_a_missing_file_and_a_missing_heading(tmp_path):
    (tmp_path / "other.md").write_text("# Where each line lives\n\n## A `flag`: --x\n")
    page = tmp_path / "page.md"
    text = ("[a](other.md) [b](other.md#where-each-line-lives) [c](other.md#a-flag---x) "
            "[d](#here) ![e](missing.png) [f](other.md#nowhere) [g](gone/other.md) "
            "[h](https://example.com/x) [i](#nowhere)\n\n# Here\n\n```\n[j](inside.md)\n```\n")
    assert broken_links(text, page) == [
        "missing.png", "other.md#nowhere", "gone/other.md", "#nowhere"]
