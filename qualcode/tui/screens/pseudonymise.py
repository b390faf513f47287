"""Pseudonymise the transcripts: find names and contact details, review them, then apply.

The same plan as ``qualcode pseudonymise`` (:mod:`qualcode.privacy.pseudonymise`): entities from
the names list, speaker labels, patterns, misspelt variants and lexicon candidates, each with its
label. Nothing changes until the user applies the reviewed plan (``a``, then confirm); finding
and applying run in workers.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label

from ...crashlog import crash_message
from ...errors import QualcodeError
from ..uses_app import UsesApp
from ..widgets.layout import safe_text
from .prompts import AskText, Confirm

if TYPE_CHECKING:
    from ...privacy.pseudonymise import Entity, Plan
    from ...project import PseudonymiseResult

CONTEXT = 40
"""Characters either side of an occurrence in the preview."""


class PseudonymiseScreen(UsesApp, Screen[None]):
    """Review what would be replaced: space switches an entry on or off, ``e`` edits its label,
    ``a`` applies the plan (after a question); nothing changes before."""

    BINDINGS = [
        Binding("space", "toggle", "On/off", id="pseudo.toggle"),
        Binding("e", "relabel", "Edit label", id="pseudo.relabel"),
        Binding("f", "names", "Names file", id="pseudo.names"),
        Binding("a", "apply", "Apply", id="pseudo.apply"),
        Binding("escape,q", "back", "Back", id="pseudo.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plan: Plan | None = None
        self.rows: list[Entity] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Pseudonymise · finding names…", id="pseudo-params", classes="pane-title")
        yield Input(
            placeholder="names file (CSV: name,kind,replacement,aliases), Enter to find",
            value=self._default_names(),
            id="pseudo-names",
        )
        yield DataTable(id="pseudo-table", cursor_type="row", zebra_stripes=True)
        yield Label("", id="pseudo-preview")
        yield Label("", id="pseudo-changes")
        yield Footer()

    def _default_names(self) -> str:
        path = self.qapp.project.sqlite_path
        if path is not None:
            for name in ("names.csv", f"{path.stem}-names.csv"):
                if (path.parent / name).is_file():
                    return str(path.parent / name)
        return ""

    def on_mount(self) -> None:
        table = self.query_one("#pseudo-table", DataTable)
        table.add_columns("", "Found", "Kind", "Source", "Times", "Documents", "Replacement")
        table.focus()
        self._find(self.query_one("#pseudo-names", Input).value)

    # -- finding -----------------------------------------------------------------------------
    @work(thread=True, group="pseudonymise", exclusive=True, exit_on_error=False)
    def _find(self, names_path: str) -> None:
        from ...privacy.names import load_names
        from ...privacy.pseudonymise import plan_for

        project = self.qapp.project
        try:
            names = load_names(names_path) if names_path.strip() else []
            plan = plan_for(project, names, key=project.pseudonym_key())
        except QualcodeError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:  # unexpected: logged, said in one line, the screen stays usable
            self.app.call_from_thread(self._failed, crash_message(exc, "Finding names"))
            return
        self.app.call_from_thread(self._found, plan)

    def _failed(self, message: str) -> None:
        self.notify(message, severity="error", timeout=15)
        if self.is_attached:
            self.query_one("#pseudo-params", Label).update("Pseudonymise · " + message)

    def _found(self, plan: Plan) -> None:
        if self.is_attached:
            self.plan = plan
            self._fill()

    def _fill(self, keep: int = 0) -> None:
        assert self.plan is not None
        table = self.query_one("#pseudo-table", DataTable)
        table.clear()
        self.rows = self.plan.rows()
        for entity in self.rows:
            table.add_row(
                Text("[x]" if entity.selected else "[ ]", style="bold" if entity.selected else ""),
                Text(safe_text(entity.original)),
                entity.kind,
                entity.source,
                str(entity.count),
                str(len(entity.documents)),
                Text(safe_text(entity.replacement)),
            )
        if self.rows:
            table.move_cursor(row=min(keep, len(self.rows) - 1))
        chosen = self.plan.chosen()
        self.query_one("#pseudo-params", Label).update(
            f"Pseudonymise · {len(chosen):,} replacements in {len(self.plan.by_document())} "
            f"documents · {sum(not e.selected for e in self.rows)} candidates off · "
            "nothing changes until you apply (a)"
        )
        # The label rule, documents and cases renamed, speakers made one or kept apart.
        changes = self.plan.summary()
        self.query_one("#pseudo-changes", Label).update(
            Text("\n".join(safe_text(line) for line in changes))
        )
        self._preview()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._preview()

    def current(self) -> Entity | None:
        table = self.query_one("#pseudo-table", DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def _preview(self) -> None:
        """The highlighted entry's first occurrence, before and after."""
        entity, preview = self.current(), self.query_one("#pseudo-preview", Label)
        if entity is None or self.plan is None:
            preview.update("")
            return
        finding = next((f for f in self.plan.findings if f.key == entity.key), None)
        if finding is None:
            preview.update("")
            return
        text = self.plan.texts[finding.document]
        before = " ".join(text[max(0, finding.start - CONTEXT) : finding.start].split())
        after = " ".join(text[finding.end : finding.end + CONTEXT].split())
        line = Text(f"{finding.document}: …{safe_text(before)} ")
        line.append(safe_text(finding.text), style="bold red strike")
        line.append(" " + safe_text(entity.replacement), style="bold green")
        line.append(f" {safe_text(after)}…")
        preview.update(line)

    # -- actions -----------------------------------------------------------------------------
    def action_names(self) -> None:
        self.query_one("#pseudo-names", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#pseudo-table", DataTable).focus()
        self.query_one("#pseudo-params", Label).update("Pseudonymise · finding names…")
        self._find(event.value)

    def action_toggle(self) -> None:
        entity = self.current()
        if entity is not None and self.plan is not None:
            self.plan.select(entity.key, not entity.selected)
            self._fill(keep=self.query_one("#pseudo-table", DataTable).cursor_row)

    def action_relabel(self) -> None:
        entity = self.current()
        if entity is None or self.plan is None:
            return
        plan, row = self.plan, self.query_one("#pseudo-table", DataTable).cursor_row

        def done(label: str | None) -> None:
            if label:
                plan.relabel(entity.key, label)
                self._fill(keep=row)

        self.app.push_screen(
            AskText(f"Replace '{safe_text(entity.original)}' with:", value=entity.replacement),
            done,
        )

    def action_apply(self) -> None:
        plan = self.plan
        if plan is None or not plan.chosen():
            self.notify("Nothing selected to replace.", severity="warning")
            return
        others = len(plan.summary()) - 1
        question = (
            f"Replace {len(plan.chosen()):,} occurrences in {len(plan.by_document())} documents"
            + (f" and make the {others} changes listed below the table" if others else "")
            + "? Each becomes a new version with its codings carried over; a backup is made "
            "first and the key is kept apart from the project."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.query_one("#pseudo-params", Label).update("Pseudonymise · applying…")
                self._apply(plan)

        self.app.push_screen(Confirm(question, yes="Pseudonymise"), answered)

    @work(thread=True, group="pseudonymise", exclusive=True, exit_on_error=False)
    def _apply(self, plan: Plan) -> None:
        try:
            result = self.qapp.project.pseudonymise(plan)
        except QualcodeError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:
            self.app.call_from_thread(self._failed, crash_message(exc, "Pseudonymising"))
            return
        self.app.call_from_thread(self._applied, result)

    def _applied(self, result: PseudonymiseResult) -> None:
        key = Path(result.key).name if result.key else "-"
        self.notify(
            f"Pseudonymised {result.documents} documents ({result.replacements:,} replacements, "
            f"{result.codings:,} codings carried over). Key: {key}, kept apart. The backup "
            "made before holds the original text.",
            timeout=10,
        )
        self.query_one("#pseudo-names", Input).value = ""
        self._find("")  # what is left: candidates, anything new

    def action_back(self) -> None:
        field = self.query_one("#pseudo-names", Input)
        if field.has_focus:
            self.query_one("#pseudo-table", DataTable).focus()
            return
        self.app.pop_screen()
        refresh = getattr(self.app.screen, "refresh_data", None)
        if callable(refresh):
            refresh()
