"""``qualcode log``: the audit trail."""

from __future__ import annotations

import click

from . import cli
from .common import PROJECT, echo_json, open_project


@cli.command()
@PROJECT
@click.option("--limit", type=int, default=50, show_default=True, help="0 for everything.")
@click.option("--actor", help="Only this person.")
@click.option("--action", help="Only this action, or actions starting with it (e.g. coding.).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def log(project: str, limit: int, actor: str | None, action: str | None, as_json: bool) -> None:
    """Show the audit trail, newest first: who did what, when."""
    with open_project(project) as opened:
        entries = opened.log(limit=limit or None, actor=actor, action=action)
    if as_json:
        echo_json([e.to_json() for e in entries])
        return
    for e in entries:
        detail = ", ".join(f"{k}={v}" for k, v in e.payload.items() if k not in ("text", "new"))
        click.echo(f"{e.at:%Y-%m-%d %H:%M:%S} {e.actor} {e.action} {detail}")
