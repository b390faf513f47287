"""Dependency direction (docs/architecture.md): tui and cli on top, the library below them.

Nothing outside ``qualcode/tui/`` imports Textual, and no library module imports the CLI or the
TUI. Checked on the source with ``ast``, so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "qualcode"
FRONTS = {
    "qualcode/cli/__init__.py",
    "qualcode/cli/agreement.py",
    "qualcode/cli/backups.py",
    "qualcode/cli/cases.py",
    "qualcode/cli/codebook.py",
    "qualcode/cli/coders.py",
    "qualcode/cli/coding.py",
    "qualcode/cli/common.py",
    "qualcode/cli/demo.py",
    "qualcode/cli/documents.py",
    "qualcode/cli/encryption.py",
    "qualcode/cli/export.py",
    "qualcode/cli/export_coder.py",
    "qualcode/cli/init.py",
    "qualcode/cli/log.py",
    "qualcode/cli/memos.py",
    "qualcode/cli/merge.py",
    "qualcode/cli/open.py",
    "qualcode/cli/pseudonymise.py",
    "qualcode/cli/qdpx.py",
    "qualcode/cli/reconcile.py",
    "qualcode/cli/retrieve.py",
    "qualcode/cli/speakers.py",
    "qualcode/cli/suggest.py",
    "qualcode/cli/team.py",
    "qualcode/__main__.py",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _modules() -> list[tuple[str, set[str]]]:
    return [
        (str(p.relative_to(PACKAGE.parent)), _imports(p))
        for p in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in p.parts
    ]


def test_only_the_tui_imports_textual() -> None:
    offenders = [
        name
        for name, imports in _modules()
        if not name.startswith("qualcode/tui/")
        and any(i == "textual" or i.startswith("textual.") for i in imports)
    ]
    assert offenders == []


def test_the_library_never_imports_the_cli_or_the_tui() -> None:
    offenders = [
        (name, sorted(i for i in imports if i.startswith(("qualcode.cli", "qualcode.tui"))))
        for name, imports in _modules()
        if name not in FRONTS and not name.startswith("qualcode/tui/")
    ]
    assert [o for o in offenders if o[1]] == []


def test_the_checker_sees_relative_imports() -> None:
    imports = _imports(PACKAGE / "cli" / "memos.py")
    assert "qualcode.cli" in imports and "qualcode.errors.QualcodeError" in imports
