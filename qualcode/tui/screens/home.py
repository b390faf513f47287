"""Home: the project's documents with this coder's progress, and the codebook with counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, Tree

from ...project import DocumentInfo
from ..colors import code_colors
from ..uses_app import UsesApp

if TYPE_CHECKING:
    pass


SORTS = (
    "name",
    "progress (least first)",
    "progress (most first)",
    "words",
    "kind",
    "group",
    "case",
)


@dataclass(frozen=True)
class DocumentRow:
    doc: DocumentInfo
    share: float
    """This coder's progress: the share of turns coded."""
    group: str
    attributes: dict[str, set[str]]
    """Attribute values (case-folded) of the document's case and its speakers' cases."""


def shorten(name: str, width: int) -> str:
    """A name cut to ``width`` in the middle, so names that differ only at the end (…-chat,
    …-transcript) stay apart."""
    if len(name) <= width:
        return name
    head = (width - 1) * 3 // 5
    return name[:head] + "…" + name[len(name) - (width - 1 - head) :]


def filter_rows(rows: list[DocumentRow], text: str) -> list[DocumentRow]:
    """Rows matching every term: ``kind=X``, ``case=X``, ``ATTRIBUTE=VALUE``, ``coded<50``
    (``>``, ``=``; percent), else words of the name (ignoring case)."""
    out = rows
    for term in text.split():
        folded = term.casefold()
        progress = re.fullmatch(r"(?:coded|progress)([<>=])(\d+(?:\.\d+)?)%?", folded)
        if progress:
            op, limit = progress.group(1), float(progress.group(2))
            test = {
                "<": lambda v, lim=limit: v < lim,
                ">": lambda v, lim=limit: v > lim,
                "=": lambda v, lim=limit: round(v) == lim,
            }[op]
            out = [r for r in out if test(r.share * 100)]
        elif "=" in folded:
            key, _, value = folded.partition("=")
            value = value.replace("_", " ")
            if key == "kind":
                out = [r for r in out if r.doc.kind.casefold() == value]
            elif key == "case":
                out = [r for r in out if (r.doc.case or "").casefold() == value]
            else:
                out = [r for r in out if value in r.attributes.get(key, set())]
        else:
            out = [r for r in out if folded in r.doc.name.casefold()]
    return out


def sort_rows(rows: list[DocumentRow], key: str) -> list[DocumentRow]:
    orders = {
        "progress (least first)": lambda r: (r.share, r.doc.name),
        "progress (most first)": lambda r: (-r.share, r.doc.name),
        "words": lambda r: (-r.doc.words, r.doc.name),
        "kind": lambda r: (r.doc.kind, r.doc.name),
        "group": lambda r: (not r.group, r.group, r.doc.name),
        "case": lambda r: (r.doc.case is None, r.doc.case or "", r.doc.name),
    }
    return sorted(rows, key=orders.get(key, lambda r: r.doc.name))


class HomeScreen(UsesApp, Screen[None]):
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
        Binding("R", "retrieve", "Retrieve", id="retrieve"),
        Binding("m", "memos", "Memos", id="memos"),
        Binding("slash", "filter_documents", "Filter", id="documents.filter"),
        Binding("o", "sort_documents", "Sort", id="documents.sort"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home"):
            with Vertical(id="documents-pane"):
                yield Label("Documents", id="documents-title", classes="pane-title")
                yield DataTable(id="documents", cursor_type="row", zebra_stripes=True)
                yield Input(
                    placeholder="filter: words of a name, group=staff, kind=interview, "
                    "coded<50 (Enter applies, empty clears)",
                    id="documents-filter",
                )
            with Vertical(id="codebook-pane"):
                yield Label("Codebook (your codings)", classes="pane-title")
                yield Tree("Codebook", id="codebook")
        yield Footer()

    def on_mount(self) -> None:
        self.filter_text = ""
        self.sort_key = SORTS[0]
        self.query_one("#documents-filter", Input).display = False
        self.query_one("#codebook", Tree).auto_expand = False  # Enter retrieves; space toggles
        self.refresh_data()
        table = self.query_one("#documents", DataTable)
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
        by_name = {c.name: c for c in cases}
        groups = {c.name: str(c.attributes.get("group", "")) for c in cases}
        # A focus group has no case of its own: show the groups of its speakers' cases.
        speaker_groups: dict[str, set[str]] = {}
        speaker_cases: dict[str, list[str]] = {}
        for case in cases:
            for mapped in case.speakers:  # "document: label"; labels never hold a colon
                document = mapped.rpartition(": ")[0]
                speaker_cases.setdefault(document, []).append(case.name)
                if groups.get(case.name):
                    speaker_groups.setdefault(document, set()).add(groups[case.name])
        progress = project.progress(coder) if coder else {}
        rows = []
        for doc in project.documents():
            group = groups.get(doc.case or "", "") or ", ".join(
                sorted(speaker_groups.get(doc.name, ()))
            )
            attributes: dict[str, set[str]] = {}
            for name in [doc.case or "", *speaker_cases.get(doc.name, [])]:
                for key, value in by_name[name].attributes.items() if name in by_name else ():
                    attributes.setdefault(key.casefold(), set()).add(str(value).casefold())
            rows.append(DocumentRow(doc, progress.get(doc.name, 0.0), group, attributes))
        self.all_rows = len(rows)
        shown = sort_rows(filter_rows(rows, self.filter_text), self.sort_key)
        width = self._name_width(rows)
        if width != getattr(self, "_width", None):
            self._columns(width)
        for row in shown:
            name = shorten(row.doc.name, width)
            table.add_row(
                name,
                Text(f"{row.share:4.0%}", justify="right"),
                Text(f"{row.doc.words:,}", justify="right"),
                row.group,
                row.doc.case or "",
                row.doc.kind,
                key=row.doc.name,
            )
        if table.row_count:
            table.move_cursor(row=min(selected, table.row_count - 1))
        self._describe_documents(len(shown))
        self._fill_tree()

    def _describe_documents(self, shown: int) -> None:
        title = "Documents"
        if self.filter_text:
            title += f" · {shown} of {self.all_rows} match “{self.filter_text}”"
        if self.sort_key != SORTS[0]:
            title += f" · by {self.sort_key}"
        self.query_one("#documents-title", Label).update(title)

    def _name_width(self, rows: list[DocumentRow]) -> int:
        """The Document column's width: what is left of the pane (3/5 of the terminal) once
        the other columns have theirs, at least 20; longer names are cut in the middle so the
        other columns stay on screen."""
        others = [
            5,
            max((len(f"{r.doc.words:,}") for r in rows), default=5),
            max((len(r.group) for r in rows), default=5),
            max((len(r.doc.case or "") for r in rows), default=4),
            max((len(r.doc.kind) for r in rows), default=4),
        ]
        room = self.app.size.width * 3 // 5 - sum(max(w, 5) for w in others) - 2 * 6 - 2
        longest = max((len(r.doc.name) for r in rows), default=8)
        return max(8, min(longest, max(20, room)))

    def _columns(self, width: int) -> None:
        table = self.query_one("#documents", DataTable)
        table.clear(columns=True)
        self._width = width
        table.add_column("Document", width=width, key="name")
        # Most useful first: on an 80-column terminal the right-hand columns scroll.
        table.add_columns("Coded", "Words", "Group", "Case", "Kind")

    def on_resize(self) -> None:
        if self.is_mounted:
            self.refresh_data()

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
        if codes and tree.cursor_line < 0:
            tree.cursor_line = 0  # Enter on the panel retrieves from the first key press

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

    # -- filtering and sorting the documents -------------------------------------------------
    def action_filter_documents(self) -> None:
        field = self.query_one("#documents-filter", Input)
        field.value = self.filter_text
        field.display = True
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "documents-filter":
            return
        event.stop()
        event.input.display = False
        self.filter_text = " ".join(event.value.split())
        self.query_one("#documents", DataTable).focus()
        self.refresh_data()

    def action_sort_documents(self) -> None:
        self.sort_key = SORTS[(SORTS.index(self.sort_key) + 1) % len(SORTS)]
        self.refresh_data()
        self.notify(f"Documents sorted by {self.sort_key}", timeout=2)

    def key_escape(self) -> None:
        field = self.query_one("#documents-filter", Input)
        if field.display:
            field.display = False
            self.query_one("#documents", DataTable).focus()

    # -- retrieving and memos ----------------------------------------------------------------
    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        if event.node.data:
            self.retrieve(event.node.data)

    def retrieve(self, code: str) -> None:
        from ...project import Query
        from .retrieve import RetrieveScreen

        self.app.push_screen(RetrieveScreen(Query(code)))

    def action_retrieve(self) -> None:
        tree = self.query_one("#codebook", Tree)
        if tree.has_focus and tree.cursor_node is not None and tree.cursor_node.data:
            self.retrieve(tree.cursor_node.data)
            return
        from .choose import Choice, ChooseDialog

        codes = self.qapp.project.codes(include_archived=False)
        choices = [Choice(c.path, c.path, "theme" if not c.codable else "") for c in codes]
        self.app.push_screen(
            ChooseDialog("Retrieve the coded segments of", choices),
            lambda path: self.retrieve(path) if path else None,
        )

    def action_memos(self) -> None:
        from .memos_browser import MemoBrowser

        self.app.push_screen(MemoBrowser())
