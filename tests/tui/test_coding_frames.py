"""What the coding screen draws for a key goes out together, and is never stale.

A page-down used to draw the transcript in one frame and the side panel and status line in the
next (they waited for the ``Moved`` message); the panel is now drawn again only when its words
change, so a change at the cursor must still show at once.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from qualcode.tui import make_app
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.widgets.panel import CodingPanel

from .test_coding_screen import PEER, screen_of, search, settle, stored


def shown(screen: CodingScreen) -> tuple[str, str]:
    panel = screen.query_one(CodingPanel)
    status = screen.query_one("#coding-status", Static)
    return str(panel.render()), str(status.render())


async def test_the_panel_and_status_follow_the_cursor_before_any_message(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search(pilot, "Go on")
        await pilot.press("s", "c", *"peer sup", "enter")
        await settle(pilot)
        screen = screen_of(app)
        view = screen.view
        here = view.cursor
        turn = f"turn {view.block_number() + 1}/"
        assert turn in shown(screen)[1]
        assert PEER.split("/")[-1] in shown(screen)[0]
        # Moved by code, with no chance to handle a message: the panel and status are already
        # right, so they are drawn in the same frame as the transcript's lines.
        later = view.navigator.turn_body(view.block_number() + 3)[0]
        view.move_to(later)
        panel, status = shown(screen)
        assert f"turn {view.block_number() + 1}/" in status and turn not in status
        assert PEER.split("/")[-1] not in panel
        view.move_to(here)
        panel, status = shown(screen)
        assert turn in status and PEER.split("/")[-1] in panel
        await pilot.pause()
        assert shown(screen) == (panel, status)


async def test_a_coding_applied_where_the_panel_already_shows_one_is_shown(
    demo_path: Path,
) -> None:
    """The panel is drawn again only when its words change; a new coding at the cursor is one."""
    app = make_app(demo_path, coder="ann", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search(pilot, "Go on")
        await pilot.press("s", "c", *"peer sup", "enter")
        await settle(pilot)
        screen = screen_of(app)
        before, count = shown(screen)[0], len(stored(demo_path, document="p01-amy", coder="ann"))
        await pilot.press("c", *"lunch and food", "enter")
        await pilot.pause()
        assert len(stored(demo_path, document="p01-amy", coder="ann")) == count + 1
        after = shown(screen)[0]
        assert after != before and "Lunch and food" in after and PEER.split("/")[-1] in after
