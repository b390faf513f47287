"""``qualcode speakers``: list speakers, set their role or case, merge aliases."""

from __future__ import annotations

import shlex

import click

from . import cli
from .common import PROJECT, echo_json, open_project


@cli.group()
def speakers() -> None:
    """List speakers; set a speaker's role or case; merge aliases."""


@speakers.command("list")
@PROJECT
@click.option("--document", help="Only this document.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def speakers_list(project: str, document: str | None, as_json: bool) -> None:
    """List speakers per document with role, case, turns and words."""
    with open_project(project) as opened:
        rows = opened.speakers(document)
    if as_json:
        echo_json([s.to_json() for s in rows])
        return
    for s in rows:
        click.echo(
            f"{s.document}: {s.label} ({s.role or '-'}; case {s.case or '-'}): "
            f"{s.turns} turns, {s.words:,} words"
        )


@speakers.command("set")
@PROJECT
@click.argument("document")
@click.argument("label")
@click.option("--role", type=click.Choice(["interviewer", "participant", "staff", "other"]))
@click.option("--case", help="Map the speaker to this case (created if new).")
def speakers_set(
    project: str, document: str, label: str, role: str | None, case: str | None
) -> None:
    """Set the role of a speaker in a document, or map the speaker to a case."""
    with open_project(project) as opened:
        s = opened.set_speaker(document, label, role=role, case=case)
    click.echo(f"{s.document}: {s.label} is now {s.role or '-'}, case {s.case or '-'}")


@speakers.command("merge")
@PROJECT
@click.argument("document")
@click.argument("keep")
@click.argument("aliases", nargs=-1, required=True)
def speakers_merge(project: str, document: str, keep: str, aliases: tuple[str, ...]) -> None:
    """Make ALIASES the same person as KEEP in DOCUMENT (their turns become KEEP's)."""
    with open_project(project) as opened:
        s = opened.merge_speakers(document, keep, aliases)
    click.echo(f"{s.document}: {', '.join(aliases)} merged into {s.label} ({s.turns} turns)")


@speakers.command("aliases")
@PROJECT
@click.option("--document", help="Only this document.")
def speakers_aliases(project: str, document: str | None) -> None:
    """Suggest labels that are likely one person (a label that is part of another)."""
    from ..project.documents import likely_aliases

    with open_project(project) as opened:
        rows = opened.speakers(document)
    by_document: dict[str, list[str]] = {}
    for s in rows:
        by_document.setdefault(s.document, []).append(s.label)
    found = 0
    for name, labels in by_document.items():
        for alias, full in likely_aliases(labels):
            found += 1
            command = " ".join(shlex.quote(v) for v in (name, full, alias))
            click.echo(
                f"{name}: '{alias}' is likely '{full}' (merge: qualcode speakers merge "
                f"{shlex.quote(project)} {command})"
            )
    if not found:
        click.echo("no likely aliases")
