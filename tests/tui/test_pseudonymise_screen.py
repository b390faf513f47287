"""The pseudonymise screen: review the plan, switch a candidate on, relabel it, apply."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Label

from qualcode import Project
from qualcode.tui import make_app
from qualcode.tui.screens.home import HomeScreen
from qualcode.tui.screens.pseudonymise import PseudonymiseScreen

NAMES = Path(__file__).resolve().parents[2] / "transcripts_sample" / "names.csv"


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.slow
async def test_review_then_apply(demo_path: Path) -> None:
    shutil.copy(NAMES, demo_path.with_name("names.csv"))  # found beside the project
    with Project.open(demo_path) as project:
        before = {c.uuid: c for c in project.codings(include_deleted=True)}
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PseudonymiseScreen)
        table = screen.query_one("#pseudo-table", DataTable)
        found = {str(table.get_row_at(i)[1]): i for i in range(table.row_count)}
        assert {"Amy", "Claire", "Rachel", "NHS"} <= set(found)
        assert str(table.get_row_at(found["NHS"])[0]) == "[ ]"  # a candidate starts off
        preview = str(screen.query_one("#pseudo-preview", Label).render())
        assert "[Person" in preview or "[Participant" in preview  # before and after, shown
        table.move_cursor(row=found["NHS"])
        await pilot.press("space")
        await pilot.press("e", "ctrl+a", "ctrl+k", *"[Health service]", "enter")
        await pilot.pause()
        row = table.get_row_at(table.cursor_row)
        assert (str(row[0]), str(row[1]), str(row[6])) == ("[x]", "NHS", "[Health service]")
        with Project.open(demo_path) as project:  # nothing has changed yet
            assert "Amy" in project.document_text("p01-amy")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    with Project.open(demo_path) as project:
        names = [d.name for d in project.documents()]
        assert "p01-participant-1" in names and "p01-amy" not in names
        text = project.document_text("p01-participant-1")
        assert "Amy" not in text and "[Participant 1]" in text
        assert "NHS" not in " ".join(project.document_text(n) for n in names)
        after = {c.uuid for c in project.codings(include_deleted=True)}
    assert after == set(before)
    assert demo_path.with_name(demo_path.name + "-key").exists()
