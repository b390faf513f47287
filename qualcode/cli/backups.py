"""``qualcode backups``: list, make and restore copies of a project file.

The work is done by :mod:`qualcode.store.backups`; this module parses the arguments and prints.
"""

from __future__ import annotations

import click

from . import cli
from .common import PROJECT, ask_passphrase, echo_json


def _size(size: int) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size:.1f} GB"


@cli.group("backups")
def backups_group() -> None:
    """Copies of a project file, kept in the folder PROJECT.backups beside it.

    qualcode also makes one before it upgrades an older project's schema, before a code merge,
    before pseudonymisation and before a restore.
    """


@backups_group.command("list")
@PROJECT
@click.option("--json", "as_json", is_flag=True, help="Print the backups as JSON.")
def list_(project: str, as_json: bool) -> None:
    """List the backups of PROJECT, oldest first."""
    from ..store.backups import list_backups

    found = list_backups(project)
    if as_json:
        echo_json(
            [{**vars(b), "path": str(b.path), "created": b.created.isoformat()} for b in found]
        )
        return
    if not found:
        click.echo(f"no backups of {project} (make one with: qualcode backups create {project})")
        return
    click.echo(f"backups of {project} in {found[0].path.parent}:")
    width = max(len(b.reason) for b in found)
    for b in found:
        click.echo(
            f"  {b.created:%Y-%m-%d %H:%M:%S} UTC  {b.reason:<{width}}  {_size(b.size):>9}  "
            f"{b.path.name}"
        )


@backups_group.command("create")
@PROJECT
@click.option(
    "--reason",
    default="manual",
    show_default=True,
    help="Why the backup is made (becomes part of its file name).",
)
def create(project: str, reason: str) -> None:
    """Back up PROJECT now (safe while it is open in qualcode)."""
    from ..store.backups import backup

    made = backup(project, reason, passphrase=ask_passphrase(project))
    click.echo(f"backed up {project} to {made}")


@backups_group.command("restore")
@PROJECT
@click.argument("backup")
def restore(project: str, backup: str) -> None:
    """Replace PROJECT by BACKUP (a path, or a file name from 'qualcode backups list').

    The current file is backed up first (reason before-restore). Close the project everywhere
    before restoring; a damaged backup is refused.
    """
    from ..store.backups import find_backup
    from ..store.backups import restore as restore_backup

    key = ask_passphrase(project) or ask_passphrase(str(find_backup(project, backup)))
    kept = restore_backup(project, backup, passphrase=key)
    click.echo(f"restored {project} from {backup}")
    if kept is not None:
        click.echo(f"the project as it was before is kept in {kept}")
