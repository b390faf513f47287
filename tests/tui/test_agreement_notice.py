"""The agreement screen says who is compared over how many documents and warns about a coder
who covered fewer documents; a theme's reconcile queue leaves out what cannot be decided
(disagreements on archived sub-codes) and says so. Issue 18, items 6 and 8."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Label, Static

from qualcode import Project
from qualcode.agreement.reconcile import reconcile_queue
from qualcode.tui import make_app
from qualcode.tui.screens.agreement import AgreementScreen
from qualcode.tui.screens.reconcile import ReconcileScreen

CODERS = ["ann", "ben", "cat"]


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def shown(app: object, selector: str) -> str:
    return str(app.screen.query_one(selector, Label).render())  # type: ignore[attr-defined]


async def test_a_coder_with_fewer_documents_is_named(demo_path: Path) -> None:
    with Project.open(demo_path, actor="zed") as project:
        document = project.documents()[0].name
        text = project.document_text(document)
        project.apply_code(
            document=document,
            code="Safety of a women-only space/Peer support",
            coder="zed",
            start=0,
            end=len(text.split("\n")[0]),
        )
    app = make_app(demo_path, coder="sue")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen)
        notice = shown(app, "#agreement-params")
        assert "Comparing ann, ben, cat, zed (everyone who has coded; c chooses)" in notice
        assert "Over 1 document coded by all." in notice
        assert "⚠ zed coded 1 of the 9 documents the others coded" in notice
        # The highlighted row's figures, in full under the table at 80 columns.
        table = app.screen.query_one("#agreement-table", DataTable)
        first = str(table.get_row_at(0)[0])
        detail = shown(app, "#agreement-detail")
        assert first in detail and "95% CI" in detail and "disagree" in detail
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("end", "ctrl+u", *"ann,ben", "enter")  # it holds the last choice
        await settle(pilot)
        notice = shown(app, "#agreement-params")
        assert "Comparing ann, ben (chosen with c)" in notice and "⚠" not in notice
        assert "Over 9 documents" in notice


async def test_a_theme_queue_leaves_out_archived_sub_codes(demo_path: Path) -> None:
    with Project.open(demo_path) as project:
        themes = [c for c in project.codes() if c.depth == 0]
        found = None
        for theme in themes:
            queue = reconcile_queue(project, code=theme.path, coders=CODERS)
            codes = {p for i in queue.items for v in i.versions for p, _s, _e in v.excerpts}
            subs = sorted(c for c in codes if c != theme.path)
            if len(queue.items) >= 2 and subs:
                found = theme.path, subs[0], queue
                break
        assert found is not None
        theme, archived, queue = found
        uses = sum(
            any(p == archived for v in i.versions for p, _s, _e in v.excerpts) for i in queue.items
        )
        project.archive_code(archived)
    app = make_app(demo_path, coder="sue")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        table = screen.query_one("#agreement-table", DataTable)
        rows = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        for _ in range(rows.index(theme)):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReconcileScreen)
        reconcile = app.screen
        left = [
            i
            for i in reconcile.items
            if any(p == archived for v in i.versions for p, _s, _e in v.excerpts)
        ]
        assert left == [] and len(reconcile.items) == len(queue.items) - uses
        notice = str(reconcile.query_one("#reconcile-definition", Static).render())
        assert f"{uses} disagreement" in notice and "archived codes left out" in notice
        # Deciding the first one stores a decision: nothing on screen is undecidable.
        if reconcile.items:
            item = reconcile.items[0]
            number = next(n for n, v in enumerate(item.versions, 1) if v.excerpts)
            await pilot.press(str(number))
            await pilot.pause()
            with Project.open(demo_path) as project:
                assert len(project.decisions(code=theme)) == 1
