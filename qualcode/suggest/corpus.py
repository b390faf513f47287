"""A project's documents, codes, codings and decided suggestions, read once for the engines.

One read transaction (``Project.snapshot``) loads everything the engines need; sentences come from
:func:`qualcode.nlp.pipeline.analyse` (cached per document). The *training codings* are the
named coder's (or every coder's, when none is named); the *labels* of a document are, per code,
the sentences those codings overlap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..errors import Hint, NotFoundError
from ..formats import format_path
from ..nlp.pipeline import Analysis, analyse
from ..project.snapshot import Roster, codebook_order

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
    reviewed: frozenset[str] = frozenset()
    """Documents where the coder has decided on suggestions but not coded: every training
    coding there is an accepted suggestion (or there is none, only rejections). What they
    accepted and rejected is known; the rest of such a document is not known to hold nothing,
    so it is neither a counter-example nor held out."""

    def analysis(self, name: str) -> Analysis:
        doc = self.documents[name]
        return analyse(doc.text, doc.turns, sha256=doc.sha256)

    def speakers(self, name: str) -> list[str]:
        """The speaker of each sentence of a document ("" outside turns or unlabelled)."""
        doc = self.documents[name]
        turn = self.analysis(name).turn
        return [doc.speakers[t] if t >= 0 else "" for t in turn.tolist()]

    def coded_documents(self) -> list[str]:
        """Documents the coder has coded (a training coding that is not only an accepted
        suggestion: see :attr:`reviewed`), in name order."""
        return sorted({c.document for c in self.codings} - self.reviewed)

    def learned_documents(self) -> list[str]:
        """Documents the engines learn from: the coded and the reviewed ones, in name order."""
        return sorted(set(self.coded_documents()) | self.reviewed)

    def codings_by_document(self) -> dict[str, list[CodingEntry]]:
        out: dict[str, list[CodingEntry]] = defaultdict(list)
        for coding in self.codings:
            out[coding.document].append(coding)
        return out

    def decided(self, name: str, labels: np.ndarray) -> np.ndarray:
        """``sentences x codes``: what the coder decided in a reviewed document, ``labels``
        its accepted suggestions: an accepted sentence for every code, a rejected one for the
        code rejected. Nothing else there is known."""
        known = np.zeros_like(labels)
        mark_overlaps(known, self.analysis(name), self.rejected.get(name, []))
        known[labels.any(axis=1)] = True
        return known

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


def _training(coder: str | None) -> Callable[[Roster], list[str] | None]:
    """Whose codings suggestions learn from: ``coder`` (every coder's when None), or while
    coding is blind the actor's own."""

    def training(roster: Roster) -> list[str] | None:
        name = roster.actor if roster.blind else coder
        if name is None:
            return None
        if name not in {c.name for c in roster.coders}:
            raise NotFoundError(f"no coder named '{name}'", Hint("coders"))
        return [name]

    return training


def training_coder(project: Project, coder: str | None = None) -> str | None:
    """The coder whose codings :func:`load_corpus` would learn from, read without the texts
    or the codings."""
    snapshot = project.snapshot(texts=False, codings="none", coders=_training(coder), memos=False)
    return snapshot.chosen[0] if snapshot.chosen else None


def load_corpus(project: Project, coder: str | None = None) -> Corpus:
    """Read codes, documents, turns, training codings and decisions in one transaction.
    While coding is blind, a coder's suggestions learn from their own codings only."""
    snapshot = project.snapshot(
        codings="table",
        coders=_training(coder),
        coding_details=True,
        memos=False,
        suggestions=True,
    )
    table = snapshot.coding_table
    assert table is not None
    coder = snapshot.chosen[0] if snapshot.chosen else None
    codes: list[CodeEntry] = []
    index_of: dict[str, int] = {}
    for code in codebook_order(snapshot.codes):
        if not code.codable or code.archived:
            continue
        index_of[code.uuid] = len(codes)
        codes.append(
            CodeEntry(
                index=len(codes),
                id=code.id,
                uuid=code.uuid,
                path=format_path(code.path),
                name=code.name,
                definition=code.definition or "",
                inclusion=code.inclusion or "",
                exclusion=code.exclusion or "",
                example=code.example or "",
                keywords=code.keywords,
            )
        )
    documents: dict[str, DocumentEntry] = {}
    names: dict[str, str] = {}
    for doc in snapshot.documents:
        names[doc.uuid] = doc.name
        roles = {s.label: s.role for s in doc.speakers}
        turns = sorted(doc.turns, key=lambda t: t.start)
        documents[doc.name] = DocumentEntry(
            id=doc.id,
            name=doc.name,
            text=doc.text,
            sha256=doc.sha256,
            turns=tuple((t.start, t.body_start, t.end) for t in turns),
            speakers=tuple(_speaker(t.speaker, roles) for t in turns),
        )
    doc_names = {doc.id: doc.name for doc in snapshot.documents}
    code_index = {code.id: index_of[code.uuid] for code in snapshot.codes if code.uuid in index_of}
    coder_names = {c.id: c.name for c in snapshot.coders}
    order = np.lexsort((table.id, table.start, table.document_id))
    codings = [
        CodingEntry(doc_names[doc], code_index[code], start, end, coder_names[coder])
        for doc, code, coder, start, end in zip(
            table.document_id[order].tolist(),
            table.code_id[order].tolist(),
            table.coder_id[order].tolist(),
            table.start[order].tolist(),
            table.end[order].tolist(),
            strict=True,
        )
        if code in code_index
    ]
    rejected: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    accepted: set[tuple[str, int, int, int]] = set()
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for s in snapshot.decided:
        if s.code not in index_of:
            continue
        if s.status == "rejected" and (coder is None or s.for_coder in (coder, None)):
            rejected[names[s.document]].append((index_of[s.code], s.start, s.end))
        if coder is None or s.for_coder == coder:
            counts[index_of[s.code]][0 if s.status == "accepted" else 1] += 1
            if s.status == "accepted":
                accepted.add((names[s.document], index_of[s.code], s.start, s.end))
    coded = {c.document for c in codings if (c.document, c.code, c.start, c.end) not in accepted}
    return Corpus(
        codes=codes,
        documents=documents,
        codings=codings,
        coder=coder,
        rejected=dict(rejected),
        decisions={k: (v[0], v[1]) for k, v in counts.items()},
        reviewed=frozenset(({c.document for c in codings} | set(rejected)) - coded),
    )


def _speaker(label: str | None, roles: dict[str, str | None]) -> str:
    """A turn's speaker as the engines read it: the label in lower case, ``role:<role>``
    appended when there is one."""
    speaker = (label or "").strip().lower()
    role = roles.get(label) if label is not None else None
    if role:
        speaker = f"{speaker} role:{role}".strip()
    return speaker
