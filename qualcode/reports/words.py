"""Words for the reports: whitespace-separated tokens of the spoken text, found with numpy.

A word is what ``str.split()`` gives. Reports count the words of the spoken text: turn bodies
(speaker labels and text outside turns are not words anyone said, as ``Document.words`` counts
them), or the whole text of a document without turns. Texts are scanned in chunks of several
documents joined by a newline, which is exactly the global layout of
:mod:`qualcode.reports.data` (one position between documents), so positions need no conversion.
"""

from __future__ import annotations

from functools import cache

import numpy as np

CHUNK = 4_000_000
"""Characters scanned at once (a UTF-32 copy of a chunk is four bytes a character)."""


@cache
def _space_table() -> np.ndarray:
    """``table[c]`` is True when code point ``c`` is whitespace to ``str.split`` (c <= U+3000)."""
    return np.array([chr(c).isspace() for c in range(0x3001)], dtype=bool)


def word_bounds(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of the whitespace-separated words of ``text``."""
    if not text:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    table = _space_table()
    if text.isascii():
        space = table[np.frombuffer(text.encode("ascii"), dtype=np.uint8)]
    else:
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        space = table[np.minimum(points, 0x3000)] & (points <= 0x3000)
    edges = np.diff((~space).view(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def all_words(texts: list[str], offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Global start and end of every word of every text (``offsets``: where each text starts).
    Restricting words to what was spoken is left to the callers, who cut spans by turn bodies
    (see :func:`qualcode.reports.spans.pieces`): cheaper than masking the whole corpus."""
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    first = 0
    while first < len(texts):
        last, size = first, 0
        while last < len(texts) and (size == 0 or size + len(texts[last]) <= CHUNK):
            size += len(texts[last]) + 1
            last += 1
        s, e = word_bounds("\n".join(texts[first:last]))
        starts.append(s + offsets[first])
        ends.append(e + offsets[first])
        first = last
    if not starts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(starts), np.concatenate(ends)
