"""An unexpected error in a screen's worker: one line with the crash log's path, the traceback
in the log, nothing stored, and a screen that still closes. The failure is injected where the
screen calls the library (a library function raising, as a bug or a lost disk would)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Label, Static

from qualcode import Project
from qualcode.tui import make_app
from qualcode.tui.screens.file_tree import TranscriptTree
from qualcode.tui.screens.home import HomeScreen
from qualcode.tui.screens.importer import ImportScreen

BUG = "disk on fire"


def boom(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError(BUG)


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The crash log goes to this test's own folder (platformdirs reads XDG_STATE_HOME)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "qualcode" / "log" / "qualcode.log"


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot: Pilot[None], done: Callable[[], bool]) -> None:
    """Let the app run until ``done()`` (the file tree's loader never ends, so no waiting for
    every worker here)."""
    for _ in range(200):
        if done():
            return
        await pilot.pause()
    raise AssertionError("the screen did not settle")


def stored(path: Path) -> tuple[int, int, int]:
    with Project.open(path) as project:
        return len(project.documents()), len(project.codings()), len(project.decisions())


def reported(app: object, log_file: Path) -> str:
    messages = [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]
    found = [m for m in messages if BUG in m]
    assert found, messages
    assert f"details in {log_file}" in found[-1]
    assert "\n" not in found[-1]
    assert f"RuntimeError: {BUG}" in log_file.read_text(encoding="utf-8")
    return found[-1]


def text_of(app: object, selector: str) -> str:
    return str(app.screen.query_one(selector).render())  # type: ignore[attr-defined]


CASES: dict[str, tuple[str, Callable[[pytest.MonkeyPatch], None], list[str], str]] = {
    "agreement": (
        "Computing agreement",
        lambda mp: mp.setattr("qualcode.agreement.report.agreement_report", boom),
        ["a"],
        "#agreement-status",
    ),
    "reports": (
        "Counting",
        lambda mp: mp.setattr("qualcode.reports.frequencies", boom),
        ["t"],
        "#reports-status",
    ),
    "suggestions": (
        "Finding suggestions",
        lambda mp: mp.setattr("qualcode.suggest.suggest", boom),
        ["s"],
        "#suggest-status",
    ),
    "audit": (
        "Reading the audit trail failed: internal error",
        lambda mp: mp.setattr(Project, "log", boom),
        ["l"],
        "",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_a_failing_worker_says_so_and_the_screen_closes(
    case: str, demo_path: Path, log_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doing, inject, keys, status = CASES[case]
    before = stored(demo_path)
    # Suggestions need a coder with codings of their own (one without is told so, not asked
    # to wait for a worker).
    app = make_app(demo_path, coder="ann" if case == "suggestions" else "sue")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        inject(monkeypatch)
        await pilot.press(*keys)
        await settle(pilot)
        message = reported(app, log_file)
        assert message.startswith(f"{doing}")
        if status:
            assert BUG in text_of(app, status)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert stored(demo_path) == before


async def test_a_failing_reconcile_queue_says_so_and_closes(
    demo_path: Path, log_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = stored(demo_path)
    app = make_app(demo_path, coder="sue")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        monkeypatch.setattr("qualcode.agreement.reconcile.reconcile_queue", boom)
        await pilot.press("enter")
        await settle(pilot)
        assert reported(app, log_file).startswith("Loading the disagreements failed")
        assert BUG in str(app.screen.query_one("#reconcile-context", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert stored(demo_path) == before


async def test_a_failing_import_says_so_and_the_screen_closes(
    tmp_path: Path, log_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "one.txt").write_text("Interviewer: Hi.\n\nP01: Hello there.\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    path = tmp_path / "study.qualcode"
    Project.create(path, actor="ann").close()
    app = make_app(path, coder="ann")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        tree = screen.query_one(TranscriptTree)
        await until(pilot, lambda: len(tree.root.children) > 0)
        await pilot.press("down", "space")
        await until(pilot, lambda: len(screen.previews) == 1)
        monkeypatch.setattr(Project, "import_files", boom)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: screen.has_class("-done"))
        assert reported(app, log_file).startswith("The import failed")
        assert not screen.importing
        assert "Escape returns home" in str(
            screen.query_one("#import-results-title", Label).render()
        )
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
    assert stored(path) == (0, 0, 0)
