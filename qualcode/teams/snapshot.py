"""One project read whole for a merge: ``Project.snapshot`` with every reference portable.

A merge compares projects that were never one database, so row ids mean nothing across them.
The records of :mod:`qualcode.project.snapshot` name each reference by what the merge matches
on: a document by its UUID (its text hash alongside, to check), a code by its UUID (with its
path alongside), a coder and a case by their names, a coding's memo by the coding's UUID. Every
tuple is in a canonical order that does not depend on row ids, so two snapshots with the same
content compare equal; the merge writes a :class:`Snapshot` back out, and tests compare the
snapshot read from the output with the one planned.
"""

from __future__ import annotations

from pathlib import Path

from ..project.snapshot import (
    SKIPPED_SETTINGS,
    AttributeRow,
    CaseRow,
    CodeRow,
    CoderRow,
    CodingRow,
    DocumentRow,
    MemoRow,
    Snapshot,
    SpeakerRow,
    TurnRow,
    coding_order,
)

__all__ = [
    "SKIPPED_SETTINGS",
    "AttributeRow",
    "CaseRow",
    "CodeRow",
    "CoderRow",
    "CodingRow",
    "DocumentRow",
    "MemoRow",
    "Snapshot",
    "SpeakerRow",
    "TurnRow",
    "coding_order",
    "read_snapshot",
]


def read_snapshot(
    target: str | Path, *, passphrase: str | None = None, actor: str | None = None
) -> Snapshot:
    """Open a project (``Project.open``: a missing, foreign or newer file is a one-line
    ``QualcodeError``), read all of it (removed codings and memos too) in one read transaction
    and close it."""
    from ..project import Project

    with Project.open(target, passphrase=passphrase, actor=actor) as project:
        return project.snapshot(deleted=True, counts=True)
