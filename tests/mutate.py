"""Mutation testing for the files whose numbers matter: plant one small mistake at a time in a
temporary copy of the project and see whether the test suite fails ("killed") or not
("survived"). A survivor is a change of behaviour no test notices, or an equivalent mutant.

    python tests/mutate.py                      every mutant of the default targets
    python tests/mutate.py --list               list the mutants, run nothing
    python tests/mutate.py --workers 2 --only nn_from_scratch.py

Why not mutmut alone: mutmut 3 (requirements-dev.txt) rewrites each function into a trampoline
that imports mutmut and reads its configuration from the working directory, so the tests that
run the scripts as processes from tests/ fail before they start; and it picks the tests for a
mutant by tracing calls in-process, which misses everything the scripts do in a subprocess.
This driver plants plain source mutants, so every test, in-process or not, sees them.

The mutations are mutmut's usual ones, on tokens: arithmetic and comparison operators swapped
(+ -, * /, ** *, < <=, > >=, == !=), and/or, True/False, `not` dropped, integers n -> n + 1 and
floats x -> 2x. Strings and comments are left alone: the golden and snapshot tests pin output.
Each mutant runs its file's first tests (FIRST, else the quick in-process test files QUICK),
then, if they pass, the whole suite.
"""

import argparse
import concurrent.futures
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# file: the functions whose code is mutated (None: the whole file)
TARGETS = {
    "nn_from_scratch.py": None,
    "companion/gradcheck.py": None,
    "companion/many.py": None,
    # the verdicts, and the measuring code: every number that sets up a claim
    "companion/seeds.py": None,
    "companion/layers.py": None,
    "companion/sweeps.py": {"sweep_nets", "scored", "sweep_row", "layered_net"},
    "experiments.py": {"deep_stack", "weight_gradients", "depth_collapse", "hidden_layer_solves_xor",
                       "constant_init", "large_init", "vanishing_gradient",
                       "off_everywhere", "dark_clusters", "activation_table", "signal_variance",
                       "bending", "zero_centred", "part_rate", "summary_table",
                       "depth_collapse_report", "logistic_regression_report",
                       "hidden_layer_solves_xor_report", "constant_init_report",
                       "large_init_report", "vanishing_gradient_report", "activation_table_report",
                       "signal_variance_report", "bending_report", "zero_centred_report",
                       "seeds_verdict", "summary", "report", "<constants>",
                       "logistic_regression", "column", "centre_name", "classes_of"},
}
QUICK = ["tests/test_many.py", "tests/test_numbers.py", "tests/test_network.py", "tests/test_gradients.py",
         "tests/test_golden.py", "tests/test_by_hand.py", "tests/test_layout.py",
         "tests/test_cli.py", "tests/test_readme.py"]
# the first tests run on a mutant of a file, when they are not QUICK: the ones that run it
CLAIMS_TESTS = ["tests/test_experiments.py", "tests/test_numbers.py", "tests/test_many.py"]
FIRST = {"experiments.py": CLAIMS_TESTS, "companion/seeds.py": CLAIMS_TESTS,
         "companion/sweeps.py": CLAIMS_TESTS}
SWAPS = {"+": "-", "-": "+", "*": "/", "/": "*", "**": "*", "//": "/", "<": "<=", "<=": "<",
         ">": ">=", ">=": ">", "==": "!=", "!=": "==", "+=": "-=", "-=": "+=", "and": "or",
         "or": "and", "True": "False", "False": "True"}


def regions(source, wanted):
    """The line ranges of the functions named in wanted ("<constants>": module-level
    assignments), or everything when wanted is None."""
    if wanted is None:
        return [(1, len(source.splitlines()))]
    import ast
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in wanted:
            found.append((node.lineno, node.end_lineno))
        elif isinstance(node, ast.Assign) and "<constants>" in wanted:
            found.append((node.lineno, node.end_lineno))
    return found


def mutants(path, wanted):
    """(line, column, old, new) for every token mutation in the wanted regions of path."""
    source = (ROOT / path).read_text()
    keep = regions(source, wanted)
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    found = []
    for k, tok in enumerate(tokens):
        line, col = tok.start
        if not any(lo <= line <= hi for lo, hi in keep):
            continue
        text = tok.string
        if tok.type in (tokenize.OP, tokenize.NAME) and text in SWAPS:
            if text == "-" and tokens[k - 1].type == tokenize.OP and tokens[k - 1].string != ")":
                continue  # a unary minus: -x has no binary twin
            found.append((line, col, text, SWAPS[text]))
        elif tok.type == tokenize.NAME and text == "not" and tokens[k + 1].string != "in":
            found.append((line, col, "not ", ""))
        elif tok.type == tokenize.NUMBER:
            value = text.replace("_", "")
            if value.isdigit():
                found.append((line, col, text, str(int(value) + 1)))
            else:
                number = float(value)
                found.append((line, col, text, repr(2 * number) if number else "1.0"))
    return found


def plant(source, line, col, old, new):
    lines = source.splitlines(keepends=True)
    text = lines[line - 1]
    assert text[col:col + len(old)] == old, (line, col, old, text)
    lines[line - 1] = text[:col] + new + text[col + len(old):]
    return "".join(lines)


def described(path, mutant):
    """A mutant as --survivors writes it: 'file:line:column  old -> new  | the line'."""
    line, col, old, new = mutant
    text = (ROOT / path).read_text().splitlines()[line - 1].strip()
    return f"{path}:{line}:{col}  {old!r} -> {new!r}  | {text}"


def without_line(described):
    return re.sub(r":\d+:", ":", described, count=1)


def run_mutant(path, mutant, timeout=300, quick_only=False):
    """'killed' or 'survived' (or 'timeout', counted as killed: a hang is noticed too).
    The first tests for the file run first; if they pass, the whole suite (unless quick_only:
    then 'survived' means survived the first tests)."""
    line, col, old, new = mutant
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "project"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
            ".git", ".venv", "__pycache__", ".pytest_cache", "mutants"))
        target = copy / path
        target.write_text(plant(target.read_text(), line, col, old, new))
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        for tests in [FIRST.get(path, QUICK)] + ([] if quick_only else [[]]):
            try:
                result = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q",
                                         "-p", "no:cacheprovider", *tests], cwd=copy, env=env,
                                        capture_output=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                return "timeout"
            if result.returncode != 0:
                return "killed"
    return "survived"


def main(argv=None):
    parser = argparse.ArgumentParser(description="Mutation testing for the chapter's program, "
                                                 "the gradient check and the report's verdicts.")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", metavar="FILE", help="one of the target files")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--survivors", metavar="FILE", help="write the survivors to FILE")
    parser.add_argument("--quick", action="store_true",
                        help="only the first tests: a survivor has not met the whole suite")
    parser.add_argument("--mutants", metavar="FILE",
                        help="only the mutants listed in FILE (as --survivors writes them)")
    args = parser.parse_args(argv)
    work = [(path, m) for path, wanted in TARGETS.items() if args.only in (None, path)
            for m in mutants(path, wanted)]
    if args.mutants:  # matched without the line number: the lines may have moved since
        listed = {without_line(text) for text in Path(args.mutants).read_text().splitlines()}
        work = [(path, m) for path, m in work if without_line(described(path, m)) in listed]
    if args.list:
        for path, (line, col, old, new) in work:
            print(f"{path}:{line}:{col}  {old!r} -> {new!r}")
        print(f"{len(work)} mutants")
        return 0
    began = time.monotonic()
    counts, survivors = {}, []
    with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
        futures = {pool.submit(run_mutant, path, m, quick_only=args.quick): (path, m)
                   for path, m in work}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            path, (line, col, old, new) = futures[future]
            outcome = future.result()
            counts[outcome] = counts.get(outcome, 0) + 1
            if outcome == "survived":
                survivors.append(described(path, (line, col, old, new)))
                print(f"survived  {survivors[-1]}", flush=True)
            if done % 25 == 0:
                print(f"... {done} of {len(work)} ({time.monotonic() - began:.0f} s)", flush=True)
    killed = counts.get("killed", 0) + counts.get("timeout", 0)
    print(f"{len(work)} mutants: {killed} killed ({counts.get('timeout', 0)} by a timeout), "
          f"{len(survivors)} survived, in {time.monotonic() - began:.0f} s")
    if args.survivors:
        Path(args.survivors).write_text("\n".join(sorted(survivors)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
