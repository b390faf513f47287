"""``qualcode export``: write-up reports (frequencies, matrices, co-occurrence, quotes,
saturation, the codebook) to CSV, XLSX, Markdown, DOCX, JSON, PNG or SVG.

The reports come from :func:`qualcode.reports.export`; this module only parses the options,
and imports the reports (numpy, SQLAlchemy) inside the command so ``qualcode --help`` stays fast.
"""

from __future__ import annotations

from typing import Any

import click

from ..errors import QualcodeError
from . import cli
from .common import PROJECT, PSEUDONYMISE, echo_json, note_plain_export, open_project, shareable

# The same names as qualcode.reports.REPORTS and MEASURES (a test checks): repeated here so
# that building the command line does not import the reports.
REPORT_NAMES = (
    "frequencies",
    "crosstab",
    "matrix",
    "cooccurrence",
    "quotes",
    "saturation",
    "codebook",
    "all",
)
MEASURE_NAMES = ("codings", "documents", "cases", "share_of_cases", "speakers", "words")


def _share(value: str) -> float:
    """'5%', '5 %' or '0.05' as 0.05."""
    text = value.strip().replace(" ", "")
    try:
        number = float(text.rstrip("%"))
    except ValueError:
        raise QualcodeError(f"--threshold '{value}' is not a share like 0.05 or 5%") from None
    return number / 100 if text.endswith("%") or number >= 1 else number


#: Not a report: the whole project for NVivo, ATLAS.ti or MAXQDA (``qualcode.interop``).
EXCHANGE = "qdpx"


@cli.command("export")
@click.argument("report", type=click.Choice([*REPORT_NAMES, EXCHANGE]))
@PROJECT
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="File to write; its suffix names the format: .csv .xlsx .md .docx .json .png .svg. "
    "Without it, the report is printed as JSON.",
)
@click.option("--by", metavar="ATTRIBUTE", help="Group by a case attribute, 'kind' or 'coder'.")
@click.option(
    "--coder",
    "coders",
    multiple=True,
    metavar="NAME[,NAME]",
    help="Coders whose codings count, combined (repeat or comma-separate; 'all': every coder "
    "but consensus). Default: consensus when it has codings, else every coder.",
)
@click.option(
    "--exclude-interviewer", is_flag=True, help="Leave out what is said in interviewer turns."
)
@click.option(
    "--level",
    type=click.Choice(["code", "theme"]),
    default="code",
    show_default=True,
    help="matrix, cooccurrence, saturation: every code, or top-level themes only.",
)
@click.option(
    "--cells",
    type=click.Choice(["count", "text"]),
    default="count",
    show_default=True,
    help="matrix: counts, or the excerpts themselves.",
)
@click.option(
    "--mode",
    type=click.Choice(["overlap", "turn", "document"]),
    default="overlap",
    show_default=True,
    help="cooccurrence: codes together in overlapping spans, one turn or one document.",
)
@click.option(
    "--per-code",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="quotes: excerpts per code (0: all).",
)
@click.option(
    "--select",
    "select",
    type=click.Choice(["longest", "central", "favourite", "order"]),
    default="longest",
    show_default=True,
    help="quotes: longest, most representative, favourites, or document order.",
)
@click.option(
    "--order",
    default="import",
    show_default=True,
    help="saturation: document order: import, name, or a case attribute (a date, say).",
)
@click.option(
    "--base",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="saturation: base size (documents).",
)
@click.option(
    "--run",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="saturation: run length (documents).",
)
@click.option(
    "--threshold",
    default="5%",
    show_default=True,
    help="saturation: new information threshold (5% or 0.05).",
)
@click.option(
    "--measure",
    type=click.Choice(MEASURE_NAMES),
    default="codings",
    show_default=True,
    help="crosstab cells and the bars of frequency charts.",
)
@PSEUDONYMISE
def export(
    report: str,
    project: str,
    output: str | None,
    by: str | None,
    coders: tuple[str, ...],
    exclude_interviewer: bool,
    level: str,
    cells: str,
    mode: str,
    per_code: int,
    select: str,
    order: str,
    base: int,
    run: int,
    threshold: str,
    measure: str,
    names: str | None,
) -> None:
    """Write a report: frequencies (per code and theme, --by a case attribute), crosstab
    (code x group), matrix (code x case), cooccurrence, quotes (per theme), saturation
    (Guest, Namey & Chen 2020), codebook (appendix), or all of them in one file. 'qdpx'
    writes the whole project as REFI-QDA for NVivo, ATLAS.ti or MAXQDA (as export-qdpx).

    \b
    Examples:
      qualcode export frequencies study.qualcode -o themes.xlsx --by group
      qualcode export quotes study.qualcode -o quotes.docx --per-code 3 --select central
      qualcode export cooccurrence study.qualcode -o together.png --mode turn
      qualcode export quotes study.qualcode -o share.docx --pseudonymise names.csv
    """
    if report == EXCHANGE:
        if not output:
            raise QualcodeError("export qdpx needs the file to write: -o FILE.qdpx")
        from ..interop import export_qdpx

        with open_project(project) as opened, shareable(opened, names) as shared:
            summary = export_qdpx(shared, output)
        note_plain_export(opened, output)
        for line in summary.lines():
            click.echo(line)
        for warning in summary.warnings:
            click.echo(f"qualcode: warning: {output}: {warning}", err=True)
        return
    from ..reports import build
    from ..reports import export as write_report

    options: dict[str, Any] = {
        "by": by,
        "coders": list(coders) or None,
        "exclude_interviewer": exclude_interviewer,
        "level": level,
        "cells": cells,
        "mode": mode,
        "per_code": per_code or None,
        "select": select,
        "order": order,
        "base": base,
        "run": run,
        "threshold": _share(threshold),
        "measure": measure,
    }
    with open_project(project) as opened, shareable(opened, names) as shared:
        if output is None:
            echo_json(build(shared, report, **options).to_json())
            return
        written = write_report(shared, report, output, **options)
    click.echo(f"wrote {written} ({report}{f' by {by}' if by else ''})")
    note_plain_export(opened, written)
