"""Theme frequencies for the write-up: a table with a column per group, a bar chart drawn in the
terminal, and an export dialog that writes any report in a worker with a progress bar.

The figures are :func:`qualcode.reports.frequencies`' (the same as ``qualcode export
frequencies``); the counting rules are in docs/reports.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, ProgressBar, Select, Static
from textual.worker import Worker, get_current_worker

from ...errors import QualcodeError
from ...vocabulary import CONSENSUS_CODER
from ..colors import PALETTE
from ..failures import ShowsWorkerFailures
from ..uses_app import UsesApp

if TYPE_CHECKING:
    from ...reports import FrequencyReport

CHART_WIDTH = 110
"""Below this many columns the chart is hidden unless asked for (b)."""
BAR = 40
"""Cells of the longest bar."""

REPORT_CHOICES = (
    ("frequencies", "Frequencies per code and theme"),
    ("crosstab", "Code by group cross-tab (needs a grouping)"),
    ("matrix", "Code x case matrix"),
    ("cooccurrence", "Co-occurrence of codes"),
    ("quotes", "Quotes per theme"),
    ("saturation", "Thematic saturation"),
    ("codebook", "Codebook appendix"),
    ("all", "Every table in one file"),
)


def bars(report: FrequencyReport, width: int = 60) -> Text:
    """Horizontal bars of each theme's codings, one per group (or one without a grouping),
    fitted to ``width`` columns: the theme's name on its own line, then its bars."""
    groups = [g for g in report.groups if g != "(all)"] if report.by else [None]
    themes = [r for r in report.rows if r.level == 0 and r.group == groups[0]]
    if not themes:
        return Text("No codings to chart yet.", style="dim")
    values = {(r.code, r.group): r.codings for r in report.rows if r.level == 0}
    most = max(values.values()) or 1
    label = min(12, max((len(g) for g in groups if g), default=0))
    digits = len(f"{most:,}")
    room = max(5, min(BAR, width - 2 - (label + 1 if label else 0) - digits - 2))
    out = Text(f"Codings per theme{' by ' + report.by if report.by else ''}\n", style="bold")
    for theme in themes:
        name = theme.code if len(theme.code) <= width else theme.code[: width - 1] + "…"
        out.append(f"\n{name}\n")
        for i, group in enumerate(groups):
            color = PALETTE[i % len(PALETTE)]
            value = values.get((theme.code, group), 0)
            cells = value / most * room
            whole = int(cells)
            bar = "█" * whole + ("▌" if cells - whole >= 0.5 else "")
            out.append("  ")
            if group is not None:
                shown = group if len(group) <= label else group[: label - 1] + "…"
                out.append(f"{shown:<{label}} ", style=color)
            out.append(bar or "▏", style=color)
            out.append(f" {value:,}\n")
    return out


def coders_notice(report: FrequencyReport, asked: str | None) -> Text:
    """Whose codings are counted and why, in a line that stands out when it is the consensus
    coder (after a few reconcile decisions the counts are then mostly zeros)."""
    coders = report.parameters.get("coders", [])
    names = ", ".join(coders) if isinstance(coders, list | tuple) else str(coders)
    why = str(report.parameters.get("coders_chosen", ""))
    text = Text("Counting: ", style="bold")
    if list(coders) == [CONSENSUS_CODER]:
        text.append("the consensus coder only", style="bold yellow")
        text.append(
            " (the default once reconcile decisions exist: the agreed coding). "
            "a counts every coder; c chooses."
        )
    elif asked == "all":
        text.append(f"every coder ({names})", style="bold")
        text.append(" (a goes back to the default; c chooses).")
    else:
        text.append(names, style="bold")
        text.append(f" ({why}). c chooses.")
    return text


class ReportsScreen(UsesApp, ShowsWorkerFailures, Screen[None]):
    """Frequencies per code (themes in bold), by a chosen grouping, with a bar chart."""

    failure_doing = "Counting"

    BINDINGS = [
        Binding("g", "grouping", "Group by", id="reports.group"),
        Binding("i", "interviewer", "Interviewer", id="reports.interviewer"),
        Binding("a", "all_coders", "All coders", id="reports.all-coders"),
        Binding("c", "choose_coders", "Coders", id="reports.coders"),
        Binding("b", "chart", "Chart", id="reports.chart", show=False),
        Binding("x", "export", "Export", id="reports.export"),
        # Off the footer (still under ? and in the palette): at 80 columns it pushed Export out.
        Binding("r", "refresh", "Refresh", id="reports.refresh", show=False),
        Binding("escape,q", "back", "Back", id="reports.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.by: str | None = None
        self.coders: str | None = None
        self.exclude_interviewer = False
        self.groupings: list[str | None] = [None]
        self.report: FrequencyReport | None = None
        self.chart: bool | None = None
        """Show the chart (None: when the terminal is wide enough)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="reports-params", classes="pane-title")
        yield Label("", id="reports-coders")
        with Horizontal(id="reports"):
            yield DataTable(id="reports-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="reports-chart-pane"):
                yield Static("", id="reports-chart")
        yield Label("", id="reports-status", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        project = self.qapp.project
        attributes = [a.name for a in project.attributes()]
        self.groupings = [None, *attributes, "kind", "coder"]
        # A study's main comparison is usually its 'group' attribute (staff / participant).
        if self.by is None and "group" in attributes:
            self.by = "group"
        self.query_one("#reports-table", DataTable).focus()
        self.compute()

    # -- computing -----------------------------------------------------------------------------
    def compute(self) -> None:
        self._params()
        self.query_one("#reports-status", Label).update("Counting…")
        self._compute(self.by, self.coders, self.exclude_interviewer)

    @work(thread=True, group="reports", exclusive=True, exit_on_error=False)
    def _compute(self, by: str | None, coders: str | None, exclude: bool) -> None:
        from ...reports import frequencies

        try:
            report = frequencies(
                self.qapp.project, by=by, coders=coders, exclude_interviewer=exclude
            )
        except QualcodeError as exc:
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._failed, str(exc))
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, report)

    def worker_failed(self, worker: Worker[object], message: str) -> None:
        if worker.group == "reports":
            self.query_one("#reports-status", Label).update(message)

    def _failed(self, message: str) -> None:
        self.query_one("#reports-status", Label).update(message)
        self.notify(message, severity="error")

    def _show(self, report: FrequencyReport) -> None:
        if not self.is_attached:
            return
        self.report = report
        table = self.query_one("#reports-table", DataTable)
        table.clear(columns=True)
        # A fixed width for the names: the table then lays out the same however fast it fills.
        names = [self._code_label(r.code, r.level).cell_len for r in report.rows]
        table.add_column("Code", width=min(40, max(names, default=4)))
        if report.by:
            groups = list(report.groups)
            table.add_columns(*groups)
            cells: dict[tuple[str, str | None], Any] = {(r.code, r.group): r for r in report.rows}
            codes = list(dict.fromkeys(r.code for r in report.rows))
            for code in codes:
                first = cells[(code, groups[0])]
                table.add_row(
                    self._code_label(first.code, first.level),
                    *(Text(f"{cells[(code, g)].codings:,}", justify="right") for g in groups),
                    key=code,
                )
        else:
            table.add_columns("Codings", "Docs", "Cases", "Share", "Speakers", "Words")
            for row in report.rows:
                share = "-" if row.share_of_cases is None else f"{row.share_of_cases:.0%}"
                table.add_row(
                    self._code_label(row.code, row.level),
                    *(
                        Text(f"{v:,}", justify="right")
                        for v in (row.codings, row.documents, row.cases)
                    ),
                    Text(share, justify="right"),
                    *(Text(f"{v:,}", justify="right") for v in (row.speakers, row.words)),
                    key=row.code,
                )
        self._chart()
        self.query_one("#reports-coders", Label).update(coders_notice(report, self.coders))
        self.query_one("#reports-status", Label).update(
            "Codings = coded segments: overlapping codings of a code (or of a theme's codes) "
            "count once. x exports any report, b shows or hides the chart; the rules are in "
            "docs/reports.md."
        )

    def _chart(self) -> None:
        pane = self.query_one("#reports-chart-pane", VerticalScroll)
        # At 80 columns the chart would leave the table one cut column: the table comes first.
        pane.display = self.chart if self.chart is not None else self.size.width >= CHART_WIDTH
        if self.report is not None and pane.display:
            pane = self.query_one("#reports-chart-pane", VerticalScroll)
            width = pane.scrollable_content_region.width or 60
            self.query_one("#reports-chart", Static).update(bars(self.report, width - 3))

    def on_resize(self) -> None:
        self._chart()

    @staticmethod
    def _code_label(path: str, level: int) -> Text:
        name = path.rsplit("/", 1)[-1] if level else path
        return Text("  " * level + name, style="bold" if level == 0 else "")

    def _params(self) -> None:
        by = self.by or "nothing"
        interviewer = "left out" if self.exclude_interviewer else "counted"
        coders = self.coders or "default"
        self.query_one("#reports-params", Label).update(
            f"Theme frequencies · group by: {by} · interviewer turns: {interviewer} · "
            f"coders: {coders}"
        )

    # -- actions ---------------------------------------------------------------------------
    def action_grouping(self) -> None:
        index = self.groupings.index(self.by) if self.by in self.groupings else 0
        self.by = self.groupings[(index + 1) % len(self.groupings)]
        self.compute()

    def action_all_coders(self) -> None:
        """One key between the default coders and every coder's codings."""
        self.coders = None if self.coders == "all" else "all"
        self.compute()

    def action_chart(self) -> None:
        shown = self.query_one("#reports-chart-pane", VerticalScroll).display
        self.chart = not shown
        self._chart()

    def action_interviewer(self) -> None:
        self.exclude_interviewer = not self.exclude_interviewer
        self.compute()

    def action_choose_coders(self) -> None:
        from .prompts import AskText

        self.app.push_screen(
            AskText(
                "Coders to count (comma separated; empty: the default):",
                value=self.coders or "",
                allow_empty=True,
            ),
            self._coders_given,
        )

    def _coders_given(self, value: str | None) -> None:
        if value is None:
            return
        self.coders = value or None
        self.compute()

    def action_refresh(self) -> None:
        self.compute()

    def action_export(self) -> None:
        options = {
            "by": self.by,
            "coders": self.coders,
            "exclude_interviewer": self.exclude_interviewer,
        }
        self.app.push_screen(ExportDialog(options))

    def action_back(self) -> None:
        self.app.pop_screen()


class ExportDialog(UsesApp, ModalScreen[None]):
    """Choose a report and a file (its suffix is the format); the export runs in a worker."""

    BINDINGS = [Binding("escape", "close", "Close", id="export.close")]

    def __init__(self, options: dict[str, Any]) -> None:
        super().__init__()
        self.options = options
        self.running = False

    def compose(self) -> ComposeResult:
        from .export_list import export_name

        with Vertical(id="export-dialog", classes="dialog"):
            yield Label("Export a report", classes="pane-title")
            yield Select(
                [(label, name) for name, label in REPORT_CHOICES],
                value="frequencies",
                allow_blank=False,
                id="export-report",
            )
            yield Label("File (.xlsx .csv .md .docx .json, charts .png .svg):")
            # Beside the project file, not wherever qualcode was started; the path is shown whole.
            yield Input(value=export_name(self.qapp, "frequencies.xlsx"), id="export-path")
            yield Label("Pseudonymise with this names file (CSV; empty: no):")
            yield Input(placeholder="(empty: not pseudonymised)", id="export-names")
            yield ProgressBar(total=1, show_eta=False, id="export-progress")
            yield Label("Enter exports; Escape closes.", id="export-status", classes="hint")

    def on_select_changed(self, event: Select.Changed) -> None:
        field = self.query_one("#export-path", Input)
        path = Path(field.value or "report.xlsx")
        stem = Path(self.qapp.project_label).stem
        suffix = path.suffix or ".xlsx"
        if event.value in ("quotes", "codebook") and suffix in (".png", ".svg", ".csv"):
            suffix = ".docx"
        field.value = str(path.with_name(f"{stem}-{event.value}{suffix}"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.running:
            return
        report = str(self.query_one("#export-report", Select).value)
        target = self.query_one("#export-path", Input).value.strip()
        names = self.query_one("#export-names", Input).value.strip() or None
        if not target:
            self.notify("Name a file to write.", severity="warning")
            return
        self.running = True
        self.query_one("#export-status", Label).update("Exporting…")
        self._export(report, target, names)

    @work(thread=True, group="export", exclusive=True, exit_on_error=False)
    def _export(self, report: str, target: str, names: str | None) -> None:
        from ...reports import export

        def progress(done: int, total: int, what: str) -> None:
            self.app.call_from_thread(self._progress, done, total, what)

        from .export_list import write_from

        if names is not None:
            progress(0, 1, "pseudonymising a copy in memory…")
        written, error = write_from(
            self.qapp.project,
            names,
            lambda source: export(source, report, target, progress=progress, **self.options),
            "The export",
        )
        self.app.call_from_thread(self._finished, written, error)

    def _progress(self, done: int, total: int, what: str) -> None:
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=total, progress=done)
        self.query_one("#export-status", Label).update(what)

    def _finished(self, written: Path | None, error: str | None) -> None:
        self.running = False
        if error is not None:
            self.query_one("#export-status", Label).update(error)
            self.notify(error, severity="error", timeout=15)
            return
        self.notify(f"Wrote {Path(written).resolve() if written else written}")
        if self.qapp.project.encrypted:
            from ...store.cipher import plain_export_note

            self.notify(plain_export_note(written or ""), severity="warning", timeout=10)
        self.dismiss(None)

    def action_close(self) -> None:
        if self.running:
            self.notify("The export is still running; it finishes in a moment.")
            return
        self.dismiss(None)
