"""Inter-coder agreement per code, worst first, for a supervisor; Enter opens the reconcile
queue of the highlighted code.

The figures are :func:`qualcode.agreement.report.agreement_report`'s (the same as
``qualcode agreement``), computed in a worker thread.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label
from textual.worker import Worker, get_current_worker

from ...agreement.report import ALPHA_GOOD, ALPHA_TENTATIVE, worst_first
from ...agreement.units import UNITS
from ...errors import QualcodeError
from ...formats import figure
from ...vocabulary import CONSENSUS_CODER
from ..failures import ShowsWorkerFailures
from ..uses_app import UsesApp

if TYPE_CHECKING:
    pass


class _Cancelled(Exception):
    """Raised into a report whose worker was cancelled, to stop it."""


def _figure(value: float | None) -> Text:
    return Text(figure(value), justify="right", style="dim" if value is None else "")


def _alpha_cell(value: float | None) -> Text:
    cell = _figure(value)
    if value is not None:
        if value < ALPHA_TENTATIVE:
            cell.stylize("bold red")
            cell = Text("! ", style="bold red") + cell
        elif value >= ALPHA_GOOD:
            cell.stylize("green")
    return cell


def _interval_cell(entry: dict[str, Any]) -> Text:
    """The alpha interval, or (dim) why there is none: "rare", "few docs", "undefined"."""
    ci = entry.get("alpha_ci") or [None, None]
    if ci[0] is not None and ci[1] is not None:
        return Text(f"[{figure(ci[0], 2)}, {figure(ci[1], 2)}]", justify="right")
    withheld = entry.get("alpha_ci_withheld") or ""
    short = (
        "rare"
        if withheld.startswith("too rare")
        else "few docs"
        if withheld.startswith("too few documents")
        else "undefined"
        if withheld.startswith("alpha is undefined")
        else "-"
    )
    return Text(short, justify="right", style="dim")


def comparison_notice(
    coders: list[str] | None,
    chosen: bool,
    coverage: dict[str, int],
    unit: str,
    documents: int | None,
    interviewer: str = "counted",
) -> Text:
    """Who is compared over how many documents, and a warning when a coder has coded fewer
    documents than the others (the figures then cover only the documents all of them coded)."""
    names = ", ".join(coders or []) or "every coder with codings"
    how = "chosen with c" if chosen else "everyone who has coded; c chooses"
    text = Text(
        f"Comparing {names} ({how}) · unit: {unit} · interviewer turns: "
        f"{interviewer} · worst first",
        style="bold",
    )
    if documents is not None:
        text.append(f"\nOver {documents} document{'s' if documents != 1 else ''} coded by all.")
    if coverage:
        most = max(coverage.values())
        behind = [f"{name} coded {n}" for name, n in coverage.items() if n < most]
        if behind:
            text.append(
                f"\n⚠ {'; '.join(behind)} of the {most} documents the others coded: "
                "press c to compare other coders.",
                style="bold yellow",
            )
    return text


class AgreementScreen(UsesApp, ShowsWorkerFailures, Screen[None]):
    """The agreement table of the chosen coders and unit."""

    failure_doing = "Computing agreement"

    BINDINGS = [
        Binding("enter", "reconcile", "Reconcile", id="agreement.reconcile", show=True),
        Binding("u", "unit", "Unit", id="agreement.unit"),
        Binding("c", "choose_coders", "Coders", id="agreement.coders"),
        Binding("i", "interviewer", "Interviewer turns", id="agreement.interviewer"),
        Binding("r", "refresh", "Refresh", id="agreement.refresh"),
        Binding("escape,q", "back", "Back", id="agreement.back"),
    ]

    def __init__(
        self,
        coders: list[str] | None = None,
        unit: str = "sentence",
        exclude_interviewer: bool = False,
    ) -> None:
        super().__init__()
        self.coders = coders
        self.unit = unit
        self.exclude_interviewer = exclude_interviewer
        self.report: dict[str, Any] | None = None
        self.rows: list[dict[str, Any]] = []
        self.decided: dict[str, int] = {}
        self.coverage: dict[str, int] = {}
        """Documents each compared coder has coded (for the notice over the table)."""
        self.chosen = coders is not None
        """Whether the coders were chosen (c) or are everyone with codings (the default)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="agreement-params", classes="pane-title")
        yield DataTable(id="agreement-table", cursor_type="row", zebra_stripes=True)
        yield Label("", id="agreement-status", classes="hint")
        yield Label("", id="agreement-detail", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#agreement-table", DataTable)
        table.add_columns("Code", "Units", "%", "κ", "α", "AC1", "α 95% CI", "Disagree", "Decided")
        table.focus()
        self.compute()

    def on_screen_resume(self) -> None:
        if self.report is not None:
            self.compute()  # decisions may have changed in the reconcile queue

    # -- computing -----------------------------------------------------------------------------
    def compute(self) -> None:
        self.query_one("#agreement-status", Label).update("Computing agreement…")
        self._compute(self.coders, self.unit, self.exclude_interviewer)

    @work(thread=True, group="agreement", exclusive=True, exit_on_error=False)
    def _compute(self, coders: list[str] | None, unit: str, exclude_interviewer: bool) -> None:
        from ...agreement.report import agreement_report

        project = self.qapp.project
        chosen = coders is not None
        try:
            codings = project.codings()
            if coders is None:
                used = {c.coder for c in codings}
                coders = sorted(used - {CONSENSUS_CODER})
            covered: dict[str, set[str]] = {name: set() for name in coders}
            for c in codings:
                if c.coder in covered:
                    covered[c.coder].add(c.document)
            self.coverage = {name: len(docs) for name, docs in covered.items()}
            self.chosen = chosen
            if len(coders) < 2:
                raise QualcodeError(
                    "agreement needs two coders with codings; "
                    f"this project has {len(coders)} ({', '.join(coders) or 'none'})"
                )
            report = agreement_report(
                project,
                coders=coders,
                unit=unit,
                exclude_interviewer=exclude_interviewer,
                progress=self._progress(get_current_worker()),
            )
            decided: dict[str, int] = {}
            for decision in project.decisions():
                if set(decision.coders) == set(coders):
                    decided[decision.code] = decided.get(decision.code, 0) + 1
        except _Cancelled:
            return
        except QualcodeError as exc:
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._failed, str(exc), coders)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, report, coders, decided)

    def _progress(self, worker: Any) -> Any:
        """A report's progress in the status line, at most four times a second; a cancelled
        worker (``u`` pressed again) stops its report instead of computing on unseen."""
        last = [0.0]

        def told(stage: str, done: int, total: int) -> None:
            if worker.is_cancelled:
                raise _Cancelled
            now = time.monotonic()
            if now - last[0] >= 0.25:
                last[0] = now
                self.app.call_from_thread(
                    self._status, f"Computing agreement… {stage} {done + 1} of {total}"
                )

        return told

    def _status(self, message: str) -> None:
        if self.is_attached:
            self.query_one("#agreement-status", Label).update(message)

    def worker_failed(self, worker: Worker[object], message: str) -> None:
        self.query_one("#agreement-status", Label).update(message)

    def _failed(self, message: str, coders: list[str] | None) -> None:
        self.coders = coders
        self._params()
        self.query_one("#agreement-status", Label).update(message)
        self.notify(message, severity="error")

    def _show(self, report: dict[str, Any], coders: list[str], decided: dict[str, int]) -> None:
        if not self.is_attached:
            return
        self.coders, self.report, self.decided = coders, report, decided
        table = self.query_one("#agreement-table", DataTable)
        selected = table.cursor_row
        table.clear()
        self.rows = sorted(report["codes"], key=worst_first)
        for entry in self.rows:
            percent = entry["percent_agreement"]
            table.add_row(
                entry["code"],
                Text(f"{entry['units']:,}", justify="right"),
                Text("-" if percent is None else f"{100 * percent:.1f}", justify="right"),
                _figure(entry["kappa"]),
                _alpha_cell(entry["alpha"]),
                _figure(entry["ac1"]),
                _interval_cell(entry),
                Text(f"{entry['disagreements']:,}", justify="right"),
                Text(str(decided.get(entry["code"], "")), justify="right"),
                key=entry["code"],
            )
        if table.row_count:
            table.move_cursor(row=min(max(selected, 0), table.row_count - 1))
        self._params()
        overall = report["overall"]
        kappa = "κ" if len(coders) == 2 else "Fleiss' κ"
        unused = overall.get("unused_codes", [])
        left_out = f"  {len(unused)} code(s) nobody applied are left out." if unused else ""
        method = report["parameters"].get("alpha_ci") or {}
        self.query_one("#agreement-status", Label).update(
            f"Overall: α {_figure(overall['alpha'])}, {kappa} {_figure(overall['kappa'])}, "
            f"{overall['units']:,} units, CI {_interval_cell(overall)}.{left_out}  "
            f"! = α below {ALPHA_TENTATIVE}; green = α ≥ {ALPHA_GOOD}.  Documents: "
            f"{len(report['documents'])} coded by every coder.  CI: "
            f"{method.get('method', 'none')} over {method.get('resampled', '-')}."
        )
        self._detail()

    def _params(self) -> None:
        self.query_one("#agreement-params", Label).update(
            comparison_notice(
                self.coders,
                self.chosen,
                self.coverage,
                self.unit,
                len(self.report["documents"]) if self.report else None,
                "left out" if self.exclude_interviewer else "counted",
            )
        )

    def _detail(self) -> None:
        """Every figure of the highlighted code under the table (on a narrow terminal the
        columns on the right are off screen), then why it has no interval, its warnings and
        notes."""
        table = self.query_one("#agreement-table", DataTable)
        detail = self.query_one("#agreement-detail", Label)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            detail.update("")
            return
        entry = self.rows[table.cursor_row]
        ci = entry.get("alpha_ci") or [None, None]
        interval = (
            "-" if ci[0] is None or ci[1] is None else f"[{figure(ci[0], 2)}, {figure(ci[1], 2)}]"
        )
        parts = [entry.get("warning"), entry.get("note")]
        dropped = entry.get("alpha_ci_dropped")
        if dropped:
            parts.append(f"α undefined on {dropped:.1%} of the resamples (left out)")
        reasons = "; ".join(p for p in parts if p)
        detail.update(
            Text.assemble(
                (str(entry["code"]), "bold"),
                f"\nα {figure(entry['alpha'])} (95% CI {interval}) · κ "
                f"{figure(entry['kappa'])} · AC1 {figure(entry['ac1'])} · "
                f"{entry['units']:,} units · {entry['disagreements']:,} disagree · "
                f"{self.decided.get(entry['code'], 0)} decided",
                f"\n{reasons}" if reasons else "",
            )
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    # -- actions ---------------------------------------------------------------------------
    def action_reconcile(self) -> None:
        table = self.query_one("#agreement-table", DataTable)
        if not self.rows or self.coders is None:
            self.notify("Nothing to reconcile yet.", severity="warning")
            return
        entry = self.rows[table.cursor_row]
        from .reconcile import ReconcileScreen

        self.app.push_screen(
            ReconcileScreen(
                entry["code"],
                list(self.coders),
                self.unit,
                exclude_interviewer=self.exclude_interviewer,
            )
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_reconcile()

    def action_unit(self) -> None:
        self.unit = UNITS[(UNITS.index(self.unit) + 1) % len(UNITS)]
        self._params()
        self.compute()

    def action_interviewer(self) -> None:
        self.exclude_interviewer = not self.exclude_interviewer
        self._params()
        self.compute()

    def action_choose_coders(self) -> None:
        from .prompts import AskText

        current = ",".join(self.coders or [])
        self.app.push_screen(
            AskText("Coders to compare, separated by commas:", value=current), self._coders_given
        )

    def _coders_given(self, value: str | None) -> None:
        if value is None:
            return
        names = [n.strip() for n in value.split(",") if n.strip()]
        self.coders = list(dict.fromkeys(names)) or None
        self.compute()

    def action_refresh(self) -> None:
        self.compute()

    def action_back(self) -> None:
        self.app.pop_screen()
