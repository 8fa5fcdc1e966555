"""The project as a reader walks into it: three programs on top, the machinery in companion/,
imports flowing one way, and every line of the chapter's listing where the map says it is."""

import ast
import inspect
import re

import nn_from_scratch
from conftest import ROOT

# The chapter's listing (its code lines, comments dropped) and the function that holds each line.
CHAPTER = {
    "z1 = X @ W1 + b1": "forward",
    "a1 = np.tanh(z1)": "forward",
    "z2 = a1 @ W2 + b2": "forward",
    "p = sigmoid(z2)": "forward",
    "-np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))": "bce_loss",
    "dz2 = (p - y) / m": "backward",
    "dW2 = a1.T @ dz2": "backward",
    "db2 = dz2.sum(0, keepdims=True)": "backward",
    "da1 = dz2 @ W2.T": "backward",
    "dz1 = da1 * (1 - a1**2)": "backward",
    "dW1 = X.T @ dz1": "backward",
    "db1 = dz1.sum(0, keepdims=True)": "backward",
    "W1 -= lr*dW1; b1 -= lr*db1; W2 -= lr*dW2; b2 -= lr*db2": "update",
}


def code_of(function):
    """The function's source without its docstring and comments."""
    source = inspect.getsource(getattr(nn_from_scratch, function))
    source = re.sub(r'"""(.|\n)*?"""', "", source)
    return "\n".join(line.split("#")[0] for line in source.splitlines())


def test_every_line_of_the_chapters_listing_is_in_the_function_the_map_names():
    for line, function in CHAPTER.items():
        assert line in code_of(function), (line, function)


MAP_HEADING = "### Where each line of the chapter lives"


def the_map():
    """The chapter-to-code map, in the README or in whichever page of docs/ holds it: its
    section, up to the next heading."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    (text,) = [page.read_text() for page in pages if MAP_HEADING in page.read_text()]
    return re.split(r"\n#{1,3} ", text.split(MAP_HEADING)[1])[0]


def test_the_map_in_the_docstring_and_the_readme_names_functions_that_exist():
    table = the_map()
    named = set(re.findall(r"`(\w+)\(\)`", table))
    docstring = set(re.findall(r"(\w+)\(\)", nn_from_scratch.__doc__.split("Layout,")[0]))
    assert named == docstring and set(CHAPTER.values()) <= named
    assert all(inspect.isfunction(getattr(nn_from_scratch, name)) for name in named)


def test_the_top_level_holds_exactly_the_three_programs():
    assert sorted(p.name for p in ROOT.glob("*.py")) == [
        "activations_demo.py", "experiments.py", "nn_from_scratch.py"]


def imports(path):
    """The top-level modules a file imports, at load time and inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add(node.module)
    return found


def load_time_imports(path):
    tree = ast.parse(path.read_text())
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add(node.module)
    return found


def test_imports_flow_one_way():
    companion = {p.stem: p for p in (ROOT / "companion").glob("*.py")}
    # what the chapter's program imports never imports it back, not even inside a function
    for name in ("cli", "flags"):
        assert "nn_from_scratch" not in imports(companion[name]), name
    # the program loads the rest of the package only inside functions, when a flag asks
    assert load_time_imports(ROOT / "nn_from_scratch.py") & {
        f"companion.{name}" for name in companion} == {"companion.cli"}
    assert "companion" in load_time_imports(ROOT / "nn_from_scratch.py")  # from companion import flags
    # and no module of the package imports a program other than the chapter's
    for path in companion.values():
        assert not imports(path) & {"experiments", "activations_demo"}, path.name


def test_the_layout_page_names_every_module_and_what_it_holds():
    # docs/layout.md's file tree: one line for each file of companion/ and each top-level folder
    tree = (ROOT / "docs" / "layout.md").read_text().split("```")[1]
    named = set(re.findall(r"^\s*(\S+\.py|\S+/)\s+\S", tree, re.M))
    modules = {path.name for path in (ROOT / "companion").glob("*.py")} - {"__init__.py"}
    folders = {f"{path.name}/" for path in ROOT.iterdir()
               if path.is_dir() and not path.name.startswith((".", "_"))}
    programs = {path.name for path in ROOT.glob("*.py")}
    missing = (modules | folders | programs) - named
    assert not missing, sorted(missing)
