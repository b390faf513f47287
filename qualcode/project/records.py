"""Plain frozen dataclasses that cross the boundary from the project to the CLI and the TUI.

Callers never get live ORM rows: a record can be kept, compared and passed between threads.
``to_json`` gives the stable snake_case shape the CLI prints with ``--json``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..errors import Hint


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


class Record:
    def to_json(self) -> dict[str, Any]:
        return _jsonable(asdict(self))  # type: ignore[call-overload, no-any-return]


@dataclass(frozen=True)
class DocumentInfo(Record):
    name: str
    kind: str
    words: int
    """Spoken words: whitespace-separated tokens in turn bodies (speaker labels left out)."""
    turns: int
    speakers: int
    case: str | None
    uuid: str
    source: str
    format: str
    sha256: str
    imported_at: datetime
    characters: int


@dataclass(frozen=True)
class SpeakerInfo(Record):
    document: str
    label: str
    role: str | None
    case: str | None
    turns: int
    words: int


@dataclass(frozen=True)
class TurnInfo(Record):
    ordinal: int
    start: int
    body_start: int
    end: int
    speaker: str | None
    role: str | None
    ts_start: float | None
    ts_end: float | None


@dataclass(frozen=True)
class CodeInfo(Record):
    path: str
    """Names from the root joined by '/' (a name may itself contain '/')."""
    names: tuple[str, ...]
    uuid: str
    definition: str
    inclusion: str
    exclusion: str
    example: str
    keywords: tuple[str, ...]
    color: str | None
    codable: bool
    archived: bool
    codings: int
    """Active codings of this code itself (not of its descendants), by any coder."""

    @property
    def name(self) -> str:
        return self.names[-1]

    @property
    def depth(self) -> int:
        return len(self.names) - 1


@dataclass(frozen=True)
class CoderInfo(Record):
    name: str
    role: str
    uuid: str


@dataclass(frozen=True)
class CodingInfo(Record):
    document: str
    code: str
    coder: str
    start: int
    end: int
    text: str
    origin: str
    uuid: str
    created_at: datetime
    deleted_at: datetime | None = None
    favourite: bool = False
    """Marked as a quote to use in the write-up (``f`` in the coding screen)."""


@dataclass(frozen=True)
class AttributeInfo(Record):
    name: str
    type: str


@dataclass(frozen=True)
class CaseInfo(Record):
    name: str
    uuid: str
    description: str
    attributes: dict[str, Any] = field(default_factory=dict)
    documents: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    """Speakers mapped to this case, as 'document: label'."""


@dataclass(frozen=True)
class MemoInfo(Record):
    uuid: str
    coder: str
    target_type: str
    """project, document, code, coding or case."""
    target: str | None
    """The document or case name, code path or coding uuid; None for the project."""
    text: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class AuditEntry(Record):
    id: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_uuid: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class ImportOutcome(Record):
    """What happened to one file given to ``Project.import_files``."""

    path: str
    documents: tuple[DocumentInfo, ...] = ()
    error: str | None = None
    warnings: tuple[str, ...] = ()
    hint: Hint | None = field(default=None, compare=False)
    """How to fix ``error``, which each front end words its own way (not in the JSON)."""

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        del data["hint"]
        return data


@dataclass(frozen=True)
class CodingsImport(Record):
    """What ``Project.import_codings`` did: every row applied, or (on error) nothing."""

    path: str
    applied: int
    duplicates: int


@dataclass(frozen=True)
class DecisionInfo(Record):
    """A supervisor's reconcile decision (see :mod:`qualcode.project.reconcile`)."""

    uuid: str
    code: str
    """Path of the code whose disagreement was decided."""
    code_uuid: str
    document: str
    start: int
    end: int
    """The region decided: where the compared coders' codings of the code overlap."""
    choice: str
    """``coder`` (one coder's version), ``all``, ``neither``, ``edit`` or ``agreed``."""
    chosen_coder: str | None
    coders: tuple[str, ...]
    unit: str
    codings: tuple[str, ...]
    """UUIDs of the consensus codings the decision made."""
    decided_by: str
    created_at: datetime
    superseded_at: datetime | None = None
