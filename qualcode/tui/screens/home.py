"""Home: the project's documents with this coder's progress, and the codebook with counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Tree

from ..colors import code_colors

if TYPE_CHECKING:
    from ..app import QualcodeApp


class HomeScreen(Screen[None]):
    """Documents on the left, the codebook on the right; Enter opens a document."""

    BINDINGS = [
        Binding("enter", "open_document", "Open", id="open", show=True),
        Binding("i", "import_files", "Import", id="import"),
        Binding("e", "edit_codebook", "Codebook", id="codebook"),
        Binding("a", "agreement", "Agreement", id="agreement"),
        Binding("t", "reports", "Reports", id="reports"),
        Binding("s", "suggestions", "Suggestions", id="suggestions"),
        Binding("l", "audit", "Audit", id="audit"),
        Binding("p", "pseudonymise", "Pseudonyms", id="pseudonymise"),
        Binding("r", "refresh", "Refresh", id="refresh", show=False),
    ]

    @property
    def qapp(self) -> QualcodeApp:
        return cast("QualcodeApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home"):
            with Vertical(id="documents-pane"):
                yield Label("Documents", classes="pane-title")
                yield DataTable(id="documents", cursor_type="row", zebra_stripes=True)
            with Vertical(id="codebook-pane"):
                yield Label("Codebook (your codings)", classes="pane-title")
                yield Tree("Codebook", id="codebook")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#documents", DataTable)
        # Most useful first: on an 80-column terminal the right-hand columns scroll.
        table.add_columns("Document", "Coded", "Words", "Group", "Case", "Kind")
        self.refresh_data()
        table.focus()
        start = self.qapp.start_document
        if start and self.qapp.coder:  # without a coder yet, the app opens it once one is given
            self.qapp.start_document = None
            self.open(start)

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def on_project_changed(self, _message: object) -> None:
        self.refresh_data()  # keeps the highlighted document

    def on_coder_changed(self, _message: object) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        project = self.qapp.project
        coder = self.qapp.coder
        table = self.query_one("#documents", DataTable)
        selected = table.cursor_row
        table.clear()
        cases = project.cases()
        groups = {c.name: str(c.attributes.get("group", "")) for c in cases}
        # A focus group has no case of its own: show the groups of its speakers' cases.
        speaker_groups: dict[str, set[str]] = {}
        for case in cases:
            for mapped in case.speakers:  # "document: label"; labels never hold a colon
                document = mapped.rpartition(": ")[0]
                if groups.get(case.name):
                    speaker_groups.setdefault(document, set()).add(groups[case.name])
        progress = project.progress(coder) if coder else {}
        for doc in project.documents():
            group = groups.get(doc.case or "", "") or ", ".join(
                sorted(speaker_groups.get(doc.name, ()))
            )
            share = progress.get(doc.name, 0.0)
            table.add_row(
                doc.name,
                Text(f"{share:4.0%}", justify="right"),
                Text(f"{doc.words:,}", justify="right"),
                group,
                doc.case or "",
                doc.kind,
                key=doc.name,
            )
        if table.row_count:
            table.move_cursor(row=min(selected, table.row_count - 1))
        self._fill_tree()

    def _fill_tree(self) -> None:
        tree = self.query_one("#codebook", Tree)
        codes = self.qapp.project.codes(coder=self.qapp.coder, include_archived=False)
        colors = code_colors(codes)
        tree.clear()
        tree.show_root = False
        tree.guide_depth = 2
        tree.root.expand()
        nodes = {(): tree.root}
        parents = {c.names[:-1] for c in codes}
        for code in codes:
            parent = nodes.get(code.names[:-1], tree.root)
            label = Text()
            label.append("■ ", style=colors[code.path])
            label.append(code.name)
            # Blind coding: counts are the coder's own, and none show before a coder is known.
            if code.codings and self.qapp.coder:
                label.append(f"  {code.codings}", style="bold")
            if code.names in parents:
                node = parent.add(label, data=code.path, expand=True)
            else:
                node = parent.add_leaf(label, data=code.path)
            nodes[code.names] = node
            if not code.codable:
                node.label.stylize("italic")

    # -- actions ---------------------------------------------------------------------------
    def action_open_document(self) -> None:
        table = self.query_one("#documents", DataTable)
        if not table.row_count:
            self.notify("No documents yet: press i to import transcripts.")
            return
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        self.open(str(row_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.open(str(event.row_key.value))

    def open(self, document: str) -> None:
        from .coding import CodingScreen

        self.app.push_screen(CodingScreen(document))

    def action_import_files(self) -> None:
        from .importer import ImportScreen

        self.app.push_screen(ImportScreen())

    def action_edit_codebook(self) -> None:
        from .codebook import CodebookScreen

        self.app.push_screen(CodebookScreen())

    def action_agreement(self) -> None:
        from .agreement import AgreementScreen

        self.app.push_screen(AgreementScreen())

    def action_audit(self) -> None:
        from .audit import AuditScreen

        self.app.push_screen(AuditScreen())

    def action_pseudonymise(self) -> None:
        from .pseudonymise import PseudonymiseScreen

        self.app.push_screen(PseudonymiseScreen())

    def action_suggestions(self) -> None:
        from .suggestions import SuggestionsScreen

        self.app.push_screen(SuggestionsScreen())

    def action_reports(self) -> None:
        from .reports import ReportsScreen

        self.app.push_screen(ReportsScreen())

    def action_refresh(self) -> None:
        self.refresh_data()
