"""The import dialog, issue 18 item 2 and 3: folders beyond the start folder (parent, typed
path, remembered per project), a speaker table per file, one key per role, roles remembered
for later imports, and a likely alias merged before it is stored."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from qualcode import Project
from qualcode.tui import make_app
from qualcode.tui.screens.file_tree import TranscriptTree
from qualcode.tui.screens.importer import ImportScreen

ONE = "Speaker 1: How did you come?\n\nSpeaker 2: By bus.\n\nSpeaker 1: Thanks.\n"
TWO = "Speaker 1: I ran the group.\n\nSpeaker 2: Tell me more.\n\nSpeaker 1: Every week.\n"
ALIAS = (
    "Bekah Hawrot Weigel: Welcome to the show.\n\nDan: Thanks.\n\n"
    "Bekah: So, tell me.\n\nDan: Well.\n\nBekah: Great.\n\nBekah Hawrot Weigel: Bye.\n"
)


async def until(pilot: Pilot[None], done: Callable[[], bool]) -> None:
    for _ in range(300):
        if done():
            return
        await pilot.pause()
    raise AssertionError("the screen did not settle")


def rows(screen: ImportScreen) -> list[list[str]]:
    table = screen.query_one("#import-speakers", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def tree_names(screen: ImportScreen) -> list[str]:
    return [str(n.label) for n in screen.query_one(TranscriptTree).root.children]


@pytest.fixture
def study(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    start = tmp_path / "start"
    start.mkdir()
    files = tmp_path / "interviews"
    files.mkdir()
    (files / "one.txt").write_text(ONE, encoding="utf-8")
    (files / "two.txt").write_text(TWO, encoding="utf-8")
    (files / "podcast.txt").write_text(ALIAS, encoding="utf-8")
    (files / "three.txt").write_text(ONE.replace("bus", "car"), encoding="utf-8")
    monkeypatch.chdir(start)
    path = tmp_path / "study.qualcode"
    Project.create(path, actor="ann").close()
    return path


async def open_import(pilot: Pilot[None]) -> ImportScreen:
    await pilot.press("i")
    screen = pilot.app.screen
    assert isinstance(screen, ImportScreen)
    return screen


@pytest.mark.slow
async def test_folders_roles_per_file_and_aliases(study: Path, tmp_path: Path) -> None:
    app = make_app(study, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_import(pilot)
        assert screen.folder == tmp_path / "start"
        await pilot.press("u")  # the parent folder: start/, interviews/, study.qualcode hidden
        await until(pilot, lambda: "interviews" in tree_names(screen))
        await pilot.press("g", "end", "ctrl+u", *str(tmp_path / "interviews"), "enter")
        listed = ["one.txt", "podcast.txt", "three.txt", "two.txt"]
        await until(pilot, lambda: tree_names(screen) == listed)
        await pilot.press("down", "space", "down", "down", "down", "space")  # one.txt, two.txt
        await until(pilot, lambda: len(screen.previews) == 2 and len(rows(screen)) == 4)
        assert [[r[4], r[0], r[1]] for r in rows(screen)] == [
            ["one.txt", "Speaker 1", "participant"],
            ["one.txt", "Speaker 2", "participant"],
            ["two.txt", "Speaker 1", "participant"],
            ["two.txt", "Speaker 2", "participant"],
        ]
        # One key per role, on one file's row only: Speaker 1 interviews in one.txt, is staff
        # in two.txt (the cursor moves down after each key).
        await pilot.press("tab", "tab", "i", "p", "s", "i")
        roles = [r[1] for r in rows(screen)]
        assert roles == ["interviewer", "participant", "staff", "interviewer"]
        await pilot.press("ctrl+r")
        await until(pilot, lambda: screen.has_class("-done"))
        await pilot.press("escape")
    with Project.open(study) as project:
        roles = {(s.document, s.label): s.role for s in project.speakers()}
    assert roles == {
        ("one", "Speaker 1"): "interviewer",
        ("one", "Speaker 2"): "participant",
        ("two", "Speaker 1"): "staff",
        ("two", "Speaker 2"): "interviewer",
    }
    # A new session starts in the folder used last for this project; the podcast's likely
    # alias is merged with m; labels seen before keep their role.
    again = make_app(study, coder="ann")
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await open_import(pilot)
        assert screen.folder == tmp_path / "interviews"
        await until(pilot, lambda: "podcast.txt" in tree_names(screen))
        await pilot.press("down", "down", "space", "down", "space")  # podcast.txt, three.txt
        await until(pilot, lambda: len(rows(screen)) == 5)
        assert [(r[0], r[3]) for r in rows(screen)][:3] == [
            ("Bekah Hawrot Weigel", ""),
            ("Dan", ""),
            ("Bekah", "likely Bekah Hawrot Weigel (m)"),
        ]
        # three.txt's labels take the roles they were given in the project (two.txt's).
        assert [r[1] for r in rows(screen)][3:] == ["staff", "interviewer"]
        await pilot.press("tab", "tab", "down", "down", "m")
        assert rows(screen)[2][3] == "merged into Bekah Hawrot Weigel"
        await pilot.press("ctrl+r")
        await until(pilot, lambda: screen.has_class("-done"))
    with Project.open(study) as project:
        speakers = {s.label: s.turns for s in project.speakers("podcast")}
        roles = {s.label: s.role for s in project.speakers("three")}
    assert speakers == {"Bekah Hawrot Weigel": 4, "Dan": 2}
    assert roles == {"Speaker 1": "staff", "Speaker 2": "interviewer"}
