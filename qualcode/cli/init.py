"""``qualcode init``: create a project."""

from __future__ import annotations

import click

from . import cli
from .common import PROJECT, ask_passphrase, with_password


@cli.command()
@PROJECT
@click.option("--codebook", "codebook_path", type=click.Path(), help="YAML codebook to start with.")
@click.option(
    "--encrypt",
    is_flag=True,
    help="Encrypt the file (SQLCipher); asks for a passphrase, or reads "
    "QUALCODE_PASSPHRASE. Needs: pip install 'qualcode[encryption]'.",
)
def init(project: str, codebook_path: str | None, encrypt: bool) -> None:
    """Create a new project (one SQLite file)."""
    from ..codebook import load_codebook
    from ..project import Project
    from ..store import cipher

    codebook = load_codebook(codebook_path) if codebook_path else None
    passphrase = None
    if encrypt:
        cipher.cipher_module()  # say a missing extra before asking for a passphrase
        passphrase = ask_passphrase(project, new=True)
    made = with_password(
        project, lambda password: Project.create(project, passphrase=passphrase, password=password)
    )
    with made as created:
        if codebook is not None:
            counts = created.import_codebook(codebook, source=str(codebook_path))
            click.echo(f"created {project} with {counts['added']} codes from {codebook_path}")
        else:
            click.echo(f"created {project}")
