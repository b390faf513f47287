"""One project read whole into plain frozen dataclasses, with every reference made portable.

A merge compares projects that were never one database, so row ids mean nothing across them.
Here each reference becomes what the merge matches on: a document is its UUID (its text hash
alongside, to check), a code its UUID (with its path alongside), a coder and a case their names,
a coding's memo the coding's UUID. Every tuple is in a canonical order that does not depend on
row ids, so two snapshots with the same content compare equal; the merge writes a
:class:`Snapshot` back out, and tests compare the snapshot read from the output with the one
planned.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..project.core import aware, pairs
from ..store.models import (
    Attribute,
    AttributeValue,
    AuditEvent,
    Case,
    Code,
    Coder,
    Coding,
    Document,
    Memo,
    ReconcileDecision,
    Setting,
    Speaker,
    Suggestion,
    Turn,
)

SKIPPED_SETTINGS = ("app", "created_at", "created_by_version", "project_uuid")
"""Settings every project has; the merge decides them itself."""


@dataclass(frozen=True)
class SpeakerRow:
    label: str
    role: str | None
    case: str | None
    uuid: str


@dataclass(frozen=True)
class TurnRow:
    ordinal: int
    speaker: str | None
    """The speaker's label (None: an unlabelled turn)."""
    start: int
    body_start: int
    end: int
    ts_start: float | None
    ts_end: float | None


@dataclass(frozen=True)
class DocumentRow:
    sha256: str
    uuid: str
    name: str
    kind: str
    text: str
    words: int
    source_name: str
    source_format: str
    imported_at: datetime
    case: str | None
    speakers: tuple[SpeakerRow, ...]
    """By label."""
    turns: tuple[TurnRow, ...]
    """By ordinal."""


@dataclass(frozen=True)
class CodeRow:
    path: tuple[str, ...]
    """Names from the root: what a code is matched on when its UUID is not."""
    uuid: str
    parent: str | None
    """The parent's UUID."""
    definition: str
    inclusion: str
    exclusion: str
    example: str
    keywords: tuple[str, ...]
    color: str | None
    codable: bool
    archived: bool
    position: int
    created_at: datetime

    @property
    def name(self) -> str:
        return self.path[-1]


@dataclass(frozen=True)
class CoderRow:
    name: str
    role: str
    uuid: str
    created_at: datetime


@dataclass(frozen=True)
class CodingRow:
    document: str
    """The document's UUID."""
    code: str
    """The code's UUID."""
    coder: str
    start: int
    end: int
    uuid: str
    origin: str
    favourite: bool
    created_at: datetime
    deleted_at: datetime | None


@dataclass(frozen=True)
class MemoRow:
    uuid: str
    coder: str
    target_type: str
    """project, document, code, coding or case."""
    target: str | None
    """Document UUID, code UUID, coding UUID or case name (None for the project)."""
    text: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


@dataclass(frozen=True)
class AttributeRow:
    name: str
    type: str
    description: str
    uuid: str


@dataclass(frozen=True)
class CaseRow:
    name: str
    uuid: str
    description: str
    created_at: datetime
    values: tuple[tuple[str, str], ...]
    """(attribute name, stored value), by attribute name."""


@dataclass(frozen=True)
class Snapshot:
    source: str
    """The project's path (or password-free URL), as messages name it."""
    encrypted: bool
    project_uuid: str
    created_at: str
    """The ``created_at`` setting (ISO 8601, UTC)."""
    settings: tuple[tuple[str, str], ...]
    """Every other setting (``codebook_name``, suggestion evaluations, ...), by key."""
    documents: tuple[DocumentRow, ...]
    """By name."""
    codes: tuple[CodeRow, ...]
    """By path, so a parent comes before its children."""
    coders: tuple[CoderRow, ...]
    codings: tuple[CodingRow, ...]
    """By (document UUID, code UUID, coder, start, end, UUID)."""
    memos: tuple[MemoRow, ...]
    cases: tuple[CaseRow, ...]
    attributes: tuple[AttributeRow, ...]
    suggestions: int
    """Rows not merged, counted for the report."""
    decisions: int
    audit_events: int


def read_snapshot(
    target: str | Path, *, passphrase: str | None = None, actor: str | None = None
) -> Snapshot:
    """Open a project (``Project.open``: a missing, foreign or newer file is a one-line
    ``QualcodeError``), read all of it in one read transaction and close it."""
    from ..project import Project

    with (
        Project.open(target, passphrase=passphrase, actor=actor) as project,
        project._read() as session,
    ):
        return _read(session, project.name, project.encrypted)


def _aware(value: datetime | None) -> Any:
    return aware(value) if value is not None else None


def _read(session: Session, source: str, encrypted: bool) -> Snapshot:
    settings = pairs(session, select(Setting.key, Setting.value))
    cases = pairs(session, select(Case.id, Case.name))
    documents, doc_uuids = _documents(session, cases)
    codes, code_uuids = _codes(session)
    coders = {c.id: c for c in session.scalars(select(Coder))}
    codings = [
        CodingRow(
            doc_uuids[c.document_id],
            code_uuids[c.code_id],
            coders[c.coder_id].name,
            c.start,
            c.end,
            c.uuid,
            c.origin,
            c.favourite,
            _aware(c.created_at),
            _aware(c.deleted_at),
        )
        for c in session.scalars(select(Coding))
    ]
    coding_uuids = {c.id: c.uuid for c in session.execute(select(Coding.id, Coding.uuid))}
    memos = []
    for m in session.scalars(select(Memo)):
        if m.document_id is not None:
            kind, target = "document", doc_uuids[m.document_id]
        elif m.code_id is not None:
            kind, target = "code", code_uuids[m.code_id]
        elif m.coding_id is not None:
            kind, target = "coding", coding_uuids[m.coding_id]
        elif m.case_id is not None:
            kind, target = "case", cases[m.case_id]
        else:
            kind, target = "project", None
        memos.append(
            MemoRow(
                m.uuid,
                coders[m.coder_id].name,
                kind,
                target,
                m.text,
                _aware(m.created_at),
                _aware(m.updated_at),
                _aware(m.deleted_at),
            )
        )
    attributes = {a.id: a for a in session.scalars(select(Attribute))}
    values: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for value in session.scalars(select(AttributeValue)):
        values[value.case_id].append((attributes[value.attribute_id].name, value.value))
    counted = {
        model: session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Suggestion, ReconcileDecision, AuditEvent)
    }
    return Snapshot(
        source=source,
        encrypted=encrypted,
        project_uuid=settings.get("project_uuid", ""),
        created_at=settings.get("created_at", ""),
        settings=tuple(sorted((k, v) for k, v in settings.items() if k not in SKIPPED_SETTINGS)),
        documents=tuple(sorted(documents, key=lambda d: d.name)),
        codes=tuple(sorted(codes, key=lambda c: c.path)),
        coders=tuple(
            sorted(
                (CoderRow(c.name, c.role, c.uuid, _aware(c.created_at)) for c in coders.values()),
                key=lambda c: c.name,
            )
        ),
        codings=tuple(sorted(codings, key=coding_order)),
        memos=tuple(sorted(memos, key=lambda m: m.uuid)),
        cases=tuple(
            sorted(
                (
                    CaseRow(
                        c.name,
                        c.uuid,
                        c.description,
                        _aware(c.created_at),
                        tuple(sorted(values[c.id])),
                    )
                    for c in session.scalars(select(Case))
                ),
                key=lambda c: c.name,
            )
        ),
        attributes=tuple(
            sorted(
                (AttributeRow(a.name, a.type, a.description, a.uuid) for a in attributes.values()),
                key=lambda a: a.name,
            )
        ),
        suggestions=counted[Suggestion],
        decisions=counted[ReconcileDecision],
        audit_events=counted[AuditEvent],
    )


def coding_order(c: CodingRow) -> tuple[str, str, str, int, int, str]:
    return (c.document, c.code, c.coder, c.start, c.end, c.uuid)


def _documents(session: Session, cases: dict[int, str]) -> tuple[list[DocumentRow], dict[int, str]]:
    speakers: dict[int, list[Speaker]] = defaultdict(list)
    for speaker in session.scalars(select(Speaker)):
        speakers[speaker.document_id].append(speaker)
    labels = {s.id: s.label for rows in speakers.values() for s in rows}
    turns: dict[int, list[TurnRow]] = defaultdict(list)
    for t in session.scalars(select(Turn)):
        turns[t.document_id].append(
            TurnRow(
                t.ordinal,
                labels[t.speaker_id] if t.speaker_id else None,
                t.start,
                t.body_start,
                t.end,
                t.ts_start,
                t.ts_end,
            )
        )
    documents, doc_uuids = [], {}
    for d in session.scalars(select(Document)):
        doc_uuids[d.id] = d.uuid
        documents.append(
            DocumentRow(
                d.sha256,
                d.uuid,
                d.name,
                d.kind,
                d.text,
                d.words,
                d.source_name,
                d.source_format,
                _aware(d.imported_at),
                cases.get(d.case_id) if d.case_id else None,
                tuple(
                    sorted(
                        (
                            SpeakerRow(
                                s.label, s.role, cases.get(s.case_id) if s.case_id else None, s.uuid
                            )
                            for s in speakers[d.id]
                        ),
                        key=lambda s: s.label,
                    )
                ),
                tuple(sorted(turns[d.id], key=lambda t: t.ordinal)),
            )
        )
    return documents, doc_uuids


def _codes(session: Session) -> tuple[list[CodeRow], dict[int, str]]:
    from ..project.codes import load_tree

    tree = load_tree(session)
    by_id: dict[int, Code] = {c.id: c for c in tree.codes}
    rows = [
        CodeRow(
            tree.paths[c.id],
            c.uuid,
            by_id[c.parent_id].uuid if c.parent_id else None,
            c.definition,
            c.inclusion,
            c.exclusion,
            c.example,
            tuple(c.keywords or ()),
            c.color,
            c.codable,
            c.archived,
            c.position,
            _aware(c.created_at),
        )
        for c in tree.codes
    ]
    return rows, {c.id: c.uuid for c in tree.codes}
