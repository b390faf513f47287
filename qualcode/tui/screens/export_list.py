"""Exporting a list (retrieved segments, memos) to a file, optionally pseudonymised: the file
name is asked, the names file is optional, the writing runs in a worker and any failure is
said in one line (an unexpected one with the path of the log)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar

from ...crashlog import crash_message
from ...errors import QualcodeError
from ..uses_app import UsesApp

if TYPE_CHECKING:
    from ...project import Project
    from ..app import QualcodeApp


def write_from(
    project: Project, names: str | None, write: Callable[[Project], Path], doing: str
) -> tuple[Path | None, str | None]:
    """Run ``write`` on the project or, with a names file, on its pseudonymised copy in memory
    (closed after); returns what was written, or the one line to show (an unexpected error is
    logged, never a silent hang). Shared by every export dialog of the TUI."""
    copy = None
    try:
        source = project
        if names is not None:
            source = copy = project.shareable_copy(names)  # type: ignore[assignment]
        return write(source), None
    except QualcodeError as exc:
        return None, str(exc)
    except Exception as exc:
        return None, crash_message(exc, doing)
    finally:
        if copy is not None:
            copy.close()


def export_name(app: QualcodeApp, name: str) -> str:
    """A default file to export to: beside the project file (a server project: the current
    folder), named after it."""
    stem = Path(app.project_label).stem
    path = app.project.sqlite_path
    folder = path.resolve().parent if path is not None else Path.cwd()
    return str(folder / f"{stem}-{name}")


class ExportList(UsesApp, ModalScreen[None]):
    """A file name (its suffix is the format) and an optional names file for pseudonymised
    output; ``write(source, path)`` runs in a worker, ``source`` being the project or, when a
    names file is given, a pseudonymised copy of it in memory (:meth:`Project.shareable_copy`,
    as the reports' export dialog does)."""

    BINDINGS = [Binding("escape", "close", "Close", id="export-list.close")]

    def __init__(self, title: str, name: str, write: Callable[[Project, str], Path]) -> None:
        super().__init__()
        self.title_text = title
        self.default_name = name
        self.write = write
        self.running = False

    def compose(self) -> ComposeResult:
        with Vertical(id="export-list-dialog", classes="dialog"):
            yield Label(self.title_text, classes="pane-title")
            yield Label("File (.docx .md .csv .xlsx .json):")
            yield Input(value=self.default_name, id="export-list-path")
            yield Label("Pseudonymise with this names file (CSV; leave empty for no):")
            yield Input(id="export-list-names")
            yield ProgressBar(total=1, show_eta=False, id="export-list-progress")
            yield Label("Enter exports; Escape closes.", id="export-list-status", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.running:
            return
        target = self.query_one("#export-list-path", Input).value.strip()
        names = self.query_one("#export-list-names", Input).value.strip() or None
        if not target:
            self.notify("Name a file to write.", severity="warning")
            return
        self.running = True
        status = "pseudonymising a copy in memory…" if names else "Exporting…"
        self.query_one("#export-list-status", Label).update(status)
        self._export(str(Path(target).expanduser().resolve()), names)

    @work(thread=True, group="export-list", exclusive=True, exit_on_error=False)
    def _export(self, target: str, names: str | None) -> None:
        written, error = write_from(
            self.qapp.project, names, lambda source: self.write(source, target), "Export"
        )
        self.app.call_from_thread(self._finished, written, error)

    def _finished(self, written: Path | None, error: str | None) -> None:
        self.running = False
        if error is not None:
            self.query_one("#export-list-status", Label).update(error)
            self.notify(error, severity="error")
            return
        self.query_one("#export-list-progress", ProgressBar).update(total=1, progress=1)
        self.notify(f"Wrote {written}")
        if self.qapp.project.encrypted:  # said once per export, as the report dialog does
            from ...store.cipher import plain_export_note

            self.notify(plain_export_note(written or ""), severity="warning", timeout=10)
        self.dismiss(None)

    def action_close(self) -> None:
        if self.running:
            self.notify("The export is still running; it finishes in a moment.")
            return
        self.dismiss(None)
