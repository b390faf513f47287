"""``qualcode merge`` and ``qualcode export-coder``: coders' project files in and out of a team.

The work is done by :mod:`qualcode.teams`; this module asks for a passphrase when an input is
encrypted, shows progress and prints the summary (or JSON), and writes the report.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli import PROJECT, _echo_json, _passphrase, _status_line, cli


@cli.command()
@click.argument("projects", nargs=-1, required=True, metavar="PROJECT...")
@click.option("-o", "--output", required=True, metavar="OUTPUT",
              help="The merged project to create (refused if it exists).")  # fmt: skip
@click.option("--report", "report_path", type=click.Path(dir_okay=False), metavar="FILE.md",
              help="Also write the full report (every conflict, each version) here.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def merge(projects: tuple[str, ...], output: str, report_path: str | None, as_json: bool) -> None:
    """Merge the project files PROJECT... (each coder's copy) into a new project OUTPUT.

    Documents are matched by their text, codes by UUID and then by path, coders and cases by
    name; each coder's codings stay that coder's. Nothing is dropped: conflicts (a code defined
    differently, two texts with one name) are resolved by fixed rules and listed. The inputs are
    only read. Suggestions, reconcile decisions and audit trails are not merged. Encrypted inputs
    share one passphrase, and the output is encrypted with it. See docs/teams.md.
    """
    from .store import cipher
    from .teams.merge import merge_projects
    from .teams.merge_report import summary_lines, write_report

    # One passphrase for every encrypted input. With nobody to ask, the library says which
    # input is encrypted.
    encrypted = [p for p in projects if "://" not in p and cipher.is_encrypted(p)]
    can_ask = cipher.passphrase_from_env() is not None or sys.stdin.isatty()
    passphrase = _passphrase(encrypted[0]) if encrypted and can_ask else None
    with _status_line(not as_json) as progress:
        result = merge_projects(list(projects), output, passphrase=passphrase, progress=progress)
    if report_path is not None:
        write_report(result, Path(report_path))
    if as_json:
        _echo_json({**result.to_json(), "report": report_path})
        return
    for line in summary_lines(result, report_path):
        click.echo(line)


@cli.command("export-coder")
@PROJECT
@click.option("--coder", required=True, help="Whose codings and memos to write.")
@click.option("-o", "--output", required=True, metavar="OUTPUT",
              help="The project file to create (refused if it exists).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
def export_coder(project: str, coder: str, output: str, as_json: bool) -> None:
    """Write one coder's layer of PROJECT to a new project file OUTPUT.

    OUTPUT holds the coder's codings (removed ones too) and memos, the documents they are on
    and the codebook: send it to the team, where 'qualcode merge TEAM OUTPUT -o NEW' folds it
    back in. An encrypted PROJECT gives an OUTPUT encrypted with the same passphrase.
    """
    from .teams.coder_layer import export_coder as export

    done = export(project, coder, output, passphrase=_passphrase(project))
    if as_json:
        _echo_json(vars(done))
        return
    click.echo(
        f"wrote {done.coder}'s layer of {project} to {done.output}: {done.codings:,} codings "
        f"on {done.documents} documents, {done.memos} memos, {done.codes} codes"
    )
    if done.memos_left_out:
        click.echo(f"note: {done.memos_left_out} of {done.coder}'s memos are on other coders' "
                   "codings and were left out")  # fmt: skip
