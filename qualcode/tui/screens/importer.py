"""Import transcripts: pick files, check what each holds, map speakers to roles, import.

Files are picked in a directory tree that starts in the folder last used for this project (or
where qualcode was started); ``u`` goes to the parent folder, ``~`` home, ``g`` to a typed path.
Each picked file is
parsed in a thread (the project is not touched) so its detected speakers and turns, or the
one-line reason it cannot be imported, show before anything is stored. The import runs in a
thread too, one file per transaction, with a progress bar and a way to stop between files; bad
files are listed with their reasons while the good ones import.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import (
    Button,
    DataTable,
    DirectoryTree,
    Footer,
    Header,
    Label,
    ProgressBar,
    Select,
)
from textual.worker import Worker, get_current_worker

from ...importers import default_role
from ...project.documents import likely_aliases
from ...project.records import ImportOutcome
from ...vocabulary import DOCUMENT_KINDS, SPEAKER_ROLES
from ..failures import ShowsWorkerFailures, failure_message
from ..uses_app import UsesApp
from .file_tree import TranscriptTree
from .import_preview import (
    FilePreview,
    Throttle,
    last_folder,
    preview_file,
    reason,
    remember_folder,
)
from .prompts import AskText

if TYPE_CHECKING:
    from ...project import Project
    from ..app import QualcodeApp

AUTO = "auto"
STATUS_WIDTH = 24


class ImportScreen(UsesApp, ShowsWorkerFailures, Screen[None]):
    """Files on the left; their preview, speaker roles, options and results on the right."""

    BINDINGS = [
        Binding("ctrl+r", "run_import", "Import", id="import-run"),
        Binding("r", "cycle_role", "Cycle role", id="import-role"),
        Binding("i", "role('interviewer')", "Interviewer", id="import-role-interviewer"),
        Binding("p", "role('participant')", "Participant", id="import-role-participant"),
        Binding("s", "role('staff')", "Staff", id="import-role-staff"),
        Binding("o", "role('other')", "Other role", id="import-role-other"),
        Binding("m", "merge", "Merge alias", id="import-merge"),
        Binding("c", "set_case", "Case for file", id="import-case"),
        Binding("u", "folder('..')", "Parent folder", id="import-up"),
        Binding("tilde", "folder('~')", "Home folder", id="import-home"),
        Binding("g", "go_to", "Go to folder", id="import-go"),
        Binding("escape", "back", "Back/stop", id="import-back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path.cwd()
        self.picked: list[Path] = []
        self.previews: dict[Path, FilePreview] = {}
        self.roles: dict[tuple[Path, str], str] = {}
        """(file, speaker label) -> role chosen here; others take the role the label has in
        the project already, else ``default_role``."""
        self.known_roles: dict[str, str] = {}
        """Roles the project's documents give each label (remembered for later imports)."""
        self.merges: dict[tuple[Path, str], str] = {}
        """(file, alias) -> the label it is merged into after the import."""
        self.cases: dict[Path, str] = {}
        self.outcomes: list[ImportOutcome] = []
        self.importing = False

    @property
    def project(self) -> Project:
        return cast("QualcodeApp", self.app).project

    def compose(self) -> ComposeResult:
        yield Header()
        remembered = last_folder(self.qapp.project_key())
        if remembered is not None:
            self.folder = remembered
        with Horizontal(id="import"):
            with Vertical(id="import-files-pane"):
                yield Label("", classes="pane-title", id="import-folder")
                yield TranscriptTree(self.folder, id="import-files")
            with Vertical(id="import-side"):
                with Vertical(id="import-preview-pane"):
                    yield Label("Picked files (c sets a file's case)", classes="pane-title")
                    yield DataTable(id="import-preview", cursor_type="row", zebra_stripes=True)
                    yield Label("", id="import-preview-detail", classes="import-detail")
                    yield Label(
                        "Speakers per file (i p s o set the role; m merges a likely alias)",
                        classes="pane-title",
                    )
                    yield DataTable(id="import-speakers", cursor_type="row", zebra_stripes=True)
                with Vertical(id="import-results-pane"):
                    yield Label("Results", classes="pane-title", id="import-results-title")
                    yield DataTable(id="import-results", cursor_type="row", zebra_stripes=True)
                    yield Label("", id="import-results-detail", classes="import-detail")
                with Vertical(id="import-progress-pane"):
                    yield Label("", id="import-progress-label")
                    yield ProgressBar(id="import-progress", show_eta=False)
                with Horizontal(id="import-options"):
                    yield Label("Kind", id="import-kind-label")
                    yield Select(
                        [(AUTO + " (guess from speakers)", AUTO)]
                        + [(kind, kind) for kind in DOCUMENT_KINDS],
                        value=AUTO,
                        allow_blank=False,
                        id="import-kind",
                    )
                    yield Button("Import (ctrl+r)", variant="primary", id="import-run")
        yield Footer()

    def on_mount(self) -> None:
        # Long reasons are cut to the Status/Result width; the line under the table shows the
        # highlighted row's in full.
        preview = self.query_one("#import-preview", DataTable)
        preview.add_column("File")
        preview.add_column("Status", width=STATUS_WIDTH)
        preview.add_columns("Turns", "Speakers", "Case", "Document", "Format")
        self.query_one("#import-speakers", DataTable).add_columns(
            "Speaker", "Role", "Turns", "Alias", "File"
        )
        self._show_folder()
        self._known_roles()
        results = self.query_one("#import-results", DataTable)
        results.add_column("File")
        results.add_column("Result", width=STATUS_WIDTH)
        results.add_columns("Document", "Words", "Turns", "Speakers")
        self.query_one("#import-files", TranscriptTree).focus()

    @work(thread=True, group="known-roles", exit_on_error=False)
    def _known_roles(self) -> None:
        """Roles already given to each label in this project: a label keeps its role."""
        known = {s.label: s.role for s in self.project.speakers() if s.role}
        self.app.call_from_thread(self._set_known_roles, known)

    def _set_known_roles(self, known: dict[str, str]) -> None:
        if self.is_attached:
            self.known_roles = known
            self._show_speakers()

    # -- folders ---------------------------------------------------------------------------
    def _show_folder(self) -> None:
        self.query_one("#import-folder", Label).update(
            f"Files in {self.folder} (space picks; u up, ~ home, g go to)"
        )

    def action_folder(self, where: str) -> None:
        target = Path.home() if where == "~" else self.folder.parent
        self._open_folder(target)

    def action_go_to(self) -> None:
        def go(value: str | None) -> None:
            if value:
                self._open_folder(Path(value).expanduser())

        self.app.push_screen(
            AskText("Folder to list (a path; ~ is home):", value=str(self.folder)), go
        )

    def _open_folder(self, folder: Path) -> None:
        folder = folder if folder.is_absolute() else self.folder / folder
        if folder.is_file():
            folder = folder.parent
        if not folder.is_dir():
            self.notify(f"{folder}: no such folder", severity="warning")
            return
        self.folder = folder.resolve()
        self.query_one("#import-files", TranscriptTree).path = self.folder
        self._show_folder()
        if not self.project.encrypted:  # an encrypted project leaves nothing in plain files
            remember_folder(self.qapp.project_key(), self.folder)

    def _shown(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.folder))
        except ValueError:
            return str(path)

    # -- picking files -------------------------------------------------------------------
    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        if self.importing:
            self.notify("An import is running; wait for it or press Escape to stop it.")
            return
        path = event.path
        if path in self.picked:
            self.picked.remove(path)
        else:
            self.picked.append(path)
        self.remove_class("-done")
        self.query_one("#import-files", TranscriptTree).set_picked(self.picked)
        self._show_picked()
        self._preview([p for p in self.picked if p not in self.previews])

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _preview(self, paths: list[Path]) -> None:
        """Parse newly picked files (never the project: only its document names are read)."""
        worker = get_current_worker()
        existing = {doc.name for doc in self.project.documents()}
        for path in paths:
            if worker.is_cancelled:
                return
            try:
                preview = preview_file(path, existing)
            except Exception as exc:  # a bug in an importer must not take the screen down
                preview = FilePreview(path, error=failure_message(exc, "Reading the file"))
            self.app.call_from_thread(self._add_preview, preview)

    def _add_preview(self, preview: FilePreview) -> None:
        if not self.is_attached:  # the screen was closed while the file was read
            return
        self.previews[preview.path] = preview
        self._show_picked()

    def _show_picked(self) -> None:
        table = self.query_one("#import-preview", DataTable)
        row = table.cursor_row
        table.clear()
        for path in self.picked:
            preview = self.previews.get(path)
            status = Text("reading…", style="italic") if preview is None else preview.status
            if preview is not None and not preview.ok:
                status = Text(preview.status, style="red")
            table.add_row(
                self._shown(path),
                status,
                Text(str(preview.turns), justify="right") if preview and preview.ok else "",
                preview.speakers_text() if preview and preview.ok else "",
                self.cases.get(path, ""),
                ", ".join(preview.documents) if preview else "",
                preview.format if preview else "",
                key=str(path),
            )
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        self._show_speakers()

    def _show_speakers(self) -> None:
        table = self.query_one("#import-speakers", DataTable)
        row = table.cursor_row
        table.clear()
        for path in self.picked:
            preview = self.previews.get(path)
            if preview is None or not preview.ok:
                continue
            aliases = dict(likely_aliases(label for label, _ in preview.speakers))
            for label, turns in preview.speakers:
                merged = self.merges.get((path, label))
                alias = (
                    Text(f"merged into {merged}", style="bold")
                    if merged
                    else Text(f"likely {aliases[label]} (m)", style="yellow")
                    if label in aliases
                    else ""
                )
                table.add_row(  # the file last: a long name must not push the roles off screen
                    label,
                    self._role(path, label),
                    Text(str(turns), justify="right"),
                    alias,
                    self._shown(path),
                    key=f"{path}\0{label}",
                )
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Show the highlighted file's whole status or result (the table cuts long ones)."""
        table = event.data_table
        if table.id in ("import-preview", "import-results"):
            file, status = table.get_row_at(event.cursor_row)[:2]
            self.query_one(f"#{table.id}-detail", Label).update(Text.assemble(f"{file}: ", status))

    def _role(self, path: Path, label: str) -> str:
        return (
            self.roles.get((path, label))
            or self.known_roles.get(label)
            or default_role(label)
            or "participant"
        )

    # -- roles, aliases, cases, kind -------------------------------------------------------
    def _speaker_row(self) -> tuple[Path, str] | None:
        table = self.query_one("#import-speakers", DataTable)
        if not table.row_count:
            self.notify("No speakers yet: pick a transcript first.", severity="warning")
            return None
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        path, label = key.split("\0", 1)
        return Path(path), label

    def action_cycle_role(self) -> None:
        found = self._speaker_row()
        if found is not None:
            current = self._role(*found)
            index = (SPEAKER_ROLES.index(current) + 1) % len(SPEAKER_ROLES)
            self.action_role(SPEAKER_ROLES[index])

    def action_role(self, role: str) -> None:
        """Set the highlighted speaker's role in its file (one key per role)."""
        found = self._speaker_row()
        if found is not None:
            self.roles[found] = role
            self._show_speakers()
            table = self.query_one("#import-speakers", DataTable)
            if table.cursor_row + 1 < table.row_count:
                table.move_cursor(row=table.cursor_row + 1)

    def action_merge(self) -> None:
        """Merge the highlighted label into the longer label it is likely part of (m again
        undoes it)."""
        found = self._speaker_row()
        if found is None:
            return
        path, label = found
        if self.merges.pop(found, None) is not None:
            self._show_speakers()
            return
        preview = self.previews[path]
        aliases = dict(likely_aliases(name for name, _ in preview.speakers))
        if label not in aliases:
            self.notify(f"'{label}' is not part of another speaker's name in this file.")
            return
        self.merges[found] = aliases[label]
        self._show_speakers()

    def action_set_case(self) -> None:
        table = self.query_one("#import-preview", DataTable)
        if not table.row_count:
            self.notify("Pick a file first.", severity="warning")
            return
        path = Path(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

        def set_case(case: str | None) -> None:
            if case is None:
                return
            if case:
                self.cases[path] = case
            else:
                self.cases.pop(path, None)
            self._show_picked()

        self.app.push_screen(
            AskText(
                f"Case for {self._shown(path)} (empty for none):",
                value=self.cases.get(path, ""),
                placeholder="e.g. P01",
                allow_empty=True,
            ),
            set_case,
        )

    @property
    def kind(self) -> str | None:
        value = self.query_one("#import-kind", Select).value
        return None if value in (AUTO, Select.NULL) else str(value)

    # -- importing ---------------------------------------------------------------------------
    @on(Button.Pressed, "#import-run")
    def _run_pressed(self) -> None:
        self.action_run_import()

    def action_run_import(self) -> None:
        if self.importing:
            self.notify("The import is already running.")
            return
        if not self.picked:
            self.notify("Pick files first: space or Enter on a file.", severity="warning")
            return
        self.importing = True
        if not self.project.encrypted:  # the next import starts in this folder
            remember_folder(self.qapp.project_key(), self.picked[0].parent)
        self.add_class("-running")
        self.remove_class("-done")
        self._import(
            list(self.picked),
            self.kind,
            dict(self.cases),
            self._roles_for_import(),
            self._merges_for_import(),
        )

    def _roles_for_import(self) -> dict[Path, dict[str, str]]:
        """Each file's roles: the same label can be an interviewer in one file and a
        participant in another."""
        return {
            path: {label: self._role(path, label) for label, _ in preview.speakers}
            for path, preview in self.previews.items()
            if path in self.picked
        }

    def _merges_for_import(self) -> dict[Path, dict[str, list[str]]]:
        out: dict[Path, dict[str, list[str]]] = {}
        for (path, alias), full in self.merges.items():
            if path in self.picked:
                out.setdefault(path, {}).setdefault(full, []).append(alias)
        return out

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _import(
        self,
        paths: list[Path],
        kind: str | None,
        cases: dict[Path, str],
        roles: dict[Path, dict[str, str]],
        merges: dict[Path, dict[str, list[str]]],
    ) -> None:
        """One ``import_files`` call per file so a stop between files keeps every outcome."""
        worker = get_current_worker()
        throttle = Throttle(0.25)
        outcomes: list[ImportOutcome] = []
        total = len(paths)
        self.app.call_from_thread(self._show_progress, 0, total, "")
        for index, path in enumerate(paths):

            def progress(_done: int, _total: int, name: str, index: int = index) -> None:
                if throttle.due() or index + 1 == total:
                    self.app.call_from_thread(self._show_progress, index + 1, total, name)

            if worker.is_cancelled:
                break
            try:
                done = self.project.import_files(
                    [path],
                    kind=kind,
                    case=cases.get(path),
                    roles=roles.get(path, {}),
                    progress=progress,
                )
                for doc in (d for outcome in done for d in outcome.documents):
                    for full, aliases in merges.get(path, {}).items():
                        self.project.merge_speakers(doc.name, full, aliases)
                outcomes += done
            except Exception as exc:  # not a bad file (those are outcomes): report, stop
                message = failure_message(exc, "The import")
                self.app.call_from_thread(self.notify, message, severity="error", timeout=30)
                break
        skipped = paths[len(outcomes) :]
        self.app.call_from_thread(self._show_results, outcomes, skipped)

    def _show_progress(self, done: int, total: int, name: str) -> None:
        if not self.is_attached:
            return
        self.query_one("#import-progress", ProgressBar).update(total=total, progress=done)
        shown = self._shown(Path(name)) if name else ""
        self.query_one("#import-progress-label", Label).update(
            f"Imported {done} of {total} files{': ' + shown if shown else ''}  (Escape stops)"
        )

    def _show_results(self, outcomes: list[ImportOutcome], skipped: list[Path]) -> None:
        if not self.is_attached:
            return
        self.importing = False
        self.outcomes = outcomes
        table = self.query_one("#import-results", DataTable)
        table.clear()
        for outcome in outcomes:
            shown = self._shown(Path(outcome.path))
            if outcome.error is not None:
                message = Text(reason(outcome.error, outcome.path), style="red")
                table.add_row(shown, message, "", "", "", "")
            for doc in outcome.documents:
                warned = f" ({len(outcome.warnings)} warnings)" if outcome.warnings else ""
                table.add_row(
                    shown,
                    Text("imported" + warned, style="green"),
                    doc.name,
                    Text(f"{doc.words:,}", justify="right"),
                    Text(str(doc.turns), justify="right"),
                    Text(str(doc.speakers), justify="right"),
                )
        for path in skipped:
            table.add_row(self._shown(path), "not imported: stopped before it", "", "", "", "")
        imported = sum(len(o.documents) for o in outcomes)
        failed = sum(1 for o in outcomes if o.error is not None)
        summary = f"Imported {imported} document{'s' if imported != 1 else ''}"
        if failed:
            summary += f"; {failed} file{'s' if failed != 1 else ''} could not be imported"
        if skipped:
            summary += f"; stopped before {len(skipped)} file{'s' if len(skipped) != 1 else ''}"
        self.query_one("#import-results-title", Label).update(
            f"Results: {summary}. Escape returns home."
        )
        self.notify(summary + ".", severity="warning" if failed or skipped else "information")
        self.picked.clear()
        self.previews.clear()  # names now taken change what a preview would say
        self.cases.clear()
        self.merges.clear()
        self._known_roles()  # the roles just stored are remembered for the next files
        self.query_one("#import-files", TranscriptTree).set_picked(())
        self._show_picked()
        self.remove_class("-running")
        self.add_class("-done")
        table.focus()

    failure_doing = "The import"

    def worker_failed(self, worker: Worker[object], message: str) -> None:
        """A failure outside one file's import (reading the project's names, showing
        progress): the import is over, the screen can be used and closed again."""
        if worker.group == "import":
            self.importing = False
            self.remove_class("-running")
            self.query_one("#import-progress-label", Label).update(message)

    # -- leaving -----------------------------------------------------------------------------
    def action_back(self) -> None:
        if self.importing:
            self.workers.cancel_group(self, "import")
            self.notify("Stopping after the current file…")
            return
        self.workers.cancel_group(self, "preview")
        self.app.pop_screen()
