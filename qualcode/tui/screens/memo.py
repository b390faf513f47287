"""Writing a memo: a coder's note on a coding, a document or a code.

``MemoDialog`` only returns text. ``MemoActions`` (mixed into a screen) opens it for a target and
saves the result through the project, with an undo step: add <-> delete/restore, edit <-> edit
back, delete <-> restore. Saving an emptied memo asks once, then returns "" and the memo is
deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, cast

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from ...errors import QualcodeError
from ...project import MemoInfo

if TYPE_CHECKING:
    from ..app import QualcodeApp


class MemoDialog(ModalScreen[str | None]):
    """A memo's text: ctrl+s returns it, Escape returns None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="memo.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="memo.cancel"),
    ]

    def __init__(self, title: str, text: str = "", *, existing: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.existing = existing
        self._confirm_delete = False

    def compose(self) -> ComposeResult:
        with Vertical(id="memo-dialog", classes="dialog"):
            yield Label(self.title_text, id="memo-title")
            yield TextArea(self.text, id="memo-text", soft_wrap=True)
            yield Label("ctrl+s saves · Escape cancels", id="memo-hint", classes="hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def on_text_area_changed(self, _event: TextArea.Changed) -> None:
        if self._confirm_delete:
            self._confirm_delete = False
            self.query_one("#memo-hint", Label).update("ctrl+s saves · Escape cancels")

    def action_save(self) -> None:
        text = self.query_one(TextArea).text
        if text.strip():
            self.dismiss(text.strip("\n"))
        elif not self.existing:
            self.notify("The memo is empty: nothing saved.", severity="warning")
            self.dismiss(None)
        elif self._confirm_delete:
            self.dismiss("")
        else:
            self._confirm_delete = True
            self.query_one("#memo-hint", Label).update(
                "The memo is empty: ctrl+s again deletes it, Escape keeps it."
            )

    def action_cancel(self) -> None:
        self.dismiss(None)


class MemoHost(Protocol):
    """What ``MemoActions`` needs from the screen it is mixed into."""

    @property
    def app(self) -> App[Any]: ...

    def notify(self, message: str, *, severity: Any = ...) -> None: ...

    def record(self, description: str, undo: Callable[[], Any], redo: Callable[[], Any]) -> None:
        """Push an undo step."""

    def sync(self, result: Any) -> None:
        """Show the outcome of a project call."""


class MemoActions:
    """Write, edit or delete this coder's memo on a target, undoably."""

    def write_memo(self: MemoHost, kind: str, target: str, title: str) -> None:
        qapp = cast("QualcodeApp", self.app)
        try:
            mine = qapp.project.memos(target_type=kind, target=target, coder=qapp.coder)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        existing = mine[0] if mine else None
        dialog = MemoDialog(title, existing.text if existing else "", existing=bool(existing))
        self.app.push_screen(dialog, partial(MemoActions._save_memo, self, kind, target, existing))

    def _save_memo(
        self: MemoHost, kind: str, target: str, existing: MemoInfo | None, text: str | None
    ) -> None:
        qapp = cast("QualcodeApp", self.app)
        project, coder = qapp.project, qapp.coder
        if text is None or existing is not None and text == existing.text:
            return
        try:
            if existing is None:
                memo = project.add_memo(text, coder=coder or "", target_type=kind, target=target)
                uuid, done = memo.uuid, "Memo saved"
                undo: Callable[[], Any] = partial(project.delete_memo, uuid, coder=coder)
                redo: Callable[[], Any] = partial(project.restore_memo, uuid, coder=coder)
            elif not text:
                uuid, done = existing.uuid, "Memo deleted (ctrl+z brings it back)"
                project.delete_memo(uuid, coder=coder)
                undo = partial(project.restore_memo, uuid, coder=coder)
                redo = partial(project.delete_memo, uuid, coder=coder)
            else:
                uuid, done = existing.uuid, "Memo saved"
                project.edit_memo(uuid, text, coder=coder)
                undo = partial(project.edit_memo, uuid, existing.text, coder=coder)
                redo = partial(project.edit_memo, uuid, text, coder=coder)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self.record(f"memo on {kind} '{target}'", undo, redo)
        self.sync(None)
        self.notify(done)
