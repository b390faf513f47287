"""``qualcode encrypt``, ``decrypt``, ``passphrase`` and ``pseudonymise``: privacy commands.

The work is done by :mod:`qualcode.store.cipher` and :mod:`qualcode.privacy`; this module asks
for passphrases and confirmation, and prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .cli import PROJECT, _echo_json, _open, _passphrase, cli
from .errors import QualcodeError


def _project_file(project: str) -> Path:
    if "://" in project:
        raise QualcodeError(f"{project}: only project files are encrypted by qualcode")
    return Path(project)


@cli.command()
@PROJECT
def encrypt(project: str) -> None:
    """Encrypt PROJECT (and its backups) with a passphrase, in place.

    Asks for the new passphrase twice (or reads QUALCODE_PASSPHRASE). Close the project
    everywhere first. On a project that is already encrypted, finishes what an interrupted run
    left: plaintext backups and partial copies (asks for the project's passphrase). Needs: pip
    install 'qualcode[encryption]'.
    """
    from .store import cipher

    path = _project_file(project)
    cipher.cipher_module()
    if cipher.is_encrypted(path):
        left = cipher.plaintext_leftovers(path)
        if not left:
            raise cipher.EncryptionError(f"{project}: already encrypted")
        click.echo(f"{project} is encrypted, but {_count(len(left), 'plaintext file')} "
                   "left by an interrupted run remain; finishing", err=True)  # fmt: skip
        done = cipher.encrypt_file(path, _passphrase(project) or "")
        click.echo(f"finished encrypting {project}" + _summary(done))
    else:
        done = cipher.encrypt_file(path, _passphrase(project, new=True) or "")
        click.echo(f"encrypted {project}" + _summary(done))
    _report_skipped(done)


@cli.command()
@PROJECT
def decrypt(project: str) -> None:
    """Remove the encryption of PROJECT (and its backups), in place."""
    from .store import cipher

    path = _project_file(project)
    cipher.cipher_module()
    if not cipher.is_encrypted(path):
        raise cipher.EncryptionError(f"{project}: not encrypted")
    done = cipher.decrypt_file(path, _passphrase(project) or "")
    click.echo(f"decrypted {project}" + _summary(done))
    _report_skipped(done)


@cli.command()
@PROJECT
def passphrase(project: str) -> None:
    """Change the passphrase of an encrypted PROJECT (and its backups).

    A plaintext backup found in the backup folder is encrypted with the new passphrase.
    """
    from .store import cipher

    path = _project_file(project)
    if not cipher.is_encrypted(path):
        raise cipher.EncryptionError(f"{project}: not encrypted (see: qualcode encrypt --help)")
    old = _passphrase(project) or ""
    cipher.check_passphrase(path, old)
    new = click.prompt(f"new passphrase for {project}", hide_input=True,
                       confirmation_prompt=True, err=True)  # fmt: skip
    done = cipher.change_passphrase(path, old, str(new))
    click.echo(f"changed the passphrase of {project}" + _summary(done))
    _report_skipped(done)


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"


def _summary(done: Any) -> str:
    parts = []
    if done.backups:
        parts.append(_count(len(done.backups), "backup"))
    if done.removed:
        parts.append(f"removed {_count(len(done.removed), 'leftover partial file')}")
    return (" and " if done.project else ": ") + "; ".join(parts) if parts else ""


def _report_skipped(done: Any) -> None:
    for file, why in done.skipped:
        click.echo(f"qualcode: warning: {file}: {why}", err=True)


@cli.command()
@PROJECT
@click.option("--names", "names_path", type=click.Path(dir_okay=False), metavar="NAMES.csv",
              help="Names to replace: CSV, header name[,kind,replacement,aliases].")  # fmt: skip
@click.option("--confirm", "confirmed", multiple=True, metavar="WORD",
              help="Also replace this candidate (a word listed as not selected).")  # fmt: skip
@click.option("--no-speakers", is_flag=True, help="Leave speaker labels that look like names.")
@click.option("--no-fuzzy", is_flag=True, help="Do not look for misspelt variants of names.")
@click.option("--key", "key_path", type=click.Path(dir_okay=False),
              help="Where the key (original -> label) is kept (default: PROJECT-key).")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Show what would be replaced; change nothing.")
@click.option("--yes", is_flag=True, help="Apply without asking (for scripts).")
@click.option("--json", "as_json", is_flag=True, help="Print the plan and the outcome as JSON.")
def pseudonymise(project: str, names_path: str | None, confirmed: tuple[str, ...],
                 no_speakers: bool, no_fuzzy: bool, key_path: str | None, dry_run: bool,
                 yes: bool, as_json: bool) -> None:  # fmt: skip
    """Replace names, places, contact details and dates of birth in every transcript.

    Finds them from the --names list (with aliases and misspelt variants), speaker labels,
    patterns (e-mail, phone, UK postcode, URL, date of birth) and capitalised words the English
    lexicon does not know (candidates: listed, replaced only with --confirm). Shows the plan
    first. Each changed document becomes a new version with its codings carried over; a backup
    is made first, and the key is written apart from the project.
    """
    import sys

    from .privacy.names import load_names
    from .privacy.pseudonymise import plan_for

    names = load_names(names_path) if names_path else []
    with _open(project) as opened:
        key = opened.pseudonym_key(key_path)
        plan = plan_for(opened, names, key=key, speakers=not no_speakers, fuzzy=not no_fuzzy,
                        confirm=confirmed)  # fmt: skip
        rows = plan.rows()
        if as_json and dry_run:
            _echo_json([_row(e) for e in rows])
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
            click.echo(f"dry run: {len(chosen)} replacements in {documents} documents; "
                       "nothing changed")  # fmt: skip
            return
        if not yes:
            if not sys.stdin.isatty():
                raise QualcodeError("add --yes to apply without being asked (no terminal here)")
            if not click.confirm(f"apply {len(chosen)} replacements in {documents} documents?"):
                click.echo("nothing changed")
                return
        result = opened.pseudonymise(plan, key_path=key_path)
    if as_json:
        _echo_json({"plan": [_row(e) for e in rows], "result": _outcome(result)})
        return
    click.echo(f"pseudonymised {result.documents} documents: {result.replacements} replacements; "
               f"{result.codings} codings carried over; {result.memos} memos changed")  # fmt: skip
    for old, new in result.renamed.items():
        click.echo(f"  renamed {old} -> {new}")
    click.echo(f"key: {result.key} ({result.new_in_key} new; keep it apart from the project)")
    if result.backup is not None:
        click.echo(f"the original text is in the backup {result.backup}; delete it once checked")
    if result.audit_mentions:
        click.echo(f"note: {result.audit_mentions} earlier audit-trail entries mention a "
                   "replaced name; the audit trail is append-only: share exports, not the "
                   "project")  # fmt: skip


def _print_plan(rows: list[Any]) -> None:
    if not rows:
        return
    width = min(30, max(len(e.original) for e in rows))
    click.echo(f"  {'':4}{'found':<{width}}  {'kind':<12} {'source':<9} {'times':>5}  replacement")
    for e in rows:
        mark = "[x] " if e.selected else "[ ] "
        click.echo(f"  {mark}{e.original[:width]:<{width}}  {e.kind:<12} {e.source:<9} "
                   f"{e.count:>5}  {e.replacement}")  # fmt: skip
    if any(not e.selected for e in rows):
        click.echo("  [ ] = a candidate, not replaced; add it with --confirm WORD or to the list")


def _row(e: Any) -> dict[str, Any]:
    return {"found": e.original, "kind": e.kind, "source": e.source, "count": e.count,
            "documents": sorted(e.documents), "replacement": e.replacement,
            "selected": e.selected, "spellings": sorted(e.spellings)}  # fmt: skip


def _outcome(result: Any) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(result).items()}
