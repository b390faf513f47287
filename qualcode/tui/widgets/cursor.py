"""A scrolling view of a transcript's text with a cursor and a selection, moved by keys and mouse.

The base of ``TranscriptView``: it owns the text, its ``Layout`` at the current width, the cursor
and the selection (document offsets), movement by character, word, line, page, sentence and
turn, mouse selection, and search. It draws nothing itself: a subclass implements
``render_line`` and ``forget`` (drop cached drawing for some display lines).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence

from textual import events
from textual.actions import SkipAction
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView

from ...project import TurnInfo
from .layout import BODY, LABEL, Block, Layout, Navigator, blocks_from_turns, safe_text, timestamp

GUTTER = 6
"""Columns left of the text (the code bars of ``TranscriptView``)."""


class CursorView(ScrollView, can_focus=True):
    """A transcript's text with a cursor and a selection; subclasses draw it."""

    ALLOW_SELECT = False  # the view selects document offsets itself
    BINDINGS = [
        Binding("left", "char(-1)", "Left", show=False, id="transcript.left"),
        Binding("right", "char(1)", "Right", show=False, id="transcript.right"),
        Binding("shift+left", "char(-1, True)", "Extend left", show=False),
        Binding("shift+right", "char(1, True)", "Extend right", show=False),
        Binding("ctrl+left", "word(-1)", "Previous word", show=False, id="transcript.word_left"),
        Binding("ctrl+right", "word(1)", "Next word", show=False, id="transcript.word_right"),
        Binding("ctrl+shift+left", "word(-1, True)", "Extend a word left", show=False),
        Binding("ctrl+shift+right", "word(1, True)", "Extend a word right", show=False),
        Binding("up", "line(-1)", "Line up", show=False, id="transcript.up"),
        Binding("down", "line(1)", "Line down", show=False, id="transcript.down"),
        Binding("shift+up", "line(-1, True)", "Extend up", show=False),
        Binding("shift+down", "line(1, True)", "Extend down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False, id="transcript.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="transcript.page_down"),
        Binding("shift+pageup", "page(-1, True)", "Extend page up", show=False),
        Binding("shift+pagedown", "page(1, True)", "Extend page down", show=False),
        Binding("home", "edge(-1)", "Line start", show=False, id="transcript.home"),
        Binding("end", "edge(1)", "Line end", show=False, id="transcript.end"),
        Binding("shift+home", "edge(-1, True)", "Extend to line start", show=False),
        Binding("shift+end", "edge(1, True)", "Extend to line end", show=False),
        Binding(
            "left_parenthesis,alt+up",
            "sentence(-1)",
            "Previous sentence",
            show=False,
            id="transcript.sentence_previous",
        ),
        Binding(
            "right_parenthesis,alt+down",
            "sentence(1)",
            "Next sentence",
            show=False,
            id="transcript.sentence_next",
        ),
        Binding("alt+shift+up", "sentence(-1, True)", "Extend a sentence back", show=False),
        Binding("alt+shift+down", "sentence(1, True)", "Extend a sentence on", show=False),
        Binding(
            "left_square_bracket",
            "turn(-1)",
            "Previous turn",
            show=False,
            id="transcript.turn_previous",
        ),
        Binding(
            "right_square_bracket", "turn(1)", "Next turn", show=False, id="transcript.turn_next"
        ),
        Binding("left_curly_bracket", "turn(-1, True)", "Extend a turn back", show=False),
        Binding("right_curly_bracket", "turn(1, True)", "Extend a turn on", show=False),
        Binding(
            "s",
            "select_sentence",
            "Sentence",
            tooltip="Select the sentence at the cursor",
            id="transcript.select_sentence",
        ),
        Binding(
            "t",
            "select_turn",
            "Turn",
            tooltip="Select what this turn's speaker says",
            id="transcript.select_turn",
        ),
        Binding(
            "escape",
            "clear_selection",
            "Clear selection",
            show=False,
            id="transcript.clear_selection",
        ),
    ]

    class Moved(Message):
        """The cursor or the selection changed."""

        def __init__(self, cursor: int, selection: tuple[int, int] | None) -> None:
            super().__init__()
            self.cursor = cursor
            self.selection = selection

    def __init__(self, text: str, turns: Sequence[TurnInfo], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = text
        self.shown = safe_text(text)
        """The text as drawn: same length, unsafe characters replaced."""
        self.blocks: list[Block] = blocks_from_turns(text, turns)
        self.navigator = Navigator(text, self.blocks, turns)
        self.text_layout: Layout | None = None
        self._cursor = self.navigator.turn_body(0)[0] if self.blocks else 0
        self._anchor: int | None = None
        self._goal: int | None = None
        self._dragging = False
        self._matches: tuple[str, list[tuple[int, int]]] | None = None
        self.on_move: Callable[[], None] | None = None
        """Called at once whenever the cursor or the selection changes, before ``Moved`` is
        handled: what it redraws (a side panel, a status line) then goes out in the same frame
        as the transcript's own lines, not one frame later."""

    # -- state ------------------------------------------------------------------------------
    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def selection(self) -> tuple[int, int] | None:
        if self._anchor is None or self._anchor == self._cursor:
            return None
        return min(self._anchor, self._cursor), max(self._anchor, self._cursor)

    @property
    def layout_lines(self) -> Layout:
        if self.text_layout is None:
            self._relayout(80)
        assert self.text_layout is not None
        return self.text_layout

    def block_number(self, offset: int | None = None) -> int:
        return self.navigator.block_at(self.cursor if offset is None else offset)

    def where(self) -> str:
        """Where the cursor is, for a status line: 'turn 3/60 · Amy (participant) [00:01:02]'."""
        number = self.block_number()
        block = self.blocks[number]
        text = f"turn {number + 1}/{len(self.blocks)}"
        if block.speaker:
            text += f" · {safe_text(block.speaker)} ({block.role or 'no role'})"
        if block.ts_start is not None:
            text += f" {timestamp(block.ts_start)}"
        return text

    def move_to(self, offset: int, *, extend: bool = False, keep_goal: bool = False) -> None:
        """Put the cursor at ``offset`` (snapped to text), extending the selection or not."""
        old_cursor, old_selection = self._cursor, self.selection
        if extend and self._anchor is None:
            self._anchor = self._cursor
        elif not extend:
            self._anchor = None
        self._cursor = self.layout_lines.snap(offset, forward=offset >= old_cursor)
        if not keep_goal:
            self._goal = None
        self.touch(old_cursor, old_cursor + 1)
        self.touch(self._cursor, self._cursor + 1)
        new_selection = self.selection
        if old_selection and new_selection:
            # Only the ends that moved need redrawing.
            for old_edge, new_edge in zip(old_selection, new_selection, strict=True):
                self.touch(min(old_edge, new_edge), max(old_edge, new_edge))
        elif old_selection or new_selection:
            self.touch(*(old_selection or new_selection))  # type: ignore[misc]
        self._reveal()
        if self.on_move is not None:
            self.on_move()
        self.post_message(self.Moved(self._cursor, self.selection))

    def select(self, start: int, end: int) -> None:
        """Select [start, end) with the cursor at its end."""
        self.move_to(start)
        self.move_to(end, extend=True)

    def target_span(self) -> tuple[int, int] | None:
        """What to code: the selection, else the sentence at the cursor, without the
        whitespace around it; None when that is empty."""
        span = self.selection or self.navigator.sentence_at(self._cursor)
        if span is None:
            return None
        piece = self.text[span[0] : span[1]]
        start, end = span[0] + len(piece) - len(piece.lstrip()), span[0] + len(piece.rstrip())
        return (start, end) if end > start else None

    # -- layout -----------------------------------------------------------------------------
    def on_resize(self, _event: events.Resize) -> None:
        self._relayout(self.scrollable_content_region.width)

    def _relayout(self, width: int) -> None:
        text_width = max(10, width - GUTTER)
        if self.text_layout is not None and self.text_layout.width == text_width:
            return
        top = None
        if self.text_layout is not None and self.is_mounted:
            first = self.text_layout.nearest_body(int(self.scroll_y), 1)
            top = self.text_layout.lines[first].start if first is not None else None
        self.text_layout = Layout(self.text, self.blocks, text_width, self.shown)
        self.forget(0, len(self.text_layout))
        self.virtual_size = Size(width, len(self.text_layout))
        self._cursor = self.text_layout.snap(self._cursor)
        if top is not None:
            self.scroll_to(y=self.text_layout.line_of(top), animate=False)
        self._reveal()
        self.refresh()

    def forget(self, first: int, last: int) -> None:
        """Drop whatever is cached for display lines ``first`` to ``last`` (a subclass draws)."""

    def touch(self, start: int, end: int) -> None:
        """Redraw the display lines showing the offsets [start, end]."""
        if self.text_layout is None:
            return
        low = self.text_layout.line_of(max(0, start))
        high = self.text_layout.line_of(min(max(start, end), len(self.text)))
        self.forget(low, high)
        top = int(self.scroll_y)
        first, last = max(low, top), min(high, top + self.size.height)
        if first <= last:
            self.refresh_lines(first, last - first + 1)

    def _reveal(self) -> None:
        if self.text_layout is None or not self.size.height:
            return
        line = self.text_layout.line_of(self._cursor)
        top = line - 1 if line and self.text_layout.lines[line - 1].kind == LABEL else line
        height = self.scrollable_content_region.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False)
        elif line >= self.scroll_y + height:
            self.scroll_to(y=line - height + 1, animate=False)

    # -- keys -------------------------------------------------------------------------------
    def action_char(self, step: int, extend: bool = False) -> None:
        self.move_to(self._cursor + step, extend=extend)

    def action_word(self, step: int, extend: bool = False) -> None:
        nav = self.navigator
        target = nav.word_end(self._cursor) if step > 0 else nav.word_start(self._cursor)
        self.move_to(target, extend=extend)

    def action_line(self, step: int, extend: bool = False) -> None:
        layout = self.layout_lines
        here = layout.line_of(self._cursor)
        goal = self._goal
        if goal is None:
            goal = layout.column(layout.lines[here], self._cursor)
        target = max(0, min(len(layout) - 1, here + step))
        direction = 1 if step > 0 else -1
        found = layout.nearest_body(target, direction)
        if found is None:
            found = layout.nearest_body(target, -direction)
        if found is None:
            return
        self.move_to(layout.offset_at(layout.lines[found], goal), extend=extend, keep_goal=True)
        self._goal = goal

    def action_page(self, step: int, extend: bool = False) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=self.scroll_y + step * page, animate=False)
        self.action_line(step * page, extend)

    def action_edge(self, step: int, extend: bool = False) -> None:
        layout = self.layout_lines
        line = layout.lines[layout.line_of(self._cursor)]
        if step < 0:
            target = line.start
        else:
            target = line.start + len(self.shown[line.start : line.end].rstrip())
        self.move_to(target, extend=extend)

    def action_sentence(self, step: int, extend: bool = False) -> None:
        nav, here = self.navigator, self._cursor
        target = nav.next_sentence(here) if step > 0 else nav.previous_sentence(here)
        self.move_to(target, extend=extend)

    def action_turn(self, step: int, extend: bool = False) -> None:
        number = self.block_number()
        starts = [self.navigator.turn_body(n)[0] for n in range(len(self.blocks))]
        if step > 0:
            target = next((s for s in starts[number + 1 :] if s > self._cursor), self._cursor)
        elif self._cursor > starts[number]:
            target = starts[number]
        else:
            target = starts[number - 1] if number else starts[0]
        self.move_to(target, extend=extend)

    def action_select_sentence(self) -> None:
        span = self.navigator.sentence_at(self._cursor)
        if span is not None:
            self.select(*span)

    def action_select_turn(self) -> None:
        start, end = self.navigator.turn_body(self.block_number())
        if end > start:
            self.select(start, end)

    def action_clear_selection(self) -> None:
        if self.selection is None:
            raise SkipAction()  # let the screen have Escape
        self.move_to(self._cursor)

    # -- search -----------------------------------------------------------------------------
    def find(self, query: str, step: int = 0) -> tuple[tuple[int, int], bool] | None:
        """Select the next match of ``query`` (ignoring case) from the cursor: the first at or
        after it (step 0), the one after the current match (1) or before it (-1). Returns the
        match and whether the search wrapped around the document; None when nothing matches."""
        if self._matches is None or self._matches[0] != query:
            pattern = re.compile(re.escape(query), re.IGNORECASE)
            self._matches = (query, [m.span() for m in pattern.finditer(self.text)])
        spans = self._matches[1]
        if not spans:
            return None
        here = self.selection[0] if self.selection else self._cursor
        index = bisect_left(spans, (here, -1))
        if step > 0 and index < len(spans) and spans[index][0] == here:
            index += 1
        elif step < 0:
            index -= 1
        span = spans[index % len(spans)]
        self.select(*span)
        return span, not 0 <= index < len(spans)

    # -- mouse ------------------------------------------------------------------------------
    def _offset_at(self, x: int, y: int) -> int:
        layout = self.layout_lines
        index = max(0, min(len(layout) - 1, y + int(self.scroll_y)))
        line = layout.lines[index]
        if line.kind != BODY:
            found = layout.nearest_body(index, 1)
            if found is None:
                found = layout.nearest_body(index, -1)
            return layout.lines[found].start if found is not None else self._cursor
        return layout.offset_at(line, max(0, x - GUTTER))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        where = event.get_content_offset(self)
        if where is None or event.button != 1:
            return
        self.focus()
        self.move_to(self._offset_at(where.x, where.y), extend=event.shift)
        if not event.shift:
            self._anchor = self._cursor
        self._dragging = True
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            where = event.get_content_offset_capture(self)
            self.move_to(self._offset_at(where.x, where.y), extend=True)

    def on_mouse_up(self, _event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()
