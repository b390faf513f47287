"""The suggestion review queue: each suggested excerpt in context, with why it was suggested,
its score and how good this code's suggestions have been; accept, reject, adjust or skip.

Suggestions are computed in a worker with a progress bar (Escape cancels). Accepting makes a
coding of yours with origin ``suggestion``; rejecting is remembered so the excerpt is not
suggested again. Both are committed before the screen moves on; ``z`` takes the last one back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, ProgressBar, Static
from textual.worker import Worker, get_current_worker

from ...errors import QualcodeError
from ...project import TurnInfo
from ..failures import ShowsWorkerFailures
from ..uses_app import UsesApp
from ..widgets.excerpt import ExcerptScroll, context_text, move_edge
from ..widgets.layout import safe_text

if TYPE_CHECKING:
    from ...suggest import SuggestionInfo


FALLBACK = 10
FALLBACK_SCORE = 0.1
"""When no suggestion is likely right, the screen offers the :data:`FALLBACK` best of those at
least this likely, and says that none is likely."""

ORDERS = ("best first", "per document", "per code")


@dataclass
class Entry:
    suggestion: SuggestionInfo
    status: str = "pending"
    """pending, accepted, rejected or skipped."""
    decision: str | None = None
    """The uuid of the stored decision (for undo)."""
    coding: str | None = None
    """The uuid of the coding an accept made (for undo)."""


class SuggestionsScreen(UsesApp, ShowsWorkerFailures, Screen[None]):
    """Suggestions for one document (from the coding screen) or all, per document or per code."""

    BINDINGS = [
        Binding("y,enter", "accept", "Accept", id="suggest.accept"),
        Binding("n", "reject", "Reject", id="suggest.reject"),
        Binding("down,j,s", "step(1)", "Skip / next", id="suggest.next"),
        Binding("up,k", "step(-1)", "Previous", id="suggest.previous"),
        Binding("e", "edit", "Adjust span", id="suggest.edit"),
        Binding("o", "order", "Order", id="suggest.order"),
        Binding("z", "undo", "Undo decision", id="suggest.undo"),
        Binding("escape,q", "back", "Back", id="suggest.back"),
        Binding("right", "move('end', 1)", "Span end →", show=False, id="suggest.end-right"),
        Binding("left", "move('end', -1)", "Span end ←", show=False, id="suggest.end-left"),
        Binding(
            "shift+right", "move('start', 1)", "Span start →", show=False, id="suggest.start-right"
        ),
        Binding(
            "shift+left", "move('start', -1)", "Span start ←", show=False, id="suggest.start-left"
        ),
    ]

    def __init__(
        self, document: str | None = None, on_coded: Callable[[], None] | None = None
    ) -> None:
        super().__init__()
        self.document = document
        self.on_coded = on_coded
        """Called on the way back when codings were accepted or undone here (the coding screen
        that opened this one redraws its codings)."""
        self.entries: list[Entry] = []
        self.index = 0
        self.order = ORDERS[0]
        self.texts: dict[str, str] = {}
        self.turns: dict[str, list[TurnInfo]] = {}
        self.editing: tuple[int, int] | None = None
        self.running = False
        self.history: list[int] = []
        self.unlikely = False
        """Nothing was in the queue: the entries are the best few below its threshold."""
        self.setting = ""
        """How the queue chose, in words (measured on the coder's held-out codings), once the
        suggestions are loaded."""

    @property
    def coder(self) -> str:
        return self.qapp.coder or ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Suggestions", id="suggest-title", classes="pane-title")
        yield ProgressBar(total=1, show_eta=False, id="suggest-progress")
        with ExcerptScroll(id="suggest-body"):
            yield Static("", id="suggest-why")
            yield Static("", id="suggest-context")
        yield Static("", id="suggest-status")
        yield Footer()

    def on_mount(self) -> None:
        self.running = True
        where = f"'{self.document}'" if self.document else "every document"
        self.query_one("#suggest-status", Static).update(
            f"Finding suggestions in {where} from {self.coder}'s coding… (Escape cancels)"
        )
        self._suggest(self.document, self.coder)

    # -- computing -------------------------------------------------------------------------
    @work(thread=True, group="suggest", exclusive=True, exit_on_error=False)
    def _suggest(self, document: str | None, coder: str) -> None:
        from ...suggest import SuggestionsCancelled, queue_setting, suggest

        worker = get_current_worker()
        project = self.qapp.project
        if coder and coder not in {c.name for c in project.coders()}:
            self.app.call_from_thread(
                self._failed,
                f"Suggestions learn from your own codings, and {coder} has none yet: code a "
                "few excerpts first, and they will follow.",
                notify=False,  # not an error: where to start
            )
            return

        def progress(done: int, total: int, message: str) -> None:
            self.app.call_from_thread(self._progress, done, total, message)

        try:
            found = suggest(
                project,
                document=document,
                coder=coder or None,
                progress=progress,
                cancelled=lambda: worker.is_cancelled,
            )
            self.setting = queue_setting(project, coder or None).describe()
            self.unlikely = not found
            if not found:  # nothing likely: offer the best few, labelled as unlikely
                found = suggest(
                    project,
                    document=document,
                    coder=coder or None,
                    cancelled=lambda: worker.is_cancelled,
                    min_score=FALLBACK_SCORE,
                    limit=FALLBACK,
                )
            names = sorted({s.document for s in found})
            texts = {n: project.document_text(n) for n in names}
            turns = {n: project.turns(n) for n in names}
        except SuggestionsCancelled:
            return
        except QualcodeError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._loaded, found, texts, turns)

    def _progress(self, done: int, total: int, message: str) -> None:
        if self.is_attached:
            self.query_one("#suggest-progress", ProgressBar).update(total=total, progress=done)
            self.query_one("#suggest-status", Static).update(safe_text(message))

    failure_doing = "Finding suggestions"

    def worker_failed(self, worker: Worker[object], message: str) -> None:
        self._failed(message, notify=False)

    def _failed(self, message: str, notify: bool = True) -> None:
        self.running = False
        if self.is_attached:
            # Nothing is computing any more: a bar left at 0% would say it still is.
            self.query_one("#suggest-progress", ProgressBar).display = False
            self.query_one("#suggest-status", Static).update(safe_text(message))
            if notify:
                self.notify(message, severity="error")

    def _loaded(
        self,
        found: list[SuggestionInfo],
        texts: dict[str, str],
        turns: dict[str, list[TurnInfo]],
    ) -> None:
        self.running = False
        if not self.is_attached:
            return
        self.texts, self.turns = texts, turns
        self.entries = [Entry(s) for s in found]
        self.index = 0
        self._sort(keep=False)
        self.query_one("#suggest-progress", ProgressBar).display = False
        self._draw()

    def _sort(self, *, keep: bool = True) -> None:
        current = self.entries[self.index].suggestion if self.entries and keep else None
        if self.order == "per code":
            self.entries.sort(key=lambda e: (e.suggestion.code, -e.suggestion.score))
        elif self.order == "per document":
            self.entries.sort(key=lambda e: (e.suggestion.document, e.suggestion.start))
        else:
            self.entries.sort(
                key=lambda e: (-e.suggestion.score, e.suggestion.document, e.suggestion.start)
            )
        if current is not None:
            self.index = next(i for i, e in enumerate(self.entries) if e.suggestion is current)

    # -- drawing ---------------------------------------------------------------------------
    @property
    def current(self) -> Entry | None:
        return self.entries[self.index] if self.entries else None

    def _draw(self) -> None:
        entry = self.current
        title = self.query_one("#suggest-title", Label)
        if entry is None:
            title.update("Suggestions · none")
            self.query_one("#suggest-why", Static).update(
                "Nothing to suggest: no sentence is likely enough to be right (measured on your "
                "own codings), every likely excerpt is coded or was rejected, or the codebook "
                "has no terms and nothing is coded yet to learn from."
            )
            self.query_one("#suggest-context", Static).update("")
            self.query_one("#suggest-status", Static).update("")
            return
        done = {s: sum(1 for e in self.entries if e.status == s) for s in ("accepted", "rejected")}
        title.update(
            f"Suggestions for {self.coder} · {self.index + 1} of {len(self.entries)} · "
            f"{done['accepted']} accepted, {done['rejected']} rejected · {self.order} · "
            + (
                f"none in the queue ({self.setting}): the {len(self.entries)} best"
                if self.unlikely
                else self.setting
            )
        )
        s = entry.suggestion
        why = Text()
        why.append(safe_text(s.code), style="bold")
        why.append(f"   likely right: {s.score:.0%}   ")
        if s.precision is None:
            why.append("precision on this project: not measured yet", style="dim")
        else:
            why.append(f"precision of this code's suggestions so far: {s.precision:.0%}")
        why.append(f"\n{s.document}  ·  engines: {', '.join(s.engines)}\n", style="dim")
        why.append("Why: ", style="bold")
        why.append(safe_text(s.explanation) or "(no explanation)")
        self.query_one("#suggest-why", Static).update(why)
        self.query_one("#suggest-context", Static).update(
            context_text(
                self.texts[s.document],
                self.turns.get(s.document, []),
                s.start,
                s.end,
                reverse=self.editing,
            )
        )
        if self.editing is not None:
            status = Text(
                "Adjusting the span: ←/→ move its end by a word, shift+←/→ its start; "
                "y or Enter accepts it, Escape cancels.",
                style="bold",
            )
        else:
            state = {
                "pending": "Not decided.",
                "accepted": "Accepted: coded.",
                "rejected": "Rejected: not suggested again.",
                "skipped": "Skipped.",
            }[entry.status]
            status = Text(state)
            status.append(
                "   y accept · n reject · e adjust · ↓ skip · o order · z undo",
                style="dim",
            )
        self.query_one("#suggest-status", Static).update(status)

    # -- deciding --------------------------------------------------------------------------
    def _advance(self) -> None:
        for step in range(1, len(self.entries) + 1):
            index = (self.index + step) % len(self.entries)
            if self.entries[index].status == "pending":
                self.index = index
                break
        self._draw()

    def action_accept(self) -> None:
        from ...suggest import accept

        entry = self.current
        if entry is None or self.running:
            return
        if entry.status == "accepted":
            self.notify("Already accepted.")
            return
        span, self.editing = self.editing, None
        try:
            coding = accept(self.qapp.project, entry.suggestion, self.coder, span=span)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            self._draw()
            return
        entry.status, entry.coding = "accepted", coding.uuid
        entry.decision = self._stored_decision(coding.uuid)
        self.history.append(self.index)
        words = len(coding.text.split())
        self.notify(f"Coded '{coding.code}' ({words} word{'' if words == 1 else 's'})")
        self._advance()

    def _stored_decision(self, coding: str | None) -> str | None:
        """The uuid of the decision just stored (the newest suggestion event by this coder)."""
        events = self.qapp.project.log(limit=1, action="suggestion.", actor=self.coder)
        return events[0].entity_uuid if events else None

    def action_reject(self) -> None:
        from ...suggest import reject

        entry = self.current
        if entry is None or self.running or self.editing is not None:
            return
        if entry.status != "pending" and entry.status != "skipped":
            self.notify(f"Already {entry.status}; z takes it back.")
            return
        try:
            entry.decision = reject(self.qapp.project, entry.suggestion, self.coder)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        entry.status = "rejected"
        self.history.append(self.index)
        self.notify("Rejected: it will not be suggested again.")
        self._advance()

    def action_undo(self) -> None:
        from ...suggest import reopen

        if not self.history:
            self.notify("No decision to take back in this queue.", severity="warning")
            return
        index = self.history.pop()
        entry = self.entries[index]
        try:
            if entry.coding is not None:
                self.qapp.project.remove_coding(entry.coding)
            if entry.decision is not None:
                reopen(self.qapp.project, entry.decision)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        entry.status, entry.coding, entry.decision = "pending", None, None
        self.index = index
        self.notify("Taken back.")
        self._draw()

    # -- moving and adjusting --------------------------------------------------------------
    def action_step(self, step: int) -> None:
        entry = self.current
        if entry is None or self.editing is not None:
            return
        if step > 0 and entry.status == "pending":
            entry.status = "skipped"
        self.index = (self.index + step) % len(self.entries)
        self._draw()

    def action_order(self) -> None:
        self.order = ORDERS[(ORDERS.index(self.order) + 1) % len(ORDERS)]
        self._sort()
        self._draw()

    def action_edit(self) -> None:
        entry = self.current
        if entry is not None and entry.status != "accepted":
            self.editing = (entry.suggestion.start, entry.suggestion.end)
            self._draw()

    def action_move(self, edge: str, step: int) -> None:
        entry = self.current
        if self.editing is None or entry is None:
            return
        self.editing = move_edge(self.texts[entry.suggestion.document], self.editing, edge, step)
        self._draw()

    def action_back(self) -> None:
        if self.editing is not None:
            self.editing = None
            self._draw()
            return
        if self.running:
            self.workers.cancel_group(self, "suggest")
            self.running = False
        self.app.pop_screen()
        if self.on_coded is not None and (
            self.history or any(e.status == "accepted" for e in self.entries)
        ):
            self.on_coded()  # show the codings accepted here
