"""The TUI shows what is wrong without the command line's way to fix it: no ``qualcode ...``
command and no ``--flag`` in a notification (issue 17, item 3)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from qualcode.project import Query
from qualcode.tui import make_app
from qualcode.tui.screens.retrieve import RetrieveScreen

THEME = "Engagement barriers"


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_missing_document_is_named_without_a_command(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.push_screen(RetrieveScreen(Query(THEME, documents=("nope",))))
        await settle(pilot)
        shown = [str(n.message) for n in app._notifications]
        assert "no document named 'nope'" in shown
        assert not [m for m in shown if "qualcode " in m or "--" in m], shown
