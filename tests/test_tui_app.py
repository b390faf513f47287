"""The app shell: home screen contents, the coder prompt (remembered), help and the palette."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Tree

from qualcode import settings
from qualcode.demo import build_demo
from qualcode.tui import make_app


@pytest.fixture
def demo_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUALCODE_CONFIG_DIR", str(tmp_path / "config"))
    path, _report = build_demo(tmp_path / "demo", echo=lambda _line: None)
    return path


async def test_home_lists_documents_progress_and_codebook(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#documents", DataTable)
        assert table.row_count == 9
        names = [str(key.value) for key in table.rows]
        assert "fg01-group" in names and "s02-psychologist" in names
        progress = app.project.progress("ann")
        row = table.get_row("p01-amy")
        assert row[4] == "P01" and row[3] == "participant"
        assert row[1].plain.strip() == f"{progress['p01-amy']:.0%}"
        tree = app.screen.query_one("#codebook", Tree)
        themes = list(tree.root.children)
        assert len(themes) == 8
        assert sum(1 + len(t.children) for t in themes) == 39
        assert "coder: ann" in app.sub_title and "demo.qualcode" in app.sub_title


async def test_coder_is_asked_once_and_remembered(demo_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#coder-name", Input).value == ""
        # Blind coding: behind the prompt, home shows nobody's counts (the demo has ann's, ben's).
        tree = app.screen_stack[-2].query_one("#codebook", Tree)
        labels = [str(n.label) for t in tree.root.children for n in (t, *t.children)]
        assert labels and not any(label.rstrip()[-1].isdigit() for label in labels)
        await pilot.press(*"Sam", "enter")
        await pilot.pause()
        assert app.coder == "Sam" and "coder: Sam" in app.sub_title
    assert settings.remembered_coder() == "Sam"
    # Asked once: the next `qualcode open` codes as Sam without asking (issue 18).
    again = make_app(demo_path)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not again.screen.query("#coder-name")
        assert again.coder == "Sam" and "coder: Sam" in again.sub_title
        assert any("Coding as Sam" in str(n.message) for n in again._notifications)
        await pilot.press("i")  # home's keys work at once: nothing is in front of it
        await pilot.pause()
        assert type(again.screen).__name__ == "ImportScreen"


async def test_help_lists_keys_and_palette_lists_actions(demo_path: Path) -> None:
    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Open", "Import", "Codebook", "Keys"} <= titles
        await pilot.press("question_mark")
        await pilot.pause()
        keys = app.screen.query_one("#help-keys", DataTable)
        described = {str(keys.get_row_at(i)[2]) for i in range(keys.row_count)}
        assert {"Open", "Import", "Codebook", "Quit"} <= described
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#documents", DataTable)


async def test_a_document_given_without_a_coder_opens_after_the_prompt(demo_path: Path) -> None:
    from qualcode.tui.screens.coding import CodingScreen

    app = make_app(demo_path, document="p02-becca")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, CodingScreen)
        await pilot.press(*"Kim", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen) and app.coder == "Kim"


async def test_pinned_codes_are_remembered_per_project(demo_path: Path) -> None:
    from qualcode.tui.screens.picker import toggle_pin

    app = make_app(demo_path, coder="ann")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        toggle_pin(app, "Trauma and PTSD/PTSD screening")
    again = make_app(demo_path, coder="ann")
    assert again.pinned_codes == ["Trauma and PTSD/PTSD screening"]
    again.project.close()


async def test_pins_follow_a_copied_project(demo_path: Path, tmp_path: Path) -> None:
    """Pins are keyed by the project's identity (its stored uuid), not its path: a copy or a
    moved file keeps them; pressed by key in the coding screen (p pins the last code)."""
    import shutil

    from qualcode import Project

    app = make_app(demo_path, coder="ann", document="p01-amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.press("]", "]", "s", "c", *"peer sup", "enter", "p")
        await pilot.pause()
        pinned = list(app.pinned_codes)
    assert pinned == ["Safety of a women-only space/Peer support"]
    moved = tmp_path / "elsewhere" / "copy.qualcode"
    moved.parent.mkdir()
    shutil.copy(demo_path, moved)
    with Project.open(moved) as project:
        uuid = project.setting("project_uuid")
    assert uuid and f"project:{uuid}" in settings.load()["pins"]
    again = make_app(moved, coder="ann")
    assert again.pinned_codes == pinned
    again.project.close()
