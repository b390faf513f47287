"""An excerpt shown in its context, and a span moved word by word: shared by the review screens
(the reconcile queue and the suggestion queue): the scroll they sit in, and pure functions of
text and offsets."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.containers import VerticalScroll

from ...project import TurnInfo
from .layout import safe_text


class ExcerptScroll(VerticalScroll, can_focus=False):
    """Scrolls with the mouse but never takes focus, so the arrows and letter keys reach the
    review screen's bindings."""


AROUND = 400
"""Characters of context on each side of an excerpt when no turn bounds it (or a turn is long)."""

_WORD = re.compile(r"\S+")


def context_bounds(
    text: str, turns: Sequence[TurnInfo], start: int, end: int, around: int = AROUND
) -> tuple[int, int]:
    """The stretch shown around ``start``-``end``: the turns it is in, cut to ``around``
    characters on each side so a long turn stays readable."""
    low, high = max(0, start - around), min(len(text), end + around)
    for turn in turns:
        if turn.start <= start < turn.end:
            low = max(low, turn.start)
        if turn.start < end <= turn.end:
            high = min(high, turn.end)
    return low, high


def context_text(
    text: str,
    turns: Sequence[TurnInfo],
    start: int,
    end: int,
    *,
    underline: Iterable[tuple[int, int]] = (),
    reverse: tuple[int, int] | None = None,
) -> Text:
    """The excerpt at full brightness in its dimmed context; ``underline`` marks spans inside
    it and ``reverse`` shows a span being edited. Unsafe characters are replaced one for one."""
    low, high = context_bounds(text, turns, start, end)
    if reverse is not None:
        low, high = min(low, reverse[0]), max(high, reverse[1])
    shown = Text(safe_text(text[low:high]), style="dim")
    shown.stylize("not dim", start - low, end - low)
    for s, e in underline:
        shown.stylize("underline", max(s, low) - low, min(e, high) - low)
    if reverse is not None:
        shown.stylize("reverse", reverse[0] - low, reverse[1] - low)
    prefix = Text("… " if low > 0 else "", style="dim")
    suffix = Text(" …" if high < len(text) else "", style="dim")
    return prefix + shown + suffix


def move_edge(text: str, span: tuple[int, int], edge: str, step: int) -> tuple[int, int]:
    """``span`` with its ``edge`` ('start' or 'end') moved by one word forward (``step`` > 0)
    or back; a span never becomes empty, and an edge with nowhere to go stays."""
    start, end = span
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    if edge == "end":
        ends = [e for _, e in words if e > start]
        moved = [e for e in ends if e > end] if step > 0 else [e for e in ends if e < end]
        if moved:
            end = moved[0] if step > 0 else moved[-1]
    else:
        starts = [s for s, _ in words if s < end]
        moved = [s for s in starts if s > start] if step > 0 else [s for s in starts if s < start]
        if moved:
            start = moved[0] if step > 0 else moved[-1]
    return start, end
