"""A project's documents, codes, codings and decided suggestions, read once for the engines.

One read transaction loads everything the engines need as plain records; sentences come from
:func:`qualcode.nlp.pipeline.analyse` (cached per document). The *training codings* are the
named coder's (or every coder's, when none is named); the *labels* of a document are, per code,
the sentences those codings overlap.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import func, select

from ..errors import Hint, NotFoundError
from ..nlp.pipeline import Analysis, analyse
from ..project.codes import load_tree
from ..store.models import Coder, Coding, Document, Speaker, Suggestion, Turn

if TYPE_CHECKING:
    from ..project import Project


@dataclass(frozen=True)
class CodeEntry:
    """A codable, not archived code with the codebook text the engines read."""

    index: int
    id: int
    uuid: str
    path: str
    name: str
    definition: str
    inclusion: str
    exclusion: str
    example: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class DocumentEntry:
    id: int
    name: str
    text: str
    sha256: str
    turns: tuple[tuple[int, int, int], ...]
    """``(start, body_start, end)`` of each turn, sorted by start."""
    speakers: tuple[str, ...]
    """Per turn: the speaker label (lower case), ``role:<role>`` appended when there is one."""


@dataclass(frozen=True)
class CodingEntry:
    document: str
    code: int
    """Index of the code in :attr:`Corpus.codes`."""
    start: int
    end: int
    coder: str


@dataclass
class Corpus:
    """Everything the engines read from one project, for one coder (or all coders)."""

    codes: list[CodeEntry]
    documents: dict[str, DocumentEntry]
    codings: list[CodingEntry]
    coder: str | None
    rejected: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)
    """Per document: ``(code index, start, end)`` of rejected suggestions."""
    decisions: dict[int, tuple[int, int]] = field(default_factory=dict)
    """Per code index: (accepted, rejected) suggestions so far."""

    def analysis(self, name: str) -> Analysis:
        doc = self.documents[name]
        return analyse(doc.text, doc.turns, sha256=doc.sha256)

    def speakers(self, name: str) -> list[str]:
        """The speaker of each sentence of a document ("" outside turns or unlabelled)."""
        doc = self.documents[name]
        turn = self.analysis(name).turn
        return [doc.speakers[t] if t >= 0 else "" for t in turn.tolist()]

    def coded_documents(self) -> list[str]:
        """Documents with at least one training coding, in name order."""
        return sorted({c.document for c in self.codings})

    def codings_by_document(self) -> dict[str, list[CodingEntry]]:
        out: dict[str, list[CodingEntry]] = defaultdict(list)
        for coding in self.codings:
            out[coding.document].append(coding)
        return out

    def coding_counts(self, documents: Iterable[str] | None = None) -> Counter[int]:
        """Codings per code index (in ``documents`` only, when given)."""
        chosen = None if documents is None else set(documents)
        return Counter(c.code for c in self.codings if chosen is None or c.document in chosen)

    def labels(self, name: str, codings: Iterable[CodingEntry] | None = None) -> np.ndarray:
        """``sentences x codes`` booleans: the sentence overlaps a coding of the code."""
        analysis = self.analysis(name)
        out = np.zeros((len(analysis), len(self.codes)), dtype=bool)
        chosen = codings if codings is not None else self.codings_by_document().get(name, [])
        return mark_overlaps(out, analysis, ((c.code, c.start, c.end) for c in chosen))


def mark_overlaps(
    out: np.ndarray, analysis: Analysis, spans: Iterable[tuple[int, int, int]]
) -> np.ndarray:
    """Set ``out[sentence, code]`` for every sentence a ``(code, start, end)`` span overlaps."""
    if not len(analysis):
        return out
    starts = np.fromiter((s for s, _e in analysis.spans), dtype=np.int64, count=len(analysis))
    ends = np.fromiter((e for _s, e in analysis.spans), dtype=np.int64, count=len(analysis))
    for code, start, end in spans:
        first = int(np.searchsorted(ends, start, side="right"))
        last = int(np.searchsorted(starts, end, side="left"))
        if last > first:
            out[first:last, code] = True
    return out


def load_corpus(project: Project, coder: str | None = None) -> Corpus:
    """Read codes, documents, turns, training codings and decisions in one transaction.
    While coding is blind, a coder's suggestions learn from their own codings only."""
    with project._read() as session:
        if project._blind_for_actor(session):
            coder = project.actor
        coder_id = None
        if coder is not None:
            coder_id = session.scalar(select(Coder.id).where(Coder.name == coder))
            if coder_id is None:
                raise NotFoundError(f"no coder named '{coder}'", Hint("coders"))
        tree = load_tree(session)
        codes: list[CodeEntry] = []
        index_of: dict[int, int] = {}
        for code in tree.ordered():
            if not code.codable or code.archived:
                continue
            index_of[code.id] = len(codes)
            codes.append(
                CodeEntry(
                    index=len(codes), id=code.id, uuid=code.uuid, path=tree.path(code),
                    name=code.name, definition=code.definition or "",
                    inclusion=code.inclusion or "", exclusion=code.exclusion or "",
                    example=code.example or "", keywords=tuple(code.keywords or ()),
                )
            )  # fmt: skip
        turns: dict[int, list[tuple[int, int, int, str]]] = defaultdict(list)
        rows = session.execute(
            select(Turn.document_id, Turn.start, Turn.body_start, Turn.end, Speaker.label,
                   Speaker.role)
            .outerjoin(Speaker, Turn.speaker_id == Speaker.id)
            .order_by(Turn.document_id, Turn.start)
        )  # fmt: skip
        for doc_id, start, body_start, end, label, role in rows:
            speaker = (label or "").strip().lower()
            if role:
                speaker = f"{speaker} role:{role}".strip()
            turns[doc_id].append((start, body_start, end, speaker))
        documents: dict[str, DocumentEntry] = {}
        names: dict[int, str] = {}
        for doc_id, name, text, sha256 in session.execute(
            select(Document.id, Document.name, Document.text, Document.sha256)
        ):
            names[doc_id] = name
            doc_turns = turns.get(doc_id, [])
            documents[name] = DocumentEntry(
                id=doc_id, name=name, text=text, sha256=sha256,
                turns=tuple((s, b, e) for s, b, e, _sp in doc_turns),
                speakers=tuple(sp for *_span, sp in doc_turns),
            )  # fmt: skip
        query = (
            select(Coding.document_id, Coding.code_id, Coding.start, Coding.end, Coder.name)
            .join(Coder, Coding.coder_id == Coder.id)
            .where(Coding.deleted_at.is_(None))
            .order_by(Coding.document_id, Coding.start, Coding.id)
        )
        if coder_id is not None:
            query = query.where(Coding.coder_id == coder_id)
        codings = [
            CodingEntry(names[doc_id], index_of[code_id], start, end, name)
            for doc_id, code_id, start, end, name in session.execute(query)
            if code_id in index_of
        ]
        rejected: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        decided = select(
            Suggestion.document_id, Suggestion.code_id, Suggestion.start, Suggestion.end
        ).where(Suggestion.status == "rejected")
        if coder_id is not None:
            decided = decided.where(
                (Suggestion.for_coder_id == coder_id) | Suggestion.for_coder_id.is_(None)
            )
        for doc_id, code_id, start, end in session.execute(decided):
            if code_id in index_of:
                rejected[names[doc_id]].append((index_of[code_id], start, end))
        history = select(Suggestion.code_id, Suggestion.status, func.count()).where(
            Suggestion.status.in_(("accepted", "rejected"))
        )
        if coder_id is not None:
            history = history.where(Suggestion.for_coder_id == coder_id)
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for code_id, status, count in session.execute(
            history.group_by(Suggestion.code_id, Suggestion.status)
        ):
            if code_id in index_of:
                counts[index_of[code_id]][0 if status == "accepted" else 1] += count
    return Corpus(
        codes=codes,
        documents=documents,
        codings=codings,
        coder=coder,
        rejected=dict(rejected),
        decisions={k: (v[0], v[1]) for k, v in counts.items()},
    )
