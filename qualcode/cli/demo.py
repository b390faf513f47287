"""``qualcode demo``: a demo project from the sample material, opened in the terminal UI."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import cli


@cli.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False),
    help="Where to create the demo project (default: a fresh temporary folder).",
)
@click.option("--coder", help="Code as this person (default: the name you gave last time).")
@click.option("--no-ui", is_flag=True, help="Build the demo project and print a summary only.")
def demo(folder: str | None, coder: str | None, no_ui: bool) -> None:
    """Create a demo project from the sample codebook, transcripts and cases, and open it."""
    from ..demo import build_demo

    project, report = build_demo(Path(folder) if folder else None, echo=click.echo)
    if no_ui:
        click.echo(report)
        click.echo(
            f"\nThe demo project is {project}. Try:\n"
            f"  qualcode open {project}\n"
            f"  qualcode documents {project}\n"
            f"  qualcode codebook show {project}\n"
            f"  qualcode codings {project}\n"
        )
        return
    from ..tui import make_app

    make_app(project, coder).run()
    click.echo(f"The demo project is {project} (open it again with: qualcode open {project})")
    sys.stdout.flush()
