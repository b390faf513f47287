"""The coding screen's side panel: the selection, the codings at the cursor and their memos.

Also the one-line labels other dialogs use for a coding or the pinned codes. Everything drawn
from a transcript or a memo goes through ``safe_text`` first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import Static

from ...project import CodingInfo, MemoInfo
from .layout import safe_text

FALLBACK_COLOR = "#999999"


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis when
    anything was cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


def coding_label(coding: CodingInfo, color: str, *, two_lines: bool = False) -> Text:
    """A coding as its code (in its colour), coder and first words."""
    words = safe_text(coding.text).split()
    quote = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
    label = Text("■ ", style=color)
    label.append(safe_text(coding.code), style="bold")
    if coding.favourite:
        label.append(" ★", style="bold yellow")
    label.append("\n  " if two_lines else "  ")
    label.append(coding.coder, style="italic")
    label.append(f" · “{quote}”", style="dim")
    return label


def pinned_label(pinned: Sequence[str], palette: Mapping[str, str]) -> Text:
    """The pinned codes with their digits, one a line."""
    text = Text()
    for number, path in enumerate(pinned, 1):
        text.append(f"{number} ", style="bold")
        text.append("■ ", style=palette.get(path, FALLBACK_COLOR))
        text.append(safe_text(path) + "\n")
    return text or Text("none yet (p pins the last code used)", style="italic")


class CodingPanel(Static):
    """What is selected and which codings cover the cursor, with the memos on them."""

    _shown: Text | None = None

    def show(
        self,
        codings: Sequence[CodingInfo],
        *,
        selected_words: int | None,
        memos: Mapping[str, Sequence[MemoInfo]],
        palette: Mapping[str, str],
        coders: Sequence[str] | None,
        loading: bool = False,
    ) -> None:
        """``coders`` None shows every coder's memos; ``loading`` says the codings are not
        known yet."""
        panel = Text()
        if selected_words is not None:
            panel.append(f"Selected: {selected_words} words\n\n", style="bold")
        if loading:
            panel.append("Loading codings…", style="italic")
        elif not codings:
            panel.append("No coding here.\n", style="italic")
        for coding in [] if loading else codings:
            panel.append_text(
                coding_label(coding, palette.get(coding.code, FALLBACK_COLOR), two_lines=True)
            )
            panel.append("\n")
            for memo in memos.get(coding.uuid, ()):
                if coders is None or memo.coder in coders:
                    first = clip((safe_text(memo.text).splitlines() or [""])[0], 60)
                    panel.append(f"  ✎ {memo.coder}: {first}\n")
        if panel == self._shown:
            return  # the same words: drawing them again would only cost the key its time
        self._shown = panel
        self.update(panel, layout=False)  # its size is fixed by the layout: no reflow needed
