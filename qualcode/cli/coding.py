"""``qualcode code``, ``codings`` and ``import-codings``: apply codings and list them.

Like every command module this only parses, calls the library and prints; heavy imports stay
inside the commands.
"""

from __future__ import annotations

import click

from . import cli
from .common import PROJECT, echo_json, open_project


@cli.command()
@PROJECT
@click.option("--coder", required=True, help="Who is coding (a new name becomes a coder).")
@click.option("--document", required=True, help="Document name.")
@click.option("--code", "code_ref", required=True, help="Code path (Theme/Sub) or unique name.")
@click.option("--start", type=int, help="First character (code-point offset into the text).")
@click.option("--end", type=int, help="One past the last character.")
@click.option("--quote", help="Code the first occurrence of this phrase instead.")
@click.option("--remove", is_flag=True, help="Remove this coding instead of adding it.")
@click.option("--json", "as_json", is_flag=True, help="Print the coding as JSON.")
def code(
    project: str,
    coder: str,
    document: str,
    code_ref: str,
    start: int | None,
    end: int | None,
    quote: str | None,
    remove: bool,
    as_json: bool,
) -> None:
    """Apply a code to a span of a document, as a named coder (or --remove it)."""
    with open_project(project, actor=coder) as opened:
        action = opened.remove_code if remove else opened.apply_code
        coding = action(
            document=document, code=code_ref, coder=coder, start=start, end=end, quote=quote
        )
    if as_json:
        echo_json(coding.to_json())
        return
    verb = "removed" if remove else "coded"
    excerpt = " ".join(coding.text.split())
    excerpt = excerpt if len(excerpt) <= 60 else excerpt[:57] + "..."
    click.echo(
        f'{verb} {coding.document} {coding.start}-{coding.end} as {coding.code}: "{excerpt}"'
    )


@cli.command()
@PROJECT
@click.option("--document", help="Only this document.")
@click.option("--coder", help="Only this coder.")
@click.option("--code", "code_ref", help="Only this code.")
@click.option("--deleted", is_flag=True, help="Include removed codings.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def codings(
    project: str,
    document: str | None,
    coder: str | None,
    code_ref: str | None,
    deleted: bool,
    as_json: bool,
) -> None:
    """List codings: document, span, code, coder and the coded text."""
    with open_project(project) as opened:
        rows = opened.codings(
            document=document, coder=coder, code=code_ref, include_deleted=deleted
        )
    if as_json:
        echo_json([r.to_json() for r in rows])
        return
    for r in rows:
        excerpt = " ".join(r.text.split())
        excerpt = excerpt if len(excerpt) <= 50 else excerpt[:47] + "..."
        gone = " [removed]" if r.deleted_at else ""
        click.echo(f'{r.document} {r.start}-{r.end} {r.code} ({r.coder}){gone}: "{excerpt}"')


@cli.command("import-codings")
@PROJECT
@click.argument("file", type=click.Path())
def import_codings(project: str, file: str) -> None:
    """Apply codings from a CSV/XLSX (document, code, coder, start+end or quote): all or none."""
    with open_project(project) as opened:
        result = opened.import_codings(file)
    click.echo(f"{file}: {result.applied} codings applied, {result.duplicates} already present")
