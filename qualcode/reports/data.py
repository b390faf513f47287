"""Reading a project into compact arrays for the reports: one Core select per table.

Every report starts from a :class:`Corpus`: the code tree, the documents, turns, speakers, cases
with their attribute values, and the active codings of the chosen coders, as numpy arrays (never
ORM objects, so 500,000 codings load in well under a second).

Positions are *global*: document ``d`` occupies ``offset[d] .. offset[d] + length[d]`` of one
long line, with a gap of one position between documents, so that spans, turns and words of every
document can be searched together with ``numpy.searchsorted`` and never touch across documents.

The word arrays hold every whitespace-separated token (what ``str.split()`` gives) of every
text; counts keep to the *spoken* text (turn bodies, or the whole text of a document without
turns) because :mod:`qualcode.reports.spans` cuts every segment by turn bodies first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import func, select

from ..errors import NotFoundError
from ..store.models import (
    CONSENSUS_CODER,
    Attribute,
    AttributeValue,
    Case,
    Code,
    Coder,
    Coding,
    Document,
    Speaker,
    Turn,
)
from .codetree import CodeTable, code_table
from .words import all_words

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..project import Project

INTERVIEWER = "interviewer"
NO_VALUE = "(none)"
"""The group of codings whose case has no value for the attribute, or that have no case."""
ALL = "(all)"
"""The group that counts every coding once, whatever its group."""
KIND_NAMES = ("kind", "document kind", "document-kind")


@dataclass(eq=False)
class Corpus:
    """What the reports read from a project (see the module docstring)."""

    project: str
    coders: tuple[str, ...]
    """The selected coders, whose codings are combined (union)."""
    coder_rule: str
    """How the coders were chosen, in words, for the report header."""
    codes: CodeTable
    # documents (index order: import order)
    doc_name: list[str]
    doc_kind: list[str]
    doc_case: np.ndarray
    doc_offset: np.ndarray
    doc_length: np.ndarray
    texts: list[str]
    # speakers
    speaker_label: list[str]
    speaker_role: list[str | None]
    speaker_case: np.ndarray
    speaker_doc: np.ndarray
    # turns, sorted by global position
    turn_doc: np.ndarray
    turn_body: np.ndarray
    turn_end: np.ndarray
    turn_speaker: np.ndarray
    turn_ordinal: np.ndarray
    turn_ts: np.ndarray
    # cases and their attribute values (canonical text, None where unset)
    case_name: list[str]
    case_db_id: np.ndarray
    attributes: dict[str, tuple[str, list[str | None]]]
    # codings of the selected coders (global positions)
    coding_db_id: np.ndarray
    coding_doc: np.ndarray
    coding_code: np.ndarray
    coding_coder: np.ndarray
    coding_start: np.ndarray
    coding_end: np.ndarray
    coding_favourite: np.ndarray
    # every word (global positions, sorted); pieces keep counts to spoken words
    word_start: np.ndarray
    word_end: np.ndarray
    details: bool = False
    """Whether coding ids and favourite marks were read (``load(details=True)``)."""
    span: int = 0
    """One more than the last global position: keys times ``span`` plus a position never clash."""
    _memo: dict[Any, Any] = field(default_factory=dict)

    @property
    def turn_role_is_interviewer(self) -> np.ndarray:
        if "interviewer" not in self._memo:
            roles = np.array([r == INTERVIEWER for r in self.speaker_role] + [False], dtype=bool)
            self._memo["interviewer"] = roles[self.turn_speaker]  # -1 -> the trailing False
        return self._memo["interviewer"]  # type: ignore[no-any-return]

    @property
    def doc_has_turns(self) -> np.ndarray:
        if "has_turns" not in self._memo:
            found = np.zeros(len(self.doc_name), dtype=bool)
            found[self.turn_doc] = True
            self._memo["has_turns"] = found
        return self._memo["has_turns"]  # type: ignore[no-any-return]

    @property
    def turn_case(self) -> np.ndarray:
        """The case a turn speaks for: its document's case, else its speaker's (-1: none)."""
        if "turn_case" not in self._memo:
            speaker_case = np.append(self.speaker_case, -1)[self.turn_speaker]
            doc_case = self.doc_case[self.turn_doc]
            self._memo["turn_case"] = np.where(doc_case >= 0, doc_case, speaker_case)
        return self._memo["turn_case"]  # type: ignore[no-any-return]

    def cases_with_data(self) -> np.ndarray:
        """Cases that hold a document or a speaker: the cases a report can find codings for."""
        found = np.zeros(len(self.case_name), dtype=bool)
        found[self.doc_case[self.doc_case >= 0]] = True
        found[self.speaker_case[self.speaker_case >= 0]] = True
        return found

    def local(self, doc: int, position: int) -> int:
        return int(position - self.doc_offset[doc])

    def excerpt(self, doc: int, start: int, end: int) -> str:
        """The text between two global positions of one document."""
        base = int(self.doc_offset[doc])
        return self.texts[doc][int(start) - base : int(end) - base]

    def attribute(self, name: str, also: str = "") -> tuple[str, list[str | None]]:
        """The type and per-case values of a case attribute; ``also`` names the other values
        the caller accepts, for the error message."""
        if name not in self.attributes:
            known = ", ".join(sorted(self.attributes)) or "none"
            raise NotFoundError(f"no case attribute '{name}' (attributes: {known}{also})")
        return self.attributes[name]


# -- coders ------------------------------------------------------------------------------------


def split_names(values: Any) -> list[str]:
    """Names given as a list, each possibly comma separated ('ann,ben' or ['ann', 'ben'])."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    return [name.strip() for value in values for name in str(value).split(",") if name.strip()]


def choose_coders(session: Session, requested: Any) -> tuple[dict[int, str], str]:
    """The coders whose codings count, and the rule that chose them, in words.

    Default: the consensus coder when it has active codings (the agreed coding of a study),
    else every other coder. ``all`` means every coder except the consensus coder."""
    coders = {
        name: (cid, role)
        for cid, name, role in session.execute(
            select(Coder.id, Coder.name, Coder.role).order_by(Coder.name)
        )
    }
    names = split_names(requested)
    others = {cid: name for name, (cid, role) in coders.items() if role != "consensus"}
    if not names:
        consensus = coders.get(CONSENSUS_CODER)
        used = consensus is not None and session.scalar(
            select(func.count())
            .select_from(Coding)
            .where(Coding.coder_id == consensus[0], Coding.deleted_at.is_(None))
        )
        if used and consensus is not None:
            return {
                consensus[0]: CONSENSUS_CODER
            }, "the consensus coder (the default when it has codings)"
        return others, "every coder (the default while the consensus coder has no codings)"
    chosen: dict[int, str] = {}
    for name in names:
        if name == "all" and name not in coders:
            chosen.update(others)
            continue
        if name not in coders:
            known = ", ".join(coders) or "none"
            raise NotFoundError(f"no coder named '{name}' (coders: {known}; or 'all')")
        chosen[coders[name][0]] = name
    rule = "the coders asked for" if len(chosen) > 1 else "the coder asked for"
    return dict(sorted(chosen.items(), key=lambda item: item[1])), rule


# -- loading -----------------------------------------------------------------------------------


def _index(ids: np.ndarray, values: np.ndarray, missing: int = -1) -> np.ndarray:
    """Map database ids in ``values`` to their index in ``ids`` (sorted or not)."""
    if not ids.size:
        return np.full(values.shape, missing, dtype=np.int64)
    order = np.argsort(ids)
    found = np.searchsorted(ids[order], values)
    found = np.minimum(found, ids.size - 1)
    hit = ids[order][found] == values
    return np.where(hit, order[found], missing)


def _fetch(session: Session, query: Any, columns: int) -> np.ndarray:
    """Run a select of integer columns into a ``rows x columns`` int64 array. The DBAPI
    cursor's plain tuples are read directly: building 500,000 Row objects would take longer
    than the query."""
    result = session.connection().execute(query)
    try:
        rows = result.cursor.fetchall() if result.cursor is not None else []
    finally:
        result.close()
    values = chain.from_iterable(rows)
    array = np.fromiter(values, dtype=np.int64, count=len(rows) * columns)
    return array.reshape(-1, columns)


def _bits(value: int) -> int:
    return max(int(value), 1).bit_length()


def _codings(session: Session, coders: list[int], longest: int, details: bool) -> np.ndarray:
    """Active codings of ``coders``: document, code, coder, start, end (and id, favourite with
    ``details``). The database packs the five numbers into two 64-bit integers when they fit,
    which halves the Python objects built per row, the main cost of reading 500,000 codings."""
    where = (Coding.deleted_at.is_(None), Coding.coder_id.in_(coders))
    extra = [Coding.id, Coding.favourite] if details else []
    top = [session.scalar(select(func.max(t.id))) or 0 for t in (Document, Code, Coder)]
    span, doc, code, coder = _bits(longest + 1), *(_bits(t + 1) for t in top)
    if doc + span > 62 or span + code + coder > 62:
        columns = [Coding.document_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end]
        return _fetch(session, select(*columns, *extra).where(*where), len(columns) + len(extra))
    first = Coding.document_id * (1 << span) + Coding.start
    second = (Coding.end * (1 << code) + Coding.code_id) * (1 << coder) + Coding.coder_id
    packed = _fetch(session, select(first, second, *extra).where(*where), 2 + len(extra))
    out = np.empty((packed.shape[0], 5 + len(extra)), dtype=np.int64)
    out[:, 0], out[:, 3] = packed[:, 0] >> span, packed[:, 0] & ((1 << span) - 1)
    out[:, 4] = packed[:, 1] >> (code + coder)
    out[:, 1] = (packed[:, 1] >> coder) & ((1 << code) - 1)
    out[:, 2] = packed[:, 1] & ((1 << coder) - 1)
    out[:, 5:] = packed[:, 2:]
    return out


def load(project: Project, *, coders: Any = None, details: bool = False) -> Corpus:
    """Read everything a report needs, in one read transaction; ``details`` adds each coding's
    id and favourite mark (for quotes)."""
    with project._read() as session:
        chosen, rule = choose_coders(session, coders)
        codes = code_table(session)
        docs = session.execute(
            select(
                Document.id, Document.name, Document.kind, Document.case_id, Document.text
            ).order_by(Document.imported_at, Document.id)
        ).all()
        doc_ids = np.array([d.id for d in docs], dtype=np.int64)
        texts = [d.text for d in docs]
        lengths = np.array([len(t) for t in texts], dtype=np.int64)
        offsets = np.concatenate(([0], np.cumsum(lengths + 1)[:-1])).astype(np.int64)
        cases = session.execute(select(Case.id, Case.name).order_by(Case.name)).all()
        case_ids = np.array([c.id for c in cases], dtype=np.int64)
        doc_case = _index(case_ids, np.array([d.case_id or -1 for d in docs], dtype=np.int64))
        speakers = session.execute(
            select(Speaker.id, Speaker.document_id, Speaker.label, Speaker.role, Speaker.case_id)
        ).all()
        # in document order, so that speaker indices rise with position (cheap distinct counts)
        rank = _index(doc_ids, np.array([s.document_id for s in speakers], dtype=np.int64))
        speakers = [speakers[i] for i in np.argsort(rank, kind="stable")]
        speaker_ids = np.array([s.id for s in speakers], dtype=np.int64)
        speaker_case = _index(
            case_ids, np.array([s.case_id or -1 for s in speakers], dtype=np.int64)
        )
        turns = _fetch(
            session,
            select(
                Turn.document_id,
                Turn.body_start,
                Turn.end,
                func.coalesce(Turn.speaker_id, -1),
                Turn.ordinal,
            ),
            5,
        )
        stamps = session.execute(
            select(Turn.document_id, Turn.ordinal, Turn.ts_start).where(Turn.ts_start.is_not(None))
        ).all()
        values: dict[str, tuple[str, list[str | None]]] = {}
        position = {int(cid): i for i, cid in enumerate(case_ids)}
        for name, type_ in session.execute(select(Attribute.name, Attribute.type)):
            values[name] = (type_, [None] * len(cases))
        for case_id, name, value in session.execute(
            select(AttributeValue.case_id, Attribute.name, AttributeValue.value).join(
                Attribute, AttributeValue.attribute_id == Attribute.id
            )
        ):
            values[name][1][position[case_id]] = value
        coding_rows = _codings(session, list(chosen), int(lengths.max(initial=0)), details)
    coder_ids = np.array(list(chosen), dtype=np.int64)
    # turns in global positions
    t_doc = _index(doc_ids, turns[:, 0])
    t_body = turns[:, 1] + offsets[t_doc]
    t_end = turns[:, 2] + offsets[t_doc]
    order = np.argsort(t_body, kind="stable")
    t_doc, t_body, t_end = t_doc[order], t_body[order], t_end[order]
    t_speaker = _index(speaker_ids, turns[order, 3])
    t_ordinal = turns[order, 4]
    t_ts = np.full(t_doc.size, np.nan)
    if stamps:
        width = int(max(t_ordinal.max(initial=0), max(o for _, o, _ in stamps))) + 1
        stamp_doc = _index(doc_ids, np.array([d for d, _, _ in stamps], dtype=np.int64))
        keys = stamp_doc * width + np.array([o for _, o, _ in stamps], dtype=np.int64)
        found = _index(t_doc * width + t_ordinal, keys)
        t_ts[found[found >= 0]] = np.array([ts for _, _, ts in stamps])[found >= 0]
    word_start, word_end = all_words(texts, offsets)
    c_doc = _index(doc_ids, coding_rows[:, 0])
    return Corpus(
        project=project.name,
        coders=tuple(chosen.values()),
        coder_rule=rule,
        codes=codes,
        doc_name=[d.name for d in docs],
        doc_kind=[d.kind for d in docs],
        doc_case=doc_case,
        doc_offset=offsets,
        doc_length=lengths,
        texts=texts,
        speaker_label=[s.label for s in speakers],
        speaker_role=[s.role for s in speakers],
        speaker_case=speaker_case,
        speaker_doc=_index(doc_ids, np.array([s.document_id for s in speakers], dtype=np.int64)),
        turn_doc=t_doc,
        turn_body=t_body,
        turn_end=t_end,
        turn_speaker=t_speaker,
        turn_ordinal=t_ordinal,
        turn_ts=t_ts,
        case_name=[c.name for c in cases],
        case_db_id=case_ids,
        attributes=values,
        coding_db_id=coding_rows[:, 5] if details else np.full(c_doc.size, -1),
        coding_doc=c_doc,
        coding_code=_index(codes.db_id, coding_rows[:, 1]),
        coding_coder=_index(coder_ids, coding_rows[:, 2]),
        coding_start=coding_rows[:, 3] + offsets[c_doc],
        coding_end=coding_rows[:, 4] + offsets[c_doc],
        coding_favourite=coding_rows[:, 6].astype(bool) if details else np.zeros(c_doc.size, bool),
        word_start=word_start,
        word_end=word_end,
        details=details,
        span=int(offsets[-1] + lengths[-1] + 1) if len(docs) else 1,
    )
