"""The reconcile queue of one code: each disagreement in context with who coded what, and the
supervisor's decision on it.

Keys: a digit keeps that coder's version, ``b`` keeps every coder's (merged), ``n`` keeps
neither, ``e`` edits the span (arrows move its end by a word, shift+arrows its start), ``z``
takes the decision back. Each decision is committed (as consensus codings) before the screen
shows it; the queue opens at the first undecided disagreement, so work resumes where it stopped.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static
from textual.worker import Worker, get_current_worker

from ...agreement import reconcile as rec
from ...errors import QualcodeError
from ...project import CodeInfo, DecisionInfo, TurnInfo
from ..colors import PALETTE
from ..failures import ShowsWorkerFailures
from ..uses_app import UsesApp
from ..widgets.excerpt import ExcerptScroll, context_text, move_edge
from ..widgets.layout import safe_text

if TYPE_CHECKING:
    pass


def describe(decision: DecisionInfo | None) -> str:
    if decision is None:
        return "Not decided yet."
    what = {
        "coder": f"{decision.chosen_coder}'s version",
        "all": "every coder's version (merged)",
        "neither": "neither: not coded",
        "edit": "an edited span",
        "agreed": "the coders' agreed codings",
    }[decision.choice]
    when = decision.created_at.strftime("%Y-%m-%d %H:%M")
    return f"Decided: {what} — by {decision.decided_by}, {when} UTC"


def _uses(item: rec.Item, codes: set[str]) -> bool:
    """Whether any coder's version of ``item`` applies one of ``codes``."""
    return any(path in codes for v in item.versions for path, _s, _e in v.excerpts)


class ReconcileScreen(UsesApp, ShowsWorkerFailures, Screen[None]):
    """One code's disagreements, one at a time."""

    BINDINGS = [
        *(
            Binding(
                str(n),
                f"keep({n})",
                "Keep a coder's version" if n == 1 else f"Keep coder {n}'s version",
                show=n == 1,
                key_display="1-9" if n == 1 else None,
                id=f"reconcile.coder{n}",
            )
            for n in range(1, 10)
        ),
        Binding("b", "keep_all", "Keep all", id="reconcile.all"),
        Binding("n", "keep_neither", "Neither", id="reconcile.neither"),
        Binding("e", "edit", "Edit span", id="reconcile.edit"),
        Binding("z", "undo", "Undo decision", id="reconcile.undo"),
        Binding("down,j", "step(1)", "Next", id="reconcile.next"),
        Binding("up,k", "step(-1)", "Previous", id="reconcile.previous"),
        Binding("tab", "next_open", "Next open", id="reconcile.open"),
        Binding("A", "accept_agreed", "Accept agreed", id="reconcile.agreed"),
        Binding("escape,q", "back", "Back", id="reconcile.back"),
        Binding("right", "move('end', 1)", "Span end →", show=False, id="reconcile.end-right"),
        Binding("left", "move('end', -1)", "Span end ←", show=False, id="reconcile.end-left"),
        Binding(
            "shift+right",
            "move('start', 1)",
            "Span start →",
            show=False,
            id="reconcile.start-right",
        ),
        Binding(
            "shift+left", "move('start', -1)", "Span start ←", show=False, id="reconcile.start-left"
        ),
        Binding("enter", "keep_edit", "Keep the edited span", show=False, id="reconcile.keep"),
    ]

    def __init__(
        self,
        code: str,
        coders: list[str],
        unit: str = "sentence",
        exclude_interviewer: bool = False,
    ) -> None:
        super().__init__()
        self.code = code
        self.coders = coders
        self.unit = unit
        self.exclude_interviewer = exclude_interviewer
        self.queue: rec.Queue | None = None
        self.items: list[rec.Item] = []
        self.index = 0
        self.texts: dict[str, str] = {}
        self.turns: dict[str, list[TurnInfo]] = {}
        self.info: CodeInfo | None = None
        self.editing: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(self.code, id="reconcile-title", classes="pane-title")
        yield Static("", id="reconcile-definition")
        with ExcerptScroll(id="reconcile-body"):
            yield Static("Loading the disagreements…", id="reconcile-context")
            yield Static("", id="reconcile-versions")
        yield Static("", id="reconcile-decision")
        yield Footer()

    failure_doing = "Loading the disagreements"

    def on_mount(self) -> None:
        self._load()

    def worker_failed(self, worker: Worker[object], message: str) -> None:
        self.query_one("#reconcile-context", Static).update(safe_text(message))

    # -- loading ---------------------------------------------------------------------------
    @work(thread=True, group="reconcile", exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        project = self.qapp.project
        try:
            queue = rec.reconcile_queue(
                project,
                code=self.code,
                coders=self.coders,
                unit=self.unit,
                exclude_interviewer=self.exclude_interviewer,
            )
            texts = {d: project.document_text(d) for d in queue.documents}
            turns = {d: project.turns(d) for d in queue.documents}
            info = project.code(self.code)
            archived = {c.path for c in project.codes(include_archived=True) if c.archived}
        except QualcodeError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, queue, texts, turns, info, archived)

    def _loaded(
        self,
        queue: rec.Queue,
        texts: dict[str, str],
        turns: dict[str, list[TurnInfo]],
        info: CodeInfo,
        archived: set[str] | None = None,
    ) -> None:
        if not self.is_attached:
            return
        self.queue, self.texts, self.turns, self.info = queue, texts, turns, info
        # A region holding a code archived since cannot be decided (a decision writes the
        # chosen codes): it is left out, and the screen says how to bring it back.
        self.items = [item for item in queue.items if not _uses(item, archived or set())]
        left_out = len(queue.items) - len(self.items)
        first = next((i for i, item in enumerate(self.items) if item.decision is None), None)
        self.index = first if first is not None else 0
        definition = Text(safe_text(info.definition or "(no definition)"), style="italic")
        if info.exclusion:
            definition.append("  Exclude: ", style="bold")
            definition.append(safe_text(info.exclusion))
        if left_out:
            definition.append(
                f"\n{left_out} disagreement{'s' if left_out != 1 else ''} on archived codes "
                "left out: restore the code in the codebook (e, d) to reconcile them.",
                style="bold yellow",
            )
        self.query_one("#reconcile-definition", Static).update(definition)
        self._draw()

    # -- drawing -------------------------------------------------------------------------------
    @property
    def current(self) -> rec.Item | None:
        return self.items[self.index] if self.items else None

    def decided(self) -> int:
        return sum(1 for item in self.items if item.decision is not None)

    def _draw(self) -> None:
        queue, item = self.queue, self.current
        if queue is None:
            return
        agreed = len(queue.agreed)
        progress = f"{self.decided()} of {len(self.items)} decided"
        if item is None:
            self.query_one("#reconcile-title", Label).update(
                f"{self.code} · no disagreements ({agreed} agreed region(s); A accepts them)"
            )
            self.query_one("#reconcile-context", Static).update(
                "The coders agree on every unit of this code."
            )
            self.query_one("#reconcile-versions", Static).update("")
            self.query_one("#reconcile-decision", Static).update("")
            return
        self.query_one("#reconcile-title", Label).update(
            f"{self.code} · disagreement {self.index + 1} of {len(self.items)} · {progress} · "
            f"{item.document} · unit: {self.unit}"
        )
        self.query_one("#reconcile-context", Static).update(self._context_text(item))
        self.query_one("#reconcile-versions", Static).update(self._versions_text(item))
        if self.editing is not None:
            start, end = self.editing
            words = len(self.texts[item.document][start:end].split())
            status = Text(
                f"Editing the span ({words} words): ←/→ move its end by a word, shift+←/→ its "
                "start; Enter keeps it, Escape cancels.",
                style="bold",
            )
        else:
            status = Text(describe(item.decision))
            status.append(
                "   Keys: 1-9 keep that coder's version · b all · n neither · e edit · z undo",
                style="dim",
            )
        self.query_one("#reconcile-decision", Static).update(status)

    def _context_text(self, item: rec.Item) -> Text:
        return context_text(
            self.texts[item.document],
            self.turns.get(item.document, []),
            item.start,
            item.end,
            underline=item.disagreeing,
            reverse=self.editing,
        )

    def _versions_text(self, item: rec.Item) -> Text:
        text = self.texts[item.document]
        out = Text()
        for number, version in enumerate(item.versions, 1):
            color = PALETTE[(number - 1) % len(PALETTE)]
            out.append(f"{number} ", style="bold")
            out.append(f"{version.coder:<12}", style=f"bold {color}")
            if not version.excerpts:
                out.append("did not code this\n", style="italic dim")
                continue
            for i, (path, start, end) in enumerate(version.excerpts):
                if i:
                    out.append(" " * 14)
                quote = " ".join(safe_text(text[start:end]).split())
                if len(quote) > 240:
                    quote = quote[:120] + " … " + quote[-110:]
                out.append(f"“{quote}”", style=color)
                label = "" if path == self.code else f"  [{path}]"
                out.append(f"  {start}-{end}{label}\n", style="dim")
        return out

    # -- deciding --------------------------------------------------------------------------
    def _decide(self, choice: str, **options: object) -> None:
        item, queue = self.current, self.queue
        if item is None or queue is None:
            self.notify("There is nothing to decide here.", severity="warning")
            return
        try:
            decision = rec.decide(
                self.qapp.project,
                queue,
                item,
                choice,
                supervisor=self.qapp.coder or "supervisor",
                **options,  # type: ignore[arg-type]
            )
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        # Committed: only now does the screen show it.
        self.items[self.index] = replace(item, decision=decision)
        made = len(decision.codings)
        self.notify(f"{describe(decision).split(' — ')[0]}; {made} consensus coding(s).")
        following = self._next_open()
        if following is not None:
            self.index = following
        self._draw()

    def _next_open(self) -> int | None:
        n = len(self.items)
        for step in range(1, n + 1):
            index = (self.index + step) % n
            if self.items[index].decision is None:
                return index
        return None

    def action_keep(self, number: int) -> None:
        if self.editing is not None or self.current is None:
            return
        if number > len(self.coders):
            self.notify(
                f"There are {len(self.coders)} coders: press 1 to {len(self.coders)}.",
                severity="warning",
            )
            return
        self._decide("coder", coder=self.current.versions[number - 1].coder)

    def action_keep_all(self) -> None:
        if self.editing is None:
            self._decide("all")

    def action_keep_neither(self) -> None:
        if self.editing is None:
            self._decide("neither")

    def action_undo(self) -> None:
        item = self.current
        if item is None or item.decision is None:
            self.notify("This disagreement has no decision to take back.", severity="warning")
            return
        try:
            self.qapp.project.undo_decision(item.decision.uuid, supervisor=self.qapp.coder or "")
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self.items[self.index] = replace(item, decision=None)
        self.notify("Decision taken back; its consensus codings are removed.")
        self._draw()

    # -- editing the span ------------------------------------------------------------------
    def action_edit(self) -> None:
        item = self.current
        if item is None:
            return
        spans = [(s, e) for _, s, e in item.merged()]
        self.editing = (
            (min(s for s, _ in spans), max(e for _, e in spans))
            if spans
            else (item.start, item.end)
        )
        self._draw()

    def action_move(self, edge: str, step: int) -> None:
        item = self.current
        if self.editing is None or item is None:
            return
        self.editing = move_edge(self.texts[item.document], self.editing, edge, step)
        self._draw()

    def action_keep_edit(self) -> None:
        if self.editing is not None:
            span, self.editing = self.editing, None
            self._decide("edit", span=span)

    # -- moving ----------------------------------------------------------------------------
    def action_step(self, step: int) -> None:
        if self.items and self.editing is None:
            self.index = (self.index + step) % len(self.items)
            self._draw()

    def action_next_open(self) -> None:
        following = self._next_open()
        if following is None:
            self.notify("Every disagreement of this code is decided.")
        else:
            self.index = following
            self._draw()

    def action_accept_agreed(self) -> None:
        queue = self.queue
        if queue is None:
            return
        try:
            done = rec.accept_agreed(self.qapp.project, queue, supervisor=self.qapp.coder or "")
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(f"Accepted {done} agreed region(s) as consensus codings.")
        self._load()

    def action_back(self) -> None:
        if self.editing is not None:
            self.editing = None
            self._draw()
            return
        self.app.pop_screen()
