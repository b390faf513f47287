"""No export runs as a spreadsheet formula (issue 14, item 6: CSV/formula injection).

A project whose codes, coders, documents, cases, attributes, memos and transcript text start
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is exported in every report and every
spreadsheet format (and the agreement tables); no cell of any file may start with one of those
characters unless it is a number, and no XLSX cell may be a formula.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.agreement.report import agreement_report, write_csv, write_xlsx
from qualcode.reports import REPORTS, export
from qualcode.reports.cells import FORMULA_STARTS, neutralise

from .conftest import run_cli as run

TEXT = (
    'Interviewer: =HYPERLINK("http://evil.example","click") how did you come?\n\n'
    "Amy: +1 I came by bus. @SUM(1) -2 the fare was cheap.\n\n"
    "Interviewer: And the group itself?\n\n"
    "Amy: -It felt safe. =1+1 nobody judged me.\n"
)
CASES = "case,document,group,site\n=C1,=doc,@admin,-1\n"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("formulas")
    source = folder / "int.txt"
    source.write_text(TEXT, encoding="utf-8")
    (folder / "cases.csv").write_text(CASES, encoding="utf-8")
    path = folder / "study.qualcode"
    with Project.create(path, actor="=eve") as project:
        outcome = project.import_files([source], name="=doc", roles={"Interviewer": "interviewer"})[
            0
        ]
        assert outcome.error is None, outcome.error
        project.import_cases(folder / "cases.csv")
        project.add_code("=SUM(A1:A9)", definition="=cmd|' /C calc'!A0")
        project.add_code("+child", parent="=SUM(A1:A9)", definition="@evil")
        project.add_code("-minus", definition="\tTab start")
        project.add_code("@at")
        text = project.document_text("=doc")
        spans = [text.index(p) for p in ("+1 I came", "-It felt", "=HYPERLINK")]
        for coder in ("=eve", "+mal"):
            for code in ("=SUM(A1:A9)/+child", "-minus", "@at"):
                for start in spans[: 2 if code == "-minus" else 3]:
                    project.apply_code(
                        document="=doc", code=code, coder=coder, start=start, end=start + 12
                    )
        project.add_memo("=memo on a code", coder="=eve", target_type="code", target="@at")
    return path


def _bad(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _csv_problems(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) > 1, f"{path.name} has no rows"
    problems = []
    for row in rows:
        for value in row:
            if not _bad(value):
                continue
            try:
                float(value)  # a negative number written by csv stays a number
            except ValueError:
                problems.append(value)
    return problems


def _xlsx_problems(path: Path) -> list[str]:
    from openpyxl import load_workbook

    problems = []
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or _bad(cell.value):
                    problems.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    return problems


@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_no_report_cell_is_a_formula(
    hostile: Path, tmp_path: Path, report: str, suffix: str
) -> None:
    if suffix == ".csv" and report == "all":
        pytest.skip("a CSV holds one report")
    options = {"by": "group"} if report in ("frequencies", "crosstab") else {}
    with Project.open(hostile) as project:
        path = export(project, report, tmp_path / f"{report}{suffix}", **options)
    problems = _csv_problems(path) if suffix == ".csv" else _xlsx_problems(path)
    assert problems == []


def test_the_export_command_writes_no_formula(
    hostile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "all.xlsx"
    code, _, err = run(capsys, "export", "all", str(hostile), "-o", str(target))
    assert code == 0, err
    assert _xlsx_problems(target) == []


def test_agreement_tables_write_no_formula(
    hostile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Project.open(hostile) as project:
        report = agreement_report(project, coders=["=eve", "+mal"])
    write_csv(report, tmp_path / "a.csv")
    write_xlsx(report, tmp_path / "a.xlsx")
    assert _csv_problems(tmp_path / "a.csv") == []
    assert _xlsx_problems(tmp_path / "a.xlsx") == []
    b_csv, b_xlsx = str(tmp_path / "b.csv"), str(tmp_path / "b.xlsx")
    code, _, err = run(
        capsys, "agreement", str(hostile), "--coders", "=eve,+mal", "--csv", b_csv, "--xlsx", b_xlsx
    )
    assert code == 0, err
    assert _csv_problems(tmp_path / "b.csv") == [] and _xlsx_problems(tmp_path / "b.xlsx") == []


def test_the_text_stays_readable_and_numbers_stay_numbers(hostile: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    assert neutralise("=SUM(A1)") == "'=SUM(A1)" and neutralise("\r=1") == "'\r=1"
    assert neutralise(-3) == -3 and neutralise(-0.5) == -0.5 and neutralise("plain") == "plain"
    with Project.open(hostile) as project:
        path = export(project, "frequencies", tmp_path / "f.xlsx")
    sheet = load_workbook(path)["frequencies"]
    codes = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "'=SUM(A1:A9)/+child" in codes and "'-minus" in codes
    numbers = [v for row in sheet.iter_rows(min_row=2, values_only=True) for v in row[1:]]
    assert any(isinstance(v, int) and v > 0 for v in numbers)
