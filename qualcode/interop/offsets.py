"""Selection positions: from the units another tool counted in to our code-point offsets.

REFI-QDA counts Unicode code points from 0 in the plain-text file, end exclusive. Producers do
not all agree (see docs/refi-qda.md for the evidence per file):

* NVivo (Windows and Mac) counts UTF-16 code units, so an emoji counts 2; a CRLF counts 2, as
  it does in the file; a leading byte-order mark is not counted.
* ATLAS.ti stores CRLF in its text files but counts a line break as 1 (QualCoder's notes; no
  sample here shows it).
* qualcode, qc, Taguette, QualCoder and MAXQDA follow the standard.

We store text with a leading BOM dropped and every CRLF or lone CR turned into LF, like every
other importer here, so an ``OffsetMap`` holds, for each position of the stored text, how many
units the producer had counted before it. A producer position inside a character (half of a
surrogate pair, between CR and LF) rounds outward: a start down, an end up, so the coding still
covers every word the other tool showed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

BOM = "\ufeff"


@dataclass(frozen=True)
class Convention:
    """How a producer counted positions in its plain-text file."""

    name: str
    utf16: bool = False
    """Characters beyond U+FFFF count 2 (UTF-16 code units)."""
    crlf_units: int = 2
    """What a CRLF in the file counts: 2 (as the two characters it is) or 1."""
    bom_counted: bool = False
    """A byte-order mark at the start of the file counts as position 0."""


CODE_POINTS = Convention("code points (the standard)")
UTF16 = Convention("UTF-16 code units (NVivo)", utf16=True)
CRLF_AS_ONE = Convention("code points, CRLF counted once (ATLAS.ti)", crlf_units=1)
CANDIDATES = (CODE_POINTS, UTF16, CRLF_AS_ONE)


def convention_for(origin: str | None) -> Convention | None:
    """The convention of a producer named by a project's ``origin``; None when unknown."""
    name = (origin or "").strip().lower()
    if name.startswith("qualcode"):
        return UTF16 if "utf-16" in name else CODE_POINTS
    if name.startswith("nvivo"):
        return UTF16
    if name.startswith("atlas.ti"):
        return CRLF_AS_ONE
    if name.startswith(("maxqda", "qc ", "taguette", "qualcoder", "quirkos", "transana")):
        return CODE_POINTS
    return None


def normalise_text(raw: str) -> str:
    """The text as stored: a leading BOM dropped, CRLF and lone CR turned into LF."""
    return _newlines(raw.removeprefix(BOM))


def _newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


class OffsetMap:
    """Converts one producer's positions in one raw text into offsets into the stored text."""

    def __init__(self, raw: str, convention: Convention, *, normalise: bool = True) -> None:
        """``normalise=False`` keeps the text exactly (files qualcode wrote hold our text)."""
        had_bom = normalise and raw.startswith(BOM)
        body = raw.removeprefix(BOM) if normalise else raw
        self.text = _newlines(body) if normalise else raw
        self.convention = convention
        lead = 1 if (had_bom and convention.bom_counted) else 0
        weights: np.ndarray | None = None
        if convention.utf16 and self.text and max(self.text) > "\uffff":
            points = np.frombuffer(self.text.encode("utf-32-le"), dtype="<u4")
            weights = np.where(points > 0xFFFF, 2, 1).astype(np.int64)
        if normalise and convention.crlf_units == 2 and "\r\n" in body:
            if weights is None:
                weights = np.ones(len(self.text), dtype=np.int64)
            starts = np.fromiter((m.start() for m in re.finditer("\r\n", body)), dtype=np.int64)
            # Each earlier CRLF lost its CR, so the LF of the k-th one sits k places earlier.
            weights[starts - np.arange(len(starts))] += 1
        if weights is None:
            self._units = None
            self._lead = lead
            self.total = len(self.text) + lead
        else:
            self._units = np.concatenate(([lead], lead + np.cumsum(weights)))
            self._lead = lead
            self.total = int(self._units[-1])

    def start(self, position: int) -> int | None:
        """Our offset for a selection's start; None when it lies outside the text."""
        if position < 0 or position > self.total:
            return None
        if self._units is None:
            return max(position - self._lead, 0)
        return max(int(np.searchsorted(self._units, position, side="right")) - 1, 0)

    def end(self, position: int) -> int | None:
        """Our offset for a selection's end (exclusive); None when it lies outside the text."""
        if position < 0 or position > self.total:
            return None
        if self._units is None:
            return max(position - self._lead, 0)
        return int(np.searchsorted(self._units, position, side="left"))

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Both ends converted; None when outside the text or empty after conversion."""
        first, last = self.start(start), self.end(end)
        if first is None or last is None or first >= last:
            return None
        return first, last


def utf16_units(text: str) -> np.ndarray | None:
    """For export in UTF-16 units: units before each offset of ``text`` (None if all BMP)."""
    if not text or max(text) <= "\uffff":
        return None
    points = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    astral = points > 0xFFFF
    return np.concatenate(([0], np.cumsum(np.where(astral, 2, 1))))


_WORD_EDGE = re.compile(r"\w")


def boundary_score(text: str, spans: Iterable[tuple[int, int]]) -> float:
    """Share of spans that start and end at a word boundary of ``text`` (for guessing units)."""
    total = hits = 0
    for start, end in spans:
        total += 1
        starts_clean = start == 0 or not (
            _WORD_EDGE.match(text[start - 1]) and _WORD_EDGE.match(text[start : start + 1] or " ")
        )
        ends_clean = end >= len(text) or not (
            _WORD_EDGE.match(text[end - 1]) and _WORD_EDGE.match(text[end])
        )
        hits += starts_clean and ends_clean
    return hits / total if total else 1.0


def guess_convention(samples: Sequence[tuple[str, Sequence[tuple[int, int]]]]) -> Convention:
    """For an unknown producer: the candidate convention under which most selections of all
    texts begin and end between words (the standard's wins ties)."""
    best, best_score = CODE_POINTS, -1.0
    for candidate in CANDIDATES:
        spans_seen = 0
        hits = 0.0
        for raw, positions in samples:
            mapping = OffsetMap(raw, candidate)
            converted = [s for s in (mapping.span(a, b) for a, b in positions) if s]
            # A span that falls outside the text counts as a miss.
            hits += boundary_score(mapping.text, converted) * len(converted)
            spans_seen += len(positions)
        score = hits / spans_seen if spans_seen else 1.0
        if score > best_score + 1e-9:
            best, best_score = candidate, score
    return best
