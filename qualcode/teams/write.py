"""Writing a merge: the planned snapshot into a new project, in one transaction
(``Project.fill_merged``), the file removed again if anything fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ConflictError, NotFoundError
from ..store.engine import display_name, is_url
from .merge_report import Counts
from .snapshot import Snapshot


def check_new_output(output: str | Path, command: str) -> str:
    """The output's name for messages; refused if the file exists or its folder does not (a
    database URL is checked when the project is created: it must be empty)."""
    name = display_name(output)
    if not is_url(output):
        path = Path(output)
        if path.exists():
            raise ConflictError(
                f"{name}: already exists; {command} writes a new project (choose another name)"
            )
        if not path.parent.is_dir():
            raise NotFoundError(f"{name}: the folder {path.parent} does not exist")
    return name


def write_project(
    plan: Snapshot,
    output: str | Path,
    *,
    passphrase: str | None,
    actor: str | None,
    action: str,
    **payload: Any,
) -> None:
    """Create ``output`` (``Project.build``: fully migrated, a file named only when complete)
    and fill it with ``plan`` in one transaction, with one audit event ``action`` (its payload:
    ``payload`` and the counts); nothing is left at ``output`` if anything fails (a database
    URL keeps its empty schema)."""
    from ..project import Project

    Project.build(
        output,
        lambda project: project.fill_merged(plan, action, **payload, **vars(Counts.of(plan))),
        actor=actor,
        passphrase=passphrase,
        doing="merging",
    )
