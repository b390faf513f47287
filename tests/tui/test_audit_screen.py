"""The audit trail screen: what the project recorded, newest first, narrowed by the filters."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Label

from qualcode import Project
from qualcode.tui import make_app
from qualcode.tui.screens.audit import AuditScreen


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_newest_first_and_both_filters(demo_path: Path) -> None:
    with Project.open(demo_path, actor="zoe") as project:
        project.add_memo("A memo to find", coder="zoe")
        entries = project.log()
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        table = screen.query_one("#audit-table", DataTable)
        assert table.row_count == len(entries)
        newest = table.get_row_at(0)
        assert str(newest[1]) == "zoe" and str(newest[2]) == "memo.create"
        await pilot.press("slash", *"zoe")
        await settle(pilot)
        assert table.row_count == sum(
            1 for e in entries if "zoe" in e.actor or "zoe" in str(e.payload)
        )
        await pilot.press("escape")  # leaves the filter box, not the screen
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        await pilot.press("ctrl+a")  # clear the filter text
        screen.query_one("#audit-filter").value = ""  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("k")  # kind: coding
        await pilot.pause()
        codings = [e for e in entries if e.action.startswith("coding")]
        assert table.row_count == len(codings) > 0
        params = str(screen.query_one("#audit-params", Label).render())
        assert "kind: coding" in params and f"{len(codings):,} of {len(entries):,}" in params
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AuditScreen)


def test_details_name_codes_by_their_path() -> None:
    from qualcode.tui.screens.audit import details

    paths = {"f627aa60-c613-4314-8951-f96000000000": "Engagement barriers/Travel and distance"}
    line = details({"document": "p01-amy", "code": next(iter(paths)), "start": 3}, paths)
    assert line == "document=p01-amy code=Engagement barriers/Travel and distance start=3"
    assert "code=f627aa60" in details({"code": next(iter(paths))})
