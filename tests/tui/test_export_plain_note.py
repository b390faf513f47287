"""The export dialog of an encrypted project says, once, that the file it wrote is plain
(issue 14, item 10); a plain project's export says nothing of the kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from qualcode.store import cipher
from qualcode.tui import make_app
from qualcode.tui.screens.reports import ExportDialog

from .test_reports_screen import settle

pytest.importorskip("sqlcipher3", reason="the encryption extra (sqlcipher3) is not installed")
NOTE = "is not encrypted (only the project is)"


@pytest.mark.parametrize("encrypted", [True, False])
async def test_the_export_dialog_says_an_export_is_plain(
    demo_path: Path, tmp_path: Path, encrypted: bool
) -> None:
    if encrypted:
        cipher.encrypt_file(demo_path, "pass phrase")
    target = tmp_path / "f.xlsx"
    app = make_app(demo_path, coder="sue", passphrase="pass phrase" if encrypted else None)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        field = app.screen.query_one("#export-path", Input)
        field.value = str(target)
        field.focus()
        await pilot.press("enter")
        await settle(pilot)
        notes = [n.message for n in app._notifications if NOTE in n.message]
    assert target.exists()
    assert notes == (
        [f"{target} {NOTE}: keep it somewhere safe, or delete it when done"] if encrypted else []
    )


@pytest.mark.parametrize("encrypted", [True, False])
async def test_the_list_export_says_an_export_is_plain(
    demo_path: Path, tmp_path: Path, encrypted: bool
) -> None:
    """The retrieval and memo lists export through their own dialog: it says the same."""
    from qualcode.tui.screens.export_list import ExportList

    if encrypted:
        cipher.encrypt_file(demo_path, "pass phrase")
    target = tmp_path / "segments.md"

    def write(_source: object, path: str) -> Path:
        Path(path).write_text("segments\n", encoding="utf-8")
        return Path(path)

    app = make_app(demo_path, coder="sue", passphrase="pass phrase" if encrypted else None)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ExportList("Export", str(target), write))
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        notes = [n.message for n in app._notifications if NOTE in n.message]
    assert target.exists()
    assert len(notes) == (1 if encrypted else 0)
