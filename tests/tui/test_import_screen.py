"""The import screen, driven by keys: pick files in the tree, check the preview, set a role and a
case, import, and check what the project stored."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from qualcode import Project
from qualcode.tui import make_app
from qualcode.tui.screens.file_tree import TranscriptTree
from qualcode.tui.screens.home import HomeScreen
from qualcode.tui.screens.importer import ImportScreen

GOOD = (
    "Interviewer: How did you get to the group each week?\n\n"
    "P01: Mostly the bus, when I had the fare.\n\n"
    "Interviewer: And when you didn't?\n\n"
    "P01: I walked, or I didn't come.\n"
)


@pytest.fixture
def project_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUALCODE_CONFIG_DIR", str(tmp_path / "config"))
    path = tmp_path / "study.qualcode"
    Project.create(path, actor="tester").close()
    return path


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where qualcode is started: a good transcript, a fake .docx, a .doc and things to hide."""
    files = tmp_path / "transcripts"
    files.mkdir()
    (files / "bad.docx").write_text("Interviewer: not really a Word file\n", encoding="utf-8")
    (files / "good.txt").write_text(GOOD, encoding="utf-8")
    (files / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    (files / ".hidden.txt").write_text(GOOD, encoding="utf-8")
    (files / "analysis.py").write_text("print('not a transcript')\n", encoding="utf-8")
    monkeypatch.chdir(files)
    return files


async def settle(pilot: Pilot, done: object) -> None:
    """Let the app run until ``done()`` is true (workers report through the event loop)."""
    for _ in range(200):
        if done():  # type: ignore[operator]
            return
        await pilot.pause()
    raise AssertionError("the screen did not settle")


async def open_import(pilot: Pilot) -> ImportScreen:
    await pilot.press("i")
    screen = pilot.app.screen
    assert isinstance(screen, ImportScreen)
    tree = screen.query_one(TranscriptTree)
    await settle(pilot, lambda: len(tree.root.children) > 0)
    return screen


def cells(screen: ImportScreen, table_id: str) -> list[list[str]]:
    table = screen.query_one(table_id, DataTable)
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


async def pick_all(pilot: Pilot, screen: ImportScreen) -> None:
    """The tree lists bad.docx, good.txt, old.doc under the root line: pick each one."""
    await pilot.press("down", "space", "down", "enter", "down", "space")
    await settle(pilot, lambda: len(screen.previews) == 3)


async def test_tree_lists_only_transcripts(project_path: Path, folder: Path) -> None:
    app = make_app(project_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_import(pilot)
        tree = screen.query_one(TranscriptTree)
        assert [str(node.label) for node in tree.root.children] == [
            "bad.docx",
            "good.txt",
            "old.doc",
        ]


async def test_preview_role_import_and_results(project_path: Path, folder: Path) -> None:
    app = make_app(project_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_import(pilot)
        await pick_all(pilot, screen)
        preview = {row[0]: row for row in cells(screen, "#import-preview")}
        assert preview["good.txt"][1] == "ok"
        assert preview["good.txt"][3] == "Interviewer (2), P01 (2)"
        assert "not a valid .docx" in preview["bad.docx"][1]
        assert "legacy Word .doc" in preview["old.doc"][1]
        speakers = cells(screen, "#import-speakers")
        assert [row[:2] + row[4:] for row in speakers] == [
            ["Interviewer", "interviewer", "good.txt"],
            ["P01", "participant", "good.txt"],
        ]
        # Tab to the speakers table (tree -> preview -> speakers), P01's row, cycle its role.
        await pilot.press("tab", "tab", "down", "r")
        assert cells(screen, "#import-speakers")[1][1] == "staff"
        await pilot.press("ctrl+r")
        await settle(pilot, lambda: screen.has_class("-done"))
        results = {row[0]: row[1] for row in cells(screen, "#import-results")}
        assert results["good.txt"] == "imported"
        assert "not a valid .docx" in results["bad.docx"]
        assert "legacy Word .doc" in results["old.doc"]
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        home_rows = app.screen.query_one("#documents", DataTable).row_count
    assert home_rows == 1
    with Project.open(project_path) as project:
        assert [d.name for d in project.documents()] == ["good"]
        roles = {s.label: s.role for s in project.speakers("good")}
        assert roles == {"Interviewer": "interviewer", "P01": "staff"}
        assert project.log(action="document.import")[0].payload["source"].endswith("good.txt")


@pytest.mark.slow
async def test_case_per_file_kind_and_unpicking(project_path: Path, folder: Path) -> None:
    app = make_app(project_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_import(pilot)
        await pick_all(pilot, screen)
        await pilot.press("up", "up", "space")  # bad.docx again: unpicked
        assert [row[0] for row in cells(screen, "#import-preview")] == ["good.txt", "old.doc"]
        await pilot.press("tab", "c", *"P01", "enter")  # the preview's first row: good.txt
        assert cells(screen, "#import-preview")[0][4] == "P01"
        # Kind: tab past the speakers table to the selector; auto -> interview -> focus-group
        # -> notes.
        await pilot.press("tab", "tab", "enter", "down", "down", "down", "enter")
        assert screen.kind == "notes"
        await pilot.press("ctrl+r")
        await settle(pilot, lambda: screen.has_class("-done"))
        assert [row[0] for row in cells(screen, "#import-results")] == ["good.txt", "old.doc"]
    with Project.open(project_path) as project:
        assert project.document("good").case == "P01"
        assert project.document("good").kind == "notes"


async def test_a_name_already_in_the_project_shows_in_the_preview(
    project_path: Path, folder: Path
) -> None:
    with Project.open(project_path) as project:
        project.import_files([folder / "good.txt"])
    (folder / "good.txt").write_text(GOOD + "\nP01: One more thing.\n", encoding="utf-8")
    app = make_app(project_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_import(pilot)
        await pilot.press("down", "down", "space")
        await settle(pilot, lambda: len(screen.previews) == 1)
        status = cells(screen, "#import-preview")[0][1]
    assert status == "a document named 'good' is already in the project"


async def test_escape_stops_between_files(
    project_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "second.txt").write_text(GOOD.replace("P01", "P02"), encoding="utf-8")
    release = threading.Event()
    real = Project.import_files

    def slow_import(self: Project, paths: list[Path], **kwargs: object) -> object:
        release.wait(timeout=10)  # the first file waits until Escape has been pressed
        return real(self, paths, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Project, "import_files", slow_import)
    app = make_app(project_path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_import(pilot)
        # bad.docx, good.txt, old.doc, second.txt: pick good.txt and second.txt.
        await pilot.press("down", "down", "space", "down", "down", "space")
        await settle(pilot, lambda: len(screen.previews) == 2)
        await pilot.press("ctrl+r")
        assert screen.has_class("-running")
        await pilot.press("escape")
        assert isinstance(app.screen, ImportScreen)  # the first Escape stops, not leaves
        release.set()
        await settle(pilot, lambda: screen.has_class("-done"))
        results = cells(screen, "#import-results")
    assert [row[:2] for row in results] == [
        ["good.txt", "imported"],
        ["second.txt", "not imported: stopped before it"],
    ]
    with Project.open(project_path) as project:
        assert [d.name for d in project.documents()] == ["good"]
