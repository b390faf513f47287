"""The coding screen driven by keys (and the mouse) the way a coder works, checked against the
project as stored, not only against what the screen shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static, TextArea

from qualcode import Project
from qualcode.project import CodingInfo
from qualcode.tui import make_app
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.picker import CodingChoice
from qualcode.tui.widgets.layout import BODY
from qualcode.tui.widgets.transcript import GUTTER, TranscriptView

PEER = "Safety of a women-only space/Peer support"
LUNCH = "Practical support that enabled attendance/Lunch and food at the group"
TRAVEL = "Engagement barriers/Travel and distance"


def stored(path: Path, **filters: object) -> list[CodingInfo]:
    """Codings as another process would read them now: only what was committed."""
    with Project.open(path) as project:
        return project.codings(**filters)  # type: ignore[arg-type]


def screen_of(app: QualcodeApp) -> CodingScreen:
    assert isinstance(app.screen, CodingScreen), app.screen
    return app.screen


def messages(app: QualcodeApp) -> list[str]:
    return [n.message for n in app._notifications]


async def settle(pilot: Pilot[None]) -> None:
    """Wait for the keys, for the threads loading codings, and for the repaint."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def search(pilot: Pilot[None], text: str) -> None:
    await pilot.press("slash", *text, "enter")
    await pilot.pause()


async def test_enter_on_home_opens_the_highlighted_document(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_of(app).document == "fg01-group"
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, CodingScreen)


async def test_code_a_sentence_then_undo_and_redo(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = screen_of(app).view
        await pilot.press("right_square_bracket", "right_square_bracket")  # Amy's first turn
        await pilot.press("right_parenthesis", "s")  # its second sentence
        await pilot.pause()
        start, end = view.selection or (0, 0)
        assert view.text[start:end] == "Go on."
        await pilot.press("c", *"peer sup", "enter")
        await pilot.pause()
        [made] = [c for c in stored(demo_path, document="p01-amy", coder="ann") if c.code == PEER]
        assert (made.start, made.end, made.origin) == (start, end, "manual")
        assert made.uuid in view.marks
        assert f"Coded '{PEER}' (2 words)" in messages(app)
        line = view.text_layout.line_of(start) - int(view.scroll_y)  # type: ignore[union-attr]
        colour = view.palette[PEER].upper()
        assert any(
            s.style and s.style.bgcolor and s.style.bgcolor.get_truecolor().hex.upper() == colour
            for s in view.render_line(line)
        )

        await pilot.press("ctrl+z")
        await pilot.pause()
        assert not [c for c in stored(demo_path, document="p01-amy") if c.uuid == made.uuid]
        assert made.uuid not in view.marks

        await pilot.press("ctrl+y")
        await pilot.pause()
        assert [c.uuid for c in stored(demo_path, document="p01-amy") if c.code == PEER] == [
            made.uuid
        ]
        assert made.uuid in view.marks


async def test_code_without_selection_takes_the_sentence_and_errors_are_shown(
    demo_path: Path,
) -> None:
    app = make_app(demo_path, coder="ann", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search(pilot, "See what")
        await pilot.press("escape")  # clear the selection; the cursor stays in the sentence
        await pilot.press("c", *"lunch", "enter")
        await pilot.pause()
        [made] = stored(demo_path, document="p01-amy", code=LUNCH)
        assert made.text == "See what it's like."
        await pilot.press("c", *"lunch", "enter")  # the same again: the library refuses
        await pilot.pause()
        assert "already coded" in messages(app)[-1]
        assert len(stored(demo_path, document="p01-amy", code=LUNCH)) == 1
        assert isinstance(app.screen, CodingScreen)


async def test_search_moves_to_the_match_and_n_steps(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = screen_of(app).view
        await search(pilot, "BUS FARE")
        first = view.text.lower().index("bus fare")
        assert view.selection == (first, first + 8)
        assert view.cursor == first + 8
        await pilot.press("n")
        second = view.text.lower().index("bus fare", first + 1)
        assert view.selection == (second, second + 8)
        await pilot.press("N")
        assert view.selection == (first, first + 8)
        assert screen_of(app).query_one(TranscriptView).has_focus


async def test_remove_and_recode_at_the_cursor(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        [travel] = stored(demo_path, document="p01-amy", coder="ann", code=TRAVEL)
        await search(pilot, "proper dinner")
        await pilot.press("escape")

        await pilot.press("r", *"lunch", "enter")
        await pilot.pause()
        now = stored(demo_path, document="p01-amy", coder="ann", code=LUNCH)
        assert [(c.start, c.end) for c in now] == [(travel.start, travel.end)]
        assert not stored(demo_path, document="p01-amy", coder="ann", code=TRAVEL)

        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [
            c.uuid for c in stored(demo_path, document="p01-amy", code=TRAVEL, coder="ann")
        ] == [travel.uuid]
        assert not stored(demo_path, document="p01-amy", coder="ann", code=LUNCH)

        await pilot.press("x")
        await pilot.pause()
        assert not stored(demo_path, document="p01-amy", coder="ann", code=TRAVEL)
        assert travel.uuid not in screen_of(app).view.marks
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert stored(demo_path, document="p01-amy", coder="ann", code=TRAVEL)


@pytest.mark.slow
async def test_memos_on_a_coding_and_on_the_document(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        [travel] = stored(demo_path, document="p01-amy", coder="ann", code=TRAVEL)
        await search(pilot, "proper dinner")
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"fare as a lure", "ctrl+s")
        await pilot.pause()
        with Project.open(demo_path) as project:
            [memo] = project.memos(target_type="coding", target=travel.uuid)
        assert (memo.text, memo.coder) == ("fare as a lure", "ann")

        await pilot.press("M", *"first interview", "ctrl+s")
        await pilot.pause()
        with Project.open(demo_path) as project:
            assert [m.text for m in project.memos(target_type="document", target="p01-amy")] == [
                "first interview"
            ]
        await pilot.press("ctrl+z")
        await pilot.pause()
        with Project.open(demo_path) as project:
            assert not project.memos(target_type="document", target="p01-amy")


async def test_u_jumps_to_the_next_turn_without_my_coding(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = screen_of(app).view
        mine = stored(demo_path, document="p01-amy", coder="ann")
        for _ in range(3):
            before = view.cursor
            await pilot.press("u")
            await pilot.pause()
            block = view.blocks[view.block_number()]
            assert view.cursor != before
            assert block.role == "participant"
            assert not [c for c in mine if c.start < block.end and c.end > block.body_start]


async def test_v_shows_other_coders(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = screen_of(app).view
        assert {c.coder for c in view.marks} == {"ann"}
        await pilot.press("v")
        await settle(pilot)
        everyone = stored(demo_path, document="p01-amy")
        assert {c.coder for c in view.marks} == {c.coder for c in everyone} > {"ann"}
        assert len(view.marks) == len(everyone)
        await pilot.press("v")
        await settle(pilot)
        assert {c.coder for c in view.marks} == {"ann"}


async def test_pinned_digits_and_p(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search(pilot, "Go on")
        await pilot.press("s", "c", *"peer sup", "enter", "p")
        await pilot.pause()
        assert app.pinned_codes == [PEER]  # type: ignore[attr-defined]
        await pilot.press("right_parenthesis", "s", "1")
        await pilot.pause()
        texts = sorted(c.text for c in stored(demo_path, document="p01-amy", code=PEER))
        assert texts[0] == "Go on."
        assert len(texts) == 2
        await pilot.press("2")
        await pilot.pause()
        assert "Nothing is pinned to 2" in messages(app)[-1]


async def test_click_moves_the_cursor(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann", document="p03-cheryl")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = screen_of(app).view
        assert "[00:00:02]" in view.render_line(0).text
        row = 4
        line = view.text_layout.lines[row]  # type: ignore[union-attr]
        assert line.kind == BODY
        await pilot.click(TranscriptView, offset=(GUTTER + 3, row))
        await pilot.pause()
        assert view.cursor == line.start + 3


async def test_unsafe_text_stays_out_of_the_side_panel_and_status(small_path: Path) -> None:
    app = make_app(small_path, coder="ann", document="evil")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search(pilot, "red")
        await pilot.press("t", "c", *"travel", "enter")  # the whole turn
        await pilot.pause()
        [made] = stored(small_path, document="evil")
        assert "\x1b" in made.text and "\u202e" in made.text
        screen = screen_of(app)
        assert made.uuid in screen.view.marks
        shown = "".join(
            str(screen.query_one(selector, Static).render())
            for selector in ("#coding-at-cursor", "#coding-status")
        )
        assert "Barriers/Travel" in shown
        assert not any(ch in shown for ch in "\x1b\u202e\u202c\x07")


async def test_x_asks_which_coding_when_several_are_at_the_cursor(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search(pilot, "clucking")
        await pilot.press("escape", "s", "c", *"peer sup", "enter")
        await pilot.pause()
        mine = stored(demo_path, document="p01-amy", coder="ann")
        here = [c for c in mine if "clucking" in c.text]
        assert {c.code for c in here} == {PEER, "Engagement barriers/Work–score–use cycle"}
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, CodingChoice)
        await pilot.press("escape")  # changed my mind: nothing removed
        await pilot.pause()
        assert len(stored(demo_path, document="p01-amy", coder="ann")) == len(mine)
        await pilot.press("x")
        await pilot.pause()
        choice = app.screen
        assert isinstance(choice, CodingChoice)
        second = choice.codings[1]
        await pilot.press("down", "enter")
        await pilot.pause()
        left = {c.uuid for c in stored(demo_path, document="p01-amy", coder="ann")}
        assert second.uuid not in left and len(left) == len(mine) - 1


async def test_f_marks_a_favourite_quote_and_undo_unmarks_it(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        [travel] = stored(demo_path, document="p01-amy", coder="ann", code=TRAVEL)
        assert not travel.favourite
        await search(pilot, "proper dinner")
        await pilot.press("escape", "f")
        await pilot.pause()
        [marked] = stored(demo_path, document="p01-amy", coder="ann", code=TRAVEL)
        assert marked.uuid == travel.uuid and marked.favourite
        assert screen_of(app).view.marks.get(travel.uuid).favourite  # type: ignore[union-attr]
        await pilot.press("ctrl+z")
        await pilot.pause()
        [unmarked] = stored(demo_path, document="p01-amy", coder="ann", code=TRAVEL)
        assert not unmarked.favourite
        await pilot.press("f", "f")  # on, then off again
        await pilot.pause()
        assert not stored(demo_path, document="p01-amy", coder="ann", code=TRAVEL)[0].favourite
    with Project.open(demo_path) as project:
        assert [e.payload["favourite"] for e in project.log(action="coding.favourite")][:2] == [
            False,
            True,
        ]
