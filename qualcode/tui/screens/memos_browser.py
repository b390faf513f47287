"""The memo browser: every memo of the project (on the project, documents, codes, codings and
cases), filtered by text, kind and author. Enter opens what a memo is about: a coding's
transcript at the coding, a document, a code's segments, a case's first document (a project
memo opens to be edited). ``m`` edits a memo, ``e`` exports the list.

The list is :meth:`qualcode.project.Project.memo_entries`'; an edit goes through
``Project.edit_memo`` (or ``delete_memo`` when emptied), with an undo step, and the list is read
again from the project afterwards.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, Static

from ...errors import QualcodeError
from ...project import MemoEntry
from ..undo import Step, step_through
from ..uses_app import UsesApp
from ..widgets.layout import safe_text
from .choose import Choice, ChooseDialog
from .memo import MemoDialog
from .retrieve import first_words

if TYPE_CHECKING:
    pass

KINDS = (None, "project", "document", "code", "coding", "case")


def short_about(entry: MemoEntry) -> str:
    """What a memo is about, for a narrow column: a code by its own name (…/Travel)."""
    if entry.code and "/" in entry.code:
        leaf = "…/" + entry.code.rsplit("/", 1)[1]
        return entry.about.replace(entry.code, leaf, 1)
    return entry.about


class MemoBrowser(UsesApp, Screen[None]):
    """Every memo, newest edits visible at a glance; act on the highlighted one."""

    BINDINGS = [
        Binding("enter", "open", "Open", id="memos.open"),
        Binding("m", "edit", "Edit", id="memos.edit"),
        Binding("slash", "text_filter", "Text", id="memos.text"),
        Binding("k", "kind", "Kind", id="memos.kind"),
        Binding("a", "author", "Author", id="memos.author"),
        Binding("e", "export", "Export", id="memos.export"),
        Binding("ctrl+z", "history(True)", "Undo", show=False, id="memos.undo"),
        Binding("escape,q", "back", "Back", id="memos.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.text: str | None = None
        self.kind: str | None = None
        self.author: str | None = None
        self.entries: list[MemoEntry] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="memos"):
            yield Label("Memos", id="memos-title", classes="pane-title")
            yield DataTable(id="memos-list", cursor_type="row", zebra_stripes=True)
            yield Static("", id="memos-detail")
            yield Input(
                placeholder="words in the memos (Enter filters, empty clears)", id="memos-text"
            )
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Memos · coder: {self.qapp.coder}"
        self.query_one("#memos-text", Input).display = False
        table = self.query_one("#memos-list", DataTable)
        table.add_column("Kind", width=8)
        table.add_column("About", width=max(16, self.app.size.width // 3))
        table.add_column("Author", width=10)
        table.add_column("Memo")
        table.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    def filters(self) -> dict[str, Any]:
        return {"text": self.text, "kind": self.kind, "coder": self.author}

    def reload(self) -> None:
        table = self.query_one("#memos-list", DataTable)
        row = table.cursor_row
        try:
            self.entries = self.qapp.project.memo_entries(**self.filters())
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        table.clear()
        width = max(20, self.app.size.width - self.app.size.width // 3 - 30)
        for entry in self.entries:
            table.add_row(
                entry.memo.target_type,
                first_words(short_about(entry), max(16, self.app.size.width // 3)),
                entry.memo.coder,
                first_words(entry.memo.text, width),
                key=entry.memo.uuid,
            )
        if self.entries:
            table.move_cursor(row=min(row, len(self.entries) - 1))
        shown = [f"{len(self.entries)} memos"]
        shown += [f"kind {self.kind}"] if self.kind else []
        shown += [f"by {self.author}"] if self.author else []
        shown += [f"text “{self.text}”"] if self.text else []
        self.query_one("#memos-title", Label).update("Memos · " + " · ".join(shown))
        self._detail()

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _detail(self) -> None:
        entry = self._current(quiet=True)
        detail = Text()
        if entry is not None:
            memo = entry.memo
            detail.append(f"{memo.target_type}: {safe_text(entry.about)}\n", style="bold")
            detail.append(f"{memo.coder} · {memo.updated_at:%Y-%m-%d %H:%M}\n", style="dim")
            detail.append(safe_text(memo.text))
        self.query_one("#memos-detail", Static).update(detail)

    def _current(self, *, quiet: bool = False) -> MemoEntry | None:
        table = self.query_one("#memos-list", DataTable)
        if not self.entries or table.cursor_row >= len(self.entries):
            if not quiet:
                self.notify("No memo here.", severity="warning")
            return None
        return self.entries[table.cursor_row]

    # -- acting --------------------------------------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.run_worker(self.action_open(), exclusive=False)

    async def action_open(self) -> None:
        from ...project import Query
        from .coding import CodingScreen
        from .retrieve import RetrieveScreen

        entry = self._current()
        if entry is None:
            return
        kind = entry.memo.target_type
        if kind == "coding" and entry.document and entry.start is not None:
            await self.qapp.open_at(entry.document, entry.start, entry.end or entry.start)
        elif kind == "document" and entry.document:
            self.app.push_screen(CodingScreen(entry.document))
        elif kind == "code" and entry.code:
            self.app.push_screen(RetrieveScreen(Query(entry.code)))
        elif kind == "case" and (document := self._case_document(entry.memo.target)):
            self.app.push_screen(CodingScreen(document))
        else:
            self.action_edit()

    def _case_document(self, case: str | None) -> str | None:
        """The case's first document, or the first document one of its speakers is in."""
        try:
            info = self.qapp.project.case(case or "")
        except QualcodeError:
            return None
        speakers = [s.rpartition(": ")[0] for s in info.speakers]  # "document: label"
        return next(iter([*info.documents, *speakers]), None)

    def action_edit(self) -> None:
        entry = self._current()
        if entry is None:
            return
        memo = entry.memo
        dialog = MemoDialog(f"Memo on {memo.target_type} {entry.about}", memo.text, existing=True)
        self.app.push_screen(dialog, partial(self._edited, entry))

    def _edited(self, entry: MemoEntry, text: str | None) -> None:
        memo, project, coder = entry.memo, self.qapp.project, self.qapp.coder
        if text is None or text == memo.text:
            return
        try:
            if text:
                project.edit_memo(memo.uuid, text, coder=coder)
                undo: Any = partial(project.edit_memo, memo.uuid, memo.text, coder=coder)
                redo: Any = partial(project.edit_memo, memo.uuid, text, coder=coder)
                done = "Memo saved"
            else:
                project.delete_memo(memo.uuid, coder=coder)
                undo = partial(project.restore_memo, memo.uuid, coder=coder)
                redo = partial(project.delete_memo, memo.uuid, coder=coder)
                done = "Memo deleted (ctrl+z brings it back)"
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self.qapp.undo_stack.push(Step(f"memo on {memo.target_type}", undo, redo))
        self.reload()
        self.notify(done)

    def action_history(self, undo: bool) -> None:
        outcome = step_through(self.qapp.undo_stack, undo)
        if outcome.ran:
            self.reload()
        self.notify(outcome.message, severity="error" if outcome.failed else "information")

    # -- filters -------------------------------------------------------------------------------
    def action_text_filter(self) -> None:
        field = self.query_one("#memos-text", Input)
        field.value = self.text or ""
        field.display = True
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.input.display = False
        self.text = event.value.strip() or None
        self.query_one("#memos-list", DataTable).focus()
        self.reload()

    def action_kind(self) -> None:
        self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]
        self.reload()
        self.notify(f"Memos on {self.kind or 'anything'}", timeout=2)

    def action_author(self) -> None:
        choices = [Choice("", "(every author)")]
        choices += [Choice(c.name, c.name) for c in self.qapp.project.coders()]
        self.app.push_screen(ChooseDialog("Memos written by", choices), self._author_chosen)

    def _author_chosen(self, name: str | None) -> None:
        if name is not None:
            self.author = name or None
            self.reload()

    def action_export(self) -> None:
        from ...reports.retrieval import export_memos
        from .export_list import ExportList, export_name

        filters, project = self.filters(), self.qapp.project
        self.app.push_screen(
            ExportList(
                f"Export {len(self.entries)} memos",
                export_name(self.qapp, "memos.docx"),
                lambda source, path: export_memos(project, path, source=source, **filters),
            )
        )

    def action_back(self) -> None:
        field = self.query_one("#memos-text", Input)
        if field.display:
            field.display = False
            self.query_one("#memos-list", DataTable).focus()
        else:
            self.app.pop_screen()
