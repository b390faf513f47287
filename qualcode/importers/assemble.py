"""Build a document's text from speaker utterances that a structured format already separated.

Subtitles, Rev token files and turn-per-row tables know who spoke each piece; the stored text is
then written the way a reader expects a transcript to look (``Name: words``, one paragraph per
turn), and the turn offsets fall out of the writing instead of being parsed back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from qualcode.importers.base import ParsedTurn

PARAGRAPH_SEPARATOR = "\n\n"


class Utterance(NamedTuple):
    """One turn's words, before they are placed in the document text."""

    speaker: str | None
    words: str
    """The spoken words, already stripped; never empty."""
    ts_start: float | None = None
    ts_end: float | None = None


def join_utterances(utterances: Iterable[Utterance]) -> tuple[str, tuple[ParsedTurn, ...]]:
    """Write ``Name: words`` paragraphs separated by blank lines and return text and turns."""
    parts: list[str] = []
    turns: list[ParsedTurn] = []
    position = 0
    for utterance in utterances:
        prefix = f"{utterance.speaker}: " if utterance.speaker else ""
        paragraph = prefix + utterance.words
        if parts:
            position += len(PARAGRAPH_SEPARATOR)
        turns.append(
            ParsedTurn(
                start=position,
                end=position + len(paragraph),
                body_start=position + len(prefix),
                speaker=utterance.speaker,
                ts_start=utterance.ts_start,
                ts_end=utterance.ts_end,
            )
        )
        parts.append(paragraph)
        position += len(paragraph)
    return PARAGRAPH_SEPARATOR.join(parts), tuple(turns)
