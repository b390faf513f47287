"""Every file format read back (csv, json, xlsx, docx, md, png, svg), atomic writes, one-line
errors, the ``qualcode export`` command end to end, and the demo project."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

import qualcode.cli.export as cli_export
from qualcode import Project
from qualcode.errors import QualcodeError
from qualcode.reports import MEASURES, REPORTS, Table, export, frequencies
from qualcode.reports.charts import label
from qualcode.reports.office import write_xlsx

from .conftest import run_cli as run
from .test_reports_counts import study, study_path  # noqa: F401  (fixtures)

PNG = b"\x89PNG\r\n\x1a\n"


def test_csv_is_tidy_and_plain(study: Project, tmp_path: Path) -> None:  # noqa: F811
    path = export(study, "frequencies", tmp_path / "f.csv", by="group")
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert list(rows[0]) == [
        "code",
        "theme",
        "level",
        "group",
        "codings",
        "documents",
        "cases",
        "cases_in_group",
        "share_of_cases",
        "speakers",
        "words",
        "coding_rows",
    ]
    staff = next(r for r in rows if r["code"] == "Access/Bus" and r["group"] == "staff")
    assert (staff["codings"], staff["cases"], staff["words"], staff["share_of_cases"]) == (
        "2",
        "2",
        "10",
        "1.0",
    )
    assert {r["group"] for r in rows} == {"(all)", "participant", "staff"}
    assert len(rows) == 7 * 3


def test_json_is_a_list_of_rows(study: Project, tmp_path: Path) -> None:  # noqa: F811
    grouped = json.loads(export(study, "frequencies", tmp_path / "g.json", by="site").read_text())
    assert isinstance(grouped, list)
    bus = next(r for r in grouped if r["code"] == "Access/Bus" and r["group"] == "A")
    assert {k: bus[k] for k in ("codings", "documents", "cases", "speakers", "words")} == {
        "codings": 3,
        "documents": 2,
        "cases": 2,
        "speakers": 3,
        "words": 16,
    }
    plain = json.loads(export(study, "frequencies", tmp_path / "f.json").read_text())
    assert "group" not in plain[0]
    assert {"code", "codings", "documents", "cases", "speakers", "words"} <= set(plain[0])
    other = json.loads(export(study, "saturation", tmp_path / "s.json", base=1, run=1).read_text())
    assert other["saturation_at"] == 3 and other["rules"]


def test_xlsx_sheets_header_and_frozen_panes(study: Project, tmp_path: Path) -> None:  # noqa: F811
    from openpyxl import load_workbook

    path = export(study, "frequencies", tmp_path / "f.xlsx", by="group")
    book = load_workbook(path)
    assert book.sheetnames == ["about", "frequencies"]
    sheet = book["frequencies"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("code", "theme", "level", "group", "codings")
    bus = next(r for r in rows if r[0] == "Access/Bus" and r[3] == "participant")
    assert bus[4:11] == (3, 2, 2, 2, 1.0, 3, 16)
    about = [r for r in book["about"].iter_rows(values_only=True)]
    assert ("by", "group") in about
    assert any("focus group" in str(value) for _, value in about)


def test_xlsx_of_everything(study: Project, tmp_path: Path) -> None:  # noqa: F811
    from openpyxl import load_workbook

    book = load_workbook(export(study, "all", tmp_path / "all.xlsx", by="group", per_code=2))
    assert book.sheetnames == [
        "about",
        "frequencies",
        "crosstab",
        "matrix",
        "co-occurrence",
        "co-occurrence (pairs)",
        "quotes",
        "saturation",
        "codebook",
    ]
    assert book["matrix"].freeze_panes == "B2"
    matrix = list(book["matrix"].iter_rows(values_only=True))
    assert matrix[0] == ("code", "C1 (participant)", "C3 (participant)", "C2 (staff)", "C4 (staff)")
    assert ("Access/Bus", 2, 1, 1, 1) in matrix
    quotes = list(book["quotes"].iter_rows(values_only=True))
    assert quotes[1][:4] == ("Access", "Access/Bus", 1, quotes[1][3])
    assert "Kim: For me the lunch." in quotes[1][3]


def test_xlsx_keeps_text_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    class One:
        name, parameters, rules = "quotes", {"project": "p"}, ("a rule",)

        def tables(self) -> list[Table]:
            return [Table("quotes", "Quotes", ("text",), (("=SUM(A1:A9)",), ("a\x07b",)))]

    write_xlsx(One(), tmp_path / "t.xlsx")  # type: ignore[arg-type]
    sheet = load_workbook(tmp_path / "t.xlsx")["quotes"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "'=SUM(A1:A9)"
    assert sheet["A3"].value == "a\ufffdb"


def test_docx_quotes_grouped_by_theme(study: Project, tmp_path: Path) -> None:  # noqa: F811
    from docx import Document

    doc = Document(str(export(study, "quotes", tmp_path / "q.docx", per_code=2)))
    lines = [(p.style.name, p.text) for p in doc.paragraphs if p.text]
    headings = [(s, t) for s, t in lines if s.startswith("Heading") or s == "Title"]
    assert headings[:4] == [
        ("Title", "Quotes by theme"),
        ("Heading 1", "Access"),
        ("Heading 2", "Bus"),
        ("Heading 2", "Cost"),
    ]
    quotes = [t for s, t in lines if s == "Quote"]
    assert quotes[0].startswith("“The bus pass made it easier. Kim: For me the lunch.")
    after = lines[[t for _, t in lines].index(quotes[0]) + 1][1]
    assert after == "— Jo, Kim (C3; C4; group=participant; staff; site=A; B), fg, turn 2"
    assert ("Normal", "Buses, fares and passes.") in lines  # the code's definition


def test_docx_and_markdown_tables(study: Project, tmp_path: Path) -> None:  # noqa: F811
    from docx import Document

    doc = Document(str(export(study, "codebook", tmp_path / "c.docx")))
    [table] = doc.tables
    assert [c.text for c in table.rows[0].cells][:4] == ["theme", "code", "name", "level"]
    assert [c.text for c in table.rows[2].cells][:5] == [
        "Access",
        "Access/Bus",
        "Bus",
        "1",
        "Buses, fares and passes.",
    ]
    text = export(study, "frequencies", tmp_path / "f.md", by="group").read_text()
    assert text.startswith("# Code frequencies\n")
    assert "| code | theme | level | group | codings |" in text
    assert "| Access/Bus | Access | 1 | staff | 2 | 2 | 2 | 2 | 1.0 | 2 | 10 | 3 |" in text
    quotes = export(study, "quotes", tmp_path / "q.md").read_text()
    assert "## Access\n\n### Bus\n" in quotes and "> “I came by bus.”" in quotes


def test_charts(study: Project, tmp_path: Path) -> None:  # noqa: F811
    png = export(study, "frequencies", tmp_path / "f.png", by="group")
    assert png.read_bytes().startswith(PNG)
    svg = export(study, "frequencies", tmp_path / "f.svg", by="group").read_text()
    assert "<svg" in svg and "Access" in svg and "Feelings" in svg and "participant" in svg
    heat = export(study, "cooccurrence", tmp_path / "c.svg").read_text()
    assert "Safety" in heat and "Misc" in heat
    assert export(study, "saturation", tmp_path / "s.png", base=1, run=1).read_bytes()[:8] == PNG
    assert export(study, "matrix", tmp_path / "m.png").read_bytes()[:8] == PNG


def test_long_labels_wrap_and_shorten() -> None:
    name = "Practical support that enabled attendance at the group every single week"
    assert label(name) == "Practical support that enabled\nattendance at the group every…"
    assert label("Bus") == "Bus"


def test_errors_are_one_line_and_leave_no_file(study: Project, tmp_path: Path) -> None:  # noqa: F811
    cases = [
        (tmp_path / "f.txt", {}, "unknown format ('.txt')"),
        (tmp_path / "missing" / "f.csv", {}, "the folder"),
        (tmp_path, {}, "unknown format"),
        (tmp_path / "f.csv", {"by": "colour"}, "no case attribute 'colour'"),
        (tmp_path / "f.csv", {"coders": "zed"}, "no coder named 'zed'"),
    ]
    for path, options, message in cases:
        with pytest.raises(QualcodeError, match=message.replace("(", r"\(").replace(")", r"\)")):
            export(study, "frequencies", path, **options)
    with pytest.raises(QualcodeError, match="a CSV file holds one table"):
        export(study, "all", tmp_path / "all.csv")
    with pytest.raises(QualcodeError, match="no chart of the quotes report"):
        export(study, "quotes", tmp_path / "q.png")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_the_old_file(
    study: Project,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import qualcode.reports.writers as writers

    target = tmp_path / "f.csv"
    target.write_text("the old export\n")

    def half(table: Table, path: Path) -> None:
        path.write_text("code,theme\nAccess,")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writers, "write_csv", half)
    full = "f.csv: cannot write the file \\(No space left on device\\)"
    with pytest.raises(QualcodeError, match=full):
        export(study, "frequencies", target)
    assert target.read_text() == "the old export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.csv"]


def test_progress_is_reported(study: Project, tmp_path: Path) -> None:  # noqa: F811
    calls: list[tuple[int, int, str]] = []
    export(study, "all", tmp_path / "all.json", progress=lambda *a: calls.append(a))
    done = [c[0] for c in calls]
    assert done == sorted(done) and calls[-1][0] == calls[-1][1]
    assert calls[0][2].startswith("reading") and calls[-1][2] == "wrote all.json"


# -- the command line ----------------------------------------------------------------------


def test_cli_writes_every_format(
    study_path: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = str(tmp_path / "study.qualcode")
    shutil.copy(study_path, project)
    for name in ("f.csv", "f.xlsx", "f.md", "f.docx", "f.json", "f.png", "f.svg"):
        out = tmp_path / name
        code, stdout, err = run(
            capsys,
            "export",
            "frequencies",
            project,
            "-o",
            str(out),
            "--by",
            "group",
            "--coder",
            "ann",
            "--coder",
            "ben",
        )
        assert code == 0, err
        assert stdout.strip() == f"wrote {out} (frequencies by group)"
        assert out.stat().st_size > 0
    rows = json.loads((tmp_path / "f.json").read_text())
    assert next(r for r in rows if r["code"] == "Access" and r["group"] == "(all)")["codings"] == 4
    code, stdout, _ = run(
        capsys,
        "export",
        "quotes",
        project,
        "--per-code",
        "1",
        "--coder",
        "ann,ben",
        "--exclude-interviewer",
    )
    printed = json.loads(stdout)
    assert code == 0 and printed["parameters"]["per_code"] == 1
    assert printed["parameters"]["exclude_interviewer"] is True
    code, stdout, _ = run(
        capsys, "export", "saturation", project, "--base", "1", "--run", "1", "--threshold", "30%"
    )
    assert json.loads(stdout)["parameters"]["threshold"] == 0.3
    code, _, err = run(
        capsys,
        "export",
        "matrix",
        project,
        "-o",
        str(tmp_path / "m.xlsx"),
        "--cells",
        "text",
        "--by",
        "site",
        "--level",
        "theme",
    )
    assert code == 0, err


def test_cli_errors_are_one_line(
    study_path: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = str(study_path)
    for args, message in [
        (["-o", str(tmp_path / "f.csv"), "--by", "colour"], "no case attribute 'colour'"),
        (["-o", str(tmp_path / "f.csv"), "--coder", "zed"], "no coder named 'zed'"),
        (["-o", str(tmp_path / "f.pdf")], "unknown format ('.pdf')"),
        (["-o", str(tmp_path / "no" / "f.csv")], "the folder"),
        (["--threshold", "lots"], "--threshold 'lots' is not a share"),
    ]:
        code, stdout, err = run(capsys, "export", "frequencies", project, *args)
        assert code == 1 and stdout == ""
        [line] = err.strip().splitlines()
        assert line.startswith("qualcode: error: ") and message in line, line
    code, _, err = run(capsys, "export", "crosstab", project)
    assert code == 1 and "needs --by" in err
    assert list(tmp_path.iterdir()) == []


def test_cli_names_match_the_library() -> None:
    assert cli_export.REPORT_NAMES == REPORTS
    assert cli_export.MEASURE_NAMES == MEASURES


def test_the_demo_project_exports(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from qualcode.demo import build_demo

    path, _ = build_demo(tmp_path / "demo", echo=lambda _line: None)
    with Project.open(path) as project:
        report = frequencies(project, by="group", exclude_interviewer=True)
        assert report.groups == ("participant", "staff")
        assert report.row("Costs and resources", "participant").codings == 0
        export(project, "all", tmp_path / "all.xlsx", by="group")
        export(project, "all", tmp_path / "all.docx", by="group", per_code=2)
        export(project, "frequencies", tmp_path / "themes.png", by="group")
    assert "quotes" in load_workbook(tmp_path / "all.xlsx").sheetnames
    assert (tmp_path / "themes.png").read_bytes().startswith(PNG)
