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
    "-np.mean(y*np.log(p+eps) + (1-y)*np.log(1-p+eps))": "bce_loss",
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


def test_the_map_in_the_docs_names_functions_that_exist():
    named = set(re.findall(r"`(\w+)\(\)`", the_map()))
    assert set(CHAPTER.values()) <= named
    assert all(inspect.isfunction(getattr(nn_from_scratch, name)) for name in named)


def test_the_top_level_holds_exactly_the_three_programs():
    assert sorted(p.name for p in ROOT.glob("*.py")) == [
        "activations_demo.py", "experiments.py", "nn_from_scratch.py"]


PROGRAMS = ("nn_from_scratch", "activations_demo", "experiments")


def module_files():
    """Every module of the project, by the name it is imported as: the three programs and
    companion/'s modules (companion.cli, ...), with its file."""
    files = {name: ROOT / f"{name}.py" for name in PROGRAMS}
    for path in (ROOT / "companion").glob("*.py"):
        files["companion" if path.stem == "__init__" else f"companion.{path.stem}"] = path
    return files


def imports(path, known):
    """The project's modules a file imports, at load time and inside functions alike, by full
    name: `from companion import flags` is companion.flags, `import nn_from_scratch as nn` is
    nn_from_scratch; anything else (NumPy, the standard library) is left out."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found & set(known)


def circles(graph):
    """Every import cycle in graph ({module: modules it imports}), each as a list of names."""
    found, state = [], {}

    def visit(name, path):
        state[name] = "open"
        for other in sorted(graph[name]):
            if state.get(other) == "open":
                found.append(path[path.index(other):] + [other])
            elif other not in state:
                visit(other, path + [other])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    return found


def import_graph():
    files = module_files()
    return {name: imports(path, files) - {name} for name, path in files.items()}


def test_the_imports_have_no_circle():
    graph = import_graph()
    assert graph["companion.run"] >= {"nn_from_scratch", "companion.flags"}  # the check sees
    assert circles(graph) == []


def test_the_chapters_programs_import_nothing_of_the_companions():
    graph = import_graph()
    assert graph["nn_from_scratch"] == set()
    assert graph["activations_demo"] == {"nn_from_scratch"}
    # Nor by a name in a string (importlib, __import__): the one place they name the companion
    # is the hand-over of their command line, run as a command, before they define anything.
    for program, to in (("nn_from_scratch", "companion"), ("activations_demo", "companion.zoo")):
        tree = ast.parse((ROOT / f"{program}.py").read_text())
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)  # these may say so
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
                      and isinstance(node.body[0], ast.Expr)}
        named = [node for node in ast.walk(tree) if isinstance(node, ast.Constant)
                 and isinstance(node.value, str) and "companion" in node.value
                 and id(node) not in docstrings]
        assert [node.value for node in named] == [to]
        hand_over = next(node for node in tree.body if isinstance(node, ast.If))
        assert ast.unparse(hand_over.test) == "__name__ == '__main__'"
        assert ast.unparse(hand_over.body[-1]) == f"runpy.run_module('{to}', run_name='__main__')"
        defined = [k for k, node in enumerate(tree.body)
                   if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Assign))]
        assert tree.body.index(hand_over) < min(defined)


def test_no_module_of_the_companion_imports_a_program_other_than_the_chapters():
    graph = import_graph()
    for name, imported in graph.items():
        if name.startswith("companion") and name != "companion.zoo":
            assert not imported & {"experiments", "activations_demo"}, name
    assert graph["companion.zoo"] & {"activations_demo"}  # the demo's command line


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


def test_the_program_states_its_own_size():
    text = (ROOT / "nn_from_scratch.py").read_text()
    assert f"in {text.count(chr(10))} lines" in nn_from_scratch.__doc__
