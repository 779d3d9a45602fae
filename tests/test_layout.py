"""The layout holds: riskcore never imports streamlit, and no riskcore module imports itself
back through others (no import circle), read from the source with the standard library's ast.

Every import counts, at module level and inside functions alike (a lazy import only hides a
circle until the function runs), except those under `if TYPE_CHECKING:`, which never run. An
import names the module it reads from: `from riskcore.report.texts import text` is an edge to
riskcore.report.texts, `from riskcore import report` one to the package face riskcore.report.
Python also runs a package's __init__ before its submodules; that implicit edge is not drawn,
since a face re-exports its own modules by design: were a submodule to import its package's
face, the circle would show through the explicit edge.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "riskcore"


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(CORE.rglob("*.py"))}


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run, wherever it stands."""
    found, todo = [], [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        children = list(ast.iter_child_nodes(node))
        if isinstance(node, ast.If) and _type_checking(node):
            children = node.orelse
        todo.extend(children)
    return found


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The top-level packages, or the riskcore modules, that one import statement reads."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:  # relative: from the importing module's package
            package = module.split(".")
            is_package = MODULES[module].name == "__init__.py"
            package = package[: len(package) - node.level + is_package]
            base = ".".join([*package, base] if base else package)
        names = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
            for alias in node.names
        ]
    out = []
    for name in names:
        while name not in MODULES and "." in name:  # a name inside a module, not a module
            name = name.rsplit(".", 1)[0]
        out.append(name)
    return out


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text("utf-8"), str(path))
        targets = {t for node in _imports(tree) for t in _targets(module, node)}
        graph[module] = targets
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle among riskcore modules (depth-first search), or [] when none."""
    internal = {m: sorted(t for t in ts if t in MODULES and t != m) for m, ts in graph.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = 1
        path.append(module)
        for target in internal[module]:
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[module] = 2
        return []

    for module in sorted(internal):
        if module not in state and (found := visit(module)):
            return found
    return []


def test_the_graph_sees_the_packages_and_their_imports() -> None:
    graph = _graph()
    assert {"riskcore.report", "riskcore.charts.base", "riskcore.scenarios.spec"} <= set(graph)
    assert "riskcore.report.texts" in graph["riskcore.report.sections"]
    assert "riskcore.report" in graph["riskcore.cli"]  # from riskcore import report as R
    # a circle planted by hand is found: the face imports texts, texts the face
    planted = _cycle({**graph, "riskcore.report.texts": {"riskcore.report"}})
    assert planted[0] == planted[-1] and "riskcore.report.texts" in planted


def test_no_import_circle_in_riskcore() -> None:
    circle = _cycle(_graph())
    assert not circle, " -> ".join(circle)


def test_riskcore_never_imports_streamlit() -> None:
    users = sorted(m for m, targets in _graph().items() if "streamlit" in targets)
    assert not users, users


MAX_FUNCTION_LINES = 80
# Functions allowed to be longer because they are a declarative table (none today).
DECLARATIVE: set[str] = set()


def long_functions(limit: int = MAX_FUNCTION_LINES) -> list[tuple[int, str]]:
    """(lines, "path:qualified name") of every function in riskcore/, ui/ and pages/ longer
    than `limit` lines, decorators excluded, longest first."""
    found = []
    for folder in ("riskcore", "ui", "pages"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text("utf-8"), str(path))
            todo: list[tuple[ast.AST, str]] = [(tree, "")]
            while todo:
                node, prefix = todo.pop()
                for child in ast.iter_child_nodes(node):
                    name = prefix
                    if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                        name = f"{prefix}{child.name}."
                    if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                        lines = child.end_lineno - child.lineno + 1
                        if lines > limit:
                            where = f"{path.relative_to(ROOT).as_posix()}:{name[:-1]}"
                            found.append((lines, where))
                    todo.append((child, name))
    return sorted(found, reverse=True)


def test_the_function_scan_sees_nested_and_method_functions() -> None:
    names = {where for _, where in long_functions(limit=1)}
    assert "riskcore/report/layout.py:Styles.__init__" in names
    assert "riskcore/report/layout.py:_paragraph_styles.make" in names


def test_no_function_is_longer_than_80_lines() -> None:
    """Long functions are split into named steps; `python -m tests.test_layout` lists them."""
    long = [(n, where) for n, where in long_functions() if where not in DECLARATIVE]
    assert not long, long


if __name__ == "__main__":  # python -m tests.test_layout [limit]: the longest functions
    import sys

    for lines, where in long_functions(int(sys.argv[1]) if len(sys.argv) > 1 else 60):
        print(f"{lines:4d}  {where}")


def test_no_riskcore_module_imports_a_private_name_from_another() -> None:
    """A name with a leading underscore stays in its module: what others need is public."""
    private = []
    for module, path in MODULES.items():
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if any(t.startswith("riskcore") for t in _targets(module, node)):
                names = [a.name for a in node.names if a.name.startswith("_")]
                where = "." * node.level + (node.module or "")
                private += [f"{module}: {where}.{n}" for n in names if not n.startswith("__")]
    assert not private, private
