"""Other coders' work appears without losing one's place: the app polls the audit trail."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Tree

from qualcode import Project
from qualcode.tui import make_app
from qualcode.tui.screens.coding import CodingScreen


async def wait_for(pilot: Pilot[None], check, rounds: int = 20) -> bool:  # type: ignore[no-untyped-def]
    """Poll the audit trail by hand, as the app's timer does, until ``check()`` holds.

    The test sets the timer's interval far beyond its own length, so that no poll overlaps
    another (an exclusive worker cancels the one it replaces) and nothing depends on how fast
    the machine is: each round is one poll, waited for, then whatever it set off.
    """
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        pilot.app._poll()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        if check():
            return True
    return False


async def test_codebook_and_codings_of_others_appear(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann")
    app.poll_seconds = 3600  # polled by hand in wait_for
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        tree = app.screen.query_one("#codebook", Tree)
        labels = lambda: [str(n.label) for n in tree.root.children]  # noqa: E731
        assert not any("Added by ben" in label for label in labels())
        with Project.open(demo_path, actor="ben") as other:
            other.add_code("Added by ben")
        assert await wait_for(pilot, lambda: any("Added by ben" in x for x in labels()))

        await pilot.press("enter")  # the first document
        assert await wait_for(pilot, lambda: isinstance(app.screen, CodingScreen))
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        screen.shown_coders = None  # every coder's codings, as `v` offers
        screen.reload_codings()
        await pilot.pause()
        await app.workers.wait_for_complete()
        view = screen.view
        await pilot.press("right_square_bracket", "right_square_bracket", "s")
        await pilot.pause()
        selected, cursor = view.selection, view.cursor
        assert selected is not None
        with Project.open(demo_path, actor="ben") as other:
            turn = other.turns(screen.document)[-1]
            made = other.apply_code(
                document=screen.document,
                code="Added by ben",
                coder="ben",
                start=turn.body_start,
                end=turn.end,
            )
        assert await wait_for(pilot, lambda: made.uuid in view.marks)
        assert (view.selection, view.cursor) == (selected, cursor)
        assert any("changes by ben" in str(n.message) for n in app._notifications)


async def test_on_a_server_the_login_names_the_coder(pg_url: str) -> None:
    from sqlalchemy.engine import make_url

    Project.create(pg_url).close()
    login = make_url(pg_url).username
    app = make_app(pg_url)  # no --coder: nothing to ask
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.coder == login
        assert type(app.screen).__name__ == "HomeScreen"
