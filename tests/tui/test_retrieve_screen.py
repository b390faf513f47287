"""The retrieval view, the memo browser, the coding screen's list of codings and moves, and
home's document filter and sort: driven by keys, checked against the project as stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Label, OptionList

from qualcode.project import CodingInfo, Project, Query
from qualcode.tui import make_app
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.choose import ChooseDialog
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.codings_list import CodingsList
from qualcode.tui.screens.home import HomeScreen
from qualcode.tui.screens.memos_browser import MemoBrowser
from qualcode.tui.screens.retrieve import RetrieveScreen

THEME = "Engagement barriers"
TRAVEL = "Engagement barriers/Travel and distance"
STAFF = "Safety of a women-only space/Non-judgemental staff"
LUNCH = "Practical support that enabled attendance/Lunch and food at the group"


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def stored(path: Path, **filters: object) -> list[CodingInfo]:
    with Project.open(path) as project:
        return project.codings(**filters)  # type: ignore[arg-type]


def retrieved(path: Path, query: Query) -> list[str]:
    with Project.open(path) as project:
        return [s.uuid for s in project.retrieve(query)]


def retrieve_screen(app: QualcodeApp) -> RetrieveScreen:
    assert isinstance(app.screen, RetrieveScreen), app.screen
    return app.screen


def messages(app: QualcodeApp) -> list[str]:
    return [n.message for n in app._notifications]


async def open_theme(pilot: Pilot[None]) -> RetrieveScreen:
    """Home → the codebook panel → Enter on its first code (the theme Engagement barriers)."""
    await settle(pilot)
    await pilot.press("tab")
    assert pilot.app.focused is not None and pilot.app.focused.id == "codebook"
    await pilot.press("enter")
    await settle(pilot)
    return retrieve_screen(pilot.app)  # type: ignore[arg-type]


@pytest.mark.slow
async def test_enter_on_a_theme_lists_every_segment_of_it_and_its_sub_codes(
    demo_path: Path,
) -> None:
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_theme(pilot)
        theme = retrieved(demo_path, Query(THEME))
        assert [s.uuid for s in screen.segments] == theme and len(theme) > 20
        assert {s.code for s in screen.segments} > {TRAVEL}
        assert len({s.document for s in screen.segments}) > 3
        title = str(screen.query_one("#retrieve-title", Label).render())
        assert f"{len(theme)} segments" in title
        await pilot.press("s")  # sub-codes off: the theme's own codings (none in the demo)
        await settle(pilot)
        assert screen.segments == [] and retrieved(demo_path, Query(THEME, subcodes=False)) == []
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        # Enter on the documents table still opens a document.
        await pilot.press("shift+tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen) and app.screen.document == "fg01-group"


@pytest.mark.slow
async def test_filters_by_coder_attribute_text_and_a_second_code(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_theme(pilot)
        await pilot.press("k", *"ben", "enter")
        await settle(pilot)
        assert {s.coder for s in screen.segments} == {"ben"}
        await pilot.press("g", *"group=staff", "enter")
        await settle(pilot)
        query = Query.build(THEME, coders=["ben"], where={"group": "staff"})
        assert [s.uuid for s in screen.segments] == retrieved(demo_path, query)
        assert screen.segments and {s.case for s in screen.segments} <= {"S01", "S02", "S03"}
        await pilot.press("ctrl+l")  # clear the filters
        await settle(pilot)
        assert [s.uuid for s in screen.segments] == retrieved(demo_path, Query(THEME))
        await pilot.press("slash", *"bus", "enter")
        await settle(pilot)
        assert screen.segments and all("bus" in s.text.lower() for s in screen.segments)
        await pilot.press("ctrl+l", "b", *"non-judgemental", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChooseDialog)
        await pilot.press(*"in a turn", "enter")
        await settle(pilot)
        query = Query(THEME, other=STAFF, within="turn")
        assert [s.uuid for s in screen.segments] == retrieved(demo_path, query)
        assert 0 < len(screen.segments) < len(retrieved(demo_path, Query(THEME)))
        # Nothing overlaps: the same turn is what finds them.
        assert retrieved(demo_path, Query(THEME, other=STAFF)) == []
        assert "and Safety of" in str(screen.query_one("#retrieve-filters").render())


@pytest.mark.slow
async def test_recode_remove_favourite_and_memo_from_the_list(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_theme(pilot)
        await pilot.press("k", *"ann", "enter")
        await settle(pilot)
        first = screen.segments[0]
        await pilot.press("f")
        await settle(pilot)
        assert [c.favourite for c in stored(demo_path) if c.uuid == first.uuid] == [True]
        assert screen.segments[0].favourite
        await pilot.press("m", *"read again", "ctrl+s")
        await settle(pilot)
        with Project.open(demo_path) as project:
            memos = project.memos(target_type="coding", target=first.uuid)
        assert [m.text for m in memos] == ["read again"]
        assert screen.segments, (screen.query_, screen._keep)
        assert screen.segments[0].memos == ("ann: read again",)
        await pilot.press("r", *"Lunch and food at the group", "enter")
        await settle(pilot)
        now = {c.uuid: c for c in stored(demo_path)}
        assert first.uuid not in now
        moved = [
            c
            for c in now.values()
            if (c.document, c.start, c.end) == (first.document, first.start, first.end)
            and c.code == LUNCH
        ]
        assert len(moved) == 1 and moved[0].favourite is False or len(moved) == 1
        # Recoded out of the theme: it leaves the list, as stored.
        assert moved[0].uuid not in [s.uuid for s in screen.segments]
        second = screen.segments[0]
        await pilot.press("x")
        await settle(pilot)
        assert second.uuid not in {c.uuid for c in stored(demo_path)}
        assert second.uuid not in [s.uuid for s in screen.segments]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert second.uuid in {c.uuid for c in stored(demo_path)}
        assert second.uuid in [s.uuid for s in screen.segments]
        assert "Undone: remove" in messages(app)[-1]


@pytest.mark.slow
async def test_another_coders_segment_cannot_be_changed_from_the_list(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_theme(pilot)
        await pilot.press("k", *"ben", "enter")
        await settle(pilot)
        before = stored(demo_path)
        await pilot.press("x")
        await settle(pilot)
        # A plain (not team) project lets anyone change anything: the removal is stored.
        # What matters here is that the screen shows exactly what was stored.
        after = {c.uuid for c in stored(demo_path)}
        assert [s.uuid for s in screen.segments] == retrieved(
            demo_path, Query.build(THEME, coders=["ben"])
        )
        assert len(after) in (len(before), len(before) - 1)


@pytest.mark.slow
async def test_enter_opens_the_transcript_with_the_segment_selected(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_theme(pilot)
        await pilot.press("down", "down")
        await pilot.pause()
        target = screen.segments[2]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.document == target.document
        assert app.screen.view.selection == (target.start, target.end)
        await pilot.press("escape", "escape")  # clear the selection, then back to the list
        await settle(pilot)
        assert retrieve_screen(app).segments[2].uuid == target.uuid
        await pilot.press("enter")
        await settle(pilot)
        with Project.open(demo_path) as project:  # changed while the transcript was open
            project.remove_coding(target.uuid)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert target.uuid not in [s.uuid for s in retrieve_screen(app).segments]


@pytest.mark.slow
async def test_the_list_exports_plain_and_pseudonymised(demo_path: Path, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("name,kind,replacement,aliases\nAmy,person,,\n", encoding="utf-8")
    plain, shared = tmp_path / "plain.csv", tmp_path / "shared.md"
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_theme(pilot)
        await pilot.press("d", *"p01-amy", "enter")
        await settle(pilot)
        assert {s.document for s in screen.segments} == {"p01-amy"}
        await pilot.press("e", "ctrl+u", *str(plain), "enter")
        await settle(pilot)
        assert isinstance(app.screen, RetrieveScreen)
        text = plain.read_text(encoding="utf-8")
        assert text.startswith("document,turn,speaker,case")
        assert len(text.strip().splitlines()) == len(screen.segments) + 1 and "Amy" in text
        await pilot.press("e", "ctrl+u", *str(shared), "tab", *str(names), "enter")
        await settle(pilot)
        assert shared.exists(), messages(app)
        text = shared.read_text(encoding="utf-8")
        assert "Amy" not in text and "p01-amy" not in text
        assert str(shared) in messages(app)[-1]
        await pilot.press("e", "ctrl+u", *str(tmp_path / "x.png"), "enter")
        await settle(pilot)
        assert "segments are written as" in messages(app)[-1]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RetrieveScreen)


@pytest.mark.slow
async def test_from_the_coding_screen_and_the_palette(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        first = min(coding.view.marks, key=lambda c: c.start)
        coding.view.move_to(first.start)
        await pilot.press("R")
        await settle(pilot)
        screen = retrieve_screen(app)
        assert screen.query_.code == coding.view.codings_at_cursor()[0].code
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Retrieve", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ChooseDialog)
        await pilot.press(*"travel and distance", "enter")
        await settle(pilot)
        assert [s.uuid for s in retrieve_screen(app).segments] == retrieved(
            demo_path, Query(TRAVEL)
        )


# -- the memo browser ------------------------------------------------------------------------


def add_memos(path: Path) -> dict[str, str]:
    with Project.open(path) as project:
        coding = project.codings(document="p02-becca", coder="ann")[2]
        made = {
            "project": project.add_memo("Overall: travel dominates", coder="ann").uuid,
            "document": project.add_memo(
                "Becca was tired", coder="ben", target_type="document", target="p02-becca"
            ).uuid,
            "code": project.add_memo(
                "Split this code?", coder="ann", target_type="code", target=TRAVEL
            ).uuid,
            "coding": project.add_memo(
                "A strong quote", coder="ann", target_type="coding", target=coding.uuid
            ).uuid,
        }
        made["case"] = project.add_memo(
            "P05 moved away in May", coder="ann", target_type="case", target="P05"
        ).uuid
        made["coding span"] = f"{coding.start}:{coding.end}"
        return made


@pytest.mark.slow
async def test_memo_browser_filters_opens_edits_and_exports(
    demo_path: Path, tmp_path: Path
) -> None:
    made = add_memos(demo_path)
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, MemoBrowser)
        assert [e.memo.target_type for e in browser.entries] == [
            "project",
            "document",
            "code",
            "coding",
            "case",
        ]
        await pilot.press("a", *"ben", "enter")
        await settle(pilot)
        assert [e.memo.text for e in browser.entries] == ["Becca was tired"]
        await pilot.press("a", *"every", "enter", "slash", *"QUOTE", "enter")
        await settle(pilot)
        assert [e.memo.uuid for e in browser.entries] == [made["coding"]]
        await pilot.press("enter")  # opens the transcript at the coding
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen) and app.screen.document == "p02-becca"
        start, end = map(int, made["coding span"].split(":"))
        assert app.screen.view.selection == (start, end)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert app.screen is browser
        await pilot.press("slash", "ctrl+u", "enter", "k", "k", "k")  # kind: code
        await settle(pilot)
        assert [e.memo.uuid for e in browser.entries] == [made["code"]]
        await pilot.press("enter")  # a code memo opens the code's segments
        await settle(pilot)
        assert retrieve_screen(app).query_.code == TRAVEL
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("m", "end", *" Or not.", "ctrl+s")
        await settle(pilot)
        with Project.open(demo_path) as project:
            assert project.memo(made["code"]).text == "Split this code? Or not."
        assert browser.entries[0].memo.text == "Split this code? Or not."
        out = tmp_path / "memos.xlsx"
        await pilot.press("k", "k")  # coding, case
        await settle(pilot)
        assert [e.memo.uuid for e in browser.entries] == [made["case"]]
        await pilot.press("enter")  # a case memo opens the case's document
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen) and app.screen.document == "p05-kirsty"
        await pilot.press("escape", "k")  # every kind again
        await settle(pilot)
        assert len(browser.entries) == 5
        await pilot.press("e", "ctrl+u", *str(out), "enter")
        await settle(pilot)
        from openpyxl import load_workbook

        sheet = load_workbook(out)["memos"]
        texts = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert "Split this code? Or not." in texts and len(texts) == 5


# -- the coding screen -------------------------------------------------------------------------


@pytest.mark.slow
async def test_codings_list_and_moves_through_a_long_document(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        view = screen.view
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert view.cursor >= len(view.text.rstrip()) and view.where().startswith("turn 60/60")
        assert view.scroll_y == view.max_scroll_y > 0
        await pilot.press("ctrl+home")
        await pilot.pause()
        assert view.where().startswith("turn 1/60") and view.scroll_y == 0
        await pilot.press("g", *"30", "enter")
        await pilot.pause()
        assert view.where().startswith("turn 30/60")
        await pilot.press("g", *"999", "enter")
        await pilot.pause()
        assert "not a turn number from 1 to 60" in messages(app)[-1]
        assert view.where().startswith("turn 30/60")
        mine = stored(demo_path, document="p01-amy", coder="ann")
        await pilot.press("l")
        await pilot.pause()
        listing = app.screen
        assert isinstance(listing, CodingsList)
        assert [c.uuid for c in listing.shown] == [
            c.uuid for c in sorted(mine, key=lambda c: (c.start, c.end, c.code, c.coder))
        ]
        await pilot.press("o")  # by code
        await pilot.pause()
        assert [c.code for c in listing.shown] == sorted(c.code for c in mine)
        options = listing.query_one(OptionList)
        # The coding highlighted stays highlighted when the order changes.
        index = options.highlighted
        assert index is not None and len(listing.shown) > 1
        step = "up" if index else "down"
        chosen = listing.shown[index - 1 if index else 1]
        await pilot.press(step, "enter")
        await pilot.pause()
        assert app.screen is screen and view.selection == (chosen.start, chosen.end)


# -- home ------------------------------------------------------------------------------------


@pytest.mark.slow
async def test_home_filters_and_sorts_documents(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#documents", DataTable)

        def rows() -> list[str]:
            return [str(key.value) for key in table.rows]

        await pilot.press("slash", *"group=staff", "enter")
        await pilot.pause()
        assert rows() == ["s01-outreach-worker", "s02-psychologist", "s03-manager"]
        await pilot.press("slash", "ctrl+u", *"kind=focus-group", "enter")
        await pilot.pause()
        assert rows() == ["fg01-group"]
        await pilot.press("slash", "ctrl+u", *"site=clinic", "enter")
        await pilot.pause()
        # p02 and p05 by their cases, the focus group by a speaker's case, s02 too.
        assert rows() == ["fg01-group", "p02-becca", "p05-kirsty", "s02-psychologist"]
        with Project.open(demo_path) as project:
            progress = project.progress("ann")
        await pilot.press("slash", "ctrl+u", *"coded>0", "enter")
        await pilot.pause()
        assert rows() == sorted(d for d, share in progress.items() if share > 0)
        await pilot.press("slash", "ctrl+u", "enter", "o")  # no filter; least progress first
        await pilot.pause()
        assert rows() == sorted(progress, key=lambda d: (progress[d], d))
        assert "by progress (least first)" in str(app.screen.query_one("#documents-title").render())
        await pilot.press("o")
        await pilot.pause()
        assert rows() == sorted(progress, key=lambda d: (-progress[d], d))


async def test_a_long_document_name_leaves_the_other_columns_on_screen(
    demo_path: Path, tmp_path: Path
) -> None:
    long = "interview-with-a-participant-whose-file-name-goes-on-and-on-" * 2 + "end"
    source = tmp_path / f"{long}.txt"
    source.write_text("Interviewer: Hi.\n\nP01: Hello there.\n", encoding="utf-8")
    with Project.open(demo_path) as project:
        assert project.import_files([source])[0].error is None
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#documents", DataTable)
        widths = [c.get_render_width(table) for c in table.columns.values()]
        assert sum(widths[:3]) <= table.scrollable_content_region.width
        assert long in [str(k.value) for k in table.rows]  # the key keeps the whole name
        await pilot.press("slash", *"end", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen) and app.screen.document == long


async def test_an_unexpected_export_failure_is_said_and_the_dialog_closes(
    demo_path: Path, tmp_path: Path
) -> None:
    from qualcode.tui.screens.export_list import ExportList

    def broken(_source: object, _path: str) -> Path:
        raise RuntimeError("disk on fire")

    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ExportList("Export", str(tmp_path / "x.md"), broken))
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert messages(app)[-1].startswith(
            "Export failed: internal error RuntimeError: disk on fire (details in "
        )
        assert isinstance(app.screen, ExportList) and not app.screen.running
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert not (tmp_path / "x.md").exists()
