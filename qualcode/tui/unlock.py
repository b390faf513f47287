"""Ask for the passphrase of an encrypted project before the app opens it.

A small app of its own, run before :class:`~qualcode.tui.app.QualcodeApp`: the main app always
has an open project, and the passphrase is checked (PBKDF2 takes a moment) in a worker so the
prompt stays responsive. A wrong passphrase says so and asks again; Escape gives up.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from ..errors import QualcodeError
from ..store import cipher
from .app import CSS_DIR


class UnlockApp(App[str | None]):
    """Returns the checked passphrase, or None when the user gives up."""

    TITLE = "qualcode"
    CSS_PATH = [CSS_DIR / "app.tcss", CSS_DIR / "dialogs.tcss"]
    BINDINGS = [Binding("escape,ctrl+q", "give_up", "Quit", priority=True)]

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.project_path = Path(path)
        self.sub_title = self.project_path.name

    def compose(self) -> ComposeResult:
        with Vertical(id="unlock-dialog", classes="dialog"):
            yield Label(f"{self.project_path.name} is encrypted. Passphrase:")
            yield Input(password=True, placeholder="passphrase", id="passphrase")
            yield Label("", id="unlock-problem")
            yield Label("Enter to open, Escape to quit.", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            self.query_one("#unlock-problem", Label).update("Type the passphrase first.")
            return
        event.input.disabled = True
        self.query_one("#unlock-problem", Label).update("checking…")
        self._check(event.value)

    @work(thread=True, exclusive=True)
    def _check(self, passphrase: str) -> None:
        try:
            cipher.check_passphrase(self.project_path, passphrase)
        except QualcodeError:
            self.call_from_thread(self._wrong)
            return
        self.call_from_thread(self.exit, passphrase)

    def _wrong(self) -> None:
        field = self.query_one("#passphrase", Input)
        field.value = ""
        field.disabled = False
        field.focus()
        self.query_one("#unlock-problem", Label).update("Wrong passphrase; try again.")

    def action_give_up(self) -> None:
        self.exit(None)


def passphrase_for(path: str | Path) -> str | None:
    """The passphrase of an encrypted project file: $QUALCODE_PASSPHRASE, else asked in the
    terminal UI (None: the user gave up). Plain files and URLs need none."""
    if "://" in str(path) or not cipher.is_encrypted(path):
        return None
    cipher.cipher_module()  # a missing extra: one line, before any screen
    return cipher.passphrase_from_env() or UnlockApp(path).run()
