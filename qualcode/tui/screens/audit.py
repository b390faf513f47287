"""The audit trail: who did what, and when, newest first, filterable.

The same entries as ``qualcode log`` (:meth:`qualcode.project.Project.log`); the table in the
project refuses changes, so what is shown here is what happened.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label
from textual.worker import get_current_worker

from ...errors import QualcodeError
from ..failures import ShowsWorkerFailures
from ..uses_app import UsesApp
from ..widgets.layout import safe_text

if TYPE_CHECKING:
    from ...project import AuditEntry

LIMIT = 5000
"""The newest entries loaded; the filters narrow these (``qualcode log`` reads them all)."""

KINDS = ("everything", "coding", "code", "memo", "reconcile", "suggestion", "import", "case")
"""Action prefixes ``k`` cycles through."""


def details(payload: dict[str, Any], paths: dict[str, str] | None = None) -> str:
    """A payload as short ``key=value`` pairs, one line; code uuids (``paths``) read as paths."""
    parts = []
    for key, value in payload.items():
        if paths and isinstance(value, str) and value in paths:
            value = paths[value]
        if isinstance(value, list | dict):
            value = json.dumps(value, ensure_ascii=False)
        text = str(value)
        parts.append(f"{key}={text if len(text) <= 40 else text[:39] + '…'}")
    return " ".join(parts)


class AuditScreen(UsesApp, ShowsWorkerFailures, Screen[None]):
    """Newest first; ``/`` filters by any text, ``k`` by the kind of action."""

    failure_doing = "Reading the audit trail"

    BINDINGS = [
        Binding("slash", "filter", "Filter", id="audit.filter"),
        Binding("k", "kind", "Kind of action", id="audit.kind"),
        Binding("r", "refresh", "Refresh", id="audit.refresh"),
        Binding("escape,q", "back", "Back", id="audit.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[AuditEntry] = []
        self.paths: dict[str, str] = {}
        """Code uuid -> path, so the details name codes the way people do."""
        self.kind = KINDS[0]
        self.text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="audit-params", classes="pane-title")
        yield Input(placeholder="filter: a name, an action, a document…", id="audit-filter")
        yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#audit-table", DataTable)
        table.add_columns("When (UTC)", "Who", "Action", "On", "Details")
        table.focus()
        self._load()

    @work(thread=True, group="audit", exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        try:
            entries = self.qapp.project.log(limit=LIMIT)
            paths = {c.uuid: c.path for c in self.qapp.project.codes(include_archived=True)}
        except QualcodeError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, entries, paths)

    def _loaded(self, entries: list[AuditEntry], paths: dict[str, str]) -> None:
        if self.is_attached:
            self.entries, self.paths = entries, paths
            self._fill()

    def shown(self) -> list[AuditEntry]:
        """The entries that pass both filters."""
        words = self.text.casefold().split()
        out = []
        for entry in self.entries:
            if self.kind != "everything" and not entry.action.startswith(self.kind):
                continue
            if words:
                haystack = " ".join(
                    (
                        entry.actor,
                        entry.action,
                        entry.entity_type,
                        entry.entity_uuid or "",
                        details(entry.payload, self.paths),
                    )
                ).casefold()
                if not all(w in haystack for w in words):
                    continue
            out.append(entry)
        return out

    def _fill(self) -> None:
        table = self.query_one("#audit-table", DataTable)
        table.clear()
        shown = self.shown()
        for entry in shown:
            on = entry.entity_type + (f" {entry.entity_uuid[:8]}" if entry.entity_uuid else "")
            table.add_row(
                entry.at.strftime("%Y-%m-%d %H:%M:%S"),
                Text(safe_text(entry.actor)),
                Text(entry.action, style="bold"),
                on,
                Text(safe_text(details(entry.payload, self.paths)), style="dim"),
            )
        more = f" (the newest {LIMIT:,})" if len(self.entries) >= LIMIT else ""
        self.query_one("#audit-params", Label).update(
            f"Audit trail · {len(shown):,} of {len(self.entries):,} entries{more} · "
            f"kind: {self.kind} · filter: {self.text or '-'} · it cannot be changed"
        )

    # -- actions ---------------------------------------------------------------------------
    def action_filter(self) -> None:
        self.query_one("#audit-filter", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.text = event.value
        self._fill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#audit-table", DataTable).focus()

    def action_kind(self) -> None:
        self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]
        self._fill()

    def action_refresh(self) -> None:
        self._load()

    def action_back(self) -> None:
        field = self.query_one("#audit-filter", Input)
        if field.has_focus:
            self.query_one("#audit-table", DataTable).focus()
            return
        self.app.pop_screen()
