"""Code and retrieve: every coded segment of a code (or a theme), across documents, in context.

A :class:`Query` names a code and, optionally, a second code and how the two combine:

- ``and``: segments of A that overlap a segment of B (``within="overlap"``), or share a turn
  (``"turn"``) or a document (``"document"``) with one;
- ``not``: segments of A that do not;
- ``or``: segments of A and segments of B.

A code's segments are its own codings and, for a theme (``subcodes=True``, the default), its
sub-codes' codings. Filters narrow what comes back: coders, documents, case attribute values
(``where={"group": "staff"}``; a segment's case is its speaker's case, else its document's) and
text inside the segment (ignoring case). The filters on coders and documents also narrow the
B segments a combination looks at; attribute values and text only narrow the result.

Each :class:`Segment` carries its document, turn (from 1), speaker, case and attributes, coder,
favourite mark, the memos on its coding, and its sentence context: the sentences it touches,
as offsets and text. While a team project is blind, a coder retrieves only their own codings.
The memo browser's list is in :mod:`qualcode.project.memo_entries`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Hint, NotFoundError, QualcodeError
from ..nlp.sentences import sentence_spans
from ..store.models import Attribute, AttributeValue, Case, Coder, Coding, Document, Memo, Speaker
from ..store.models import Turn as TurnRow
from .codes import CodeTree, load_tree
from .core import ProjectCore, aware
from .records import Record

OPERATORS = ("and", "or", "not")
WITHIN = ("overlap", "turn", "document")


@dataclass(frozen=True)
class Query:
    """What to retrieve (see the module docstring)."""

    code: str
    subcodes: bool = True
    """A theme brings its sub-codes' codings too."""
    other: str | None = None
    """Code B of a combination."""
    operator: str = "and"
    """``and``, ``or`` or ``not``: how ``other`` combines with ``code``."""
    within: str = "overlap"
    """For ``and`` and ``not``: ``overlap``, ``turn`` or ``document``."""
    where: tuple[tuple[str, str], ...] = ()
    """Case attribute values a segment's case must have (all of them)."""
    coders: tuple[str, ...] | None = None
    documents: tuple[str, ...] | None = None
    text: str | None = None
    """Only segments whose text contains this (ignoring case)."""

    def __post_init__(self) -> None:
        if self.operator not in OPERATORS:
            raise QualcodeError(f"combine codes with one of {', '.join(OPERATORS)}")
        if self.within not in WITHIN:
            raise QualcodeError(
                f"'within' is one of {', '.join(WITHIN)}, not '{self.within}'",
                Hint("within", choices=", ".join(WITHIN), given=self.within),
            )

    @classmethod
    def build(
        cls,
        code: str,
        *,
        where: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        coders: Iterable[str] | None = None,
        documents: Iterable[str] | None = None,
        **options: Any,
    ) -> Query:
        """A query from plain arguments (a dict for ``where``, any iterables for the lists)."""
        pairs = tuple(where.items()) if isinstance(where, Mapping) else tuple(where)
        return cls(
            code,
            where=pairs,
            coders=tuple(coders) if coders else None,
            documents=tuple(documents) if documents else None,
            **options,
        )

    def with_(self, **changes: Any) -> Query:
        return replace(self, **changes)

    def describe(self, *, leaf: bool = False) -> str:
        """One line: 'Travel (+ sub-codes) and Cost, overlapping · group=staff · coder ann'
        (``leaf``: the code has no sub-codes, so that is not said)."""
        text = self.code + (" (+ sub-codes)" if self.subcodes and not leaf else "")
        if self.other:
            how = {
                "overlap": "overlapping",
                "turn": "in the same turn",
                "document": "in the same document",
            }[self.within]
            text += {
                "and": f" and {self.other}, {how}",
                "not": f" not {self.other} ({how})",
                "or": f" or {self.other}",
            }[self.operator]
        parts = [text, *(f"{k}={v}" for k, v in self.where)]
        if self.coders:
            parts.append("coder " + ", ".join(self.coders))
        if self.documents:
            parts.append("document " + ", ".join(self.documents))
        if self.text:
            parts.append(f"text “{self.text}”")
        return " · ".join(parts)

    def parameters(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "subcodes": self.subcodes,
            "other": self.other,
            "operator": self.operator if self.other else None,
            "within": self.within if self.other and self.operator != "or" else None,
            "where": dict(self.where),
            "coders": list(self.coders or ()),
            "documents": list(self.documents or ()),
            "text": self.text,
        }


@dataclass(frozen=True)
class Segment(Record):
    """One coded segment: a coding with where it is and what surrounds it."""

    uuid: str
    """The coding's uuid (recode, remove, favourite and memos go through it)."""
    document: str
    code: str
    coder: str
    start: int
    end: int
    text: str
    context_start: int
    context_end: int
    context: str
    """The sentences the segment touches (text[context_start:context_end])."""
    turn: int | None
    """Number of the turn the segment starts in, counting from 1; None outside turns."""
    speaker: str | None
    role: str | None
    case: str | None
    attributes: dict[str, Any] = field(default_factory=dict)
    favourite: bool = False
    memos: tuple[str, ...] = ()
    """Memos on the coding, each as 'coder: text'."""
    origin: str = "manual"
    created_at: datetime | None = None


@dataclass(frozen=True)
class _Row:
    uuid: str
    id: int
    document_id: int
    code_id: int
    coder: str
    start: int
    end: int
    favourite: bool
    origin: str
    created_at: datetime


class RetrieveMixin(ProjectCore):
    def retrieve(self, query: Query | str, **options: Any) -> list[Segment]:
        """The segments a query finds, in document order (see the module docstring).
        ``retrieve("Travel", where={"group": "staff"})`` builds the query from arguments."""
        if isinstance(query, str):
            query = Query.build(query, **options)
        elif options:
            raise QualcodeError("give either a Query or a code and options, not both")
        with self._read() as session:
            tree = load_tree(session)
            a_ids = _code_ids(tree, query.code, query.subcodes)
            b_ids = _code_ids(tree, query.other, query.subcodes) if query.other else set()
            coders = query.coders
            if self._blind_for_actor(session):
                coders = (self.actor,) if not coders or self.actor in coders else ()
            doc_ids = _document_ids(session, query.documents)
            rows = _codings(session, a_ids | b_ids, coders, doc_ids)
            a_rows = [r for r in rows if r.code_id in a_ids]
            b_rows = [r for r in rows if r.code_id in b_ids]
            turns = _turns(session, {r.document_id for r in rows})
            if not query.other:
                found = a_rows
            elif query.operator == "or":
                seen = {r.uuid for r in a_rows}
                found = a_rows + [r for r in b_rows if r.uuid not in seen]
            else:
                hits = _together(a_rows, b_rows, turns, query.within)
                keep = query.operator == "and"
                found = [r for r in a_rows if (r.uuid in hits) == keep]
            return _segments(session, tree, found, turns, query.text, query.where)

    def segments_of(self, uuids: Sequence[str]) -> list[Segment]:
        """The segments of these codings (current ones), in the order given: what a
        pseudonymised copy exports for a query run on the project itself (coding uuids stay
        the same in the copy; document names and attribute values may not)."""
        with self._read() as session:
            tree = load_tree(session)
            rows: list[_Row] = []
            for start in range(0, len(uuids), 900):
                rows += _codings(session, None, None, None, uuids[start : start + 900])
            turns = _turns(session, {r.document_id for r in rows})
            found = {s.uuid: s for s in _segments(session, tree, rows, turns, None, ())}
            return [found[u] for u in uuids if u in found]


def _code_ids(tree: CodeTree, ref: str | None, subcodes: bool) -> set[int]:
    if ref is None:
        return set()
    code = tree.resolve(ref)
    return {code.id, *(c.id for c in tree.descendants(code))} if subcodes else {code.id}


def _document_ids(session: Session, names: Sequence[str] | None) -> set[int] | None:
    if not names:
        return None
    query = select(Document.name, Document.id).where(Document.name.in_(names))
    found = dict(session.execute(query).all())
    missing = [n for n in names if n not in found]
    if missing:
        raise NotFoundError(f"no document named '{missing[0]}'", Hint("documents"))
    return set(found.values())


def _codings(
    session: Session,
    code_ids: set[int] | None,
    coders: Sequence[str] | None,
    doc_ids: set[int] | None,
    uuids: Sequence[str] | None = None,
) -> list[_Row]:
    query = (
        select(
            Coding.uuid,
            Coding.id,
            Coding.document_id,
            Coding.code_id,
            Coder.name,
            Coding.start,
            Coding.end,
            Coding.favourite,
            Coding.origin,
            Coding.created_at,
        )
        .join(Coder, Coding.coder_id == Coder.id)
        .where(Coding.deleted_at.is_(None))
    )
    if code_ids is not None:
        query = query.where(Coding.code_id.in_(code_ids))
    if uuids is not None:
        query = query.where(Coding.uuid.in_(list(uuids)))
    if coders is not None:
        query = query.where(Coder.name.in_(list(coders)))
    if doc_ids is not None:
        query = query.where(Coding.document_id.in_(doc_ids))
    return [_Row(*r) for r in session.execute(query).all()]


_Turn = tuple[int, int, int, int, int | None]
"""(ordinal, start, body_start, end, speaker_id)"""


class _DocTurns(list[_Turn]):
    """One document's turns sorted by start, with the starts kept for bisecting."""

    _starts: list[int] | None = None

    @property
    def starts(self) -> list[int]:
        if self._starts is None or len(self._starts) != len(self):
            self._starts = [t[1] for t in self]
        return self._starts


_Turns = dict[int, _DocTurns]


def _turns(session: Session, doc_ids: set[int]) -> _Turns:
    out: _Turns = defaultdict(_DocTurns)
    if not doc_ids:
        return out
    rows = session.execute(
        select(
            TurnRow.document_id,
            TurnRow.ordinal,
            TurnRow.start,
            TurnRow.body_start,
            TurnRow.end,
            TurnRow.speaker_id,
        )
        .where(TurnRow.document_id.in_(doc_ids))
        .order_by(TurnRow.document_id, TurnRow.start)
    )
    for doc_id, *turn in rows:
        out[doc_id].append(tuple(turn))  # type: ignore[arg-type]
    return out


def _touched(turns: _DocTurns, start: int, end: int) -> range:
    """Indexes (into the sorted list) of the turns a span touches."""
    starts = turns.starts
    first = max(0, bisect_right(starts, start) - 1)
    while first < len(turns) and turns[first][3] <= start:
        first += 1
    last = bisect_left(starts, end)
    return range(first, max(first, last))


def _together(a_rows: list[_Row], b_rows: list[_Row], turns: _Turns, within: str) -> set[str]:
    """UUIDs of A segments with a (different) B segment overlapping, in a turn, or in a doc."""
    by_doc: dict[int, list[_Row]] = defaultdict(list)
    for row in b_rows:
        by_doc[row.document_id].append(row)
    hits: set[str] = set()
    if within == "document":
        return {r.uuid for r in a_rows if any(b.uuid != r.uuid for b in by_doc[r.document_id])}
    if within == "turn":
        covered: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        for doc_id, rows in by_doc.items():
            for b in rows:
                for index in _touched(turns[doc_id], b.start, b.end):
                    covered[doc_id][index].add(b.uuid)
        for r in a_rows:
            there = covered.get(r.document_id, {})
            touched = _touched(turns[r.document_id], r.start, r.end)
            if any(there.get(i, set()) - {r.uuid} for i in touched):
                hits.add(r.uuid)
        return hits
    for rows in by_doc.values():
        rows.sort(key=lambda b: b.start)
    for r in a_rows:
        rows = by_doc.get(r.document_id, [])
        # B segments start before A ends; one of them must end after A starts.
        for b in rows:
            if b.start >= r.end:
                break
            if b.end > r.start and b.uuid != r.uuid:
                hits.add(r.uuid)
                break
    return hits


def _segments(
    session: Session,
    tree: CodeTree,
    rows: list[_Row],
    turns: _Turns,
    text: str | None,
    where: Sequence[tuple[str, str]],
) -> list[Segment]:
    if not rows:
        return []
    needle = text.casefold() if text else None
    doc_ids = {r.document_id for r in rows}
    docs = {
        d: (name, text, case_id)
        for d, name, text, case_id in session.execute(
            select(Document.id, Document.name, Document.text, Document.case_id).where(
                Document.id.in_(doc_ids)
            )
        )
    }
    speakers = {
        s: (label, role, case_id)
        for s, label, role, case_id in session.execute(
            select(Speaker.id, Speaker.label, Speaker.role, Speaker.case_id).where(
                Speaker.document_id.in_(doc_ids)
            )
        )
    }
    cases = dict(session.execute(select(Case.id, Case.name)).all())
    attributes, stored = _attributes(session)
    wanted = _where(session, where)
    memos: dict[int, list[str]] = defaultdict(list)
    ids = [r.id for r in rows]
    for start in range(0, len(ids), 900):  # SQLite's limit on bound parameters
        for coding_id, coder, memo_text in session.execute(
            select(Memo.coding_id, Coder.name, Memo.text)
            .join(Coder, Memo.coder_id == Coder.id)
            .where(Memo.coding_id.in_(ids[start : start + 900]), Memo.deleted_at.is_(None))
            .order_by(Memo.created_at, Memo.id)
        ):
            memos[coding_id].append(f"{coder}: {memo_text}")
    paths = {c.id: tree.path(c) for c in tree.codes}
    sentences: dict[int, tuple[list[int], list[tuple[int, int]]]] = {}
    out: list[Segment] = []
    for r in rows:
        name, doc_text, doc_case = docs[r.document_id]
        piece = doc_text[r.start : r.end]
        if needle and needle not in piece.casefold():
            continue
        doc_turns = turns.get(r.document_id, _DocTurns())
        touched = _touched(doc_turns, r.start, r.end)
        turn = doc_turns[touched[0]] if touched else None
        speaker = speakers.get(turn[4]) if turn and turn[4] is not None else None
        case_id = speaker[2] if speaker and speaker[2] is not None else doc_case
        values = attributes.get(case_id, {}) if case_id is not None else {}
        if wanted:
            raw = stored.get(case_id, {}) if case_id is not None else {}
            if not all(raw.get(k) == v for k, v in wanted):
                continue
        if r.document_id not in sentences:
            spans = sentence_spans(doc_text, [(t[1], t[2], t[3]) for t in doc_turns])
            sentences[r.document_id] = ([s[1] for s in spans], spans)
        ends, spans = sentences[r.document_id]
        first = bisect_right(ends, r.start)
        c_start, c_end = r.start, r.end
        if first < len(spans) and spans[first][0] < r.end:
            c_start = min(r.start, spans[first][0])
            last = max(first, bisect_left(ends, r.end))
            c_end = max(r.end, spans[min(last, len(spans) - 1)][1])
        out.append(
            Segment(
                uuid=r.uuid,
                document=name,
                code=paths[r.code_id],
                coder=r.coder,
                start=r.start,
                end=r.end,
                text=piece,
                context_start=c_start,
                context_end=c_end,
                context=doc_text[c_start:c_end],
                turn=turn[0] + 1 if turn else None,
                speaker=speaker[0] if speaker else None,
                role=speaker[1] if speaker else None,
                case=cases.get(case_id) if case_id is not None else None,
                attributes=dict(values),
                favourite=r.favourite,
                memos=tuple(memos[r.id]),
                origin=r.origin,
                created_at=aware(r.created_at),
            )
        )
    out.sort(key=lambda s: (s.document, s.start, s.end, s.code, s.coder))
    return out


def _attributes(session: Session) -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, str]]]:
    """Per case, its attribute values typed (for records) and as stored (for comparing)."""
    from .cases import typed

    values: dict[int, dict[str, Any]] = defaultdict(dict)
    stored: dict[int, dict[str, str]] = defaultdict(dict)
    for case_id, name, type_, value in session.execute(
        select(AttributeValue.case_id, Attribute.name, Attribute.type, AttributeValue.value).join(
            Attribute, AttributeValue.attribute_id == Attribute.id
        )
    ):
        values[case_id][name] = typed(value, type_)
        stored[case_id][name] = value.casefold()
    return values, stored


def _where(session: Session, where: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The attribute filters with each name as stored; an unknown name is a one-line error."""
    if not where:
        return []
    from .cases import canonical

    query = select(Attribute.name, Attribute.type).order_by(Attribute.name)
    types = dict(session.execute(query).all())
    folded = {n.casefold(): n for n in types}
    out = []
    for key, value in where:
        name = folded.get(key.strip().casefold())
        if name is None:
            known = ", ".join(types) or "none yet"
            hint = None if types else Hint("case-attributes", key=key)
            raise NotFoundError(f"no case attribute '{key}' (attributes: {known})", hint)
        try:
            value = canonical(value, types[name])
        except ValueError:
            value = value.strip()  # cannot match a typed value: finds nothing
        out.append((name, value.casefold()))
    return out
