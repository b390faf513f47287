"""A researcher's session with keys only, checked against the project file after reopening:
open the demo, open a participant interview, select a sentence, code it through the picker by
typing part of a code's name, see it drawn, undo and redo, write a memo, add a code in the
codebook editor, quit, reopen and find everything still there."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode import Project
from qualcode.tui import make_app
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.widgets.transcript import TranscriptView

from .test_coding_screen import settle

LUNCH = "Practical support that enabled attendance/Lunch and food at the group"


@pytest.mark.slow
async def test_a_coding_session_survives_reopening(demo_path: Path) -> None:
    with Project.open(demo_path) as before:
        ann_before = len(before.codings(coder="ann"))
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down")  # fg01-group -> p01-amy
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CodingScreen) and screen.document == "p01-amy"
        view = screen.query_one(TranscriptView)
        await pilot.press("slash", *"proper dinner", "enter", "escape")
        await pilot.press("s")
        start, end = view.selection
        sentence = view.text[start:end]
        assert "proper dinner" in sentence
        await pilot.press("c", *"lunch food", "enter")
        await settle(pilot)
        coded = [c for c in app.project.codings(coder="ann") if c.code == LUNCH]
        [new] = [c for c in coded if (c.start, c.end) == (start, end)]
        assert new.uuid in view.marks  # drawn in the text
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert new.uuid not in {c.uuid for c in app.project.codings(coder="ann")}
        assert new.uuid not in view.marks
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert new.uuid in {c.uuid for c in app.project.codings(coder="ann")}
        await pilot.press("M", *"Food came up before I asked.", "ctrl+s")
        await settle(pilot)
        await pilot.press("q")  # back home (escape would first clear the selection)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("A", *"Sleep", "enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
    with Project.open(demo_path) as reopened:
        mine = reopened.codings(coder="ann")
        assert len(mine) == ann_before + 1
        assert any(c.uuid == new.uuid and c.text == sentence for c in mine)
        [memo] = reopened.memos(target_type="document", target="p01-amy")
        assert memo.text == "Food came up before I asked." and memo.coder == "ann"
        assert reopened.code("Sleep").depth == 0
        actions = [e.action for e in reopened.log(limit=20)]
        assert {"coding.apply", "coding.remove", "coding.restore", "memo.create"} <= set(actions)
        assert "code.create" in actions
