"""The agreement screen (issue 20): interviewer turns can be left out, intervals that cannot be
trusted are not shown (the cell says why, the line below the table gives the reason), codes
nobody applied are left out of the overall figures; the figures are the library's."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Label

from qualcode import Project
from qualcode.agreement.report import agreement_report
from qualcode.tui import make_app
from qualcode.tui.screens.agreement import AgreementScreen

from .test_reconcile_screen import settle


def label(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(selector, Label).render())


async def test_interviewer_key_withheld_intervals_and_unused_codes(demo_path: Path) -> None:
    with Project.open(demo_path) as project:
        counted = agreement_report(project, coders=["ann", "ben"], ci=False)
        left_out = agreement_report(
            project, coders=["ann", "ben"], ci=False, exclude_interviewer=True
        )
    assert left_out["overall"]["units"] < counted["overall"]["units"]
    app = make_app(demo_path, coder="sue")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        screen.coders = ["ann", "ben"]
        screen.compute()
        await settle(pilot)
        assert "interviewer turns: counted" in label(app, "#agreement-params")
        status = label(app, "#agreement-status")
        assert f"{counted['overall']['units']:,} units" in status
        unused = len(counted["overall"]["unused_codes"])
        assert unused > 0 and f"{unused} code(s) nobody applied are left out" in status
        assert "expanded percentile bootstrap" in status and "over documents" in status
        # nine documents: too few for any interval; the cell says so, the detail line why
        table = screen.query_one("#agreement-table", DataTable)
        cells = {str(table.get_row_at(i)[6]) for i in range(table.row_count)}
        assert cells <= {"few docs", "-"} and "few docs" in cells
        assert not any(c.startswith("[") for c in cells)
        assert "too few documents to judge: 9" in label(app, "#agreement-detail")

        await pilot.press("i")
        await settle(pilot)
        assert "interviewer turns: left out" in label(app, "#agreement-params")
        assert f"{left_out['overall']['units']:,} units" in label(app, "#agreement-status")


async def test_the_s_key_selects_what_agreement_counts_as_a_sentence(tmp_path: Path) -> None:
    """Issue 20: one sentence definition. The coding screen's ``s`` and ``)`` keys select the
    sentence units agreement compares; "Dr." and "e.g." do not end a sentence."""
    from qualcode.agreement.units import document_units
    from qualcode.tui.screens.coding import CodingScreen

    source = tmp_path / "visit.txt"
    source.write_text(
        "P01: I saw Dr. Smith, e.g. on Mondays. Then I left.\n\nP02: Fine... really fine.\n",
        encoding="utf-8",
    )
    with Project.create(tmp_path / "s.qualcode", actor="tester") as project:
        assert project.import_files([source])[0].error is None
        text = project.document_text("visit")
        units = document_units("sentence", text, project.turns("visit"))
    assert [text[s:e] for s, e in units] == [
        "I saw Dr. Smith, e.g. on Mondays.",
        "Then I left.",
        "Fine... really fine.",
    ]
    app = make_app(tmp_path / "s.qualcode", coder="ann", document="visit")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen)
        view = app.screen.view
        selected = []
        for _ in units:
            await pilot.press("s")
            await pilot.pause()
            selected.append(view.selection)
            await pilot.press("escape", "right_parenthesis")
            await pilot.pause()
    assert selected == units
