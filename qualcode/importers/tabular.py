"""Spreadsheets and delimited text (.csv, .tsv, .xlsx): transcripts or survey responses.

A header naming a speaker and a text column means a turn-per-row transcript (one document);
anything else is read as open-ended responses (see ``responses``). Both readers reduce the file to
rows of strings first, so the decisions are made once for every format.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from qualcode.errors import BadInputError
from qualcode.importers.archive import check_zip
from qualcode.importers.base import ImportOptions, ParsedDocument
from qualcode.importers.encoding import decode_bytes, require_text
from qualcode.importers.responses import response_documents
from qualcode.importers.tables import Row, find_turn_columns, turn_rows_document

_SNIFF_CHARS = 64 * 1024
_DELIMITERS = ",;\t|"


def read_csv(
    path: Path, data: bytes, options: ImportOptions, source_format: str
) -> list[ParsedDocument]:
    """Read a .csv or .tsv file; ``source_format`` is ``csv`` or ``tsv``."""
    text = decode_bytes(data, path)
    require_text(text, path)
    if "\x00" in text:
        raise BadInputError(
            path,
            "contains NUL characters, so it is not a CSV text file",
            "export the table again as CSV (UTF-8)",
        )
    delimiter = "\t" if source_format == "tsv" else _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[Row] = []
    try:
        rows.extend(reader)
    except csv.Error as exc:
        raise BadInputError(
            path,
            f"line {reader.line_num}: malformed CSV ({exc})",
            "check for a quote that is opened and never closed",
        ) from exc
    return _documents(path, rows, options, "csv")


def read_xlsx(
    path: Path, data: bytes, options: ImportOptions, source_format: str
) -> list[ParsedDocument]:
    """Read the first non-empty sheet of an .xlsx workbook."""
    del source_format  # always "xlsx"
    rows, warnings = xlsx_rows(data, path)
    documents = _documents(path, rows, options, "xlsx")
    if warnings:
        documents = [_with_warnings(document, warnings) for document in documents]
    return documents


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header into most columns and the rows most consistently.

    csv.Sniffer guesses wrong on short files and on answers full of commas; counting fields
    per row with each candidate is simple and honours quoted cells.
    """
    sample = text[:_SNIFF_CHARS]
    best, best_score = ",", (0.0, 1)
    for delimiter in _DELIMITERS:
        try:
            rows = [
                row
                for row in itertools.islice(
                    csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), 50
                )
                if row
            ]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        score = (sum(len(row) == width for row in rows) / len(rows), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best  # comma when nothing splits the header: a one-column table


def xlsx_rows(data: bytes, path: Path) -> tuple[list[Row], tuple[str, ...]]:
    """Cell text of the first non-empty sheet of a workbook, and warnings about other sheets.

    Public for other readers of spreadsheets (codings, case attributes); the zip is checked
    first, and any failure inside openpyxl becomes a ``BadInputError``.
    """
    check_zip(data, path, ".xlsx", "an Excel workbook")
    import openpyxl  # imported here: slow to import and only needed for workbooks

    try:
        workbook: Any = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            rows: list[Row] = []
            chosen = None
            for sheet in workbook.worksheets:
                rows = [
                    [_cell_text(value) for value in row]
                    for row in sheet.iter_rows(values_only=True)
                ]
                if any(any(value.strip() for value in row) for row in rows):
                    chosen = sheet.title
                    break
            others = [sheet.title for sheet in workbook.worksheets if sheet.title != chosen]
        finally:
            workbook.close()
    except Exception as exc:  # openpyxl/lxml/zipfile raise many kinds on damaged input
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise BadInputError(
            path,
            f"could not be read as .xlsx: {reason}",
            "open it in Excel or LibreOffice and save it again",
        ) from exc
    warnings: tuple[str, ...] = ()
    if chosen is not None and others:
        warnings = (
            f"read the sheet {chosen!r} only; other sheets were ignored: "
            + ", ".join(repr(title) for title in others),
        )
    return rows, warnings


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value.total_seconds())
    return str(value)


def _documents(
    path: Path, rows: Sequence[Row], options: ImportOptions, family: str
) -> list[ParsedDocument]:
    # Row numbers as a spreadsheet shows them (header = 1), so "row 7" can be found in the file.
    numbered = [
        (number, row)
        for number, row in enumerate(rows, start=1)
        if any(value.strip() for value in row)
    ]
    if len(numbered) < 2:
        raise BadInputError(
            path, "no rows", "the table needs a header row and at least one row of data"
        )
    (_, header), body = numbered[0], numbered[1:]
    columns = None if options.text_columns else find_turn_columns(header)
    if columns is not None:
        document = turn_rows_document(
            path.stem, [row for _, row in body], columns, options, f"{family}-turns"
        )
        if not document.turns:
            raise BadInputError(path, "no rows", "the text column is empty in every row")
        return [document]
    return response_documents(path, header, body, options, f"{family}-responses")


def _with_warnings(document: ParsedDocument, warnings: tuple[str, ...]) -> ParsedDocument:
    return replace(document, warnings=document.warnings + warnings)
