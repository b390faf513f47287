"""REFI-QDA on the command line: ``import-qdpx`` and ``export-qdpx``.

``.qdc`` codebooks go through ``codebook import`` and ``codebook export`` (by file suffix). Like
the other command modules this only parses, calls ``qualcode.interop`` and prints; lxml and the
project are imported inside the commands so ``qualcode --help`` stays cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from . import cli
from .common import (
    PROJECT,
    PSEUDONYMISE,
    echo_json,
    note_plain_export,
    open_project,
    shareable,
    status_line,
)


def _report(summary: Any, file: str) -> None:
    for line in summary.lines():
        click.echo(line)
    for warning in summary.warnings:
        click.echo(f"qualcode: warning: {file}: {warning}", err=True)
    for skipped in summary.skipped:
        click.echo(f"qualcode: skipped: {file}: {skipped}", err=True)


@cli.command("import-qdpx")
@click.argument("file", type=click.Path())
@click.option(
    "-o",
    "--output",
    "target",
    required=True,
    metavar="PROJECT",
    help="The project to import into; created if it does not exist.",
)
@click.option("--coder", help="Who wrote codings and notes the file names no user for.")
@click.option("--json", "as_json", is_flag=True, help="Print the import summary as JSON.")
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse the file (exit status 3, nothing written) if anything in it "
    "would be skipped; by default it imports and the skips are listed.",
)
def import_qdpx_command(
    file: str, target: str, coder: str | None, as_json: bool, strict: bool
) -> None:
    """Import a REFI-QDA project (.qdpx from NVivo, ATLAS.ti, MAXQDA, QualCoder...; or a bare
    .qde) with its codes, documents, coders, codings, memos, cases and variables. All or
    nothing: a file that cannot be read leaves the project as it was; what the file holds that
    cannot be imported is listed as skipped (with --strict the file is then refused)."""
    from ..interop import import_qdpx, import_qdpx_new
    from ..interop.summary import SkippedError
    from ..store import engine

    try:
        with status_line(not as_json) as progress:
            if engine.is_url(target) or Path(target).exists():
                with open_project(target) as opened:
                    summary = import_qdpx(
                        opened, file, coder=coder, progress=progress, strict=strict
                    )
                created = False
            else:
                summary = import_qdpx_new(
                    file, target, coder=coder, progress=progress, strict=strict
                )
                created = True
    except SkippedError as exc:
        for skipped in exc.skipped:
            click.echo(f"qualcode: skipped: {file}: {skipped}", err=True)
        raise
    if created and not as_json:
        click.echo(f"created {target}")
    if as_json:
        echo_json(summary.to_json())
    else:
        _report(summary, file)


@cli.command("export-qdpx")
@PROJECT
@click.option("-o", "--output", required=True, type=click.Path(), help="The .qdpx file to write.")
@click.option(
    "--utf16", is_flag=True, help="Positions in UTF-16 units, as NVivo counts, not code points."
)
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@PSEUDONYMISE
def export_qdpx_command(
    project: str, output: str, utf16: bool, as_json: bool, names: str | None
) -> None:
    """Export the project as REFI-QDA (.qdpx): codes, documents, every coder's codings, memos,
    cases and attributes, for NVivo, ATLAS.ti, MAXQDA or another qualcode."""
    from ..interop import export_qdpx

    with (
        status_line(not as_json) as progress,
        open_project(project) as opened,
        shareable(opened, names) as shared,
    ):
        summary = export_qdpx(shared, output, progress=progress, utf16=utf16)
    note_plain_export(opened, output)
    if as_json:
        echo_json(summary.to_json())
        return
    for line in summary.lines():
        click.echo(line)
    for warning in summary.warnings:
        click.echo(f"qualcode: warning: {output}: {warning}", err=True)
