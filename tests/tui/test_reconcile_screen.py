"""The agreement table and the reconcile queue, driven by keys as a supervisor works, checked
against the project as stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label

from qualcode import Project
from qualcode.agreement.reconcile import reconcile_queue
from qualcode.agreement.report import agreement_report
from qualcode.tui import make_app
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.agreement import AgreementScreen, worst_first
from qualcode.tui.screens.reconcile import ReconcileScreen

CODERS = ["ann", "ben", "cat"]


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def label(app: QualcodeApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Label).render())


def decisions(path: Path, code: str) -> list[tuple[str, str | None]]:
    with Project.open(path) as project:
        return [(d.choice, d.chosen_coder) for d in project.decisions(code=code)]


def consensus(path: Path, code: str) -> list[tuple[int, int]]:
    with Project.open(path) as project:
        return sorted((c.start, c.end) for c in project.codings(coder="consensus", code=code))


async def open_worst(pilot: Pilot[None]) -> tuple[str, ReconcileScreen]:
    app = pilot.app
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(app.screen, AgreementScreen)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, ReconcileScreen)
    return app.screen.code, app.screen


@pytest.mark.slow
async def test_table_is_worst_first_and_the_unit_can_change(demo_path: Path) -> None:
    with Project.open(demo_path) as project:
        report = agreement_report(project, coders=CODERS, unit="sentence")
    expected = [e["code"] for e in sorted(report["codes"], key=worst_first)]
    app = make_app(demo_path, coder="sue")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#agreement-table", DataTable)
        shown = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert shown == expected
        assert "Comparing ann, ben, cat (everyone who has coded; c chooses) · unit: sentence" in (
            label(app, "#agreement-params")
        )
        assert "Overall: α" in label(app, "#agreement-status")
        await pilot.press("u")
        await settle(pilot)
        assert "unit: turn" in label(app, "#agreement-params")
        await pilot.press("c")
        await pilot.pause()
        app.screen.query_one(Input).value = "ann,zed"
        await pilot.press("enter")
        await settle(pilot)
        assert any("no coder named zed" in n.message for n in app._notifications)
        await pilot.press("c")
        await pilot.pause()
        app.screen.query_one(Input).value = "ann, ben"
        await pilot.press("enter")
        await settle(pilot)
        assert "Comparing ann, ben (chosen with c) · unit: turn" in label(app, "#agreement-params")
        assert table.row_count == len(expected)


@pytest.mark.slow
async def test_decisions_are_stored_undone_and_resumed(demo_path: Path) -> None:
    app = make_app(demo_path, coder="sue")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        code, screen = await open_worst(pilot)
        with Project.open(demo_path) as project:
            queue = reconcile_queue(project, code=code, coders=CODERS)
        assert len(queue.items) >= 3, "the worst code of the demo has a few disagreements"
        first, second, third = queue.items[:3]
        assert f"disagreement 1 of {len(queue.items)}" in label(app, "#reconcile-title")
        # Keep the first coder who coded item 1.
        number = next(n for n, v in enumerate(first.versions, 1) if v.excerpts)
        await pilot.press(str(number))
        await pilot.pause()
        kept = first.versions[number - 1]
        assert decisions(demo_path, code) == [("coder", kept.coder)]
        assert consensus(demo_path, code) == sorted((s, e) for _, s, e in kept.excerpts)
        assert f"disagreement 2 of {len(queue.items)}" in label(app, "#reconcile-title")
        # Neither on item 2, then take it back.
        await pilot.press("n")
        await pilot.pause()
        assert [c for c, _ in decisions(demo_path, code)] == ["coder", "neither"]
        await pilot.press("up", "z")
        await pilot.pause()
        assert [c for c, _ in decisions(demo_path, code)] == ["coder"]
        # Edit item 3's span: one word longer at the end.
        await pilot.press("down", "e", "right", "enter")
        await pilot.pause()
        assert [c for c, _ in decisions(demo_path, code)] == ["coder", "edit"]
        text = screen.texts[third.document]
        start = min(s for _, s, _ in third.merged())
        end = max(e for _, _, e in third.merged())
        longer = end + len(text[end:]) - len(text[end:].lstrip())
        longer += len(text[longer:].split()[0])
        assert (start, longer) in consensus(demo_path, code)
        await pilot.press("escape")
        await settle(pilot)
        table = app.screen.query_one("#agreement-table", DataTable)
        assert str(table.get_row_at(0)[-1]) == "2"  # the Decided column
    # Reopened, the queue resumes at the first undecided disagreement (item 2).
    app = make_app(demo_path, coder="sue")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_worst(pilot)
        title = label(app, "#reconcile-title")
        assert f"disagreement 2 of {len(queue.items)}" in title and "2 of" in title
        assert second.document in title


async def test_accept_agreed_and_keys_that_do_not_apply(demo_path: Path) -> None:
    code = "Trauma and PTSD/Trauma symptoms"  # two disagreements and two agreed regions
    app = make_app(demo_path, coder="sue")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#agreement-table", DataTable)
        rows = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        table.move_cursor(row=rows.index(code))
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReconcileScreen) and screen.code == code
        await pilot.press("9")  # three coders only
        await pilot.pause()
        assert any("press 1 to 3" in n.message for n in app._notifications)
        assert decisions(demo_path, code) == []
        await pilot.press("z")  # nothing decided yet
        await pilot.pause()
        assert any("no decision to take back" in n.message for n in app._notifications)
        assert screen.queue is not None and len(screen.queue.agreed) == 2
        await pilot.press("A")
        await settle(pilot)
        assert decisions(demo_path, code) == [("agreed", None)] * 2
        assert len(consensus(demo_path, code)) == 2
