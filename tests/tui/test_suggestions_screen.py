"""The suggestion review queue, driven by keys from the coding screen, checked against the
project as stored: accepted suggestions are codings, rejected ones are remembered, undo works."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import Label

from qualcode import Project
from qualcode.store.models import Suggestion
from qualcode.tui import make_app
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.suggestions import SuggestionsScreen


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def statuses(path: Path) -> list[tuple[str, int, int]]:
    with Project.open(path) as project, project._read() as session:
        rows = session.scalars(select(Suggestion).order_by(Suggestion.id))
        return [(r.status, r.start, r.end) for r in rows]


def suggested_codings(path: Path) -> list[tuple[int, int]]:
    with Project.open(path) as project:
        found = project.codings(document="p01-amy", coder="ann")
        return [(c.start, c.end) for c in found if c.origin == "suggestion"]


@pytest.mark.slow
async def test_accept_reject_undo_and_back_to_the_coding_screen(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SuggestionsScreen) and screen.entries
        title = str(screen.query_one("#suggest-title", Label).render())
        assert f"1 of {len(screen.entries)}" in title
        assert all(e.suggestion.document == "p01-amy" for e in screen.entries)
        first = screen.entries[0].suggestion
        assert first.explanation  # every suggestion says why
        await pilot.press("y")
        await pilot.pause()
        assert suggested_codings(demo_path) == [(first.start, first.end)]
        assert statuses(demo_path) == [("accepted", first.start, first.end)]
        second = screen.current.suggestion if screen.current else None
        assert second is not None and second is not first
        await pilot.press("n")
        await pilot.pause()
        assert statuses(demo_path)[-1] == ("rejected", second.start, second.end)
        await pilot.press("z")  # takes the rejection back
        await pilot.pause()
        assert statuses(demo_path)[-1][0] == "pending"
        await pilot.press("z")  # and the acceptance, with its coding
        await pilot.pause()
        assert suggested_codings(demo_path) == []
        # Adjust the span of the current suggestion by one word at its end, then accept it.
        current = screen.current
        assert current is not None
        await pilot.press("e", "left", "enter")
        await pilot.pause()
        [(start, end)] = suggested_codings(demo_path)
        assert start == current.suggestion.start and end < current.suggestion.end
        await pilot.press("escape")
        await settle(pilot)
        coding_screen = app.screen
        assert isinstance(coding_screen, CodingScreen)
        shown = [(c.start, c.end) for c in coding_screen.view.marks if c.origin == "suggestion"]
        assert shown == [(start, end)]


@pytest.mark.slow
async def test_home_s_suggests_across_documents_and_escape_cancels(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SuggestionsScreen)
        await pilot.press("escape")  # while it is still computing
        await settle(pilot)
        assert not isinstance(app.screen, SuggestionsScreen)
        assert statuses(demo_path) == []


async def test_a_coder_without_codings_is_told_why_there_is_nothing(demo_path: Path) -> None:
    """A new coder (the demo opens as one) asking for suggestions learns that they come from
    their own codings, not that no such coder exists."""
    app = make_app(demo_path, coder="newcomer", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SuggestionsScreen) and not screen.entries
        status = str(screen.query_one("#suggest-status").render())
        assert "learn from your own codings" in status and "newcomer" in status
        assert "no coder named" not in status
        # Nothing is computing: no bar stuck at 0%, and no error raised for a new coder.
        assert not screen.query_one("#suggest-progress").display
        assert not any(n.severity == "error" for n in app._notifications)
