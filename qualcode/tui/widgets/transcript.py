"""The transcript view: a document as speaker turns with its codings, drawn line by line.

A ``ScrollView`` on Textual's line API (as toolong's ``LogLines``): ``render_line`` builds a
``Strip`` for a visible row only, from the ``Layout`` made once per width (see ``CursorView``
for the cursor, the selection and movement). Codings are drawn as the code's colour behind
their text, the most recently applied on top where they overlap, and as one bar per code in a
left gutter (up to four, then '+'). Strips are cached per display line and dropped only for the
lines a change touches; the codings of a line come from a bucketed position index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from ...project import CodingInfo, TurnInfo
from ..colors import readable_on
from .cursor import GUTTER, CursorView
from .layout import BLANK, LABEL, Line, safe_text, timestamp
from .marks import CodingIndex

__all__ = ["GUTTER", "TranscriptView"]

BARS = GUTTER - 2
FALLBACK_COLOR = "#999999"
ROLE_CLASSES = {
    "interviewer": "transcript--interviewer",
    "participant": "transcript--participant",
    "staff": "transcript--staff",
}


class TranscriptView(CursorView):
    """A transcript with a cursor, a keyboard and mouse selection, and coloured codings."""

    COMPONENT_CLASSES = {
        "transcript--cursor",
        "transcript--selection",
        "transcript--gutter",
        "transcript--interviewer",
        "transcript--participant",
        "transcript--staff",
        "transcript--speaker",
        "transcript--timestamp",
    }

    def __init__(
        self,
        text: str,
        turns: Sequence[TurnInfo],
        *,
        codings: Iterable[CodingInfo] = (),
        colors: dict[str, str] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(text, turns, id=id)
        self.marks = CodingIndex(codings)
        self.palette = dict(colors or {})
        """Code path -> #RRGGBB."""
        self._strips: dict[int, Strip] = {}
        self._styles: dict[str, Style] = {}
        self._base: Style | None = None

    # -- codings ----------------------------------------------------------------------------
    def set_codings(self, codings: Iterable[CodingInfo]) -> None:
        self.marks = CodingIndex(codings)
        self._strips.clear()
        self.refresh()

    def set_colors(self, colors: dict[str, str]) -> None:
        self.palette = dict(colors)
        self._strips.clear()
        self.refresh()

    def add_coding(self, coding: CodingInfo) -> None:
        self.marks.add(coding)
        self.touch(coding.start, coding.end)

    def remove_coding(self, uuid: str) -> None:
        removed = self.marks.remove(uuid)
        if removed is not None:
            self.touch(removed.start, removed.end)

    def codings_at_cursor(self) -> list[CodingInfo]:
        return self.marks.at(self.cursor)

    def next_uncoded_turn(self, coder: str) -> int | None:
        """The body start of the next turn after the cursor (wrapping) that no coding of
        ``coder`` overlaps. Interviewer turns are skipped, and so is text outside turns when
        the document has speakers."""
        blocks, here = self.blocks, self.block_number()
        any_speaker = any(b.speaker for b in blocks)
        for step in range(1, len(blocks) + 1):
            number = (here + step) % len(blocks)
            block = blocks[number]
            if block.role == "interviewer" or (any_speaker and not block.speaker):
                continue
            start, end = self.navigator.turn_body(number)
            if end > start and not any(
                c.coder == coder for c in self.marks.overlapping(start, end)
            ):
                return start
        return None

    # -- drawing ----------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._styles.clear()
        self._base = None

    def forget(self, first: int, last: int) -> None:
        for key in [key for key in self._strips if first <= key <= last]:
            del self._strips[key]

    def render_line(self, y: int) -> Strip:
        width = self.virtual_size.width
        if self._base is None:
            self._base = self.rich_style
        index = int(self.scroll_y) + y
        if self.text_layout is None or index >= len(self.text_layout):
            return Strip.blank(width, self._base)
        strip = self._strips.get(index)
        if strip is None:
            line = self.text_layout.lines[index]
            strip = self._draw(line, index, self._base).crop_extend(0, width, self._base)
            if len(self._strips) > 400:
                self._strips.clear()
            self._strips[index] = strip
        return strip

    def _style(self, name: str) -> Style:
        """A component style; only the selection is partial, so it keeps the coding colours
        under it (the others are resolved against the view's background, as 'auto' and
        translucent theme colours need)."""
        if name not in self._styles:
            partial = name == "transcript--selection"
            self._styles[name] = self.get_component_rich_style(name, partial=partial)
        return self._styles[name]

    def _coding_style(self, coding: CodingInfo) -> Style:
        color = self.palette.get(coding.code, FALLBACK_COLOR)
        key = "code:" + color
        if key not in self._styles:
            self._styles[key] = Style(bgcolor=color, color=readable_on(color))
        return self._styles[key]

    def _draw(self, line: Line, index: int, base: Style) -> Strip:
        if line.kind == BLANK:
            return Strip(self._gutter([], base))
        if line.kind == LABEL:
            return Strip([*self._gutter([], base), *self._label(line, base)])
        codings = self.marks.overlapping(line.start, max(line.end, line.start + 1))
        return Strip([*self._gutter(codings, base), *self._body(line, index, codings, base)])

    def _label(self, line: Line, base: Style) -> list[Segment]:
        block = self.blocks[line.block]
        # The speaker's name, not the label as written: "**Name:**" or "[00:01:23] Name:" would
        # repeat markup and the timestamp, which is drawn on its own below.
        if block.speaker:
            label = safe_text(block.speaker) + ":"
        else:
            label = self.shown[line.start : line.end].strip()
        style = base + self._style(ROLE_CLASSES.get(block.role or "", "transcript--speaker"))
        segments = [Segment(label, style)] if label else []
        if block.ts_start is not None:
            stamp = timestamp(block.ts_start)
            segments += [
                Segment(" " if label else "", base),
                Segment(stamp, base + self._style("transcript--timestamp")),
            ]
        return segments

    def _gutter(self, codings: list[CodingInfo], base: Style) -> list[Segment]:
        style = self._style("transcript--gutter")
        colors = list(dict.fromkeys(self.palette.get(c.code, FALLBACK_COLOR) for c in codings))
        bars = [Segment("▌", style + Style(color=color)) for color in colors[:BARS]]
        bars.append(Segment(" " * (BARS - len(bars)), style))
        bars.append(Segment("+" if len(colors) > BARS else " ", style))
        bars.append(Segment(" ", base))
        return bars

    def _body(
        self, line: Line, index: int, codings: list[CodingInfo], base: Style
    ) -> list[Segment]:
        start, end = line.start, line.end
        selection = self.selection
        cursor = self._cursor if self.layout_lines.line_of(self._cursor) == index else None
        points = {start, end}
        for coding in codings:
            points.update((max(start, min(end, coding.start)), max(start, min(end, coding.end))))
        if selection is not None:
            points.update(max(start, min(end, edge)) for edge in selection)
        if cursor is not None and cursor < end:
            points.update((cursor, cursor + 1))
        segments: list[Segment] = []
        for low, high in pairwise(sorted(points)):
            style = base
            top = next((c for c in reversed(codings) if c.start <= low and c.end >= high), None)
            if top is not None:
                style += self._coding_style(top)
            if selection is not None and selection[0] <= low and high <= selection[1]:
                style += self._style("transcript--selection")
            if cursor == low:
                style += self._style("transcript--cursor")
            segments.append(Segment(self.shown[low:high], style))
        if cursor is not None and cursor >= end:
            segments.append(Segment(" ", base + self._style("transcript--cursor")))
        return segments
