"""``qualcode pseudonymise``: replace names, places, contact details and dates of birth in the
transcripts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..errors import QualcodeError
from . import cli
from .common import PROJECT, echo_json, open_project


@cli.command()
@PROJECT
@click.option(
    "--names",
    "names_path",
    type=click.Path(dir_okay=False),
    metavar="NAMES.csv",
    help="Names to replace: CSV, header name[,kind,replacement,aliases].",
)
@click.option(
    "--confirm",
    "confirmed",
    multiple=True,
    metavar="WORD",
    help="Also replace this candidate (a word listed as not selected).",
)
@click.option("--no-speakers", is_flag=True, help="Leave speaker labels that look like names.")
@click.option("--no-fuzzy", is_flag=True, help="Do not look for misspelt variants of names.")
@click.option(
    "--key",
    "key_path",
    type=click.Path(dir_okay=False),
    help="Where the key (original -> label) is kept (default: PROJECT-key).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be replaced; change nothing.")
@click.option("--yes", is_flag=True, help="Apply without asking (for scripts).")
@click.option("--json", "as_json", is_flag=True, help="Print the plan and the outcome as JSON.")
def pseudonymise(
    project: str,
    names_path: str | None,
    confirmed: tuple[str, ...],
    no_speakers: bool,
    no_fuzzy: bool,
    key_path: str | None,
    dry_run: bool,
    yes: bool,
    as_json: bool,
) -> None:
    """Replace names, places, contact details and dates of birth in every transcript.

    Finds them from the --names list (with aliases and misspelt variants), speaker labels,
    patterns (e-mail, phone, UK postcode, URL, date of birth) and capitalised words the English
    lexicon does not know (candidates: listed, replaced only with --confirm). Shows the plan
    first. Each changed document becomes a new version with its codings carried over; a backup
    is made first, and the key is written apart from the project.
    """

    from ..privacy.names import load_names
    from ..privacy.pseudonymise import plan_for

    names = load_names(names_path) if names_path else []
    with open_project(project) as opened:
        key = opened.pseudonym_key(key_path)
        plan = plan_for(
            opened, names, key=key, speakers=not no_speakers, fuzzy=not no_fuzzy, confirm=confirmed
        )
        rows = plan.rows()
        if as_json and dry_run:
            echo_json([_row(e) for e in rows])
            return
        if not as_json:
            _print_plan(rows)
            for line in plan.summary():
                click.echo(f"  {line}")
        chosen = plan.chosen()
        if not chosen:
            click.echo("nothing selected to replace")
            return
        documents = len(plan.by_document())
        if dry_run:
            click.echo(
                f"dry run: {len(chosen)} replacements in {documents} documents; nothing changed"
            )
            return
        if not yes:
            if not sys.stdin.isatty():
                raise QualcodeError("add --yes to apply without being asked (no terminal here)")
            if not click.confirm(f"apply {len(chosen)} replacements in {documents} documents?"):
                click.echo("nothing changed")
                return
        result = opened.pseudonymise(plan, key_path=key_path)
    if as_json:
        echo_json({"plan": [_row(e) for e in rows], "result": _outcome(result)})
        return
    click.echo(
        f"pseudonymised {result.documents} documents: {result.replacements} replacements; "
        f"{result.codings} codings carried over; {result.memos} memos changed"
    )
    for old, new in result.renamed.items():
        click.echo(f"  renamed {old} -> {new}")
    click.echo(f"key: {result.key} ({result.new_in_key} new; keep it apart from the project)")
    if result.backup is not None:
        click.echo(f"the original text is in the backup {result.backup}; delete it once checked")
    if result.audit_mentions:
        click.echo(
            f"note: {result.audit_mentions} earlier audit-trail entries mention a "
            "replaced name; the audit trail is append-only: share exports, not the "
            "project"
        )


def _print_plan(rows: list[Any]) -> None:
    if not rows:
        return
    width = min(30, max(len(e.original) for e in rows))
    click.echo(f"  {'':4}{'found':<{width}}  {'kind':<12} {'source':<9} {'times':>5}  replacement")
    for e in rows:
        mark = "[x] " if e.selected else "[ ] "
        click.echo(
            f"  {mark}{e.original[:width]:<{width}}  {e.kind:<12} {e.source:<9} "
            f"{e.count:>5}  {e.replacement}"
        )
    if any(not e.selected for e in rows):
        click.echo("  [ ] = a candidate, not replaced; add it with --confirm WORD or to the list")


def _row(e: Any) -> dict[str, Any]:
    return {
        "found": e.original,
        "kind": e.kind,
        "source": e.source,
        "count": e.count,
        "documents": sorted(e.documents),
        "replacement": e.replacement,
        "selected": e.selected,
        "spellings": sorted(e.spellings),
    }


def _outcome(result: Any) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(result).items()}
