"""No import cycle among qualcode's modules (issue 17): a module that needs another's code imports
it, and the other never imports it back, not even lazily inside a function.

Read from the source with ``ast``, so imports inside functions count. Imports under
``if TYPE_CHECKING:`` count too (a cycle of types is still a knot in the design), except in
``qualcode/tui/``, where screens name the app's class for their type hints only.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "qualcode"

# Type-only, and going away with the move of REFI-QDA storage into the project package (issue 17,
# item 1): the memo writer names the project writer's class in a hint.
KNOWN: set[tuple[str, str]] = set()


def _name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST, skip_type_only: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements in ``node`` and everything inside it (functions included)."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
        return
    inside: list[ast.AST] = list(ast.iter_child_nodes(node))
    if isinstance(node, ast.If) and skip_type_only and _type_only(node):
        inside = list(node.orelse)
    for child in inside:
        yield from _imports(child, skip_type_only)


def graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Each module of the package and the modules of the package it imports."""
    files = {_name(p, root): p for p in sorted(root.rglob("*.py")) if "migrations" not in p.parts}
    edges: dict[str, set[str]] = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found: set[str] = set()
        for node in _imports(tree, skip_type_only=name.startswith(f"{root.name}.tui")):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    here = name.split(".") if is_package else name.split(".")[:-1]
                    here = here[: len(here) - node.level + 1]
                    base = ".".join([*here, base] if base else here)
                targets = [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:  # a name that is not a module is its module's
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    found.add(target)
        edges[name] = found
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(edges[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                other = stack.pop()
                group.append(other)
                if other == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_one_that_imports_it_back() -> None:
    edges = graph()
    for importer, imported in KNOWN:
        edges[importer].discard(imported)
    assert cycles(edges) == []


def test_the_check_sees_lazy_and_relative_imports() -> None:
    edges = graph()
    # Inside a function (``qualcode.reports.writers`` writes XLSX through office on first use).
    assert "qualcode.reports.office" in edges["qualcode.reports.writers"]
    # ``from . import x`` in a package's __init__ and ``from ..store import backups``.
    assert "qualcode.store.backups" in edges["qualcode.project.core"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
