"""Writing a report to a file whose suffix names the format, atomically.

``.csv`` the report's tidy table (one row per observation; UTF-8, no BOM, empty cells for
missing values: readable as is by pandas and R; text that a spreadsheet would run as a formula
gets a leading apostrophe, see :mod:`qualcode.reports.cells`); ``.json`` the report's JSON
(for frequencies a list of rows); ``.md`` Markdown; ``.xlsx`` and ``.docx`` (see
:mod:`qualcode.reports.office`); ``.png`` and ``.svg`` charts (see :mod:`qualcode.reports.charts`).

Every file is written to a temporary file in the same folder and renamed over the target only
once complete, so a failed export never leaves half a file behind.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import QualcodeError
from ..files import replace_atomically
from .cells import neutralise
from .tables import Report, Table, parameter_rows
from .wording import TITLES, attribution, cell

FORMATS = (".csv", ".xlsx", ".md", ".docx", ".json", ".png", ".svg")


def format_of(path: str | Path) -> str:
    """The format a path's suffix names, or a one-line error listing the formats."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(FORMATS[:-1]) + " or " + FORMATS[-1]
        shown = f"'{suffix}'" if suffix else "no suffix"
        raise QualcodeError(f"{path}: unknown format ({shown}); use {known}")
    return suffix


def check_target(path: str | Path) -> Path:
    """Fail early (before any counting) when the file cannot be written where asked."""
    target = Path(path)
    format_of(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise QualcodeError(f"{target}: the folder {folder} does not exist")
    if target.is_dir():
        raise QualcodeError(f"{target}: is a folder; give a file name")
    if not os.access(folder, os.W_OK):
        raise QualcodeError(f"{target}: cannot write in the folder {folder} (permission denied)")
    return target


def atomic(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Call ``write`` on a temporary file beside ``path``, then rename it into place."""
    return replace_atomically(check_target(path), write)


def write(report: Report, path: str | Path, **chart: Any) -> Path:
    """Write ``report`` in the format its suffix names; returns the path written."""
    suffix = format_of(path)
    if suffix == ".csv":
        if report.name == "all":
            raise QualcodeError(
                f"{path}: a CSV file holds one table; export one report to CSV "
                "(or all of them to .xlsx, .md, .docx or .json)"
            )
        return atomic(path, lambda p: write_csv(report.tidy(), p))
    if suffix == ".json":
        return atomic(path, lambda p: write_json(report.to_json(), p))
    if suffix == ".md":
        return atomic(path, lambda p: p.write_text(markdown(report), encoding="utf-8"))
    if suffix == ".xlsx":
        from .office import write_xlsx

        return atomic(path, lambda p: write_xlsx(report, p))
    if suffix == ".docx":
        from .office import write_docx

        return atomic(path, lambda p: write_docx(report, p))
    from .charts import draw

    try:
        figure = draw(report, **chart)
    except QualcodeError as error:
        raise QualcodeError(f"{path}: {error}") from None
    return atomic(path, lambda p: figure.save(p, suffix[1:]))


def write_csv(table: Table, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow([neutralise(c) for c in table.columns])
        out.writerows([neutralise(cell(v)) for v in row] for row in table.rows)


def write_json(data: Any, path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2, default=str)
        handle.write("\n")


def _md_cell(value: Any) -> str:
    text = str(cell(value))
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def markdown_table(table: Table) -> list[str]:
    lines = [f"## {table.title}", ""]
    lines.append("| " + " | ".join(_md_cell(c) for c in table.columns) + " |")
    numeric = [
        all(isinstance(row[i], int | float) or row[i] is None for row in table.rows)
        and any(row[i] is not None for row in table.rows)
        for i in range(len(table.columns))
    ]
    lines.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in table.rows]
    return [*lines, ""]


def about_lines(report: Report) -> list[str]:
    lines = []
    for key, value in parameter_rows(report):
        lines.append(f"- {value}" if key.startswith("rule ") else f"- **{key}**: {value}")
    return lines


def markdown(report: Report) -> str:
    """The report as Markdown: a title, the parameters and counting rules, then the tables
    (quotes as block quotes grouped by theme and code)."""
    lines = [f"# {TITLES.get(report.name, report.name)}", "", *about_lines(report), ""]
    parts = getattr(report, "reports", None) or [report]
    for part in parts:
        if part is not report:
            lines += [f"# {TITLES.get(part.name, part.name)}", "", *about_lines(part), ""]
        if part.name == "quotes":
            lines += quote_lines(part)
            continue
        if part.name == "saturation":
            lines += [f"**{part.statement}**", ""]  # type: ignore[attr-defined]
        for table in part.tables():
            lines += markdown_table(table)
    return "\n".join(lines).rstrip() + "\n"


def quote_lines(report: Any) -> list[str]:
    lines: list[str] = []
    theme = ""
    for code, found in report.by_code().items():
        names = code.split("/")
        if not found and not report.code_memos.get(code):
            continue
        if names[0] != theme:
            theme = names[0]
            lines += [f"## {theme}", ""]
        if code != theme:
            lines += [f"### {code[len(theme) + 1 :]}", ""]
        if report.definitions.get(code):
            lines += [f"*{report.definitions[code]}*", ""]
        lines += [f"Memo — {m}" for m in report.code_memos.get(code, ())]
        for quote in found:
            text = " ".join(quote.text.split())
            lines += [f"> “{text}”", ">", f"> — {attribution(quote)}", ""]
            lines += [f"Memo — {m}  " for m in quote.memos] + ([""] if quote.memos else [])
    return lines
