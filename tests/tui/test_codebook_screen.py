"""The codebook editor, driven by keys; every check is on the project's stored codebook."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from qualcode import Project
from qualcode.demo import build_demo
from qualcode.project import CodeInfo
from qualcode.tui import make_app
from qualcode.tui.colors import PALETTE
from qualcode.tui.screens.choose import ChooseDialog
from qualcode.tui.screens.codebook import CodebookScreen
from qualcode.tui.screens.prompts import AskText, Confirm

THEME = "Engagement barriers"
WORK = f"{THEME}/Work–score–use cycle"  # second line of the tree
TRAVEL = f"{THEME}/Travel and distance"  # third line
SUPPORT = "Practical support that enabled attendance"


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = build_demo(tmp_path_factory.mktemp("demo"), echo=lambda s: None)
    return path


@pytest.fixture
def demo(demo_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the demo project (codebook, documents, codings) for each test."""
    monkeypatch.setenv("QUALCODE_CONFIG_DIR", str(tmp_path / "config"))
    path = tmp_path / "demo.qualcode"
    shutil.copy(demo_source, path)
    return path


async def open_editor(pilot: Pilot) -> CodebookScreen:
    await pilot.press("e")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CodebookScreen)
    return screen


def stored(path: Path, ref: str) -> CodeInfo:
    with Project.open(path) as project:
        return project.code(ref)


@pytest.mark.slow
async def test_add_rename_and_define_a_code(demo: Path) -> None:
    app = make_app(demo, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_editor(pilot)
        assert screen.current is not None and screen.current.path == THEME
        await pilot.press("a")
        assert isinstance(app.screen, AskText)
        await pilot.press(*"Bus fares", "enter")
        await pilot.pause()
        assert screen.current is not None and screen.current.path == f"{THEME}/Bus fares"
        # Tab from the tree to the name, then to the definition.
        await pilot.press("tab", "end", *" and tickets", "tab", *"Money for the journey.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.current.path == f"{THEME}/Bus fares and tickets"
        assert not screen.form.is_changed()
        log = [entry.action for entry in app.project.log(action="code.")]
    code = stored(demo, f"{THEME}/Bus fares and tickets")
    assert code.definition == "Money for the journey."
    assert log[:2] == ["code.update", "code.create"]


@pytest.mark.slow
async def test_add_top_level_code_and_name_clash_is_a_notification(demo: Path) -> None:
    app = make_app(demo, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_editor(pilot)
        await pilot.press("A", *"Housing", "enter")
        await pilot.pause()
        assert screen.current is not None and screen.current.path == "Housing"
        # A second top-level code with a taken name is refused with a message, not a crash.
        await pilot.press("A", *THEME, "enter")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
        assert screen.current.path == "Housing"
        assert [n.message for n in app._notifications][-1].startswith("a code named")
        names = [c.path for c in app.project.codes()]
    assert names.count(THEME) == 1 and "Housing" in names


async def test_recolour_with_the_palette_key(demo: Path) -> None:
    app = make_app(demo, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_editor(pilot)
        await pilot.press("down")
        assert screen.current is not None and screen.current.path == WORK
        assert screen.current.color is None  # drawn in its theme's colour, #E69F00
        await pilot.press("k", "ctrl+s")
        await pilot.pause()
    assert stored(demo, WORK).color == PALETTE[1]


@pytest.mark.slow
async def test_bad_colour_is_refused(demo: Path) -> None:
    app = make_app(demo, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_editor(pilot)
        # tree -> name -> 4 long fields -> keywords -> colour
        await pilot.press(*["tab"] * 7)
        assert isinstance(app.focused, Input) and app.focused.id == "code-color"
        await pilot.press(*"#12", "ctrl+s")
        await pilot.pause()
        assert "is not #RRGGBB" in [n.message for n in app._notifications][-1]
        assert isinstance(app.screen, CodebookScreen) and screen.current is not None
    assert stored(demo, THEME).color == "#E69F00"


@pytest.mark.slow
async def test_move_under_another_theme_and_back_to_top(demo: Path) -> None:
    codings = stored(demo, WORK).codings
    app = make_app(demo, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_editor(pilot)
        await pilot.press("down", "m")
        dialog = app.screen
        assert isinstance(dialog, ChooseDialog)
        # Neither the code itself nor anything under it is offered as a parent.
        assert WORK not in [c.label for c in dialog.choices]
        await pilot.press(*"practical support", "enter")
        await pilot.pause()
        moved = f"{SUPPORT}/Work–score–use cycle"
        assert screen.current is not None and screen.current.path == moved
        await pilot.press("m", *"top level", "enter")
        await pilot.pause()
        assert screen.current.path == "Work–score–use cycle"
        moves = app.project.log(action="code.move")
    assert stored(demo, "Work–score–use cycle").codings == codings > 0
    assert [m.payload["new"] for m in moves] == ["Work–score–use cycle", moved]


@pytest.mark.slow
async def test_merge_moves_codings_and_archives_the_source(demo: Path) -> None:
    target = f"{SUPPORT}/Travel support"
    with Project.open(demo) as project:
        before = len(project.codings(code=TRAVEL)) + len(project.codings(code=target))
        moving = len(project.codings(code=TRAVEL))
    app = make_app(demo, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_editor(pilot)
        await pilot.press("down", "down", "g", *"travel support", "enter")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, Confirm)
        assert f"{moving} codings will move to 'Travel support'" in confirm.question
        await pilot.press("y")
        await pilot.pause()
        assert screen.current is not None and screen.current.path == target
        merges = app.project.log(action="code.merge")
    with Project.open(demo) as project:
        assert len(project.codings(code=target)) == before
        assert project.codings(code=TRAVEL) == []
        assert project.code(TRAVEL).archived
    assert merges[0].payload["codings_moved"] == moving


@pytest.mark.slow
async def test_archive_toggle_asks_first(demo: Path) -> None:
    app = make_app(demo, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_editor(pilot)
        await pilot.press("down", "d", "n")  # declined: nothing happens
        await pilot.pause()
        assert not stored(demo, WORK).archived
        await pilot.press("d", "y")
        await pilot.pause()
        assert stored(demo, WORK).archived
        assert screen.current is not None and screen.current.archived
        label = str(screen.query_one("#codebook-tree").cursor_node.label)
        assert label.startswith("■ (archived) ")  # whole, however long the name
        await pilot.press("d", "y")
        await pilot.pause()
        actions = [e.action for e in app.project.log(action="code.")]
    assert not stored(demo, WORK).archived
    assert actions[:2] == ["code.unarchive", "code.archive"]


async def test_escape_warns_about_unsaved_changes_then_leaves(demo: Path) -> None:
    app = make_app(demo, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_editor(pilot)
        await pilot.press("tab", *" (renamed)", "escape")
        assert isinstance(app.screen, CodebookScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, CodebookScreen)
    assert stored(demo, THEME).name == THEME
