"""Held-out parts of one coded document, for an evaluation that has no second document.

A project exported from NVivo or QualCoder often holds all its codings in one long document (a
focus group, a board meeting, a thread of comments). Holding out documents cannot measure
anything there, so the evaluation holds out *parts* of that document instead: the coded part
(up to the end of the line of the last coding: a coder who stopped there did not say the rest
holds nothing) is cut into :data:`PARTS` blocks with about as many codings each, at line or
turn starts that no coding crosses. Each block becomes
a document of its own in a copy of the :class:`~.corpus.Corpus`, with its turns, speakers and
codings moved to its own offsets, so the evaluation runs on it unchanged. What the evaluation
learns (the calibration, each code's record, the queue's setting) is per code, not per
document, so it serves suggestions in the real documents.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace

from .corpus import Corpus, DocumentEntry

PARTS = 5
"""Blocks one coded document is cut into when it is the only one."""


def part_name(document: str, part: int) -> str:
    return f"{document} · part {part}"


def _boundaries(text: str, turns: Sequence[tuple[int, int, int]]) -> list[int]:
    """Where a block may start: each turn's start and each line's start."""
    lines = {m.end() for m in re.finditer("\n", text) if m.end() < len(text)}
    return sorted(lines | {start for start, _body, _end in turns if start > 0})


def cuts(
    text: str,
    turns: Sequence[tuple[int, int, int]],
    spans: Sequence[tuple[int, int]],
    parts: int = PARTS,
) -> list[tuple[int, int]]:
    """``(start, end)`` of up to ``parts`` blocks of ``text`` with about as many of the coded
    ``spans`` each, cut at line or turn starts no span crosses; the text after the last coded
    line is left out. Empty when there is nothing coded."""
    if not spans:
        return []
    ordered = sorted(spans)
    last = max(end for _start, end in ordered)
    line = text.find("\n", last)
    stop = line if line >= 0 else len(text)
    merged: list[list[int]] = []  # the coded stretches, overlapping codings merged
    for start, end in ordered:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    starts = [a for a, _b in merged]

    def inside(at: int) -> bool:
        k = bisect.bisect_left(starts, at) - 1
        return k >= 0 and merged[k][0] < at < merged[k][1]

    allowed = [at for at in _boundaries(text, turns) if at < stop and not inside(at)]
    edges = [0]
    for k in range(1, parts):
        target = ordered[k * len(ordered) // parts][0]
        at = next((b for b in allowed if b >= target and b > edges[-1]), None)
        if at is not None:
            edges.append(at)
    edges.append(stop)
    return [(a, b) for a, b in zip(edges, edges[1:], strict=False) if text[a:b].strip()]


def _block(doc: DocumentEntry, name: str, start: int, end: int) -> DocumentEntry:
    text = doc.text[start:end]
    turns, speakers = [], []
    for (t_start, t_body, t_end), speaker in zip(doc.turns, doc.speakers, strict=True):
        if t_end <= start or t_start >= end:
            continue
        turns.append(
            (max(t_start, start) - start, max(t_body, start) - start, min(t_end, end) - start)
        )
        speakers.append(speaker)
    return DocumentEntry(
        id=doc.id,
        name=name,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        turns=tuple(turns),
        speakers=tuple(speakers),
    )


def in_parts(corpus: Corpus, parts: int = PARTS) -> Corpus:
    """A copy of ``corpus`` in which each coded document is replaced by its blocks (:func:`cuts`),
    each with the codings inside it (clipped to it). Documents nobody coded, and those where
    the coder only accepted suggestions, stay as they are."""
    by_document = corpus.codings_by_document()
    for name in corpus.reviewed:  # kept whole: only its accepted suggestions are known
        by_document.pop(name, None)
    documents = {n: d for n, d in corpus.documents.items() if n not in by_document}
    codings = [c for c in corpus.codings if c.document in corpus.reviewed]
    for name, chosen in sorted(by_document.items()):
        doc = corpus.documents[name]
        spans = [(c.start, c.end) for c in chosen]
        for part, (start, end) in enumerate(cuts(doc.text, doc.turns, spans, parts), 1):
            label = part_name(name, part)
            documents[label] = _block(doc, label, start, end)
            for coding in chosen:
                a, b = max(start, coding.start), min(end, coding.end)
                if b > a and doc.text[a:b].strip():
                    codings.append(replace(coding, document=label, start=a - start, end=b - start))
    rejected = {n: v for n, v in corpus.rejected.items() if n in corpus.reviewed}
    return replace(corpus, documents=documents, codings=codings, rejected=rejected)


def for_evaluation(corpus: Corpus) -> Corpus | None:
    """The corpus an evaluation holds out from: ``corpus`` itself when the coder coded two
    documents or more, its parts (:func:`in_parts`) when one document holds every coding and
    cuts into two blocks or more; None when there is nothing to hold out."""
    coded = corpus.coded_documents()
    if len(coded) >= 2:
        return corpus
    if not coded:
        return None
    split = in_parts(corpus)
    return split if len(split.coded_documents()) >= 2 else None
