"""Laying a transcript out as display lines, and finding words, sentences and turns in it.

Pure functions and plain classes (no Textual) so they can be tested and timed on their own.
Every offset is a code-point index into the document's stored text. A document is shown as
blocks (its turns, plus any text between turns that is not whitespace); each block gets a label
line (speaker and timestamp) when it has one, then its body wrapped greedily per paragraph, then
a blank line. Only body lines hold the cursor: labels and blanks are drawn but not navigable.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

from ...project import TurnInfo

REPLACEMENT = "\ufffd"
# Drawn in place of characters that would move the terminal's cursor, change its state or
# reorder text: C0 and C1 controls, DEL, and the bidi embeddings, overrides and isolates.
_UNSAFE = [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_UNSAFE += [0x061C, 0x200E, 0x200F, 0x2028, 0x2029]
SAFE = {code: REPLACEMENT for code in _UNSAFE}
SAFE[0x09] = " "  # a tab reads as a space
SAFE[0x0A] = "\n"  # kept: it separates paragraphs and is never drawn
_UNSAFE_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in _UNSAFE if c != 0x0A) + "]")

LABEL, BODY, BLANK = 0, 1, 2
_WORD = re.compile(r"(\S+)\s*")
_NAV_WORD = re.compile(r"[\w'’]+")


def safe_text(text: str) -> str:
    """The text with every unsafe character replaced one for one (same length, same offsets)."""
    return text.translate(SAFE) if _UNSAFE_RE.search(text) else text


def timestamp(seconds: float) -> str:
    whole = int(seconds)
    return f"[{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}]"


@dataclass(frozen=True, slots=True)
class Block:
    """A turn, or text between turns, as shown: an optional label line and a body."""

    start: int
    body_start: int
    end: int
    speaker: str | None = None
    role: str | None = None
    ts_start: float | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """One display line: ``text[start:end]`` for a body line (never holding a newline); the
    label part of the block for a label line; ``start == end`` for a blank line."""

    kind: int
    start: int
    end: int
    block: int


def blocks_from_turns(text: str, turns: Sequence[TurnInfo]) -> list[Block]:
    """The turns in order, with any non-blank text outside them as unlabelled blocks."""
    blocks: list[Block] = []
    position = 0
    for turn in sorted(turns, key=lambda t: t.start):
        if turn.start > position and text[position : turn.start].strip():
            blocks.append(Block(position, position, turn.start))
        blocks.append(
            Block(turn.start, turn.body_start, turn.end, turn.speaker, turn.role, turn.ts_start)
        )
        position = max(position, turn.end)
    if position < len(text) and text[position:].strip() or not blocks:
        blocks.append(Block(position, position, len(text)))
    return blocks


def wrap_paragraph(shown: str, start: int, end: int, width: int) -> list[int]:
    """Start offsets of the lines ``shown[start:end]`` (no newline in it) wraps to.

    Greedy: a word goes on the line if its visible part fits; whitespace after a word stays on
    that word's line (and may run past the width, where it is cropped). A word wider than the
    line is cut. Widths are terminal cells, counted per character only outside ASCII.

    ASCII text, nearly every transcript, takes a fast path: one regular-expression match per
    line instead of a Python step per word (a 100,000-word transcript lays out several times
    faster, which is most of opening it). It gives the same lines as the word-by-word rule,
    which a property test checks; anything it does not handle goes to that rule.
    """
    width = max(1, width)
    if not shown[start:end].isascii():
        return _wrap_words(shown, start, end, width)
    line = _ascii_line(width)
    starts = [start]
    position = start
    while True:
        match = line.match(shown, position, end)
        if match is None:
            # A word wider than the line, or a run of spaces wider than it: word by word.
            return starts[:-1] + _wrap_words(shown, position, end, width)
        position = match.end()
        if position >= end:
            return starts
        starts.append(position)


@functools.lru_cache(maxsize=16)
def _ascii_line(width: int) -> re.Pattern[str]:
    """One wrapped line: as much as fits in ``width`` cells and ends a word, then the spaces
    after it (greedy, so the longest such run; it backtracks only over the word cut off)."""
    return re.compile(rf"[^\n]{{0,{width - 1}}}\S(?=\s|$)\s*")


def _wrap_words(shown: str, start: int, end: int, width: int) -> list[int]:
    """The word-by-word rule :func:`wrap_paragraph` follows (any text)."""
    starts = [start]
    ascii_only = shown[start:end].isascii()
    measure = len if ascii_only else cell_len
    line_start = start
    used = measure(shown[start : _first_word(shown, start, end)])
    for match in _WORD.finditer(shown, start, end):
        word_start, word_end, after = match.start(), match.end(1), match.end()
        size = word_end - word_start if ascii_only else cell_len(shown[word_start:word_end])
        if used + size > width and word_start > line_start:
            starts.append(word_start)
            line_start, used = word_start, 0
        if size > width:
            # Cut a word wider than the line into pieces that fit.
            for index in range(word_start, word_end):
                cells = 1 if ascii_only else cell_len(shown[index])
                if used + cells > width and index > line_start:
                    starts.append(index)
                    line_start, used = index, 0
                used += cells
        else:
            used += size
        used += after - word_end if ascii_only else cell_len(shown[word_end:after])
    return starts


def _first_word(shown: str, start: int, end: int) -> int:
    match = _WORD.search(shown, start, end)
    return match.start() if match else end


class Layout:
    """The display lines of a document at one width, with offset <-> line lookups."""

    def __init__(self, text: str, blocks: Sequence[Block], width: int, shown: str | None = None):
        self.text = text
        self.shown = safe_text(text) if shown is None else shown
        self.blocks = list(blocks)
        self.width = max(1, width)
        self.lines: list[Line] = []
        self.body_index: list[int] = []
        """Display line index of each body line, in order."""
        self.body_starts: list[int] = []
        self._build()

    def _build(self) -> None:
        lines, shown, width = self.lines, self.shown, self.width
        for number, block in enumerate(self.blocks):
            if block.body_start > block.start or block.speaker or block.ts_start is not None:
                lines.append(Line(LABEL, block.start, block.body_start, number))
            position = block.body_start
            while True:
                newline = shown.find("\n", position, block.end)
                stop = block.end if newline < 0 else newline
                starts = wrap_paragraph(shown, position, stop, width)
                for first, following in zip(starts, [*starts[1:], stop], strict=True):
                    self.body_index.append(len(lines))
                    self.body_starts.append(first)
                    lines.append(Line(BODY, first, following, number))
                if newline < 0:
                    break
                position = newline + 1
            lines.append(Line(BLANK, block.end, block.end, number))

    def __len__(self) -> int:
        return len(self.lines)

    # -- offsets and lines ------------------------------------------------------------------
    def body_number(self, offset: int) -> int:
        """Which body line (0-based among body lines) holds ``offset``."""
        return max(0, bisect_right(self.body_starts, offset) - 1)

    def line_of(self, offset: int) -> int:
        """The display line index that shows ``offset`` (or the nearest body line before it)."""
        return self.body_index[self.body_number(offset)]

    def snap(self, offset: int, forward: bool = True) -> int:
        """The nearest offset the cursor can rest on: inside or at the end of a body line."""
        offset = max(0, min(offset, len(self.text)))
        number = self.body_number(offset)
        line = self.lines[self.body_index[number]]
        if offset < line.start:
            return line.start
        if offset <= line.end:
            return offset
        if forward and number + 1 < len(self.body_index):
            return self.body_starts[number + 1]
        return line.end

    def column(self, line: Line, offset: int) -> int:
        """Cells from the line's start to ``offset``."""
        piece = self.shown[line.start : min(max(offset, line.start), line.end)]
        return len(piece) if piece.isascii() else cell_len(piece)

    def offset_at(self, line: Line, column: int) -> int:
        """The offset drawn at ``column`` of a body line (its end when the column is past it)."""
        piece = self.shown[line.start : line.end]
        if piece.isascii():
            return line.start + min(max(column, 0), len(piece.rstrip(" ")) or len(piece))
        used = 0
        for index, char in enumerate(piece):
            used += cell_len(char)
            if used > column:
                return line.start + index
        return line.start + len(piece.rstrip(" ") or piece)

    def nearest_body(self, index: int, step: int) -> int | None:
        """The first body line at or after (step 1) / before (step -1) display line ``index``."""
        while 0 <= index < len(self.lines):
            if self.lines[index].kind == BODY:
                return index
            index += step
        return None


class Navigator:
    """Words, sentences and turn bodies of a document, for cursor movement and selection."""

    def __init__(
        self, text: str, blocks: Sequence[Block], turns: Sequence[TurnInfo] | None = None
    ) -> None:
        self.text = text
        self.blocks = list(blocks)
        self.turns = turns
        """The document's turns. Sentences are :func:`qualcode.nlp.sentences.sentence_spans` of the
        text and these turns: the one definition, which agreement's sentence units use too."""
        self._sentences: list[tuple[int, int]] | None = None
        self._sentence_starts: list[int] = []
        self._block_starts = [block.start for block in self.blocks]

    def block_at(self, offset: int) -> int:
        """The block holding ``offset`` (or the last one starting before it)."""
        return max(0, bisect_right(self._block_starts, offset) - 1)

    def word_end(self, offset: int) -> int:
        match = _NAV_WORD.search(self.text, offset)
        return match.end() if match else len(self.text)

    def word_start(self, offset: int) -> int:
        window = 256
        while True:
            low = max(0, offset - window)
            found = [m.start() for m in _NAV_WORD.finditer(self.text, low, offset)]
            if found and (found[-1] > low or low == 0):
                return found[-1]
            if low == 0:
                return 0
            window *= 4

    @property
    def sentences(self) -> list[tuple[int, int]]:
        """Every sentence as (start, end) without surrounding whitespace; none crosses a turn."""
        if self._sentences is None:
            from ...nlp.sentences import sentence_spans

            turns = self.turns
            if turns is None:  # the blocks stand for the turns
                turns = [(b.start, b.body_start, b.end) for b in self.blocks]  # type: ignore[misc]
            self._sentences = sentence_spans(self.text, turns)
            self._sentence_starts = [s for s, _ in self._sentences]
        return self._sentences

    def sentence_at(self, offset: int) -> tuple[int, int] | None:
        """The sentence holding ``offset``, or the last one starting before it."""
        spans = self.sentences
        if not spans:
            return None
        index = max(0, bisect_right(self._sentence_starts, offset) - 1)
        return spans[index]

    def next_sentence(self, offset: int) -> int:
        spans = self.sentences
        index = bisect_right(self._sentence_starts, offset)
        return spans[index][0] if index < len(spans) else offset

    def previous_sentence(self, offset: int) -> int:
        spans = self.sentences
        index = bisect_right(self._sentence_starts, offset - 1) - 1
        return spans[index][0] if index >= 0 else offset

    def turn_body(self, block: int) -> tuple[int, int]:
        """A block's body without surrounding whitespace (empty bodies give an empty span)."""
        item = self.blocks[block]
        piece = self.text[item.body_start : item.end]
        lead = len(piece) - len(piece.lstrip())
        return item.body_start + lead, item.body_start + len(piece.rstrip())
