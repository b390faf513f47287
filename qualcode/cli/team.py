"""``qualcode team``: roles and blind coding for a team project.

The work is done by :mod:`qualcode.teams.access` (roles enforced by a PostgreSQL server) and
the project's own role checks; this module parses the arguments and prints.
"""

from __future__ import annotations

import click

from . import cli
from .common import PROJECT, open_project


@cli.group("team")
def team_group() -> None:
    """Roles and blind coding. A project with a supervisor is a team project: supervisors
    change the codebook and reconcile, coders change only their own codings and memos."""


@team_group.command("setup")
@PROJECT
def setup(project: str) -> None:
    """On PostgreSQL, make the server enforce the roles (run once, as the database owner)."""
    from ..teams.access import setup_access

    with open_project(project) as opened:
        setup_access(opened)
    click.echo(f"{project}: roles are enforced by the server (add members: qualcode team add)")


@team_group.command("add")
@PROJECT
@click.argument("name")
@click.option("--supervisor", is_flag=True, help="A supervisor, not a coder.")
@click.option(
    "--password",
    "ask_password",
    is_flag=True,
    help="Ask for the member's login password (else they log in as the server's "
    "authentication allows).",
)
def add(project: str, name: str, supervisor: bool, ask_password: bool) -> None:
    """Add a member on PostgreSQL: a database login called NAME and the coder NAME."""
    from ..teams.access import add_member

    password = None
    if ask_password:
        password = str(
            click.prompt(
                f"password for {name}", hide_input=True, confirmation_prompt=True, err=True
            )
        )
    with open_project(project) as opened:
        add_member(opened, name, supervisor=supervisor, password=password)
    click.echo(f"added {name} as a {'supervisor' if supervisor else 'coder'}")


def _blinding(project: str, coder: str, on: bool) -> None:
    with open_project(project, actor=coder) as opened:
        opened.set_blind(on)


@team_group.command("blind")
@PROJECT
@click.option("--coder", required=True, help="The supervisor doing it.")
def blind(project: str, coder: str) -> None:
    """Blind the coders: each sees only their own codings (no agreement, no reports)."""
    _blinding(project, coder, True)
    click.echo(f"{project}: coding is blind; unblind it with: qualcode team unblind")


@team_group.command("unblind")
@PROJECT
@click.option("--coder", required=True, help="The supervisor doing it.")
def unblind(project: str, coder: str) -> None:
    """Let every coder see everyone's codings again."""
    _blinding(project, coder, False)
    click.echo(f"{project}: coding is no longer blind")
