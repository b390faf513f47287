"""The theme frequencies screen and its export dialog, driven by keys, checked against the
library's report and the file written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, Select, Static

from qualcode import Project
from qualcode.reports import frequencies
from qualcode.tui import make_app
from qualcode.tui.screens.reports import ExportDialog, ReportsScreen


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def cell(table: DataTable, row: int, column: int) -> str:  # type: ignore[type-arg]
    return str(table.get_row_at(row)[column]).strip()


@pytest.mark.slow
async def test_frequencies_by_group_match_the_library(demo_path: Path) -> None:
    with Project.open(demo_path) as project:
        by_group = frequencies(project, by="group")
        plain = frequencies(project)
    app = make_app(demo_path, coder="sue")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        table = app.screen.query_one("#reports-table", DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels == ["Code", *by_group.groups]  # the sample opens grouped by 'group'
        first = by_group.rows[0]
        assert cell(table, 0, 0) == first.code
        for column, group in enumerate(by_group.groups, 1):
            assert cell(table, 0, column) == str(by_group.row(first.code, group).codings)
        chart = str(app.screen.query_one("#reports-chart", Static).render())
        assert "Codings per theme by group" in chart and first.code in chart
        # g cycles the grouping; back to none shows the plain counts.
        params = app.screen.query_one("#reports-params", Label)
        seen = []
        for _ in range(len(app.screen.groupings)):
            await pilot.press("g")
            await settle(pilot)
            seen.append(str(params.render()).split("group by: ")[1].split(" ·")[0])
            if seen[-1] == "nothing":
                break
        assert seen == ["role", "site", "kind", "coder", "nothing"]
        assert cell(table, 0, 1) == str(plain.rows[0].codings)
        assert cell(table, 0, 6) == str(plain.rows[0].words)
        await pilot.press("i")
        await settle(pilot)
        with Project.open(demo_path) as project:
            spoken = frequencies(project, exclude_interviewer=True)
        assert cell(table, 0, 6) == str(spoken.rows[0].words)
        assert "interviewer turns: left out" in str(
            app.screen.query_one("#reports-params", Label).render()
        )


@pytest.mark.parametrize("name", ["themes.xlsx", "bad.txt"])
async def test_export_dialog_writes_the_file_or_says_why_not(
    demo_path: Path, tmp_path: Path, name: str
) -> None:
    target = tmp_path / name
    app = make_app(demo_path, coder="sue")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        assert app.screen.query_one(Select).value == "frequencies"
        field = app.screen.query_one("#export-path", Input)
        field.value = str(target)
        field.focus()
        await pilot.press("enter")
        await settle(pilot)
        if name.endswith(".xlsx"):
            assert not isinstance(app.screen, ExportDialog)
            assert any("Wrote" in n.message for n in app._notifications)
            sheet = load_workbook(target)["frequencies"]
            header = [c.value for c in next(sheet.iter_rows(max_row=1))]
            assert header[:4] == ["code", "theme", "level", "group"]
        else:
            assert isinstance(app.screen, ExportDialog)  # stays open with the reason
            assert any("unknown format" in n.message for n in app._notifications)
            assert not target.exists()


@pytest.mark.parametrize("width", [30, 40, 72])
def test_the_bar_chart_fits_its_pane(demo_path: Path, width: int) -> None:
    from qualcode.tui.screens.reports import bars

    with Project.open(demo_path) as project:
        report = frequencies(project, by="group")
    chart = bars(report, width)
    lines = chart.plain.splitlines()
    assert all(len(line) <= width for line in lines), max(lines, key=len)
    # the longest bar is the theme and group with the most codings
    most = max(r.codings for r in report.rows if r.level == 0 and r.group != "(all)")
    assert any(line.rstrip().endswith(f" {most}") and "█" in line for line in lines)


@pytest.mark.slow
async def test_export_dialog_pseudonymises_with_a_names_file(
    demo_path: Path, tmp_path: Path
) -> None:
    names = Path(__file__).resolve().parents[2] / "transcripts_sample" / "names.csv"
    target = tmp_path / "quotes.md"
    app = make_app(demo_path, coder="sue")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        app.screen.query_one(Select).value = "quotes"
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(target)
        field = app.screen.query_one("#export-names", Input)
        field.value = str(names)
        field.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog)
    text = target.read_text(encoding="utf-8")
    assert "[Participant 1]" in text
    listed = [row.split(",")[0] for row in names.read_text().splitlines()[1:]]
    assert [n for n in listed if re.search(rf"\b{n}\b", text, re.IGNORECASE)] == []
    with Project.open(demo_path) as project:  # the project itself is unchanged
        assert "Amy" in project.document_text("p01-amy")
