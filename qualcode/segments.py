"""Spans of a document's text that serve as units: paragraphs and the regions of turns, as offsets.

Offsets are code-point indices into the stored text (as codings hold them), and every span is
trimmed of surrounding whitespace, so ``text[start:end]`` is the paragraph itself. Nothing here
needs spaCy: sentences, qualcode's other unit, are :func:`qualcode.nlp.sentences.sentence_spans`,
built on these and on :func:`qualcode.nlp.pipeline.analyse` (which cuts each paragraph of a turn
body into sentences with this module's :func:`paragraph_spans`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

__all__ = ["Turns", "paragraph_spans", "turn_regions", "turn_spans"]

_BLANK_LINES = re.compile(r"\n[^\S\n]*\n\s*")


class _TurnLike(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def body_start(self) -> int: ...

    @property
    def end(self) -> int: ...


Turns = Sequence[_TurnLike] | Sequence[tuple[int, int, int]]


def turn_spans(turns: Turns) -> list[tuple[int, int, int]]:
    """``(start, body_start, end)`` of each turn, sorted by start."""
    out = [
        (int(t[0]), int(t[1]), int(t[2]))
        if isinstance(t, tuple)
        else (t.start, t.body_start, t.end)
        for t in turns
    ]
    return sorted(out)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def paragraph_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Paragraphs of ``text[start:end]``: runs of text separated by one or more blank lines."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    cursor = start
    for match in _BLANK_LINES.finditer(text, start, end):
        span = _trimmed(text, cursor, match.start())
        if span:
            out.append(span)
        cursor = match.end()
    span = _trimmed(text, cursor, end)
    if span:
        out.append(span)
    return out


def turn_regions(text: str, turns: Turns) -> list[tuple[int, int, bool]]:
    """``(start, end, in_turn)``: the turn bodies and the text between turns, in order.

    Speaker labels (a turn's ``start`` to its ``body_start``) are in no region.
    """
    out: list[tuple[int, int, bool]] = []
    cursor = 0
    for start, body_start, end in turn_spans(turns):
        if start > cursor:
            out.append((cursor, start, False))
        body_start = max(body_start, cursor)
        if end > body_start:
            out.append((body_start, end, True))
        cursor = max(cursor, end)
    if cursor < len(text):
        out.append((cursor, len(text), False))
    return out
