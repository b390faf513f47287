"""The coding screen: one document's transcript, the codings at the cursor, and every coding action.

Each action calls the project, which commits before returning; only then does the screen show
the result (the coding list of the view is updated in place, never reloaded) and push an undo
step whose callables also go through the project. Blind coding: a coder sees only their own
codings until they choose to see everyone's (``v``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Static
from textual.worker import Worker, WorkerState, get_current_worker

from ...errors import QualcodeError
from ...project import CodingInfo, MemoInfo
from ..colors import code_colors
from ..undo import Step, step_through
from ..uses_app import UsesApp
from ..widgets.layout import safe_text
from ..widgets.panel import CodingPanel, pinned_label
from ..widgets.transcript import TranscriptView
from .memo import MemoActions
from .picker import CodePicker, CodingChoice, pinned_codes, recent_codes, remember_code, toggle_pin

if TYPE_CHECKING:
    from ..app import ProjectChanged

Result = CodingInfo | MemoInfo | Iterable[CodingInfo] | None
T = TypeVar("T")


def synced(app: App[Any], call: Callable[[], Result]) -> Callable[[], Result]:
    """An undo/redo callable that also updates whichever coding screen is showing."""

    def run() -> Result:
        result = call()
        if isinstance(app.screen, CodingScreen):
            app.screen.sync(result)
        return result

    return run


class CodingScreen(UsesApp, Screen[None], MemoActions):
    """Code one document: select text, apply codes, remove or change them, write memos."""

    BINDINGS = [
        Binding("c,enter", "code", "Code", id="coding.code"),
        Binding("x,delete", "remove", "Remove", id="coding.remove"),
        Binding("r", "recode", "Recode", id="coding.recode"),
        Binding("m", "memo", "Memo", id="coding.memo"),
        Binding("f", "favourite", "Favourite quote", show=False, id="coding.favourite"),
        Binding("M", "document_memo", "Document memo", show=False, id="coding.document_memo"),
        Binding("slash", "search", "Search", id="coding.search"),
        Binding("n", "search_step(1)", "Next match", show=False, id="coding.search_next"),
        Binding("N", "search_step(-1)", "Previous match", show=False, id="coding.search_previous"),
        Binding(
            "u",
            "uncoded",
            "Uncoded",
            tooltip="Next turn with no coding of yours",
            id="coding.uncoded",
        ),
        Binding("v", "coders", "Coders", id="coding.coders"),
        Binding("S", "suggestions", "Suggestions", id="coding.suggestions"),
        Binding("p", "pin", "Pin last code", show=False, id="coding.pin"),
        Binding("ctrl+z", "history(True)", "Undo", id="coding.undo"),
        Binding("ctrl+y", "history(False)", "Redo", show=False, id="coding.redo"),
        Binding("escape,q", "back", "Back", id="coding.back"),
        Binding(
            "l",
            "codings_list",
            "Codings list",
            tooltip="This document's codings, to jump to",
            show=False,
            id="coding.codings_list",
        ),
        Binding("g", "go_to_turn", "Go to turn", show=False, id="coding.go_to_turn"),
        Binding(
            "ctrl+home",
            "document_edge(-1)",
            "Start of document",
            show=False,
            id="coding.document_start",
        ),
        Binding(
            "ctrl+end", "document_edge(1)", "End of document", show=False, id="coding.document_end"
        ),
        Binding(
            "R",
            "retrieve",
            "Retrieve",
            tooltip="Every segment of the code at the cursor",
            show=False,
            id="coding.retrieve",
        ),
        *(
            Binding(
                str(n),
                f"pinned({n})",
                f"Apply pinned code {n}",
                show=False,
                id=f"coding.pinned_{n}",
            )
            for n in range(1, 10)
        ),
    ]

    def __init__(self, document: str) -> None:
        super().__init__()
        self.document = document
        self.shown_coders: list[str] | None = None
        self.memos: dict[str, list[MemoInfo]] = {}
        self._search: str | None = None
        self._error: str | None = None
        self._changes = 0
        """Codings or memos changed here; a load started before a change is done again."""
        self.loading_codings = False
        self._pinned_shown: list[str] | None = None
        self._status_shown: str | None = None

    @property
    def coder(self) -> str:
        return self.qapp.coder or ""

    @property
    def view(self) -> TranscriptView:
        return self.query_one("#transcript", TranscriptView)

    # -- building ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        project = self.qapp.project
        try:
            text, turns = project.document_text(self.document), project.turns(self.document)
            self.codes = project.codes()
        except QualcodeError as exc:
            self._error = str(exc)
            yield Static(self._error)
            return
        self.shown_coders = [self.coder]
        self.palette = code_colors(self.codes)
        with Horizontal(id="coding"):
            view = TranscriptView(text, turns, colors=self.palette, id="transcript")
            view.on_move = self._follow_cursor  # the panel is drawn in the transcript's frame
            yield view
            with Vertical(id="coding-side"):
                yield Label("At the cursor", classes="pane-title")
                yield CodingPanel(id="coding-at-cursor")
                yield Label("Pinned codes (1-9)", classes="pane-title")
                yield Static(id="coding-pinned")
        yield Static(id="coding-status")
        yield Input(
            placeholder="search this document (Enter finds, Escape closes)", id="coding-search"
        )
        yield Footer()

    def on_mount(self) -> None:
        if self._error is not None:
            self.notify(self._error, severity="error")
            self.app.pop_screen()
            return
        self.sub_title = f"{self.document} · coder: {self.coder}"
        self.query_one("#coding-search", Input).display = False
        self.view.focus()
        self._reload()

    @work(thread=True, group="coding-sentences", exclusive=True, exit_on_error=False)
    def _find_sentences(self) -> None:
        """Cut the document into sentences (spaCy, cached) before the first ``s``, ``(`` or
        ``)``: the sentences agreement counts, so the keys do not wait on spaCy. Started once
        the codings are shown: run beside their loading, spaCy's import and parse held the
        interpreter and opening a 100,000-word transcript took 1.7 s instead of 0.6 s."""
        self.view.navigator.sentences  # noqa: B018  (computed and kept on first access)
        # spaCy's modules and the sentences are long-lived too: frozen like the codings (below),
        # else each full collection walks them and stalls a key for 50-100 ms.
        self.app.call_from_thread(self._freeze)

    def _freeze(self) -> None:
        if self.is_attached:
            gc.freeze()

    def on_screen_resume(self) -> None:
        if self._error is None:
            self._describe()

    def on_coder_changed(self, _message: object) -> None:
        self.shown_coders = [self.coder]
        self._reload()

    def on_project_changed(self, message: ProjectChanged) -> None:
        """Another coder changed the project: load the codings again (the selection, cursor
        and scroll position stay) and say who."""
        self.reload_codings()
        self.notify(f"Updated with changes by {', '.join(message.actors)}", timeout=3)

    def reload_codings(self) -> None:
        """Load the shown codings again (after another screen coded this document)."""
        self._changes += 1
        self._reload()

    def _reload(self) -> None:
        """Load the shown codings (then the coding memos) in a thread; the text is up already."""
        self.loading_codings = True
        self._describe()
        self._load(self.shown_coders, self._changes)

    @work(thread=True, group="coding-load", exclusive=True, exit_on_error=False)
    def _load(self, coders: list[str] | None, changes: int) -> None:
        project = self.qapp.project
        try:
            codings = project.codings(document=self.document, coders=coders)
        except QualcodeError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, codings, coders, changes)

    def _loaded(self, codings: list[CodingInfo], coders: list[str] | None, changes: int) -> None:
        if not self.is_attached:
            return  # the screen closed while its codings were loading
        if coders != self.shown_coders or changes != self._changes:
            self._reload()  # something changed while loading: load again
            return
        self.view.set_codings(codings)
        self.loading_codings = False
        self._describe()
        self._load_memos()
        self._find_sentences()  # at once after the first time: the navigator keeps them
        # A long transcript with thousands of codings puts a few hundred thousand long-lived
        # objects on the heap, and each full garbage collection then stalls a key for ~100 ms.
        # Freezing them keeps collections to what is new; unfrozen again when the screen closes.
        self._freeze()

    def on_unmount(self) -> None:
        gc.unfreeze()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and self.is_attached:
            self.notify(
                f"Could not load this document's codings: {event.worker.error}", severity="error"
            )

    # -- what the screen shows --------------------------------------------------------------
    def sync(self, result: Result) -> None:
        """Show the outcome of a project call: codings appear or vanish, memos reload."""
        items = [result] if isinstance(result, CodingInfo | MemoInfo) or result is None else result
        for item in items:
            if not isinstance(item, CodingInfo):
                self._load_memos()
            elif item.document == self.document:
                self._changes += 1
                visible = self.shown_coders is None or item.coder in self.shown_coders
                if item.deleted_at is None and visible:
                    self.view.add_coding(item)
                else:
                    self.view.remove_coding(item.uuid)
        self._describe()

    @work(thread=True, group="memo-load", exclusive=True, exit_on_error=False)
    def _load_memos(self) -> None:
        try:
            memos = self.qapp.project.memos(target_type="coding")
        except QualcodeError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._memos_loaded, memos)

    def _memos_loaded(self, memos: list[MemoInfo]) -> None:
        if not self.is_attached:
            return
        self.memos = {}
        for memo in memos:
            self.memos.setdefault(memo.target or "", []).append(memo)
        self._describe()

    def _follow_cursor(self) -> None:
        if self.is_mounted:  # before that, on_mount describes the cursor where it is
            self._describe()

    def _describe(self) -> None:
        view = self.view
        selection = view.selection
        self.query_one(CodingPanel).show(
            view.codings_at_cursor(),
            selected_words=len(view.text[slice(*selection)].split()) if selection else None,
            memos=self.memos,
            palette=self.palette,
            coders=self.shown_coders,
            loading=self.loading_codings,
        )
        pinned = pinned_codes(self.app)
        if pinned != self._pinned_shown:  # its height follows its lines: a layout each time
            self._pinned_shown = list(pinned)
            self.query_one("#coding-pinned", Static).update(pinned_label(pinned, self.palette))
        showing = "your codings only" if self.shown_coders else "all coders' codings"
        status = f"{self.document} · {view.where()} · showing {showing}"
        if status != self._status_shown:  # drawn again only when it says something new
            self._status_shown = status
            self.query_one("#coding-status", Static).update(status, layout=False)

    # -- applying ---------------------------------------------------------------------------
    def action_code(self) -> None:
        span = self.view.target_span()
        if span is None:
            self.notify("Nothing to code here: select some text first.", severity="warning")
            return
        quote = " ".join(self.view.shown[span[0] : span[1]].split())
        words = len(quote.split())
        title = f"Code {words} words: “{quote[:60]}{'…' if len(quote) > 60 else ''}”"
        picker = CodePicker(self.codes, self.palette, title=title, on_memo=self._memo_on_code)
        self.app.push_screen(picker, partial(self._picked, span))

    def _picked(self, span: tuple[int, int], path: str | None) -> None:
        if path is not None:
            self._apply(path, *span)

    def action_pinned(self, number: int) -> None:
        pinned = pinned_codes(self.app)
        span = self.view.target_span()
        if number > len(pinned):
            self.notify(f"Nothing is pinned to {number}: in the picker, ctrl+t pins a code.")
        elif span is None:
            self.notify("Nothing to code here: select some text first.", severity="warning")
        else:
            self._apply(pinned[number - 1], *span)

    def _call(self, action: Callable[[], T]) -> T | None:
        """Run a project call; a QualcodeError becomes an error notification and None."""
        try:
            return action()
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return None

    def _apply(self, path: str, start: int, end: int) -> None:
        project = self.qapp.project
        info = self._call(
            partial(
                project.apply_code,
                document=self.document,
                code=path,
                coder=self.coder,
                start=start,
                end=end,
            )
        )
        if info is None:
            return
        remember_code(self.app, info.code)
        uuid = info.uuid
        self.record(
            f"apply '{info.code}'",
            lambda: project.remove_coding(uuid),
            lambda: project.restore_coding(uuid),
        )
        self.sync(info)
        words = len(info.text.split())
        self.notify(f"Coded '{info.code}' ({words} word{'' if words == 1 else 's'})")

    def record(
        self, description: str, undo: Callable[[], Result], redo: Callable[[], Result]
    ) -> None:
        """Push an undo step whose callables also update the coding screen showing."""
        self.qapp.undo_stack.push(Step(description, synced(self.app, undo), synced(self.app, redo)))

    # -- removing and changing --------------------------------------------------------------
    def _choose(self, verb: str, then: Callable[[str], None], *, mine: bool = True) -> None:
        """Run ``then`` with the uuid of the coding at the cursor, asking when there are several."""
        codings = [c for c in self.view.codings_at_cursor() if not mine or c.coder == self.coder]
        if self.loading_codings:
            self.notify("Codings are still loading: try again in a moment.")
        elif not codings:
            self.notify(f"No coding of yours at the cursor to {verb}.", severity="warning")
        elif len(codings) == 1:
            then(codings[0].uuid)
        else:
            choice = CodingChoice(f"{verb.capitalize()} which coding?", codings, self.palette)
            self.app.push_screen(choice, lambda uuid: then(uuid) if uuid else None)

    def action_remove(self) -> None:
        self._choose("remove", self._remove)

    def _remove(self, uuid: str) -> None:
        project = self.qapp.project
        info = self._call(partial(project.remove_coding, uuid))
        if info is None:
            return
        self.record(
            f"remove '{info.code}'",
            lambda: project.restore_coding(uuid),
            lambda: project.remove_coding(uuid),
        )
        self.sync(info)
        self.notify(f"Removed '{info.code}' (ctrl+z brings it back)")

    def action_suggestions(self) -> None:
        from .suggestions import SuggestionsScreen

        self.app.push_screen(SuggestionsScreen(self.document, on_coded=self.reload_codings))

    def action_favourite(self) -> None:
        self._choose("mark as a favourite quote", self._favourite)

    def _favourite(self, uuid: str) -> None:
        project = self.qapp.project
        old = self.view.marks.get(uuid)
        marked = not (old.favourite if old is not None else False)
        info = self._call(partial(project.set_favourite, uuid, marked))
        if info is None:
            return
        self.record(
            "favourite quote" if marked else "not a favourite quote",
            lambda: project.set_favourite(uuid, not marked),
            lambda: project.set_favourite(uuid, marked),
        )
        self.sync(info)
        self.notify("★ A favourite quote for the write-up" if marked else "No longer a favourite")

    def action_recode(self) -> None:
        self._choose("recode", self._recode)

    def _recode(self, uuid: str) -> None:
        old = self.view.marks.get(uuid)
        if old is None:
            return
        picker = CodePicker(
            self.codes,
            self.palette,
            title=f"Change '{old.code}' to",
            current=old.code,
            on_memo=self._memo_on_code,
        )
        self.app.push_screen(picker, partial(self._recoded, old))

    def _recoded(self, old: CodingInfo, path: str | None) -> None:
        if path is None:
            return
        project = self.qapp.project
        new = self._call(partial(project.change_coding, old.uuid, code=path))
        if new is None:
            return
        remember_code(self.app, new.code)
        self.record(
            f"recode '{old.code}' to '{new.code}'",
            lambda: project.swap_codings(new.uuid, old.uuid),
            lambda: project.swap_codings(old.uuid, new.uuid),
        )
        self.view.remove_coding(old.uuid)
        self.sync(new)
        self.notify(f"Changed '{old.code}' to '{new.code}'")

    # -- memos ------------------------------------------------------------------------------
    def action_memo(self) -> None:
        if self.view.codings_at_cursor() or self.loading_codings:
            self._choose("write a memo on", self._memo_on_coding, mine=False)
        else:
            self.action_document_memo()

    def _memo_on_coding(self, uuid: str) -> None:
        coding = self.view.marks.get(uuid)
        if coding is not None:
            words = " ".join(safe_text(coding.text).split()[:8])
            self.write_memo("coding", uuid, f"Memo on '{coding.code}' at “{words}…”")

    def action_document_memo(self) -> None:
        self.write_memo("document", self.document, f"Memo on document '{self.document}'")

    def _memo_on_code(self, path: str) -> None:
        self.write_memo("code", path, f"Memo on code '{path}'")

    # -- finding ----------------------------------------------------------------------------
    def action_search(self) -> None:
        search = self.query_one("#coding-search", Input)
        search.display = True
        search.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "coding-search":
            self._close_search()
            self._search = event.value.strip() or None
            if self._search:
                self.action_search_step(0)

    def _close_search(self) -> None:
        self.query_one("#coding-search", Input).display = False
        self.view.focus()

    def action_search_step(self, step: int) -> None:
        if self._search is None:
            self.notify("Nothing searched yet: press / to search.")
            return
        found = self.view.find(self._search, step)
        if found is None:
            self.notify(f"No match for '{self._search}'.", severity="warning")
        elif found[1]:
            self.notify("Search wrapped around the document.")

    def action_uncoded(self) -> None:
        start = self.view.next_uncoded_turn(self.coder)
        if self.loading_codings:
            self.notify("Codings are still loading: try again in a moment.")
        elif start is None:
            self.notify("Every turn has a coding of yours (interviewer turns are skipped).")
        else:
            self.view.move_to(start)

    def action_coders(self) -> None:
        self.shown_coders = None if self.shown_coders else [self.coder]
        self._reload()
        if self.shown_coders is None:
            others = [c.name for c in self.qapp.project.coders() if c.name != self.coder]
            self.notify(f"Showing every coder's codings (also {', '.join(others) or 'nobody'}).")
        else:
            self.notify("Showing only your codings (blind coding).")

    # -- the rest ---------------------------------------------------------------------------
    def action_pin(self) -> None:
        recent = recent_codes(self.app)
        if not recent:
            self.notify("Apply a code first, or pin one in the picker with ctrl+t.")
            return
        self.notify(toggle_pin(self.app, recent[0]))
        self._describe()

    def action_history(self, undo: bool) -> None:
        outcome = step_through(self.qapp.undo_stack, undo)
        self.notify(outcome.message, severity="error" if outcome.failed else "information")

    # -- moving around the document and out to retrieval ------------------------------------
    def action_document_edge(self, step: int) -> None:
        view = self.view
        view.move_to(0 if step < 0 else len(view.text))
        view.scroll_to(y=0 if step < 0 else view.max_scroll_y, animate=False)

    def action_go_to_turn(self) -> None:
        from .prompts import AskText

        total = len(self.view.blocks)
        ask = AskText(f"Go to turn (1-{total}):", placeholder=str(self.view.block_number() + 1))
        self.app.push_screen(ask, self._go_to_turn)

    def _go_to_turn(self, answer: str | None) -> None:
        if answer is None:
            return
        total = len(self.view.blocks)
        if not answer.strip().isdigit() or not 1 <= int(answer) <= total:
            self.notify(f"'{answer}' is not a turn number from 1 to {total}.", severity="warning")
            return
        self.show_at_top(self.view.navigator.turn_body(int(answer) - 1)[0])

    def show_at_top(self, start: int, end: int | None = None) -> None:
        """Put the cursor at ``start`` (select up to ``end``) with that line near the top of
        the view, its speaker label above it, rather than at the bottom edge."""
        view = self.view
        if end is None:
            view.move_to(start)
        else:
            view.select(start, end)
        line = view.layout_lines.line_of(start)
        view.scroll_to(y=max(0, line - 2), animate=False)

    def action_codings_list(self) -> None:
        from .codings_list import CodingsList

        if self.loading_codings:
            self.notify("Codings are still loading: try again in a moment.")
            return
        codings = sorted(self.view.marks, key=lambda c: (c.start, c.end, c.code))
        if not codings:
            self.notify("No codings shown in this document yet.")
            return
        view = self.view
        where = {c.uuid: view.block_number(c.start) + 1 for c in codings}
        self.app.push_screen(
            CodingsList(codings, self.palette, where, view.cursor), self._jump_to_coding
        )

    def _jump_to_coding(self, uuid: str | None) -> None:
        coding = self.view.marks.get(uuid) if uuid else None
        if coding is not None:
            self.show_at_top(coding.start, coding.end)

    def action_retrieve(self) -> None:
        from ...project import Query
        from .retrieve import RetrieveScreen

        here = self.view.codings_at_cursor()
        if here:
            self.app.push_screen(RetrieveScreen(Query(here[0].code)))
            return
        from .choose import Choice, ChooseDialog

        choices = [
            Choice(c.path, c.path, "theme" if not c.codable else "")
            for c in self.codes
            if not c.archived
        ]
        self.app.push_screen(
            ChooseDialog("Retrieve the coded segments of", choices),
            lambda path: self.app.push_screen(RetrieveScreen(Query(path))) if path else None,
        )

    def action_back(self) -> None:
        search = self.query_one("#coding-search", Input)
        if search.display:
            self._close_search()
        else:
            self.app.pop_screen()
