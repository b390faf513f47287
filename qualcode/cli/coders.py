"""``qualcode coders``: the people who code."""

from __future__ import annotations

import click

from . import cli
from .common import PROJECT, echo_json, open_project


@cli.group()
def coders() -> None:
    """The people who code (and the reserved consensus coder)."""


@coders.command("list")
@PROJECT
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def coders_list(project: str, as_json: bool) -> None:
    """List coders and their roles."""
    with open_project(project) as opened:
        rows = opened.coders()
    if as_json:
        echo_json([c.to_json() for c in rows])
    else:
        for c in rows:
            click.echo(f"{c.name} ({c.role})")


@coders.command("add")
@PROJECT
@click.argument("name")
@click.option("--role", type=click.Choice(["coder", "supervisor"]), default="coder")
def coders_add(project: str, name: str, role: str) -> None:
    """Add a coder (coding as a new name also adds one)."""
    with open_project(project) as opened:
        coder = opened.add_coder(name, role)
    click.echo(f"added {coder.name} ({coder.role})")
