"""The pseudonymise screen and the export dialog on a transcript where one person has two speaker
labels (the issue's repro), and when their worker fails for real: a one-line message naming the
crash log, and a screen that still works and closes."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, Select

from qualcode import Project
from qualcode.tui import make_app
from qualcode.tui.screens.home import HomeScreen
from qualcode.tui.screens.pseudonymise import PseudonymiseScreen
from qualcode.tui.screens.reports import ExportDialog

from ..test_pseudonymise_speakers import make_project, names_file


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def crash_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The crash log goes to this test's own folder (platformdirs reads XDG_STATE_HOME)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "qualcode" / "log" / "qualcode.log"


def messages(pilot: Pilot[None]) -> list[str]:
    return [n.message for n in pilot.app._notifications]


async def open_export(pilot: Pilot[None], target: Path, names: Path) -> ExportDialog:
    await pilot.press("t")
    await settle(pilot)
    await pilot.press("x")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportDialog)
    dialog.query_one(Select).value = "quotes"
    await pilot.pause()
    dialog.query_one("#export-path", Input).value = str(target)
    field = dialog.query_one("#export-names", Input)
    field.value = str(names)
    field.focus()
    return dialog


@pytest.mark.slow
async def test_export_dialog_two_labels_then_a_failure_said_in_one_line(
    tmp_path: Path, crash_log: Path
) -> None:
    path, names = make_project(tmp_path), names_file(tmp_path)
    too_long = tmp_path / ("q" * 300 + ".md")  # the file system refuses the name
    app = make_app(path, coder="ann")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        dialog = await open_export(pilot, too_long, names)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog  # open, with the reason; not stuck "running"
        status = str(dialog.query_one("#export-status", Label).render())
        assert "File name too long" in status and "\n" not in status
        assert f"details in {crash_log}" in status and any(status in m for m in messages(pilot))
        assert "Traceback" in crash_log.read_text(encoding="utf-8")
        target = tmp_path / "quotes.md"  # the same dialog, a good name: it works
        dialog.query_one("#export-path", Input).value = str(target)
        dialog.query_one("#export-names", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog)
    text = target.read_text(encoding="utf-8")
    assert "Bekah" not in text and "[Participant 1]" in text


async def test_pseudonymise_screen_failure_then_two_labels_become_one_speaker(
    tmp_path: Path, crash_log: Path
) -> None:
    path = make_project(tmp_path)
    blocker = path.with_name("study.qualcode.backups")
    blocker.write_text("not a folder", encoding="utf-8")  # the backup cannot be made
    app = make_app(path, coder="ann")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PseudonymiseScreen)
        changes = str(screen.query_one("#pseudo-changes", Label).render())
        assert (
            "'Bekah Hawrot Weigel' + 'Bekah' -> one speaker [Participant 1] (turns kept in order)"
        ) in changes
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        title = str(screen.query_one("#pseudo-params", Label).render())
        assert "Pseudonymising failed: internal error FileExistsError" in title
        assert f"details in {crash_log}" in title and "\n" not in title
        assert not path.with_name("study.qualcode-key").exists()  # the key it wrote: removed
        table = screen.query_one("#pseudo-table", DataTable)
        await pilot.press("space")  # still usable
        assert str(table.get_row_at(0)[0]) == "[ ]"
        await pilot.press("space")
        blocker.unlink()
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert any("Pseudonymised 1 documents" in m for m in messages(pilot))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    with Project.open(path) as project:
        assert [(s.label, s.turns) for s in project.speakers("episode")] == [
            ("[Participant 1]", 3),
            ("[Participant 2]", 2),
        ]
