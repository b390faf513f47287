"""Theme reports say whose codings they count and why, switch to every coder with one key,
and stay readable at 80x24 (the chart gives way to the table). Issue 18, items 7 and 8."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import DataTable, Label

from qualcode import Project
from qualcode.reports import frequencies
from qualcode.tui import make_app
from qualcode.tui.screens.reconcile import ReconcileScreen
from qualcode.tui.screens.reports import ReportsScreen


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def first_count(table: DataTable) -> str:  # type: ignore[type-arg]
    return str(table.get_row_at(0)[1]).strip()


@pytest.mark.slow
async def test_consensus_default_is_said_and_one_key_counts_every_coder(demo_path: Path) -> None:
    app = make_app(demo_path, coder="sue")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Two reconcile decisions make the consensus coder the reports' default.
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReconcileScreen)
        for item in screen.items[:2]:
            number = next(n for n, v in enumerate(item.versions, 1) if v.excerpts)
            await pilot.press(str(number))
            await pilot.pause()
        await pilot.press("escape", "escape")
        await settle(pilot)
        with Project.open(demo_path) as project:
            assert len(project.decisions()) == 2
            default = frequencies(project, by="group")
            every = frequencies(project, by="group", coders="all")
        assert default.parameters["coders"] == ["consensus"]
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        notice = str(app.screen.query_one("#reports-coders", Label).render())
        assert "Counting: the consensus coder only" in notice and "a counts every coder" in notice
        table = app.screen.query_one("#reports-table", DataTable)
        first = default.rows[0]
        assert first_count(table) == f"{default.row(first.code, default.groups[0]).codings:,}"
        # At 80 columns the chart gives way: the table has the width.
        assert not app.screen.query_one("#reports-chart-pane", VerticalScroll).display
        assert table.size.width >= 70
        await pilot.press("a")
        await settle(pilot)
        notice = str(app.screen.query_one("#reports-coders", Label).render())
        assert "Counting: every coder (ann, ben, cat" in notice
        assert first_count(table) == f"{every.row(first.code, every.groups[0]).codings:,}"
        await pilot.press("b")
        await pilot.pause()
        assert app.screen.query_one("#reports-chart-pane", VerticalScroll).display
        await pilot.press("a")
        await settle(pilot)
        assert "consensus coder only" in str(app.screen.query_one("#reports-coders").render())
