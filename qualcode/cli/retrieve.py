"""``qualcode retrieve``: every coded segment of a code or theme, or a coding query (A and B,
A not B, A or B, within overlapping spans, one turn or one document), printed or written.

The segments come from :meth:`qualcode.project.Project.retrieve`; this module only parses the
options and presents them.
"""

from __future__ import annotations

import click

from ..errors import QualcodeError
from . import cli
from .common import PROJECT, PSEUDONYMISE, echo_json, open_project, pairs, shareable


@cli.command("retrieve")
@PROJECT
@click.option("--code", "code", required=True, metavar="CODE", help="The code or theme (A).")
@click.option("--and", "and_", metavar="CODE", help="Only segments of A with B (see --within).")
@click.option("--or", "or_", metavar="CODE", help="Segments of A and segments of B.")
@click.option("--not", "not_", metavar="CODE", help="Only segments of A without B (--within).")
@click.option(
    "--within",
    type=click.Choice(["overlap", "turn", "document"]),
    default="overlap",
    show_default=True,
    help="--and/--not: B overlaps the segment, is in the same turn, or the same document.",
)
@click.option(
    "--where",
    multiple=True,
    metavar="ATTR=VALUE",
    help="Only segments whose case has this attribute value (repeatable).",
)
@click.option(
    "--coder",
    "coders",
    multiple=True,
    metavar="NAME",
    help="Only this coder's codings (repeat or comma-separate).",
)
@click.option(
    "--document",
    "documents",
    multiple=True,
    metavar="NAME",
    help="Only this document (repeatable).",
)
@click.option("--text", metavar="WORDS", help="Only segments containing this (ignoring case).")
@click.option("--no-subcodes", is_flag=True, help="A theme's own codings only.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the segments to a file: .md .docx .csv .xlsx .json (by the suffix).",
)
@PSEUDONYMISE
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def retrieve(
    project: str,
    code: str,
    and_: str | None,
    or_: str | None,
    not_: str | None,
    within: str,
    where: tuple[str, ...],
    coders: tuple[str, ...],
    documents: tuple[str, ...],
    text: str | None,
    no_subcodes: bool,
    output: str | None,
    names: str | None,
    as_json: bool,
) -> None:
    """Print every coded segment of a code (a theme brings its sub-codes) across documents,
    with document, turn, speaker, case and coder, or the segments of a coding query.

    \b
    Examples:
      qualcode retrieve study.qualcode --code "Engagement barriers"
      qualcode retrieve study.qualcode --code Travel --and Cost --within turn
      qualcode retrieve study.qualcode --code Travel --not Safety --where group=staff
      qualcode retrieve study.qualcode --code Travel -o travel.docx --pseudonymise names.csv
    """
    from ..project import Query

    combined = [(op, c) for op, c in (("and", and_), ("or", or_), ("not", not_)) if c]
    if len(combined) > 1:
        raise QualcodeError("give one of --and, --or and --not")
    operator, other = combined[0] if combined else ("and", None)
    split = [n.strip() for value in coders for n in value.split(",") if n.strip()]
    query = Query.build(
        code,
        other=other,
        operator=operator,
        within=within,
        subcodes=not no_subcodes,
        where=pairs(where, "--where"),
        coders=split or None,
        documents=documents or None,
        text=text or None,
    )
    with open_project(project) as opened, shareable(opened, names) as shared:
        if output:
            from ..reports.retrieval import export_retrieval

            written = export_retrieval(opened, query, output, source=shared)
            click.echo(f"wrote {written} ({query.describe()})")
            return
        segments = opened.retrieve(query)
        if shared is not opened:  # the query runs on the project; the copy gives the texts
            segments = shared.segments_of([s.uuid for s in segments])
        path = opened.code(code).path
        leaf = not any(c.path.startswith(path + "/") for c in opened.codes())
    if as_json:
        echo_json([s.to_json() for s in segments])
        return
    for s in segments:
        where_ = f"{s.document}" + (f", turn {s.turn}" if s.turn else "")
        who = ", ".join(dict.fromkeys(x for x in (s.speaker, s.case) if x))
        marks = ("★ " if s.favourite else "") + (f"[{len(s.memos)} memo] " if s.memos else "")
        click.echo(f"{where_} · {who or 'no speaker'} · {s.code} · {s.coder}")
        click.echo(f"  {marks}“{' '.join(s.text.split())}”")
    count = f"{len(segments)} segment{'s' if len(segments) != 1 else ''}"
    click.echo(f"{count}: {query.describe(leaf=leaf)}")
