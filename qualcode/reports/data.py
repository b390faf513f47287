"""Reading a project into compact arrays for the reports, from one ``Project.snapshot``.

Every report starts from a :class:`Corpus`: the code tree, the documents, turns, speakers, cases
with their attribute values, and the active codings of the chosen coders, as numpy arrays (the
snapshot's coding and turn tables, so 500,000 codings load in well under a second).

Positions are *global*: document ``d`` occupies ``offset[d] .. offset[d] + length[d]`` of one
long line, with a gap of one position between documents, so that spans, turns and words of every
document can be searched together with ``numpy.searchsorted`` and never touch across documents.

The word arrays hold every whitespace-separated token (what ``str.split()`` gives) of every
text; counts keep to the *spoken* text (turn bodies, or the whole text of a document without
turns) because :mod:`qualcode.reports.spans` cuts every segment by turn bodies first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import NotFoundError
from ..project.snapshot import Roster
from ..vocabulary import CONSENSUS_CODER
from .codetree import CodeTable, code_table
from .words import all_words

if TYPE_CHECKING:
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
    """Whether coding ids, favourite marks and memos were read (``load(details=True)``)."""
    span: int = 0
    """One more than the last global position: keys times ``span`` plus a position never clash."""
    coding_memos: dict[int, list[str]] = field(default_factory=dict)
    """With ``details``: 'coder: text' of the memos on each coding (by coding id)."""
    code_memos: dict[str, list[str]] = field(default_factory=dict)
    """With ``details``: 'coder: text' of the memos on each code (by code UUID)."""
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


class CoderChoice:
    """The coders whose codings count, chosen from a project's :class:`Roster` (called by
    ``Project.snapshot``), and the rule that chose them, in words (``rule``).

    Default: the consensus coder when it has active codings (the agreed coding of a study),
    else every other coder. ``all`` means every coder except the consensus coder."""

    def __init__(self, requested: Any) -> None:
        self.names = split_names(requested)
        self.rule = ""

    def __call__(self, roster: Roster) -> list[str]:
        coders = {c.name: c.role for c in roster.coders}  # by name
        others = [name for name, role in coders.items() if role != "consensus"]
        if not self.names:
            if CONSENSUS_CODER in coders and roster.codings(CONSENSUS_CODER):
                self.rule = "the consensus coder (the default when it has codings)"
                return [CONSENSUS_CODER]
            self.rule = "every coder (the default while the consensus coder has no codings)"
            return others
        chosen: dict[str, None] = {}
        for name in self.names:
            if name == "all" and name not in coders:
                chosen.update(dict.fromkeys(others))
                continue
            if name not in coders:
                known = ", ".join(coders) or "none"
                raise NotFoundError(f"no coder named '{name}' (coders: {known}; or 'all')")
            chosen[name] = None
        self.rule = "the coders asked for" if len(chosen) > 1 else "the coder asked for"
        return sorted(chosen)


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


def _ids(values: Iterable[int]) -> np.ndarray:
    return np.fromiter(values, dtype=np.int64)


def load(project: Project, *, coders: Any = None, details: bool = False) -> Corpus:
    """Read everything a report needs, in one read transaction (``Project.snapshot``);
    ``details`` adds each coding's id and favourite mark and the memos (for quotes)."""
    choose = CoderChoice(coders)
    snapshot = project.snapshot(
        codings="table", turns="table", coders=choose, coding_details=details, memos=details
    )
    table = snapshot.coding_table
    assert table is not None and snapshot.chosen is not None
    codes = code_table(snapshot.codes)
    docs = sorted(snapshot.documents, key=lambda d: (d.imported_at, d.id))
    doc_ids = _ids(d.id for d in docs)
    texts = [d.text for d in docs]
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(lengths + 1)[:-1])).astype(np.int64)
    cases = snapshot.cases  # by name
    case_index = {c.name: i for i, c in enumerate(cases)}
    doc_case = np.array([case_index.get(d.case, -1) for d in docs], dtype=np.int64)
    # in document order, so that speaker indices rise with position (cheap distinct counts)
    speakers = [(d, s) for d in docs for s in sorted(d.speakers, key=lambda s: s.id)]
    speaker_case = np.array([case_index.get(s.case, -1) for _d, s in speakers], dtype=np.int64)
    doc_index = {d.id: i for i, d in enumerate(docs)}
    turns = snapshot.turn_table
    assert turns is not None
    t_doc = _index(doc_ids, turns.document_id)
    turn_body = turns.body_start + offsets[t_doc]
    order = np.argsort(turn_body, kind="stable")  # by global position
    turn_doc, turn_body = t_doc[order], turn_body[order]
    turn_end = (turns.end + offsets[t_doc])[order]
    turn_speaker = _index(_ids(s.id for _d, s in speakers), turns.speaker_id[order])
    turn_ordinal = turns.ordinal[order]
    t_ts = turns.ts_start[order]
    values: dict[str, tuple[str, list[str | None]]] = {}
    for attribute in sorted(snapshot.attributes, key=lambda a: a.id):
        values[attribute.name] = (attribute.type, [None] * len(cases))
    for position, case in enumerate(cases):
        for name, value in case.values:
            values[name][1][position] = value
    coder_ids = {c.name: c.id for c in snapshot.coders}
    chosen = snapshot.chosen
    word_start, word_end = all_words(texts, offsets)
    c_doc = _index(doc_ids, table.document_id)
    memos_on_codings: dict[int, list[str]] = {}
    memos_on_codes: dict[str, list[str]] = {}
    for memo in sorted(snapshot.memos, key=lambda m: (m.created_at, m.id)):
        if memo.target_type == "coding" and memo.target_id is not None:
            memos_on_codings.setdefault(memo.target_id, []).append(f"{memo.coder}: {memo.text}")
        elif memo.target_type == "code" and memo.target is not None:
            memos_on_codes.setdefault(memo.target, []).append(f"{memo.coder}: {memo.text}")
    return Corpus(
        project=project.name,
        coders=chosen,
        coder_rule=choose.rule,
        codes=codes,
        doc_name=[d.name for d in docs],
        doc_kind=[d.kind for d in docs],
        doc_case=doc_case,
        doc_offset=offsets,
        doc_length=lengths,
        texts=texts,
        speaker_label=[s.label for _d, s in speakers],
        speaker_role=[s.role for _d, s in speakers],
        speaker_case=speaker_case,
        speaker_doc=np.array([doc_index[d.id] for d, _s in speakers], dtype=np.int64),
        turn_doc=turn_doc,
        turn_body=turn_body,
        turn_end=turn_end,
        turn_speaker=turn_speaker,
        turn_ordinal=turn_ordinal,
        turn_ts=t_ts,
        case_name=[c.name for c in cases],
        case_db_id=_ids(c.id for c in cases),
        attributes=values,
        coding_db_id=table.id,
        coding_doc=c_doc,
        coding_code=_index(codes.db_id, table.code_id),
        coding_coder=_index(_ids(coder_ids[name] for name in chosen), table.coder_id),
        coding_start=table.start + offsets[c_doc],
        coding_end=table.end + offsets[c_doc],
        coding_favourite=table.favourite,
        word_start=word_start,
        word_end=word_end,
        details=details,
        span=int(offsets[-1] + lengths[-1] + 1) if len(docs) else 1,
        coding_memos=memos_on_codings,
        code_memos=memos_on_codes,
    )
