"""Code and retrieve: every coded segment of a code or theme, across documents, in context.

The list is :meth:`qualcode.project.Project.retrieve`'s (loaded in a worker). Filters change the
query and load again: coder(s), document, a case attribute value, text, sub-codes on or off, and
a second code (and / not / or, within overlap, turn or document). Enter opens the transcript
with the segment selected. Recode, remove, favourite and memo call the same project methods as
the coding screen, with undo steps; the list is loaded again from the project after each, so
what shows is what was committed. ``e`` writes the list (md, docx, csv, xlsx, json), from a
pseudonymised copy when a names file is given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...crashlog import crash_message
from ...errors import QualcodeError
from ...project import Query, Segment
from ..colors import code_colors
from ..undo import Step, step_through
from ..uses_app import UsesApp
from ..widgets.layout import safe_text
from .choose import Choice, ChooseDialog
from .export_list import ExportList, export_name
from .memo import MemoActions

if TYPE_CHECKING:
    from ...project import Project

T = TypeVar("T")
CONTEXT = 320
"""Characters of context shown around a segment (the exports carry all of it)."""
COMBINATIONS = (
    ("and:overlap", "and: segments of A that overlap B"),
    ("and:turn", "and: segments of A in a turn with B"),
    ("and:document", "and: segments of A in a document with B"),
    ("not:overlap", "not: segments of A that do not overlap B"),
    ("not:turn", "not: segments of A in no turn with B"),
    ("not:document", "not: segments of A in no document with B"),
    ("or:overlap", "or: segments of A and segments of B"),
)


def first_words(text: str, width: int) -> str:
    """The text on one line, cut at a word with an ellipsis when longer than ``width``."""
    line = " ".join(safe_text(text).split())
    if len(line) <= width:
        return line
    cut = line[: width - 1].rsplit(" ", 1)[0]
    return (cut or line[: width - 1]) + "…"


def segment_prompt(segment: Segment, color: str, theme: str = "") -> Text:
    """Two or more lines: where the segment is and who coded it, then its context with the
    segment itself highlighted in its code's colour. A sub-code of ``theme`` is named without
    the theme's path (the title names it)."""
    head = Text()
    head.append(safe_text(segment.document), style="bold")
    if segment.turn:
        head.append(f" · turn {segment.turn}")
    who = safe_text(segment.speaker) if segment.speaker else ""
    if segment.case and segment.case != segment.speaker:
        who += f" ({safe_text(segment.case)})" if who else safe_text(segment.case)
    if who:
        head.append(f" · {who}")
    head.append(" · ")
    head.append("■ ", style=color)
    code = segment.code
    if theme and code.startswith(theme + "/"):
        code = "…/" + code[len(theme) + 1 :]
    head.append(safe_text(code))
    head.append(f" · {segment.coder}", style="italic")
    if segment.favourite:
        head.append("  ★", style="bold yellow")
    if segment.memos:
        head.append(f"  ✎{len(segment.memos)}", style="bold")
    before = segment.context[: segment.start - segment.context_start]
    after = segment.context[segment.end - segment.context_start :]
    inside = segment.text
    room = max(40, CONTEXT - len(inside)) // 2
    if len(before) > room:  # cut at a word, as after
        before = "…" + before[-room:].split(None, 1)[-1]
    if len(after) > room:
        after = first_words(after, room)
    if len(inside) > CONTEXT * 2:
        inside = inside[:CONTEXT] + " … " + inside[-CONTEXT // 2 :]
    body = Text("\n")
    body.append(" ".join(safe_text(before).split()) + " " if before.strip() else "", style="dim")
    body.append(" ".join(safe_text(inside).split()), style=f"bold underline {color}")
    body.append(" " + " ".join(safe_text(after).split()) if after.strip() else "", style="dim")
    for memo in segment.memos:
        body.append(f"\n  ✎ {first_words(memo, 200)}", style="italic")
    return head + body


class RetrieveScreen(UsesApp, Screen[None], MemoActions):
    """Every coded segment of a code or theme, filtered and combined; act on one with a key."""

    BINDINGS = [
        Binding("enter", "open", "Open", id="retrieve.open", show=False),
        Binding("r", "recode", "Recode", id="retrieve.recode"),
        Binding("x,delete", "remove", "Remove", id="retrieve.remove"),
        Binding("f", "favourite", "Favourite", id="retrieve.favourite"),
        Binding("m", "memo", "Memo", id="retrieve.memo"),
        Binding("slash", "text_filter", "Text", id="retrieve.text"),
        Binding("k", "coders", "Coders", id="retrieve.coders"),
        Binding("d", "document", "Document", id="retrieve.document", show=False),
        Binding("g", "where", "Attribute", id="retrieve.where"),
        Binding("b", "combine", "With code B", id="retrieve.combine"),
        Binding("s", "subcodes", "Sub-codes on/off", id="retrieve.subcodes", show=False),
        Binding("ctrl+l", "clear", "Clear filters", show=False, id="retrieve.clear"),
        Binding("e", "export", "Export", id="retrieve.export"),
        Binding("ctrl+z", "history(True)", "Undo", show=False, id="retrieve.undo"),
        Binding("ctrl+y", "history(False)", "Redo", show=False, id="retrieve.redo"),
        Binding("escape,q", "back", "Back", id="retrieve.back"),
    ]

    def __init__(self, query: Query | str) -> None:
        super().__init__()
        self.query_ = Query(query) if isinstance(query, str) else query
        self.segments: list[Segment] = []
        self.loading = False
        self._keep: str | None = None
        """The uuid (or index, as text) to highlight again after a reload."""

    @property
    def project(self) -> Project:
        return self.qapp.project

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="retrieve"):
            yield Label("", id="retrieve-title", classes="pane-title")
            yield Static("", id="retrieve-filters")
            yield OptionList(id="retrieve-list")
            yield Input(
                placeholder="text inside the segments (Enter filters, empty clears)",
                id="retrieve-text",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Retrieve · coder: {self.qapp.coder}"
        self.query_one("#retrieve-text", Input).display = False
        self.palette = code_colors(self.project.codes())
        self.query_one("#retrieve-list", OptionList).focus()
        self.reload()

    def on_screen_suspend(self) -> None:
        # A dialog over the list changes nothing by itself (the action that follows it
        # updates the list); another screen (the transcript) may change any coding.
        self._stale = not isinstance(self.app.screen, ModalScreen)

    def on_screen_resume(self) -> None:
        if self.is_mounted and getattr(self, "_stale", False):
            self._stale = False
            self.reload()

    def on_project_changed(self, _message: object) -> None:
        self.reload()

    # -- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        self.loading = True
        option = self._highlighted()
        if option is not None and self._keep is None:
            self._keep = option.uuid
        self._title()
        self._load(self.query_)

    @work(thread=True, group="retrieve", exclusive=True, exit_on_error=False)
    def _load(self, query: Query) -> None:
        try:
            found = self.project.retrieve(query)
        except QualcodeError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:  # never a silent hang: say what and where the log is
            self.app.call_from_thread(self._failed, crash_message(exc, "Retrieving"))
            return
        self.app.call_from_thread(self._show, query, found)

    def _failed(self, message: str) -> None:
        self.loading = False
        self.notify(message, severity="error")
        self._title()

    def _show(self, query: Query, found: list[Segment]) -> None:
        if not self.is_attached or query != self.query_:
            return
        self.loading = False
        self.segments = found
        options = self.query_one("#retrieve-list", OptionList)
        options.set_options(
            Option(segment_prompt(s, self.palette.get(s.code, "#999999"), query.code), id=s.uuid)
            for s in found
        )
        keep, self._keep = self._keep, None
        if found:
            uuids = [s.uuid for s in found]
            if keep in uuids:
                index = uuids.index(keep)
            elif keep is not None and keep.isdigit():
                index = min(int(keep), len(found) - 1)
            else:
                index = 0
            options.highlighted = index
        self._title()

    def _title(self) -> None:
        count = "loading…" if self.loading else f"{len(self.segments):,} segments"
        self.query_one("#retrieve-title", Label).update(f"{self.query_.code} · {count}")
        leaf = not any(p.startswith(self.query_.code + "/") for p in self.palette)
        self.query_one("#retrieve-filters", Static).update(
            Text(self.query_.describe(leaf=leaf), style="dim")
        )

    def _highlighted(self) -> Segment | None:
        if not self.is_mounted:
            return None
        index = self.query_one("#retrieve-list", OptionList).highlighted
        if index is None or index >= len(self.segments):
            return None
        return self.segments[index]

    def _current(self) -> Segment | None:
        segment = self._highlighted()
        if segment is None:
            self.notify("No segment here.", severity="warning")
        return segment

    def _requery(self, **changes: Any) -> None:
        try:
            self.query_ = self.query_.with_(**changes)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self._keep = "0"
        self.reload()

    # -- opening -------------------------------------------------------------------------------
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.run_worker(self.action_open(), exclusive=False)

    async def action_open(self) -> None:
        segment = self._current()
        if segment is None:
            return
        await self.qapp.open_at(segment.document, segment.start, segment.end)

    # -- acting on a segment -------------------------------------------------------------------
    def _call(self, action: Callable[[], T]) -> T | None:
        try:
            return action()
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return None

    def record(self, description: str, undo: Callable[[], Any], redo: Callable[[], Any]) -> None:
        self.qapp.undo_stack.push(Step(description, undo, redo))

    def sync(self, _result: Any) -> None:
        """After a memo was written: show the highlighted segment's memos as stored."""
        segment = self._highlighted()
        if segment is not None:
            self._refresh_one(segment.uuid)

    def _refresh_one(self, uuid: str) -> None:
        """Read one segment again from the project and redraw only its entry (a favourite
        mark or a memo changes nothing else); the whole list when it is not found."""
        found = self._call(partial(self.project.segments_of, [uuid]))
        uuids = [s.uuid for s in self.segments]
        if not found or uuid not in uuids:
            self.reload()
            return
        index, segment = uuids.index(uuid), found[0]
        self.segments[index] = segment
        color = self.palette.get(segment.code, "#999999")
        options = self.query_one("#retrieve-list", OptionList)
        options.replace_option_prompt_at_index(
            index, segment_prompt(segment, color, self.query_.code)
        )

    def action_recode(self) -> None:
        from .picker import CodePicker

        segment = self._current()
        if segment is None:
            return
        codes = self.project.codes(include_archived=False)
        picker = CodePicker(
            codes, self.palette, title=f"Change '{segment.code}' to", current=segment.code
        )
        self.app.push_screen(picker, partial(self._recoded, segment))

    def _recoded(self, old: Segment, path: str | None) -> None:
        if path is None or path == old.code:
            return
        project = self.project
        new = self._call(partial(project.change_coding, old.uuid, code=path))
        if new is None:
            return
        self.record(
            f"recode '{old.code}' to '{new.code}'",
            partial(project.swap_codings, new.uuid, old.uuid),
            partial(project.swap_codings, old.uuid, new.uuid),
        )
        self._keep = new.uuid
        self.reload()
        self.notify(f"Changed '{old.code}' to '{new.code}'")

    def action_remove(self) -> None:
        segment = self._current()
        if segment is None:
            return
        project = self.project
        info = self._call(partial(project.remove_coding, segment.uuid))
        if info is None:
            return
        self.record(
            f"remove '{info.code}'",
            partial(project.restore_coding, segment.uuid),
            partial(project.remove_coding, segment.uuid),
        )
        self._keep = str(self.query_one("#retrieve-list", OptionList).highlighted or 0)
        self.reload()
        self.notify(f"Removed '{info.code}' (ctrl+z brings it back)")

    def action_favourite(self) -> None:
        segment = self._current()
        if segment is None:
            return
        project, marked = self.project, not segment.favourite
        info = self._call(partial(project.set_favourite, segment.uuid, marked))
        if info is None:
            return
        self.record(
            "favourite quote" if marked else "not a favourite quote",
            partial(project.set_favourite, segment.uuid, not marked),
            partial(project.set_favourite, segment.uuid, marked),
        )
        self._refresh_one(segment.uuid)
        self.notify("★ A favourite quote for the write-up" if marked else "No longer a favourite")

    def action_memo(self) -> None:
        segment = self._current()
        if segment is not None:
            words = " ".join(safe_text(segment.text).split()[:8])
            self.write_memo("coding", segment.uuid, f"Memo on '{segment.code}' at “{words}…”")

    def action_history(self, undo: bool) -> None:
        outcome = step_through(self.qapp.undo_stack, undo)
        if outcome.ran:
            self.reload()
        self.notify(outcome.message, severity="error" if outcome.failed else "information")

    # -- filters -------------------------------------------------------------------------------
    def action_text_filter(self) -> None:
        field = self.query_one("#retrieve-text", Input)
        field.value = self.query_.text or ""
        field.display = True
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "retrieve-text":
            return
        event.stop()
        event.input.display = False
        self.query_one("#retrieve-list", OptionList).focus()
        self._requery(text=event.value.strip() or None)

    def _choose(self, title: str, choices: Sequence[Choice], then: Callable[[str], None]) -> None:
        self.app.push_screen(
            ChooseDialog(title, choices), lambda key: then(key) if key is not None else None
        )

    def action_coders(self) -> None:
        chosen = set(self.query_.coders or ())
        choices = [Choice("", "(every coder)")] + [
            Choice(c.name, c.name, "shown: press Enter to leave out" if c.name in chosen else "")
            for c in self.project.coders()
        ]
        self._choose(
            "Show the codings of (each choice adds or removes one)", choices, self._coder_chosen
        )

    def _coder_chosen(self, name: str) -> None:
        chosen = list(self.query_.coders or ())
        if not name:
            chosen = []
        elif name in chosen:
            chosen.remove(name)
        else:
            chosen.append(name)
        self._requery(coders=tuple(chosen) or None)

    def action_document(self) -> None:
        choices = [Choice("", "(every document)")]
        choices += [Choice(d.name, d.name, d.kind) for d in self.project.documents()]
        self._choose(
            "Only the segments in",
            choices,
            lambda name: self._requery(documents=(name,) if name else None),
        )

    def action_where(self) -> None:
        values: dict[str, set[str]] = {}
        for case in self.project.cases():
            for key, value in case.attributes.items():
                values.setdefault(key, set()).add(str(value))
        choices = [Choice("", "(any case)")]
        choices += [
            Choice(f"{k}={v}", f"{k}={v}") for k in sorted(values) for v in sorted(values[k])
        ]
        self._choose("Only segments whose case has", choices, self._where_chosen)

    def _where_chosen(self, pair: str) -> None:
        key, _, value = pair.partition("=")
        self._requery(where=((key, value),) if pair else ())

    def action_combine(self) -> None:
        choices = [Choice("", "(no second code)")]
        choices += [
            Choice(c.path, c.path, "theme" if not c.codable else "")
            for c in self.project.codes(include_archived=False)
        ]
        self._choose(f"Combine '{self.query_.code}' with code B", choices, self._other_chosen)

    def _other_chosen(self, other: str) -> None:
        if not other:
            self._requery(other=None)
            return
        choices = [Choice(key, label) for key, label in COMBINATIONS]
        self._choose(
            f"How: A = {self.query_.code}, B = {other}", choices, partial(self._combined, other)
        )

    def _combined(self, other: str, how: str) -> None:
        operator, _, within = how.partition(":")
        self._requery(other=other, operator=operator, within=within)

    def action_subcodes(self) -> None:
        self._requery(subcodes=not self.query_.subcodes)
        shown = "Sub-codes included" if self.query_.subcodes else "This code's own codings only"
        self.notify(shown)

    def action_clear(self) -> None:
        self._requery(where=(), coders=None, documents=None, text=None, other=None)

    # -- the rest ------------------------------------------------------------------------------
    def action_export(self) -> None:
        from ...reports.retrieval import export_retrieval

        query, project = self.query_, self.project
        self.app.push_screen(
            ExportList(
                f"Export {len(self.segments):,} segments: {query.describe()}",
                export_name(self.qapp, "segments.docx"),
                lambda source, path: export_retrieval(project, query, path, source=source),
            )
        )

    def action_back(self) -> None:
        field = self.query_one("#retrieve-text", Input)
        if field.display:
            field.display = False
            self.query_one("#retrieve-list", OptionList).focus()
        else:
            self.app.pop_screen()
