"""``qualcode codebook``: show, import, export, extend and validate a codebook."""

from __future__ import annotations

from pathlib import Path

import click

from . import cli
from .common import PROJECT, echo_json, note_plain_export, open_project


@cli.group()
def codebook() -> None:
    """Show, import, export and extend the project's codebook."""


@codebook.command("show")
@PROJECT
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--full", is_flag=True, help="Also print each code's definition.")
def codebook_show(project: str, as_json: bool, full: bool) -> None:
    """Print the code tree with the number of codings of each code."""
    with open_project(project) as opened:
        codes = opened.codes()
    if as_json:
        echo_json([c.to_json() | {"name": c.name} for c in codes])
        return
    if not codes:
        click.echo("the codebook is empty (import one with: qualcode codebook import PROJECT FILE)")
    for c in codes:
        flags = "".join(
            [" [archived]" if c.archived else "", " [not codable]" if not c.codable else ""]
        )
        click.echo(f"{'  ' * c.depth}{c.name} ({c.codings}){flags}")
        if full and c.definition:
            click.echo(f"{'  ' * c.depth}  - {' '.join(c.definition.split())}")


@codebook.command("import")
@PROJECT
@click.argument("file", type=click.Path())
@click.option("--coder", help="For .qdc: who writes the memos made from code sets.")
def codebook_import(project: str, file: str, coder: str | None) -> None:
    """Merge a YAML or REFI-QDA (.qdc) codebook into the project (codes matched by path; new
    ones added)."""
    from ..interop import is_refi_file

    if is_refi_file(file):  # .qdc, or a project or archive, which the reader names
        from ..interop import import_qdc

        with open_project(project) as opened:
            summary = import_qdc(opened, file, coder=coder)
        unchanged = summary.matched["codes"] - summary.updated["codes"]
        memos = summary.added["memos"]
        click.echo(
            f"{file}: {summary.added['codes']} codes added, {summary.updated['codes']} updated, "
            f"{unchanged} unchanged" + (f", {memos} memos from code sets" if memos else "")
        )
        for line in summary.warnings:
            click.echo(f"qualcode: warning: {file}: {line}", err=True)
        for line in summary.skipped:
            click.echo(f"qualcode: skipped: {file}: {line}", err=True)
        return
    from ..codebook import load_codebook

    book = load_codebook(file)
    with open_project(project) as opened:
        counts = opened.import_codebook(book, source=file)
    click.echo(
        f"{file}: {counts['added']} codes added, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged"
    )


@codebook.command("export")
@PROJECT
@click.option("-o", "--output", type=click.Path(), help="Write to this file (default: stdout).")
@click.option("--include-archived", is_flag=True, help="Keep archived codes.")
def codebook_export(project: str, output: str | None, include_archived: bool) -> None:
    """Write the codebook as YAML (the same shape ``codebook import`` reads), or as REFI-QDA
    when the output file ends in .qdc."""
    if output and Path(output).suffix.lower() == ".qdc":
        from ..interop import export_qdc

        with open_project(project) as opened:
            written = export_qdc(opened, output, include_archived=include_archived)
        click.echo(f"wrote {written.counts['codes']} codes to {output}")
        note_plain_export(opened, output)
        return
    from ..codebook import dump_codebook, save_codebook

    with open_project(project) as opened:
        book = opened.export_codebook(include_archived=include_archived)
    if output:
        save_codebook(book, output)
        click.echo(f"wrote {book.count()} codes to {output}")
        note_plain_export(opened, output)
    else:
        click.echo(dump_codebook(book), nl=False)


@codebook.command("add")
@PROJECT
@click.argument("name")
@click.option("--parent", help="Code to nest the new code under (path or unique name).")
@click.option("--definition", default="")
@click.option("--inclusion", default="")
@click.option("--exclusion", default="")
@click.option("--example", default="")
@click.option("--keyword", "keywords", multiple=True, help="A word that signals the code.")
@click.option("--color", help="Colour as #RRGGBB.")
def codebook_add(
    project: str,
    name: str,
    parent: str | None,
    keywords: tuple[str, ...],
    color: str | None,
    **fields: str,
) -> None:
    """Add a code to the codebook."""
    with open_project(project) as opened:
        code = opened.add_code(name, parent=parent, keywords=list(keywords), color=color, **fields)
    click.echo(f"added {code.path}")


@codebook.command("validate")
@click.argument("file", type=click.Path())
def codebook_validate(file: str) -> None:
    """Check a YAML codebook file without a project."""
    from ..codebook import load_codebook

    book = load_codebook(file)
    click.echo(f"{file}: valid, {book.count()} codes")
