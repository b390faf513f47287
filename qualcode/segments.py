"""Spans of a document's text that serve as units: paragraphs and sentences, as offsets.

Offsets are code-point indices into the stored text (as codings hold them), and every span is
trimmed of surrounding whitespace, so ``text[start:end]`` is the sentence or paragraph itself.

The sentence rule here is a plain regular expression: a sentence ends at a run of ``.``, ``!``,
``?`` or ``…`` followed by whitespace or the end of the region. Issue 6 replaces this regex with
the cached spaCy sentencizer spans; callers only see ``(start, end)`` pairs, so nothing else has
to change then.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Protocol

__all__ = ["paragraph_spans", "sentence_spans", "turn_regions"]

_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)")
_BLANK_LINES = re.compile(r"\n[^\S\n]*\n\s*")


class _TurnLike(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def body_start(self) -> int: ...

    @property
    def end(self) -> int: ...


Turns = Sequence[_TurnLike] | Sequence[tuple[int, int, int]]


def _spans(turns: Turns) -> list[tuple[int, int, int]]:
    """``(start, body_start, end)`` of each turn, sorted by start."""
    out = [
        (int(t[0]), int(t[1]), int(t[2])) if isinstance(t, tuple)
        else (t.start, t.body_start, t.end)
        for t in turns
    ]  # fmt: skip
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


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    for para_start, para_end in paragraph_spans(text, start, end):
        cursor = para_start
        for match in _SENTENCE_END.finditer(text, para_start, para_end):
            span = _trimmed(text, cursor, match.end())
            if span:
                yield span
            cursor = match.end()
        span = _trimmed(text, cursor, para_end)
        if span:
            yield span


def turn_regions(text: str, turns: Turns) -> list[tuple[int, int, bool]]:
    """``(start, end, in_turn)``: the turn bodies and the text between turns, in order.

    Speaker labels (a turn's ``start`` to its ``body_start``) are in no region.
    """
    out: list[tuple[int, int, bool]] = []
    cursor = 0
    for start, body_start, end in _spans(turns):
        if start > cursor:
            out.append((cursor, start, False))
        body_start = max(body_start, cursor)
        if end > body_start:
            out.append((body_start, end, True))
        cursor = max(cursor, end)
    if cursor < len(text):
        out.append((cursor, len(text), False))
    return out


def sentence_spans(text: str, turns: Turns = ()) -> list[tuple[int, int]]:
    """Sentences of a document as ``(start, end)`` offsets, in text order.

    Inside each turn body (``turns``: records with ``start``, ``body_start`` and ``end``, such
    as :class:`~qualcode.project.TurnInfo`, or ``(start, body_start, end)`` triples) the body is
    cut into paragraphs at blank lines and each paragraph into sentences, so a sentence never
    crosses a turn or a paragraph. Text outside the turns (a title, a preamble) and documents
    without turns give one span per paragraph instead (paragraphs are separated by blank lines).
    Spans are trimmed of whitespace; empty ones are skipped. Speaker labels (from a turn's
    ``start`` to its ``body_start``) belong to no span.
    """
    if not turns:
        return paragraph_spans(text)
    out: list[tuple[int, int]] = []
    for start, end, in_turn in turn_regions(text, turns):
        if in_turn:
            out.extend(_sentences(text, start, end))
        else:
            out.extend(paragraph_spans(text, start, end))
    return out
