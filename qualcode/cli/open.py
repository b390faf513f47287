"""``qualcode open``: the terminal UI on a project."""

from __future__ import annotations

import click

from . import cli
from .common import PROJECT, with_password


@cli.command("open")
@PROJECT
@click.option("--coder", help="Code as this person (default: the name you gave last time).")
@click.option("--document", help="Open this document straight away.")
def open_(project: str, coder: str | None, document: str | None) -> None:
    """Open a project in the terminal UI (asks for the passphrase of an encrypted one)."""
    from ..tui import make_app
    from ..tui.unlock import passphrase_for

    passphrase = passphrase_for(project)
    if passphrase is None and cipher_needed(project):
        return
    app = with_password(
        project,
        lambda password: make_app(
            project, coder, document=document, passphrase=passphrase, password=password
        ),
    )
    app.run()


def cipher_needed(project: str) -> bool:
    from ..store import cipher

    return "://" not in project and cipher.is_encrypted(project)
