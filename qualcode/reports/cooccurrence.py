"""Co-occurrence of codes: how often two codes are found together.

Three ways to be together (``mode``):

``overlap``
    Coded segments of the two codes share at least one character of a turn body (or of a
    document without turns). The cell counts pairs of overlapping segments; the diagonal counts
    each code's segments.
``turn``
    Both codes have a segment in the same turn. The cell counts turns; the diagonal, turns with
    the code.
``document``
    Both codes have a segment in the same document. The cell counts documents; the diagonal,
    documents with the code.

``level="code"`` takes every code by itself (its own codings: a theme's sub-codes are not
added to it, which would make a theme co-occur with its own sub-codes); ``level="theme"`` takes
the top-level themes, each rolling up its tree. Codes never used are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .data import Corpus, load
from .spans import code_of, pieces, segments, unique
from .tables import Table, parameters

if TYPE_CHECKING:
    from ..project import Project

MODES = ("overlap", "turn", "document")
CHUNK = 20_000
PAIR_LIMIT = 5_000_000
"""Above this many pairs of codes in one turn or document, multiply matrices instead."""


@dataclass(frozen=True, eq=False)
class CooccurrenceReport:
    mode: str
    level: str
    codes: tuple[str, ...]
    counts: np.ndarray
    """Symmetric codes x codes; the diagonal is each code's own total."""
    parameters: dict[str, Any]
    rules: tuple[str, ...]
    name: str = "cooccurrence"

    def pairs(self) -> list[tuple[str, str, int]]:
        """Every pair of different codes found together, most frequent first."""
        found = [
            (self.codes[i], self.codes[j], int(self.counts[i, j]))
            for i in range(len(self.codes))
            for j in range(i + 1, len(self.codes))
            if self.counts[i, j]
        ]
        return sorted(found, key=lambda p: -p[2])

    def tidy(self) -> Table:
        totals = {c: int(self.counts[i, i]) for i, c in enumerate(self.codes)}
        rows = tuple((a, b, n, totals[a], totals[b]) for a, b, n in self.pairs())
        return Table(
            "co-occurrence (pairs)",
            f"Pairs of codes together ({self.mode})",
            ("code_a", "code_b", "together", "total_a", "total_b"),
            rows,
            self.rules,
        )

    def wide(self) -> Table:
        rows = tuple((c, *(int(v) for v in self.counts[i])) for i, c in enumerate(self.codes))
        return Table(
            "co-occurrence",
            f"Code co-occurrence ({self.mode})",
            ("code", *self.codes),
            rows,
            self.rules,
        )

    def tables(self) -> list[Table]:
        return [self.wide(), self.tidy()]

    def to_json(self) -> dict[str, Any]:
        return {
            "parameters": self.parameters,
            "rules": list(self.rules),
            "codes": list(self.codes),
            "matrix": self.counts.tolist(),
            "pairs": self.tidy().records(),
        }


def _together(rows: np.ndarray, cols: np.ndarray, n_cols: int) -> np.ndarray:
    """``X.T @ X`` of the 0/1 matrix with ones at distinct (row, col): for two codes, the rows
    (turns or documents) that hold both. Pairs are listed when there are few of them, else the
    matrix is multiplied in chunks of rows."""
    out = np.zeros((n_cols, n_cols), dtype=np.int64)
    if not rows.size:
        return out
    pairs = unique(rows * n_cols + cols)
    rows, cols = pairs // n_cols, pairs % n_cols
    start = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    size = np.diff(np.append(start, rows.size))
    out[np.diag_indices(n_cols)] = np.bincount(cols, minlength=n_cols)
    if int((size * (size - 1) // 2).sum()) <= PAIR_LIMIT:
        rank = np.arange(rows.size) - np.repeat(start, size)
        count = np.repeat(size, size) - rank - 1
        left = np.repeat(np.arange(rows.size), count)
        right = left + 1 + (np.arange(left.size) - np.repeat(np.cumsum(count) - count, count))
        together = np.bincount(cols[left] * n_cols + cols[right], minlength=n_cols * n_cols)
        together = together.reshape(n_cols, n_cols)
        return out + together + together.T
    out[:] = 0
    for first in range(0, int(rows.max()) + 1, CHUNK):
        lo, hi = np.searchsorted(rows, [first, first + CHUNK])
        block = np.zeros((CHUNK, n_cols), dtype=np.float32)
        block[rows[lo:hi] - first, cols[lo:hi]] = 1.0
        out += np.rint(block.T @ block).astype(np.int64)
    return out


def _overlaps(
    code: np.ndarray, seg: np.ndarray, start: np.ndarray, end: np.ndarray, n: int
) -> np.ndarray:
    """Pairs of different-code segments whose pieces overlap, counted once per segment pair."""
    out = np.zeros((n, n), dtype=np.int64)
    first = np.ones(seg.size, dtype=bool)  # pieces come sorted by segment
    first[1:] = seg[1:] != seg[:-1]
    out[np.diag_indices(n)] = np.bincount(code[first], minlength=n)
    order = np.argsort(start, kind="stable")
    code, seg, start, end = code[order], seg[order], start[order], end[order]
    upto = np.searchsorted(start, end, side="left")  # pieces j > i with start_j < end_i
    count = np.maximum(upto - np.arange(start.size) - 1, 0)
    left = np.repeat(np.arange(start.size), count)
    right = left + 1 + (np.arange(left.size) - np.repeat(np.cumsum(count) - count, count))
    differ = code[left] != code[right]
    left, right = left[differ], right[differ]
    a, b = np.minimum(seg[left], seg[right]), np.maximum(seg[left], seg[right])
    width = int(seg.max()) + 1 if seg.size else 1
    found = unique(a * width + b)
    first, second = code_at(seg, code, found // width), code_at(seg, code, found % width)
    lo, hi = np.minimum(first, second), np.maximum(first, second)
    together = np.bincount(lo * n + hi, minlength=n * n).reshape(n, n)
    return out + together + together.T


def code_at(seg: np.ndarray, code: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The code of each segment in ``wanted`` (segments are given per piece)."""
    lookup = np.zeros(int(seg.max()) + 1 if seg.size else 0, dtype=np.int64)
    lookup[seg] = code
    return lookup[wanted]


def cooccurrence_report(
    corpus: Corpus,
    *,
    mode: Literal["overlap", "turn", "document"] = "overlap",
    level: Literal["code", "theme"] = "code",
    exclude_interviewer: bool = False,
) -> CooccurrenceReport:
    if mode not in MODES:
        from ..errors import QualcodeError

        raise QualcodeError(f"co-occurrence mode '{mode}' is not one of {', '.join(MODES)}")
    segs = segments(corpus, "self" if level == "code" else "theme")
    parts = pieces(corpus, segs, exclude_interviewer=exclude_interviewer)
    n = len(corpus.codes)
    code = code_of(corpus, segs)[parts.segment]
    if mode == "overlap":
        counts = _overlaps(code, parts.segment, parts.start, parts.end, n)
    elif mode == "turn":
        inside = parts.turn >= 0
        counts = _together(parts.turn[inside], code[inside], n)
    else:
        counts = _together(segs.doc[parts.segment], code, n)
    used = np.flatnonzero(np.diag(counts) > 0)
    counts = counts[np.ix_(used, used)]
    rules = (
        {
            "overlap": "Two codes are together where coded segments of each share at least one "
            "character of a turn body; a cell counts such pairs of segments.",
            "turn": "Two codes are together in a turn where both have a segment in it; a cell "
            "counts turns.",
            "document": "Two codes are together in a document where both have a segment in it; "
            "a cell counts documents.",
        }[mode],
        "The diagonal holds each code's own total (segments, turns or documents).",
        "Codes: each code by itself (a theme's sub-codes are not added to it)."
        if level == "code"
        else "Codes: top-level themes, each with all its sub-codes.",
        "Overlapping codings of one code by several coders merge into one segment.",
    )
    params = parameters(
        corpus,
        report="cooccurrence",
        mode=mode,
        level=level,
        exclude_interviewer=exclude_interviewer,
    )
    paths = corpus.codes.paths
    return CooccurrenceReport(mode, level, tuple(paths[i] for i in used), counts, params, rules)


def cooccurrence(
    project: Project,
    *,
    mode: Literal["overlap", "turn", "document"] = "overlap",
    level: Literal["code", "theme"] = "code",
    coders: Any = None,
    exclude_interviewer: bool = False,
    corpus: Corpus | None = None,
) -> CooccurrenceReport:
    """How often codes are found together (see the module docstring for ``mode``)."""
    corpus = corpus or load(project, coders=coders)
    return cooccurrence_report(
        corpus, mode=mode, level=level, exclude_interviewer=exclude_interviewer
    )
