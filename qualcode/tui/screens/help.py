"""Every key of every screen in one table (``?`` or F1)."""

from __future__ import annotations

from importlib import import_module

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

SCREENS = (
    ("Everywhere", "qualcode.tui.app", "QualcodeApp"),
    ("Home", "qualcode.tui.screens.home", "HomeScreen"),
    ("Coding", "qualcode.tui.screens.coding", "CodingScreen"),
    ("Transcript", "qualcode.tui.widgets.transcript", "TranscriptView"),
    ("Code picker", "qualcode.tui.screens.picker", "CodePicker"),
    ("Codebook editor", "qualcode.tui.screens.codebook", "CodebookScreen"),
    ("Import", "qualcode.tui.screens.importer", "ImportScreen"),
    ("Agreement", "qualcode.tui.screens.agreement", "AgreementScreen"),
    ("Reconcile", "qualcode.tui.screens.reconcile", "ReconcileScreen"),
    ("Theme reports", "qualcode.tui.screens.reports", "ReportsScreen"),
    ("Suggestions", "qualcode.tui.screens.suggestions", "SuggestionsScreen"),
    ("Audit trail", "qualcode.tui.screens.audit", "AuditScreen"),
    ("Pseudonymise", "qualcode.tui.screens.pseudonymise", "PseudonymiseScreen"),
    ("Retrieve", "qualcode.tui.screens.retrieve", "RetrieveScreen"),
    ("Codings list", "qualcode.tui.screens.codings_list", "CodingsList"),
    ("Memo browser", "qualcode.tui.screens.memos_browser", "MemoBrowser"),
)


def _bindings(module: str, name: str) -> list[BindingType]:
    try:
        return list(getattr(import_module(module), name).BINDINGS)
    except (ImportError, AttributeError):
        return []


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,f1,question_mark", "dismiss", "Close", id="close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            # Two short lines: the dialog is 64 columns inside, and one long line was cut.
            yield Label(
                "Keys of every screen (Escape closes).\n"
                "Every action is also in the palette: ctrl+p.",
                id="help-title",
            )
            yield DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Where", "Key", "What it does")
        for where, module, name in SCREENS:
            for binding in _bindings(module, name):
                if isinstance(binding, Binding) and binding.description:
                    keys = ", ".join(
                        self.app.get_key_display(Binding(k, "")) for k in binding.key.split(",")
                    )
                    table.add_row(where, keys, binding.description)
        table.focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
