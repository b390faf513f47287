"""``qualcode import``, ``documents`` and ``show``: transcripts in, listed, printed."""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING

import click

from . import cli
from .common import PROJECT, echo_json, open_project, pairs
from .hints import worded

if TYPE_CHECKING:
    from ..project.records import ImportOutcome


@cli.command("import")
@PROJECT
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--kind", type=click.Choice(["interview", "focus-group", "notes", "survey-response"]))
@click.option("--case", help="Case the documents belong to (created if new).")
@click.option("--name", help="Document name (one file only; default: the file name's stem).")
@click.option(
    "--role",
    "roles",
    multiple=True,
    metavar="LABEL=ROLE",
    help="Role of a speaker label: interviewer, participant, staff, other.",
)
@click.option(
    "--responses",
    type=click.Choice(["row", "column"]),
    default="row",
    help="CSV/XLSX of answers: one document per row or per column.",
)
@click.option("--text-column", "text_columns", multiple=True, help="Column(s) holding answers.")
@click.option("--id-column", help="Column naming the respondent.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def import_(
    project: str,
    files: tuple[str, ...],
    kind: str | None,
    case: str | None,
    name: str | None,
    roles: tuple[str, ...],
    responses: str,
    text_columns: tuple[str, ...],
    id_column: str | None,
    as_json: bool,
) -> None:
    """Import transcripts (txt, md, docx, vtt, srt, nlp, csv, xlsx). Each file imports whole or
    not at all; the other files still import."""
    from ..importers.base import ImportOptions
    from ..terminal import raw_stream

    options = ImportOptions(responses=responses, text_columns=text_columns, id_column=id_column)
    with open_project(project) as opened, contextlib.ExitStack() as stack:
        progress = None
        if sys.stderr.isatty() and len(files) > 1 and not as_json:
            bar = stack.enter_context(
                click.progressbar(length=len(files), label="importing", file=raw_stream(sys.stderr))
            )

            def progress(_done: int, _total: int, _path: str) -> None:
                bar.update(1)

        outcomes = opened.import_files(
            files,
            kind=kind,
            case=case,
            name=name,
            roles=pairs(roles, "--role"),
            options=options,
            progress=progress,
        )
    if as_json:
        echo_json([o.to_json() | {"error": _error(o)} for o in outcomes])
    else:
        for outcome in outcomes:
            if outcome.error:
                click.echo(f"qualcode: error: {_error(outcome)}", err=True)
            for doc in outcome.documents:
                click.echo(
                    f"imported {doc.name}: {doc.words:,} words, {doc.turns:,} turns, "
                    f"{doc.speakers} speakers ({doc.format}, {doc.kind})"
                )
            for warning in outcome.warnings:
                click.echo(f"qualcode: warning: {outcome.path}: {warning}", err=True)
    if any(o.error for o in outcomes):
        sys.exit(1)


def _error(outcome: ImportOutcome) -> str | None:
    """Why a file was not imported, with how to fix it in the CLI's words."""
    return worded(outcome.error, outcome.hint) if outcome.error is not None else None


@cli.command()
@PROJECT
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def documents(project: str, as_json: bool) -> None:
    """List the documents: name, kind, case, words, turns, speakers."""
    with open_project(project) as opened:
        docs = opened.documents()
    if as_json:
        echo_json([d.to_json() for d in docs])
        return
    if not docs:
        click.echo("no documents yet (add some with: qualcode import PROJECT FILES...)")
        return
    width = max(len(d.name) for d in docs)
    click.echo(f"{'name':<{width}}  {'kind':<15} {'case':<10} {'words':>7} {'turns':>6} speakers")
    for d in docs:
        click.echo(
            f"{d.name:<{width}}  {d.kind:<15} {d.case or '-':<10} {d.words:>7,} {d.turns:>6} "
            f"{d.speakers:>8}"
        )


@cli.command()
@PROJECT
@click.argument("document")
@click.option("--turns", "show_turns", is_flag=True, help="List the turns with their offsets.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (text and turns).")
def show(project: str, document: str, show_turns: bool, as_json: bool) -> None:
    """Print a document's stored text (offsets in codings refer to it)."""
    with open_project(project) as opened:
        text = opened.document_text(document)
        turns = opened.turns(document) if (show_turns or as_json) else []
    if as_json:
        echo_json({"name": document, "text": text, "turns": [t.to_json() for t in turns]})
    elif show_turns:
        for t in turns:
            body = " ".join(text[t.body_start : t.end].split())
            body = body if len(body) <= 70 else body[:67] + "..."
            click.echo(f"{t.ordinal:>4} {t.start:>7}-{t.end:<7} {t.speaker or '-':<14} {body}")
    else:
        click.echo(text)
