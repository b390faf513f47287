"""Set-based span arithmetic for the reports: roll-up, merging into segments, pieces per turn.

A **segment** is a stretch of text coded with a code: the codings of that code (for a theme, of
the theme and all its descendants) by the selected coders, in one document, with overlapping
codings merged into one. Two sub-codes of a theme on the same words therefore count once for
the theme, and two coders on the same words count once. Codings that only touch (one ends where
the next starts) stay separate segments.

A **piece** is the part of a segment inside one turn body. Pieces carry the case the turn
speaks for (the document's case, else the speaker's: a focus group), the speaker and the words.
A segment that overlaps no turn body (a document without turns, or text outside the turns) is
one piece with no turn and the document's case. With ``exclude_interviewer``, pieces in
interviewer turns are dropped, and a segment left with no piece no longer counts anywhere.

Everything here works on whole numpy arrays: no Python loop runs per coding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .data import Corpus

Rollup = Literal["tree", "self", "theme"]
"""How codings count for codes: ``tree`` (a code counts its own and its descendants' codings),
``self`` (each code only its own), ``theme`` (only top-level codes, each rolling up its tree)."""


@dataclass(frozen=True, eq=False)
class Segments:
    key: np.ndarray
    """The code index (times ``coders`` plus the coder index when split by coder)."""
    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    applied: np.ndarray
    """How many coding rows were merged into the segment."""
    row_segment: np.ndarray
    """For each (coding, target code) row, its segment, sorted by segment."""
    row_coding: np.ndarray
    """For each row, the index of the coding in the corpus."""
    per_coder: bool = False

    def __len__(self) -> int:
        return int(self.key.size)


@dataclass(frozen=True, eq=False)
class Pieces:
    segment: np.ndarray
    turn: np.ndarray
    """Turn index, or -1 for a segment outside every turn body."""
    start: np.ndarray
    end: np.ndarray
    case: np.ndarray
    speaker: np.ndarray
    words: np.ndarray

    def __len__(self) -> int:
        return int(self.segment.size)


def edges(corpus: Corpus, rollup: Rollup) -> tuple[np.ndarray, np.ndarray]:
    """(code, target) pairs: the codes a coding of ``code`` counts for."""
    codes = corpus.codes
    if rollup == "tree":
        return codes.ancestors()
    own = np.arange(len(codes), dtype=np.int64)
    if rollup == "self":
        return own, own
    return own, codes.root().astype(np.int64)


def expand(code_of_row: np.ndarray, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, ...]:
    """For each row with code ``code_of_row[i]``, one row per target of that code:
    returns (row index, target)."""
    order = np.argsort(src, kind="stable")
    src, dst = src[order], dst[order]
    size = int(max(src.max(initial=-1), code_of_row.max(initial=-1))) + 1
    count = np.bincount(src, minlength=size)
    first = np.concatenate(([0], np.cumsum(count)[:-1]))
    n = count[code_of_row]
    rows = np.repeat(np.arange(code_of_row.size), n)
    within = np.arange(rows.size) - np.repeat(np.cumsum(n) - n, n)
    return rows, dst[first[code_of_row[rows]] + within]


def merge(
    keys: np.ndarray, starts: np.ndarray, ends: np.ndarray, span: int
) -> tuple[np.ndarray, ...]:
    """Merge overlapping spans with the same key. Returns (order of the rows, segment of each
    row in that order, and per segment: key, start, end, number of rows)."""
    if not keys.size:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty, empty, empty
    at = keys * span + starts
    order = np.argsort(at, kind="stable")
    at = at[order]
    reach = np.maximum.accumulate((keys * span + ends)[order])
    new = np.ones(at.size, dtype=bool)
    new[1:] = at[1:] >= reach[:-1]
    segment = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    last = np.append(first[1:] - 1, at.size - 1)
    seg_key = keys[order][first]
    return (
        order,
        segment,
        seg_key,
        at[first] - seg_key * span,
        reach[last] - seg_key * span,
        np.diff(np.append(first, at.size)),
    )


def segments(corpus: Corpus, rollup: Rollup = "tree", *, per_coder: bool = False) -> Segments:
    """The segments of every code under ``rollup`` (see the module docstring); kept on the
    corpus, so several reports of one export share them."""
    key = ("segments", rollup, per_coder)
    if key not in corpus._memo:
        corpus._memo[key] = _segments(corpus, rollup, per_coder)
    return corpus._memo[key]  # type: ignore[no-any-return]


def _segments(corpus: Corpus, rollup: Rollup, per_coder: bool) -> Segments:
    src, dst = edges(corpus, rollup)
    rows, target = expand(corpus.coding_code, src, dst)
    keys = target
    if per_coder:
        keys = target * max(len(corpus.coders), 1) + corpus.coding_coder[rows]
    order, segment, seg_key, seg_start, seg_end, applied = merge(
        keys, corpus.coding_start[rows], corpus.coding_end[rows], corpus.span
    )
    row_coding = rows[order]
    return Segments(
        key=seg_key,
        doc=corpus.coding_doc[row_coding[np.searchsorted(segment, np.arange(seg_key.size))]]
        if seg_key.size
        else np.zeros(0, dtype=np.int64),
        start=seg_start,
        end=seg_end,
        applied=applied,
        row_segment=segment,
        row_coding=row_coding,
        per_coder=per_coder,
    )


def code_of(corpus: Corpus, segs: Segments) -> np.ndarray:
    """The code index of each segment (the key without the coder)."""
    return segs.key // max(len(corpus.coders), 1) if segs.per_coder else segs.key


def pieces(corpus: Corpus, segs: Segments, *, exclude_interviewer: bool = False) -> Pieces:
    """Cut segments by turn bodies (see the module docstring); pieces are sorted by segment,
    so by key and position. Kept on the corpus, like the segments."""
    key = ("pieces", id(segs), exclude_interviewer)
    if key not in corpus._memo:
        corpus._memo[key] = _pieces(corpus, segs, exclude_interviewer)
    return corpus._memo[key]  # type: ignore[no-any-return]


def _pieces(corpus: Corpus, segs: Segments, exclude_interviewer: bool) -> Pieces:
    n_seg = len(segs)
    reach = np.maximum.accumulate(corpus.turn_end) if corpus.turn_end.size else corpus.turn_end
    lo = np.searchsorted(reach, segs.start, side="right")
    hi = np.searchsorted(corpus.turn_body, segs.end, side="left")
    n = np.maximum(hi - lo, 0)
    seg = np.repeat(np.arange(n_seg), n)
    turn = lo[seg] + (np.arange(seg.size) - np.repeat(np.cumsum(n) - n, n))
    start = np.maximum(segs.start[seg], corpus.turn_body[turn]) if seg.size else seg
    end = np.minimum(segs.end[seg], corpus.turn_end[turn]) if seg.size else seg
    real = end > start
    in_turns = np.bincount(seg[real], minlength=n_seg) > 0
    if exclude_interviewer and seg.size:
        real &= ~corpus.turn_role_is_interviewer[turn]
    seg, turn, start, end = seg[real], turn[real], start[real], end[real]
    outside = np.flatnonzero(~in_turns)
    seg = np.concatenate((seg, outside))
    turn = np.concatenate((turn, np.full(outside.size, -1, dtype=np.int64)))
    start = np.concatenate((start, segs.start[outside]))
    end = np.concatenate((end, segs.end[outside]))
    if outside.size:  # two sorted runs: a stable sort merges them in linear time
        order = np.argsort(seg, kind="stable")
        seg, turn, start, end = seg[order], turn[order], start[order], end[order]
    doc_case = corpus.doc_case[segs.doc[seg]]
    turn_case = np.append(corpus.turn_case, -1)[turn]
    case = np.where(turn >= 0, turn_case, doc_case)
    speaker = np.append(corpus.turn_speaker, -1)[turn]
    words = _words(corpus, segs.key[seg], start, end)
    if outside.size:  # outside every turn body of a document with turns: nothing spoken
        words[(turn < 0) & corpus.doc_has_turns[segs.doc[seg]]] = 0
    return Pieces(seg, turn, start, end, case, speaker, words)


def _words(corpus: Corpus, keys: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Spoken words overlapping each piece; a word split between two pieces of the same key
    (a coding that starts mid-word next to another) counts once."""
    ws, we = corpus.word_start, corpus.word_end
    # Searching in position order is many times faster than in key order (cache-friendly).
    order = np.argsort(start, kind="stable")
    first = np.empty_like(start)
    first[order] = np.searchsorted(ws, start[order], side="left")
    count = -first
    count[order] += np.searchsorted(ws, end[order], side="left")
    if not ws.size:
        return count
    j = np.maximum(first - 1, 0)
    straddle = (first > 0) & (we[j] > start)
    if start.size > 1:
        same = np.zeros(start.size, dtype=bool)
        same[1:] = (keys[1:] == keys[:-1]) & (end[:-1] > ws[j[1:]])
        straddle &= ~same
    return count + straddle


def unique(values: np.ndarray, *, nearly_sorted: bool = False) -> np.ndarray:
    """Sorted distinct values. Sort-based: numpy's hash-based ``unique`` is many times slower
    on a million wide integers; values already nearly in order sort in linear time (timsort)."""
    if not values.size:
        return values
    ordered = np.sort(values, kind="stable" if nearly_sorted else "quicksort")
    keep = np.ones(ordered.size, dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]
