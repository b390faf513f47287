"""``Project``: every operation the CLI and the TUI offer, as a library.

    from qualcode import Project
    with Project.create("study.qualcode") as project:
        project.import_codebook(load_codebook("codebooks/dussk.yaml"))
        project.import_files(["transcripts_sample/p01-amy.txt"])
        project.apply_code(document="p01-amy", code="Engagement barriers/Travel",
                           coder="alice", quote="the bus fare")

The operations live in small mixins by domain (documents, cases, codes, coding, memos) over
``ProjectCore`` (opening, transactions, audit trail, coders).
"""

from __future__ import annotations

from .documents import DocumentsMixin
from .memo_entries import MemoEntriesMixin, MemoEntry
from .memos import MemosMixin
from .pseudonyms import PseudonymiseResult, PseudonymsMixin
from .reconcile import ReconcileMixin
from .records import (
    AttributeInfo,
    AuditEntry,
    CaseInfo,
    CodeInfo,
    CoderInfo,
    CodingInfo,
    CodingsImport,
    DecisionInfo,
    DocumentInfo,
    ImportOutcome,
    MemoInfo,
    SpeakerInfo,
    TurnInfo,
)
from .retrieve import Query, RetrieveMixin, Segment
from .snapshot import Snapshot, SnapshotMixin


class Project(
    SnapshotMixin,
    RetrieveMixin,
    MemoEntriesMixin,
    PseudonymsMixin,
    ReconcileMixin,
    MemosMixin,
    DocumentsMixin,
):
    """An open qualcode project (a SQLite file or a database URL)."""


__all__ = [
    "AttributeInfo",
    "AuditEntry",
    "CaseInfo",
    "CodeInfo",
    "CoderInfo",
    "CodingInfo",
    "CodingsImport",
    "DecisionInfo",
    "DocumentInfo",
    "ImportOutcome",
    "MemoEntry",
    "MemoInfo",
    "Project",
    "PseudonymiseResult",
    "Query",
    "Segment",
    "Snapshot",
    "SpeakerInfo",
    "TurnInfo",
]
