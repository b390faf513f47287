"""Markdown transcripts as a reader sees them: no markup inside turns.

Podcast and interview sites publish transcripts as Markdown (``**Name:** words``, escaped
brackets such as ``\\[laughs\\]``, time marks such as ``\\[12:17\\]``, ``**Break:** \\[22:46\\]``
between turns). Turns are found on the Markdown as written (the shared label grammar in
``turns`` reads ``**Name:**``); then each turn is rebuilt as ``Name: words`` with the markup
removed: backslash escapes undone, emphasis and link syntax dropped, and bracketed time marks
taken out of the words (one at the start of a turn becomes the turn's time). A bold label that
is not a speaker (``**Break:**``) becomes a turn of its own with no speaker, not the end of the
previous speaker's turn.
"""

from __future__ import annotations

import re

from qualcode.importers.base import ParsedTurn
from qualcode.importers.turns import NON_SPEAKER_KEYS, parse_timestamp, split_turns

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
"""A CommonMark backslash escape: a backslash before ASCII punctuation."""
_TIME_MARK = re.compile(r"\[(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\]")
"""A time mark in brackets (after escapes are undone): [12:17], [01:02:03]."""
_TIME_MARK_SPACED = re.compile(r"[^\S\n]+" + _TIME_MARK.pattern + r"(?=[.,;:!?])")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_HEADING = re.compile(r"^#{1,6}[^\S\n]+", re.MULTILINE)
_NON_SPEAKER = re.compile(r"^\*\*([^*\n:]{1,40}):\*\*[^\S\n]*", re.MULTILINE)
_BLANK = re.compile(r"\n[^\S\n]*\n\s*")
_SPACES = re.compile(r"[^\S\n]{2,}")


def plain(text: str) -> tuple[str, float | None]:
    """One paragraph without markup, and the time mark it started with (or None)."""
    text = _LINK.sub(r"\1", text)
    text = _HEADING.sub("", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\1", text)
    text = _ESCAPE.sub(r"\1", text)
    first = _TIME_MARK.match(text.lstrip())
    stamp = parse_timestamp(first.group(1)) if first else None
    text = _TIME_MARK_SPACED.sub("", text)  # "words [12:17]." keeps "words."
    text = _TIME_MARK.sub("", text)
    text = _SPACES.sub(" ", text)
    return text.strip(), stamp


def _paragraphs(text: str) -> list[str]:
    return [p for p in _BLANK.split(text) if p.strip()]


class _Builder:
    """Collects the cleaned text and its turns with offsets into it."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.length = 0
        self.turns: list[ParsedTurn] = []

    def add(
        self, label: str | None, paragraphs: list[str], stamp: float | None, head: bool = True
    ) -> None:
        """A turn of ``label`` (written in front of the words when ``head``)."""
        body = "\n\n".join(paragraphs)
        if not body and (label is None or not head):
            return
        if self.pieces:
            self.pieces.append("\n\n")
            self.length += 2
        start = self.length
        head_text = f"{label}: " if label is not None and head else ""
        piece = (head_text + body).rstrip()
        self.pieces.append(piece)
        self.length += len(piece)
        body_start = min(start + len(head_text), self.length)
        self.turns.append(ParsedTurn(start, self.length, body_start, label, ts_start=stamp))

    @property
    def text(self) -> str:
        return "".join(self.pieces)


def markdown_turns(text: str) -> tuple[str, tuple[ParsedTurn, ...]]:
    """The text a reader sees and its turns, from Markdown ``text`` (LF newlines)."""
    built = _Builder()
    for turn in split_turns(text):
        speaker, stamp, head = turn.speaker, turn.ts_start, True
        paragraphs: list[str] = []
        for raw in _paragraphs(text[turn.body_start : turn.end]):
            marker = _NON_SPEAKER.match(raw)
            if marker and " ".join(marker.group(1).casefold().split()) in NON_SPEAKER_KEYS:
                # "**Break:** [22:46]": not the speaker's words; a turn of its own.
                built.add(speaker, paragraphs, stamp, head)
                words, mark = plain(raw[marker.end() :])
                built.add(None, [" ".join(filter(None, [marker.group(1).strip(), words]))], mark)
                # Words after the break are still this speaker's, with no label in the source.
                stamp, paragraphs, head = None, [], False
                continue
            words, mark = plain(raw)
            if not paragraphs and stamp is None:
                stamp = mark
            if words:
                paragraphs.append(words)
        built.add(speaker, paragraphs, stamp, head)
    return built.text, tuple(built.turns)
