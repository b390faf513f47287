"""Ask who is coding, once; the answer is remembered for next time."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class CoderPrompt(ModalScreen[str | None]):
    """Your name as it will appear on your codings."""

    BINDINGS = [Binding("escape", "cancel", "Quit", id="cancel")]

    def __init__(self, suggestion: str | None = None) -> None:
        super().__init__()
        self.suggestion = suggestion or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="coder-dialog", classes="dialog"):
            yield Label("Who is coding? Your codings and memos carry this name.")
            yield Input(value=self.suggestion, placeholder="your name", id="coder-name")
            yield Label("Enter to continue, Escape to quit.", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = " ".join(event.value.split())
        if name:
            self.dismiss(name)
        else:
            self.notify("Type a name first.", severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(None)
