"""XLSX (openpyxl) and DOCX (python-docx) files of a report.

XLSX: an ``about`` sheet (parameters and counting rules), then one sheet per table, each with a
bold shaded header row, frozen panes (header row; also the first column of wide matrices),
column widths fitted to the content and long text wrapped. The workbook is written in openpyxl's
write-only mode, which streams rows: 100,000 rows take seconds, not minutes. Every cell is
text or a number, never a formula: text a spreadsheet would run gets a leading apostrophe
(:mod:`qualcode.reports.cells`), and control characters a spreadsheet cannot hold become U+FFFD.

DOCX: a title, the parameters and rules in small type, then the tables; quotes are grouped by
theme (Heading 1) and code (Heading 2), each in the Quote style followed by who said it, where
and when, ready to paste into a paper. Tables wider than a page (more than
:data:`DOCX_COLUMNS` columns) are left to the XLSX file, with a note.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

from .cells import neutralise
from .tables import Report, Table, parameter_rows
from .wording import TITLES, attribution, cell

DOCX_COLUMNS = 16
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _clean(value: Any) -> Any:
    """Text without the control characters XML cannot hold; other values as they are."""
    if isinstance(value, str):
        return _ILLEGAL.sub("\ufffd", value)
    return value


def _text_cell(sheet: Any, value: Any) -> Any:
    """A write-only cell holding ``value`` as data, never as a formula."""
    from openpyxl.cell import WriteOnlyCell

    value = neutralise(_clean(value))
    item = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        item.data_type = "s"  # openpyxl would take any text starting with '=' for a formula
    return item


def _sheet_name(name: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("-", name)[:31] or "sheet"
    candidate, n = base, 2
    while candidate.casefold() in used:
        suffix = f" {n}"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.casefold())
    return candidate


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _sheet(book: Any, table: Table, used: set[str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = book.create_sheet(_sheet_name(table.name, used))
    wide = len(table.columns) > 12 and not table.text_columns
    sheet.freeze_panes = (
        "B2" if wide or table.name in ("matrix", "crosstab", "co-occurrence") else "A2"
    )
    wrap_columns = {i for i, c in enumerate(table.columns) if c in table.text_columns}
    for i, column in enumerate(table.columns):
        sample = [len(str(row[i])) for row in table.rows[:200] if row[i] is not None]
        width = max([len(str(column)), *sample]) + 2
        sheet.column_dimensions[_letter(i)].width = min(width, 70 if i in wrap_columns else 45)
    bold, shade = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    wrap = Alignment(wrap_text=True, vertical="top")
    header = []
    for column in table.columns:
        head = _text_cell(sheet, str(column))
        head.font, head.fill = bold, shade
        header.append(head)
    sheet.append(header)
    for row in table.rows:
        values: list[Any] = []
        for i, value in enumerate(row):
            if i in wrap_columns or isinstance(value, str):
                item = _text_cell(sheet, value)
                if i in wrap_columns:
                    item.alignment = wrap
                values.append(item)
            else:
                values.append(value)
        sheet.append(values)


def _parts(report: Report) -> list[Report]:
    return list(getattr(report, "reports", None) or [report])


def write_xlsx(report: Report, path: Path) -> None:
    """An ``about`` sheet, then one sheet per table of the report (or of each report)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    used: set[str] = set()
    about: list[tuple[tuple[str, str], ...]] = [(("report", TITLES.get(report.name, report.name)),)]
    for part in _parts(report):
        prefix = f"{part.name}: " if part is not report else ""
        about.append(tuple((prefix + k, v) for k, v in parameter_rows(part)))
        if part.name == "saturation":
            about.append(((prefix + "statement", part.statement),))  # type: ignore[attr-defined]
    rows = tuple(pair for block in about for pair in block)
    _sheet(book, Table("about", "About", ("item", "value"), rows, (), ("value",)), used)
    for part in _parts(report):
        for table in part.tables():
            _sheet(book, table, used)
    _save(book, path)


def _save(book: Any, path: Path) -> None:
    """Save a write-only workbook; when writing fails (a full disk), close what openpyxl left
    open here, so the one error is all the user sees (not a traceback per sheet when the
    half-written sheets are collected)."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    archive = ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True)
    try:
        ExcelWriter(book, archive).save()  # writes every part, then closes the archive
    except BaseException:
        for sheet in book.worksheets:
            writer = getattr(sheet, "_writer", None)
            for stream in (getattr(sheet, "_rows", None), getattr(writer, "xf", None)):
                with contextlib.suppress(Exception):
                    if stream is not None:
                        stream.close()
        with contextlib.suppress(Exception):
            archive.close()
        with contextlib.suppress(Exception):
            if archive.fp is not None:
                archive.fp.close()
        raise


def write_docx(report: Report, path: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.add_heading(TITLES.get(report.name, report.name), level=0)
    for part in _parts(report):
        if part is not report:
            doc.add_heading(TITLES.get(part.name, part.name), level=1)
        for key, value in parameter_rows(part):
            line = doc.add_paragraph(style="List Bullet")
            text = value if key.startswith("rule ") else f"{key}: {value}"
            line.add_run(_clean(text)).font.size = Pt(8)
        if part.name == "saturation":
            doc.add_paragraph().add_run(_clean(part.statement)).bold = True  # type: ignore[attr-defined]
        if part.name == "quotes":
            _quotes(doc, part, top=1 if part is report else 2)
            continue
        for table in part.tables():
            _docx_table(doc, table)
    doc.save(str(path))


def _docx_table(doc: Any, table: Table) -> None:
    from docx.shared import Pt

    doc.add_heading(table.title, level=2)
    if len(table.columns) > DOCX_COLUMNS:
        doc.add_paragraph(
            f"({len(table.columns)} columns: too wide for a page; see the XLSX or CSV export.)"
        )
        return
    grid = doc.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    for head, column in zip(grid.rows[0].cells, table.columns, strict=True):
        head.text = ""
        run = head.paragraphs[0].add_run(_clean(str(column)))
        run.bold, run.font.size = True, Pt(8)
    for row in table.rows:
        for target, value in zip(grid.add_row().cells, row, strict=True):
            target.paragraphs[0].add_run(_clean(str(cell(value)))).font.size = Pt(8)


def _quotes(doc: Any, report: Any, top: int) -> None:
    from docx.shared import Pt

    theme = ""
    for code, found in report.by_code().items():
        if not found and not report.code_memos.get(code):
            continue
        names = code.split("/")
        if names[0] != theme:
            theme = names[0]
            doc.add_heading(_clean(theme), level=top)
        if code != theme:
            doc.add_heading(_clean(code[len(theme) + 1 :]), level=top + 1)
        if report.definitions.get(code):
            doc.add_paragraph().add_run(_clean(report.definitions[code])).italic = True
        for memo in report.code_memos.get(code, ()):
            doc.add_paragraph().add_run(_clean(f"Memo — {memo}")).font.size = Pt(9)
        for quote in found:
            text = " ".join(quote.text.split())
            doc.add_paragraph(_clean(f"“{text}”"), style="Quote")
            doc.add_paragraph().add_run(_clean(f"— {attribution(quote)}")).font.size = Pt(9)
            for memo in quote.memos:
                run = doc.add_paragraph().add_run(_clean(f"Memo — {memo}"))
                run.italic, run.font.size = True, Pt(9)
