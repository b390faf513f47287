"""Pick one item from a long list: type to filter, arrows to move, Enter to choose.

The codebook editor uses it to choose a new parent for a code and a code to merge into.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class Choice:
    key: str
    """Returned when chosen (a code's uuid, or a marker such as the top level)."""
    label: str
    """Matched against the filter and shown."""
    detail: str = ""
    """Shown dimmed after the label, not matched (e.g. 'archived')."""


class ChooseDialog(ModalScreen[str | None]):
    """Dismisses with the chosen ``Choice.key``, or None on Escape."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="choose-cancel"),
        Binding("down", "move(1)", "Next", show=False, id="choose-next"),
        Binding("up", "move(-1)", "Previous", show=False, id="choose-previous"),
    ]

    def __init__(self, title: str, choices: Sequence[Choice]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(id="choose-dialog", classes="dialog"):
            yield Label(self.title_text, id="choose-title")
            yield Input(placeholder="type to filter", id="choose-filter")
            yield OptionList(id="choose-options")
            yield Label("↑↓ to move, Enter to choose, Escape to cancel.", classes="hint")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#choose-filter", Input).focus()

    def _fill(self, query: str) -> None:
        words = query.casefold().split()
        options = self.query_one("#choose-options", OptionList)
        shown = [c for c in self.choices if all(w in c.label.casefold() for w in words)]
        prompts = []
        for choice in shown:
            prompt = Text(choice.label)
            if choice.detail:
                prompt.append(f"  {choice.detail}", style="dim")
            prompts.append(Option(prompt, id=choice.key))
        options.set_options(prompts)
        if shown:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option = self.query_one("#choose-options", OptionList).highlighted_option
        if option is None:
            self.notify("Nothing matches; change the filter or press Escape.", severity="warning")
        else:
            self.dismiss(option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        options = self.query_one("#choose-options", OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -1
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_cancel(self) -> None:
        self.dismiss(None)
