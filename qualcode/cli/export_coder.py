"""``qualcode export-coder``: one coder's layer of a project, as a project file of its own."""

from __future__ import annotations

import click

from . import cli
from .common import PROJECT, ask_passphrase, echo_json


@cli.command("export-coder")
@PROJECT
@click.option("--coder", required=True, help="Whose codings and memos to write.")
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="OUTPUT",
    help="The project file to create (refused if it exists).",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
def export_coder(project: str, coder: str, output: str, as_json: bool) -> None:
    """Write one coder's layer of PROJECT to a new project file OUTPUT.

    OUTPUT holds the coder's codings (removed ones too) and memos, the documents they are on
    and the codebook: send it to the team, where 'qualcode merge TEAM OUTPUT -o NEW' folds it
    back in. An encrypted PROJECT gives an OUTPUT encrypted with the same passphrase.
    """
    from ..teams.coder_layer import export_coder as export

    done = export(project, coder, output, passphrase=ask_passphrase(project))
    if as_json:
        echo_json(vars(done))
        return
    click.echo(
        f"wrote {done.coder}'s layer of {project} to {done.output}: {done.codings:,} codings "
        f"on {done.documents} documents, {done.memos} memos, {done.codes} codes"
    )
    if done.memos_left_out:
        click.echo(
            f"note: {done.memos_left_out} of {done.coder}'s memos are on other coders' "
            "codings and were left out"
        )
