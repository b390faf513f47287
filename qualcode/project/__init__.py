"""``Project``: every operation the CLI and the TUI offer, as a library.

    from qualcode import Project
    with Project.create("study.qualcode") as project:
        project.import_codebook(load_codebook("codebooks/dussk.yaml"))
        project.import_files(["transcripts_sample/p01-amy.txt"])
        project.apply_code(document="p01-amy", code="Engagement barriers/Travel",
                           coder="alice", quote="the bus fare")

The operations live in small mixins by domain (documents, cases, codes, coding, memos,
suggestions, teams, kept derived data), each over ``ProjectCore`` (opening, the unit of work,
audit trail, coders) and nothing else; ``Project`` lists them all.
"""

from __future__ import annotations

from .cache import CacheMixin
from .cases import CasesMixin
from .codes import CodesMixin
from .coding import CodingMixin
from .coding_import import CodingImportMixin
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
from .refi import RefiMixin
from .retrieve import Query, RetrieveMixin, Segment
from .snapshot import SnapshotMixin
from .suggestions import SuggestionsMixin
from .team import TeamMixin


class Project(
    SnapshotMixin,
    RetrieveMixin,
    MemoEntriesMixin,
    PseudonymsMixin,
    ReconcileMixin,
    MemosMixin,
    CodingImportMixin,
    CodingMixin,
    CodesMixin,
    DocumentsMixin,
    CasesMixin,
    SuggestionsMixin,
    TeamMixin,
    CacheMixin,
    RefiMixin,
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


def __getattr__(name: str) -> object:
    """``Snapshot`` loads with the snapshot reader, on first use (opening a project needs
    neither)."""
    if name == "Snapshot":
        from .snapshot_read import Snapshot

        return Snapshot
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
