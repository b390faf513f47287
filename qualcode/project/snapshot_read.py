"""The whole project read at once (``Project.snapshot()``, see ``snapshot.py``): the records and
the reader.

The reports, the suggestion engines, the REFI-QDA export and the team merge each need most of
a project at once. They all read it here, in one read transaction (so what they see is
consistent), as frozen records whose references are portable: a document is named by its UUID,
a code by its UUID (its path alongside), a coder and a case by their names, a memo's target by
its UUID (a case by its name). Tuples are in a canonical order that does not depend on row ids
(documents by name, codes by path, codings by document, code, coder and span, memos by UUID),
so two snapshots with the same content compare equal, whatever databases they came from.

Each record also keeps its row ``id`` (and a memo its target's ``target_id``), left out of
comparisons: a caller inside one project uses them to link and order rows the way the database
does (import order, codebook order).

Options leave out what a caller does not need: the documents' texts, removed codings and memos,
the codings of coders not chosen, memos, decided suggestions, the counts of rows not read. For
hundreds of thousands of codings, ``codings="table"`` gives them as numpy columns of row ids
(:class:`CodingTable`) instead of one record each.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import NotFoundError
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
from .core import ProjectCore, aware

if TYPE_CHECKING:
    import numpy as np  # loaded by the table readers only: opening a project needs none

SKIPPED_SETTINGS = ("app", "created_at", "created_by_version", "project_uuid")
"""Settings every project has (its identity): kept apart from :attr:`Snapshot.settings`."""


def _id() -> Any:
    return field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class SpeakerRow:
    label: str
    role: str | None
    case: str | None
    uuid: str
    id: int = _id()


class TurnRow(NamedTuple):
    """A turn (a named tuple: documents hold thousands, built faster than dataclasses)."""

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
    """Empty when the snapshot was read with ``texts=False``."""
    words: int
    source_name: str
    source_format: str
    imported_at: datetime
    case: str | None
    speakers: tuple[SpeakerRow, ...]
    """By label."""
    turns: tuple[TurnRow, ...]
    """By ordinal."""
    id: int = _id()


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
    id: int = _id()
    parent_id: int | None = field(default=None, compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.path[-1]


@dataclass(frozen=True)
class CoderRow:
    name: str
    role: str
    uuid: str
    created_at: datetime
    id: int = _id()


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
    id: int = _id()


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
    id: int = _id()
    target_id: int | None = field(default=None, compare=False, repr=False)
    """The target's row id (None for the project)."""


@dataclass(frozen=True)
class AttributeRow:
    name: str
    type: str
    description: str
    uuid: str
    id: int = _id()


@dataclass(frozen=True)
class CaseRow:
    name: str
    uuid: str
    description: str
    created_at: datetime
    values: tuple[tuple[str, str], ...]
    """(attribute name, stored value), by attribute name."""
    id: int = _id()


@dataclass(frozen=True)
class SuggestionRow:
    """A decided (accepted or rejected) suggestion."""

    document: str
    """The document's UUID."""
    code: str
    """The code's UUID."""
    start: int
    end: int
    status: str
    for_coder: str | None
    """The coder it was made for (None: for anyone)."""


@dataclass(frozen=True, eq=False)
class CodingTable:
    """Codings as columns of row ids and offsets (``codings="table"``), in no set order."""

    id: np.ndarray
    document_id: np.ndarray
    code_id: np.ndarray
    coder_id: np.ndarray
    start: np.ndarray
    end: np.ndarray
    favourite: np.ndarray
    uuid: tuple[str, ...] | None = None
    """Only with ``coding_uuids=True`` ("" for a coding removed by another program while the
    codings were read, on a server that reads each statement afresh). ``id`` and
    ``favourite`` only with ``coding_details`` (without it, -1 and False)."""

    def __len__(self) -> int:
        return int(self.id.size)


@dataclass(frozen=True, eq=False)
class TurnTable:
    """Every turn as columns (``turns="table"``), by row id."""

    document_id: np.ndarray
    ordinal: np.ndarray
    speaker_id: np.ndarray
    """-1 for an unlabelled turn."""
    start: np.ndarray
    body_start: np.ndarray
    end: np.ndarray
    ts_start: np.ndarray
    """Seconds; NaN where there is no timestamp (and in ``ts_end``)."""
    ts_end: np.ndarray

    def __len__(self) -> int:
        return int(self.ordinal.size)


@dataclass(frozen=True)
class Roster:
    """What a coder chooser (``Project.snapshot(coders=...)``) decides from."""

    coders: tuple[CoderRow, ...]
    blind: bool
    """Whether the acting coder may see only their own codings."""
    actor: str
    count: Callable[[str], int] = field(repr=False, compare=False)

    def codings(self, name: str) -> int:
        """How many active codings the coder called ``name`` has (counted when asked)."""
        return self.count(name)


CoderChoice = Iterable[str] | Callable[[Roster], Iterable[str] | None] | None
"""Whose codings to read: names, a function of the :class:`Roster` (None: everyone's), or None."""


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
    """By (document UUID, code UUID, coder, start, end, UUID); empty unless ``codings="rows"``."""
    memos: tuple[MemoRow, ...]
    cases: tuple[CaseRow, ...]
    attributes: tuple[AttributeRow, ...]
    suggestions: int
    """Rows not read, counted (with ``counts=True``; else 0)."""
    decisions: int
    audit_events: int
    coding_table: CodingTable | None = field(default=None, compare=False)
    """The codings with ``codings="table"``."""
    turn_table: TurnTable | None = field(default=None, compare=False)
    """The turns with ``turns="table"`` (the documents' ``turns`` are then empty)."""
    chosen: tuple[str, ...] | None = field(default=None, compare=False)
    """The coders whose codings were read (None: every coder's)."""
    decided: tuple[SuggestionRow, ...] = field(default=(), compare=False)
    """Accepted and rejected suggestions (with ``suggestions=True``)."""
    blind: bool = field(default=False, compare=False)
    """Whether the acting coder may see only their own codings."""
    removed_codings: int = field(default=0, compare=False)
    """Removed codings and memos (with ``counts=True``), when they were not read."""
    removed_memos: int = field(default=0, compare=False)


coding_order: Callable[[CodingRow], tuple[str, str, str, int, int, str]] = attrgetter(
    "document", "code", "coder", "start", "end", "uuid"
)
"""The canonical order of codings: document UUID, code UUID, coder, start, end, UUID."""


def codebook_order(codes: Iterable[CodeRow]) -> list[CodeRow]:
    """Codes depth first, siblings by position: the order a codebook is read in."""
    children: dict[int | None, list[CodeRow]] = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code)
    out: list[CodeRow] = []

    def visit(parent: int | None) -> None:
        for child in sorted(children.get(parent, []), key=lambda c: (c.position, c.id)):
            out.append(child)
            visit(child.id)

    visit(None)
    return out


def read_snapshot(project: Any, session: Session, options: dict[str, Any]) -> Snapshot:
    """``Project.snapshot``'s work (see ``project/snapshot.py``), with the collector paused."""
    collecting = gc.isenabled()
    gc.disable()  # many small records: the collector would rescan them over and over
    try:
        return _Reader(
            project, session, options["texts"], options["deleted"], options["turns"] == "table"
        ).read(
            options["codings"],
            options["coders"],
            options["coding_details"],
            options["coding_uuids"],
            options["memos"],
            options["suggestions"],
            options["counts"],
        )
    finally:
        if collecting:
            gc.enable()


def read_coding_uuids(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """``Project.coding_uuids``' work."""
    wanted = sorted({int(i) for i in ids})
    found: dict[int, str] = {}
    for first in range(0, len(wanted), 500):
        chunk = wanted[first : first + 500]
        query = select(Coding.id, Coding.uuid).where(Coding.id.in_(chunk))
        found.update(dict(session.execute(query).all()))  # type: ignore[arg-type]
    return found


def _aware(value: datetime | None) -> Any:
    return aware(value) if value is not None else None


class _Reader:
    def __init__(
        self, project: ProjectCore, session: Session, texts: bool, deleted: bool, table: bool
    ) -> None:
        self.project = project
        self.turn_table = _turn_table(session) if table else None
        self.session = session
        self.run = session.connection().execute
        """Core execution: the rows are plain tuples, no ORM loading per row."""
        self.texts = texts
        self.deleted = deleted

    def read(
        self,
        codings: str,
        coders: CoderChoice,
        coding_details: bool,
        coding_uuids: bool,
        memos: bool,
        suggestions: bool,
        counts: bool,
    ) -> Snapshot:
        session = self.session
        settings = dict(self.run(select(Setting.key, Setting.value)).all())
        self.case_names = dict(self.run(select(Case.id, Case.name)).all())
        coder_rows = [
            CoderRow(name, role, uuid, _aware(created), id)
            for id, name, role, uuid, created in self.run(
                select(Coder.id, Coder.name, Coder.role, Coder.uuid, Coder.created_at)
            )
        ]
        coder_rows.sort(key=lambda c: c.name)
        self.coder_names = {c.id: c.name for c in coder_rows}
        blind = self.project._blind_for_actor(session)
        chosen = self._choose(coder_rows, coders, blind)
        documents = self._documents()
        self.doc_uuids = {d.id: d.uuid for d in documents}
        codes = self._codes()
        self.code_uuids = {c.id: c.uuid for c in codes}
        coding_rows: list[CodingRow] = []
        table = None
        self.coding_uuids: dict[int, str] = {}
        if codings == "rows":
            coding_rows = self._coding_rows(chosen)
            self.coding_uuids = {c.id: c.uuid for c in coding_rows}
        elif codings == "table":
            longest = max((len(d.text) for d in documents), default=0)
            if not self.texts:
                longest = self._longest()
            table = _coding_table(session, chosen, longest, coding_details, coding_uuids)
        memo_rows = self._memos() if memos else []
        cases, attributes = self._cases()
        counted = {}
        if counts:
            counted = {
                model: session.scalar(select(func.count()).select_from(model)) or 0
                for model in (Suggestion, ReconcileDecision, AuditEvent)
            }
        removed = {}
        if counts and not self.deleted:
            removed = {
                model: session.scalar(
                    select(func.count()).select_from(model).where(model.deleted_at.is_not(None))
                )
                or 0
                for model in (Coding, Memo)
            }
        return Snapshot(
            source=self.project.name,
            encrypted=self.project.encrypted,
            project_uuid=settings.get("project_uuid", ""),
            created_at=settings.get("created_at", ""),
            settings=tuple(
                sorted((k, v) for k, v in settings.items() if k not in SKIPPED_SETTINGS)
            ),
            documents=tuple(sorted(documents, key=lambda d: d.name)),
            codes=tuple(sorted(codes, key=lambda c: c.path)),
            coders=tuple(coder_rows),
            codings=tuple(sorted(coding_rows, key=coding_order)),
            memos=tuple(sorted(memo_rows, key=attrgetter("uuid"))),
            cases=cases,
            attributes=attributes,
            suggestions=counted.get(Suggestion, 0),
            decisions=counted.get(ReconcileDecision, 0),
            audit_events=counted.get(AuditEvent, 0),
            coding_table=table,
            turn_table=self.turn_table,
            chosen=None if chosen is None else tuple(self.coder_names[i] for i in chosen),
            decided=self._decided() if suggestions else (),
            blind=blind,
            removed_codings=removed.get(Coding, 0),
            removed_memos=removed.get(Memo, 0),
        )

    # -- coders ----------------------------------------------------------------------------
    def _choose(self, rows: list[CoderRow], coders: CoderChoice, blind: bool) -> list[int] | None:
        """Row ids of the coders whose codings are read (None: every coder's)."""
        if coders is None:
            return None
        if callable(coders):
            by_name = {c.name: c.id for c in rows}

            def count(name: str) -> int:
                if name not in by_name:
                    return 0
                query = select(func.count()).select_from(Coding)
                query = query.where(Coding.coder_id == by_name[name], Coding.deleted_at.is_(None))
                return int(self.session.scalar(query) or 0)

            names = coders(Roster(tuple(rows), blind, self.project.actor, count))
            if names is None:
                return None
        else:
            names = coders
        by_name = {c.name: c.id for c in rows}
        chosen: list[int] = []
        for name in names:
            if name not in by_name:
                raise NotFoundError(f"no coder named '{name}'")
            chosen.append(by_name[name])
        return chosen

    # -- documents, speakers and turns ----------------------------------------------------
    def _documents(self) -> list[DocumentRow]:
        cases = self.case_names
        speakers: dict[int, list[SpeakerRow]] = defaultdict(list)
        query = select(
            Speaker.id,
            Speaker.document_id,
            Speaker.label,
            Speaker.role,
            Speaker.case_id,
            Speaker.uuid,
        )
        for id, doc_id, label, role, case_id, uuid in self.run(query).all():
            speakers[doc_id].append(SpeakerRow(label, role, cases.get(case_id), uuid, id))
        turns: dict[int, list[TurnRow]] = defaultdict(list)
        if self.turn_table is None:
            query = (
                select(
                    Turn.document_id,
                    Turn.ordinal,
                    Speaker.label,
                    Turn.start,
                    Turn.body_start,
                    Turn.end,
                    Turn.ts_start,
                    Turn.ts_end,
                )
                .outerjoin(Speaker, Turn.speaker_id == Speaker.id)
                .order_by(Turn.document_id, Turn.ordinal)
            )
            make = TurnRow._make
            for row in _raw(self.session, query):  # integers, floats, text: nothing to convert
                turns[row[0]].append(make(row[1:]))
        text = Document.text if self.texts else Document.id
        query = select(
            Document.id,
            Document.sha256,
            Document.uuid,
            Document.name,
            Document.kind,
            text,
            Document.words,
            Document.source_name,
            Document.source_format,
            Document.imported_at,
            Document.case_id,
        )
        out = []
        for row in self.run(query).all():
            id = row[0]
            out.append(
                DocumentRow(
                    row[1],
                    row[2],
                    row[3],
                    row[4],
                    row[5] if self.texts else "",
                    row[6],
                    row[7],
                    row[8],
                    _aware(row[9]),
                    cases.get(row[10]),
                    tuple(sorted(speakers[id], key=lambda s: s.label)),
                    tuple(turns[id]),
                    id,
                )
            )
        return out

    def _longest(self) -> int:
        length = func.length(Document.text)
        return int(self.session.scalar(select(func.max(length))) or 0)

    # -- codes -----------------------------------------------------------------------------
    def _codes(self) -> list[CodeRow]:
        rows = self.run(
            select(
                Code.id,
                Code.parent_id,
                Code.name,
                Code.uuid,
                Code.definition,
                Code.inclusion,
                Code.exclusion,
                Code.example,
                Code.keywords,
                Code.color,
                Code.codable,
                Code.archived,
                Code.position,
                Code.created_at,
            )
        ).all()
        by_id = {r.id: r for r in rows}
        paths: dict[int, tuple[str, ...]] = {}

        def path(id: int) -> tuple[str, ...]:
            found = paths.get(id)
            if found is None:
                row = by_id[id]
                parent = () if row.parent_id is None else path(row.parent_id)
                found = paths[id] = (*parent, row.name)
            return found

        return [
            CodeRow(
                path(r.id),
                r.uuid,
                by_id[r.parent_id].uuid if r.parent_id else None,
                r.definition,
                r.inclusion,
                r.exclusion,
                r.example,
                tuple(r.keywords or ()),
                r.color,
                r.codable,
                r.archived,
                r.position,
                _aware(r.created_at),
                r.id,
                r.parent_id,
            )
            for r in rows
        ]

    # -- codings ---------------------------------------------------------------------------
    def _coding_rows(self, chosen: list[int] | None) -> list[CodingRow]:
        query = select(
            Coding.id,
            Coding.document_id,
            Coding.code_id,
            Coding.coder_id,
            Coding.start,
            Coding.end,
            Coding.uuid,
            Coding.origin,
            Coding.favourite,
            Coding.created_at,
            Coding.deleted_at,
        )
        if not self.deleted:
            query = query.where(Coding.deleted_at.is_(None))
        if chosen is not None:
            query = query.where(Coding.coder_id.in_(chosen))
        docs, codes, coders = self.doc_uuids, self.code_uuids, self.coder_names
        rows = self.run(query).all()
        return [
            CodingRow(
                docs[doc],
                codes[code],
                coders[coder],
                start,
                end,
                uuid,
                origin,
                bool(favourite),
                _aware(created),
                _aware(removed),
                id,
            )
            for id, doc, code, coder, start, end, uuid, origin, favourite, created, removed in rows
        ]

    # -- memos -----------------------------------------------------------------------------
    def _memos(self) -> list[MemoRow]:
        query = select(
            Memo.id,
            Memo.uuid,
            Memo.coder_id,
            Memo.document_id,
            Memo.code_id,
            Memo.coding_id,
            Memo.case_id,
            Memo.text,
            Memo.created_at,
            Memo.updated_at,
            Memo.deleted_at,
        )
        if not self.deleted:
            query = query.where(Memo.deleted_at.is_(None))
        rows = self.run(query).all()
        coding_uuids = self.coding_uuids
        missing = sorted({r.coding_id for r in rows if r.coding_id is not None} - set(coding_uuids))
        if missing:
            coding_uuids = dict(coding_uuids)
            for first in range(0, len(missing), 500):
                chunk = missing[first : first + 500]
                coding_uuids.update(
                    self.run(select(Coding.id, Coding.uuid).where(Coding.id.in_(chunk))).all()
                )
        out = []
        for r in rows:
            if r.document_id is not None:
                kind, target, target_id = "document", self.doc_uuids[r.document_id], r.document_id
            elif r.code_id is not None:
                kind, target, target_id = "code", self.code_uuids[r.code_id], r.code_id
            elif r.coding_id is not None:
                kind, target, target_id = "coding", coding_uuids[r.coding_id], r.coding_id
            elif r.case_id is not None:
                kind, target, target_id = "case", self.case_names[r.case_id], r.case_id
            else:
                kind, target, target_id = "project", None, None
            out.append(
                MemoRow(
                    r.uuid,
                    self.coder_names[r.coder_id],
                    kind,
                    target,
                    r.text,
                    _aware(r.created_at),
                    _aware(r.updated_at),
                    _aware(r.deleted_at),
                    r.id,
                    target_id,
                )
            )
        return out

    # -- cases and attributes ----------------------------------------------------------------
    def _cases(self) -> tuple[tuple[CaseRow, ...], tuple[AttributeRow, ...]]:
        attributes = [
            AttributeRow(name, type_, description, uuid, id)
            for id, name, type_, description, uuid in self.run(
                select(
                    Attribute.id,
                    Attribute.name,
                    Attribute.type,
                    Attribute.description,
                    Attribute.uuid,
                )
            )
        ]
        names = {a.id: a.name for a in attributes}
        values: dict[int, list[tuple[str, str]]] = defaultdict(list)
        query = select(AttributeValue.case_id, AttributeValue.attribute_id, AttributeValue.value)
        for case_id, attribute_id, value in self.run(query).all():
            values[case_id].append((names[attribute_id], value))
        cases = [
            CaseRow(name, uuid, description, _aware(created), tuple(sorted(values[id])), id)
            for id, name, uuid, description, created in self.run(
                select(Case.id, Case.name, Case.uuid, Case.description, Case.created_at)
            )
        ]
        return (
            tuple(sorted(cases, key=lambda c: c.name)),
            tuple(sorted(attributes, key=lambda a: a.name)),
        )

    # -- suggestions -------------------------------------------------------------------------
    def _decided(self) -> tuple[SuggestionRow, ...]:
        query = select(
            Suggestion.document_id,
            Suggestion.code_id,
            Suggestion.start,
            Suggestion.end,
            Suggestion.status,
            Suggestion.for_coder_id,
        ).where(Suggestion.status.in_(("accepted", "rejected")))
        return tuple(
            SuggestionRow(
                self.doc_uuids[doc],
                self.code_uuids[code],
                start,
                end,
                status,
                self.coder_names.get(coder) if coder is not None else None,
            )
            for doc, code, start, end, status, coder in self.run(query).all()
        )


def _raw(session: Session, query: Any) -> list[tuple[Any, ...]]:
    """The DBAPI cursor's plain tuples, for columns the driver gives as they are stored
    (integers, floats, text): building a Row object per row costs more than the query."""
    result = session.connection().execute(query)
    try:
        return result.cursor.fetchall() if result.cursor is not None else []
    finally:
        result.close()


def _fetch(session: Session, query: Any, columns: int) -> np.ndarray:
    """Run a select of integer columns into a ``rows x columns`` int64 array, reading the
    DBAPI cursor's plain tuples directly."""
    import numpy as np

    rows = _raw(session, query)
    values = chain.from_iterable(rows)
    array = np.fromiter(values, dtype=np.int64, count=len(rows) * columns)
    return array.reshape(-1, columns)


def _turn_table(session: Session) -> TurnTable:
    """Every turn as integer columns, timestamps apart (few transcripts have them)."""
    import numpy as np

    columns = (
        Turn.id,
        Turn.document_id,
        Turn.ordinal,
        func.coalesce(Turn.speaker_id, -1),
        Turn.start,
        Turn.body_start,
        Turn.end,
    )
    rows = _fetch(session, select(*columns).order_by(Turn.id), len(columns))
    starts = np.full(rows.shape[0], np.nan)
    ends = np.full(rows.shape[0], np.nan)
    stamped = select(Turn.id, Turn.ts_start, Turn.ts_end).where(
        Turn.ts_start.is_not(None) | Turn.ts_end.is_not(None)
    )
    found = _raw(session, stamped)
    if found:
        at = np.searchsorted(rows[:, 0], np.array([id for id, _s, _e in found], dtype=np.int64))
        starts[at] = [np.nan if s is None else s for _id, s, _e in found]
        ends[at] = [np.nan if e is None else e for _id, _s, e in found]
    return TurnTable(
        document_id=rows[:, 1],
        ordinal=rows[:, 2],
        speaker_id=rows[:, 3],
        start=rows[:, 4],
        body_start=rows[:, 5],
        end=rows[:, 6],
        ts_start=starts,
        ts_end=ends,
    )


def _bits(value: int) -> int:
    return max(int(value), 1).bit_length()


def _coding_table(
    session: Session, chosen: list[int] | None, longest: int, details: bool, uuids: bool
) -> CodingTable:
    """Active codings as columns. The database packs document, code, coder, start and end into
    two 64-bit integers when they fit, which halves the Python objects built per row, the main
    cost of reading 500,000 codings."""
    import numpy as np

    where = [Coding.deleted_at.is_(None)]
    if chosen is not None:
        where.append(Coding.coder_id.in_(chosen))
    details = details or uuids
    extra = [Coding.id, Coding.favourite] if details else []
    order = [Coding.id] if uuids else []  # two reads in one order: free on SQLite (rowid)
    top = [session.scalar(select(func.max(t.id))) or 0 for t in (Document, Code, Coder)]
    span, doc, code, coder = _bits(longest + 1), *(_bits(t + 1) for t in top)
    if doc + span > 62 or span + code + coder > 62:
        columns = [Coding.document_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end]
        query = select(*columns, *extra).where(*where).order_by(*order)
        out = _fetch(session, query, len(columns) + len(extra))
    else:
        first = Coding.document_id * (1 << span) + Coding.start
        second = (Coding.end * (1 << code) + Coding.code_id) * (1 << coder) + Coding.coder_id
        query = select(first, second, *extra).where(*where).order_by(*order)
        packed = _fetch(session, query, 2 + len(extra))
        out = np.empty((packed.shape[0], 5 + len(extra)), dtype=np.int64)
        out[:, 0], out[:, 3] = packed[:, 0] >> span, packed[:, 0] & ((1 << span) - 1)
        out[:, 4] = packed[:, 1] >> (code + coder)
        out[:, 1] = (packed[:, 1] >> coder) & ((1 << code) - 1)
        out[:, 2] = packed[:, 1] & ((1 << coder) - 1)
        out[:, 5:] = packed[:, 2:]
    uuid_column = None
    if uuids:
        rows = _raw(session, select(Coding.id, Coding.uuid).where(*where).order_by(*order))
        ids = np.fromiter((id for id, _uuid in rows), dtype=np.int64, count=len(rows))
        at = np.minimum(np.searchsorted(ids, out[:, 5]), max(len(rows) - 1, 0))
        # the same rows in the same order, unless a server without snapshot reads changed them
        # between the two statements: a coding then missing here has no UUID ("")
        found = ids[at] == out[:, 5] if len(rows) else np.zeros(len(out), dtype=bool)
        uuid_column = tuple(
            rows[i][1] if hit else "" for i, hit in zip(at.tolist(), found.tolist(), strict=True)
        )
    return CodingTable(
        id=out[:, 5] if details else np.full(out.shape[0], -1, dtype=np.int64),
        document_id=out[:, 0],
        code_id=out[:, 1],
        coder_id=out[:, 2],
        start=out[:, 3],
        end=out[:, 4],
        favourite=out[:, 6].astype(bool) if details else np.zeros(out.shape[0], dtype=bool),
        uuid=uuid_column,
    )
