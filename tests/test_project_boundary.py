"""The project boundary (issue 17): packages above ``project/`` touch neither the ORM nor a
private ``Project`` member, the mixins are flat over ``ProjectCore``, and derived data is kept
through ``Project.cached`` / ``Project.keep_cached``."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

from sqlalchemy import text

from qualcode.project import Project
from qualcode.project.core import ProjectCore

PACKAGE = Path(__file__).resolve().parents[1] / "qualcode"
BELOW = ("qualcode/store/", "qualcode/project/")


def _crossings(path: Path) -> list[str]:
    """The ORM imports and private ``project``/``proj`` members used in one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {alias.name for alias in node.names}
            if module.endswith("store.models") or (module.endswith("store") and "models" in names):
                found.append(f"line {node.lineno}: imports the ORM models")
            if module.startswith("sqlalchemy.orm"):
                found.append(f"line {node.lineno}: imports {module}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            private = node.attr.startswith("_") and not node.attr.startswith("__")
            if node.value.id in ("project", "proj") and private:
                found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_no_package_above_the_project_touches_the_orm_or_private_members() -> None:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = str(path.relative_to(PACKAGE.parent))
        if name.startswith(BELOW):
            continue
        crossings = _crossings(path)
        if crossings:
            offenders[name] = crossings
    assert offenders == {}


def test_the_checker_sees_both_kinds_of_crossing(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from ..store.models import Setting\n"
        "def f(project):\n"
        "    with project._write() as session:\n"
        "        pass\n"
    )
    assert _crossings(module) == ["line 1: imports the ORM models", "line 3: project._write"]


def test_every_mixin_builds_on_project_core_only() -> None:
    mixins = Project.__bases__
    assert len(mixins) >= 10
    assert {base: base.__bases__ for base in mixins} == {base: (ProjectCore,) for base in mixins}
    # No method is defined twice, so the order of the bases decides nothing.
    seen: dict[str, str] = {}
    for base in mixins:
        for name in vars(base):
            if not name.startswith("__"):
                assert name not in seen, f"{name} in {seen.get(name)} and {base.__name__}"
                seen[name] = base.__name__


def test_kept_data_is_read_back_and_replaced_without_an_audit_entry(
    fresh_project: Project,
) -> None:
    before = fresh_project.log()
    assert fresh_project.cached("derived.x") is None
    assert fresh_project.keep_cached("derived.x", "one")
    assert fresh_project.keep_cached("derived.x", "two")
    assert fresh_project.cached("derived.x") == "two"
    assert fresh_project.log() == before


def test_entries_per_text_of_texts_no_longer_in_the_file_are_dropped(project: Project) -> None:
    (document,) = project.documents()
    live = "derived." + document.sha256
    gone = "derived." + hashlib.sha256(b"a text that is not there").hexdigest()
    assert project.keep_cached(gone, "old")
    assert project.keep_cached("elsewhere." + "0" * 64, "kept")
    assert project.keep_cached(live, "new", per_text="derived.")
    assert project.cached(live) == "new"
    assert project.cached(gone) is None
    assert project.cached("elsewhere." + "0" * 64) == "kept"


def test_a_database_that_refuses_the_write_keeps_nothing_and_raises_nothing(
    fresh_project: Project,
) -> None:
    with fresh_project.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON settings "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        )
    assert fresh_project.keep_cached("derived.x", "one") is False
    assert fresh_project.cached("derived.x") is None
