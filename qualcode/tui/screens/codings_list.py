"""This document's codings as a list to jump through (``l`` in the coding screen): by
position, by code or by coder (``o`` changes the order); Enter selects the coding in the
transcript."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ...project import CodingInfo
from ..widgets.layout import safe_text
from .retrieve import first_words

ORDERS = ("position", "code", "coder")


class CodingsList(ModalScreen[str | None]):
    """Dismisses with the chosen coding's uuid, or None on Escape."""

    BINDINGS = [
        Binding("escape", "cancel", "Close", id="codings-list.close"),
        Binding("o", "order", "Order", id="codings-list.order"),
    ]

    def __init__(
        self,
        codings: Sequence[CodingInfo],
        colors: dict[str, str],
        turns: dict[str, int],
        cursor: int,
    ) -> None:
        super().__init__()
        self.codings = list(codings)
        self.palette = colors
        self.turns = turns
        """Each coding's turn number (from 1)."""
        self.cursor = cursor
        self.order = ORDERS[0]
        self.shown: list[CodingInfo] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="codings-list-dialog", classes="dialog"):
            yield Label("", id="codings-list-title", classes="pane-title")
            yield OptionList(id="codings-list-options")
            yield Label(
                "↑↓ move · Enter jumps to it · o orders by position, code or coder · Escape closes",
                classes="hint",
            )

    def on_mount(self) -> None:
        self._fill()
        self.query_one(OptionList).focus()

    def _fill(self) -> None:
        keys = {
            "position": lambda c: (c.start, c.end, c.code, c.coder),
            "code": lambda c: (c.code, c.start, c.coder),
            "coder": lambda c: (c.coder, c.start, c.code),
        }
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        keep = self.shown[highlighted].uuid if highlighted is not None and self.shown else None
        self.shown = sorted(self.codings, key=keys[self.order])
        options.set_options(self._option(c) for c in self.shown)
        title = f"{len(self.shown)} codings in this document, by {self.order}"
        self.query_one("#codings-list-title", Label).update(title)
        uuids = [c.uuid for c in self.shown]
        if keep in uuids:
            options.highlighted = uuids.index(keep)
        else:  # the first coding at or after the cursor
            after = [i for i, c in enumerate(self.shown) if c.end > self.cursor]
            position = self.order == "position" and after
            options.highlighted = after[0] if position else 0

    def _option(self, coding: CodingInfo) -> Option:
        prompt = Text()
        prompt.append(f"turn {self.turns.get(coding.uuid, 0):>4} ", style="dim")
        prompt.append("■ ", style=self.palette.get(coding.code, "#999999"))
        prompt.append(safe_text(coding.code))
        prompt.append(f" · {coding.coder}", style="italic")
        if coding.favourite:
            prompt.append(" ★", style="bold yellow")
        prompt.append(f"\n      “{first_words(coding.text, 90)}”", style="dim")
        return Option(prompt, id=coding.uuid)

    def action_order(self) -> None:
        self.order = ORDERS[(ORDERS.index(self.order) + 1) % len(ORDERS)]
        self._fill()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
