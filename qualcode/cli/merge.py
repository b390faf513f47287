"""``qualcode merge``: coders' project files folded into one.

The work is done by :mod:`qualcode.teams.merge`; this module asks for a passphrase when an input
is encrypted, shows progress and prints the summary (or JSON), and writes the report.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import cli
from .common import ask_passphrase, echo_json, status_line


@cli.command()
@click.argument("projects", nargs=-1, required=True, metavar="PROJECT...")
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="OUTPUT",
    help="The merged project to create (refused if it exists).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    metavar="FILE.md",
    help="Also write the full report (every conflict, each version) here.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def merge(projects: tuple[str, ...], output: str, report_path: str | None, as_json: bool) -> None:
    """Merge the project files PROJECT... (each coder's copy) into a new project OUTPUT.

    Documents are matched by their text, codes by UUID and then by path, coders and cases by
    name; each coder's codings stay that coder's. Nothing is dropped: conflicts (a code defined
    differently, two texts with one name) are resolved by fixed rules and listed. The inputs are
    only read. Suggestions, reconcile decisions and audit trails are not merged. Encrypted inputs
    share one passphrase, and the output is encrypted with it. See docs/teams.md.
    """
    from ..store import cipher
    from ..teams.merge import merge_projects
    from ..teams.merge_report import summary_lines, write_report

    # One passphrase for every encrypted input. With nobody to ask, the library says which
    # input is encrypted.
    encrypted = [p for p in projects if "://" not in p and cipher.is_encrypted(p)]
    can_ask = cipher.passphrase_from_env() is not None or sys.stdin.isatty()
    passphrase = ask_passphrase(encrypted[0]) if encrypted and can_ask else None
    with status_line(not as_json) as progress:
        result = merge_projects(list(projects), output, passphrase=passphrase, progress=progress)
    if report_path is not None:
        write_report(result, Path(report_path))
    if as_json:
        echo_json({**result.to_json(), "report": report_path})
        return
    for line in summary_lines(result, report_path, "; details with --report FILE.md"):
        click.echo(line)
