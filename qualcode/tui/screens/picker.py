"""Choosing things in small dialogs: a code (fuzzy, with its definition shown) or a coding.

``CodePicker`` ranks the codable codes with rapidfuzz over their names and paths, keywords and
definitions (in that order of weight); recently used codes only break ties between equal
matches. With an empty query the recently used codes come first,
and a digit 1-9 picks a pinned code at once. Recent and pinned codes live on the app for the
session (``app.recent_codes``, ``app.pinned_codes``: lists of code paths).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rapidfuzz import fuzz, process, utils
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...project import CodeInfo, CodingInfo
from ..widgets.layout import safe_text
from ..widgets.panel import coding_label

PINNED_SLOTS = 9
RECENT_LIMIT = 20
CUTOFF = 50.0
# How much a match in each field counts: the code's own name and path above its keywords,
# and those above its definition.
WEIGHTS = {"name": 1.0, "path": 0.95, "keyword": 0.85, "definition": 0.6}


def recent_codes(app: App[Any]) -> list[str]:
    """Code paths applied this session, the latest first (kept on the app)."""
    if not isinstance(getattr(app, "recent_codes", None), list):
        app.recent_codes = []  # type: ignore[attr-defined]
    return app.recent_codes  # type: ignore[attr-defined, no-any-return]


def pinned_codes(app: App[Any]) -> list[str]:
    """Code paths on the digit keys 1-9, in order (kept on the app)."""
    if not isinstance(getattr(app, "pinned_codes", None), list):
        app.pinned_codes = []  # type: ignore[attr-defined]
    return app.pinned_codes  # type: ignore[attr-defined, no-any-return]


def remember_code(app: App[Any], path: str) -> None:
    recent = recent_codes(app)
    if path in recent:
        recent.remove(path)
    recent.insert(0, path)
    del recent[RECENT_LIMIT:]


def toggle_pin(app: App[Any], path: str) -> str:
    """Pin or unpin a code; returns what happened, for a notification."""
    pinned = pinned_codes(app)
    if path in pinned:
        pinned.remove(path)
        _save_pins(app)
        return f"Unpinned '{path}'"
    if len(pinned) >= PINNED_SLOTS:
        return f"All {PINNED_SLOTS} digits are taken: unpin a code first"
    pinned.append(path)
    _save_pins(app)
    return f"Pinned '{path}' to {len(pinned)}"


def _save_pins(app: App[Any]) -> None:
    save = getattr(app, "save_pins", None)
    if callable(save):
        save()


def rank_codes(codes: Sequence[CodeInfo], query: str, recent: Sequence[str] = ()) -> list[CodeInfo]:
    """The codable, current codes best first for ``query`` (recent first when it is empty)."""
    usable = [c for c in codes if c.codable and not c.archived]
    order = {path: rank for rank, path in enumerate(recent)}
    if not query.strip():
        return sorted(usable, key=lambda c: order.get(c.path, len(order)))
    fields: dict[str, dict[int, str]] = {
        "name": {i: c.name for i, c in enumerate(usable)},
        "path": {i: c.path for i, c in enumerate(usable)},
        "definition": {i: f"{c.definition} {c.inclusion}" for i, c in enumerate(usable)},
    }
    keywords = [(i, k) for i, c in enumerate(usable) for k in c.keywords]
    scores = [0.0] * len(usable)
    for field, choices in fields.items():
        for _, score, key in process.extract(
            query, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=None
        ):
            scores[key] = max(scores[key], score * WEIGHTS[field])
    found = process.extract(
        query,
        [k for _, k in keywords],
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=None,
    )
    for _, score, position in found:
        key = keywords[position][0]
        scores[key] = max(scores[key], score * WEIGHTS["keyword"])
    folded = query.strip().casefold()
    for i, code in enumerate(usable):
        if folded in code.name.casefold():
            scores[i] += 15  # a literal piece of the name is what people usually type
    # Match quality first; a recently used code only goes first among equally good matches, so
    # Enter never applies a worse match than the one shown without the recent list.
    ranked = sorted(
        range(len(usable)),
        key=lambda i: (-round(scores[i], 1), order.get(usable[i].path, len(order))),
    )
    return [usable[i] for i in ranked if scores[i] >= CUTOFF]


def code_label(code: CodeInfo, color: str, digit: int | None) -> Text:
    label = Text(f"{digit} " if digit else "  ", style="bold")
    label.append("■ ", style=color)
    if code.depth:
        label.append(safe_text(" / ".join(code.names[:-1])) + " / ", style="dim")
    label.append(safe_text(code.name))
    return label


def code_details(code: CodeInfo, color: str) -> Text:
    text = Text()
    text.append("■ ", style=color)
    text.append(safe_text(code.path) + "\n\n", style="bold")
    for title, value in (
        ("Definition", code.definition),
        ("Use when", code.inclusion),
        ("Not when", code.exclusion),
        ("Example", code.example),
        ("Keywords", ", ".join(code.keywords)),
    ):
        if value:
            text.append(f"{title}: ", style="bold")
            text.append(safe_text(value.strip()) + "\n\n")
    return text


class CodePicker(ModalScreen[str | None]):
    """Type to find a code; Enter returns its path, Escape None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("up", "move(-1)", "Previous", show=False, id="picker.up"),
        Binding("down", "move(1)", "Next", show=False, id="picker.down"),
        Binding("pageup", "move(-10)", "Page up", show=False),
        Binding("pagedown", "move(10)", "Page down", show=False),
        Binding("ctrl+t", "pin", "Pin/unpin to a digit", id="picker.pin"),
        Binding("ctrl+o", "memo", "Memo on code", id="picker.memo"),
    ]

    def __init__(
        self,
        codes: Sequence[CodeInfo],
        colors: dict[str, str],
        *,
        title: str = "Apply a code",
        current: str | None = None,
        on_memo: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.codes = list(codes)
        self.palette = colors
        self.title_text = title
        self.current = current
        self.on_memo = on_memo
        self.shown: list[CodeInfo] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-dialog", classes="dialog"):
            yield Label(self.title_text, id="picker-title")
            yield Input(placeholder="type part of a name, keyword or definition", id="picker-query")
            with Horizontal(id="picker-body"):
                yield OptionList(id="picker-codes")
                yield Static(id="picker-preview")
            yield Label(
                "Enter applies · 1-9 pinned (empty query) · ctrl+t pin · ctrl+o memo · Esc cancel",
                classes="hint",
            )

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#picker-query", Input).focus()

    def _fill(self, query: str) -> None:
        options = self.query_one("#picker-codes", OptionList)
        pinned = pinned_codes(self.app)
        self.shown = rank_codes(self.codes, query, recent_codes(self.app))
        options.set_options(
            Option(
                code_label(
                    code,
                    self.palette.get(code.path, "#999999"),
                    pinned.index(code.path) + 1 if code.path in pinned else None,
                ),
                id=code.path,
            )
            for code in self.shown
        )
        if self.shown:
            paths = [c.path for c in self.shown]
            keep = self.current in paths and not query
            options.highlighted = paths.index(self.current) if keep else 0  # type: ignore[arg-type]
        self._preview()

    def _highlighted(self) -> CodeInfo | None:
        index = self.query_one("#picker-codes", OptionList).highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    def _preview(self) -> None:
        code = self._highlighted()
        preview = self.query_one("#picker-preview", Static)
        if code is None:
            preview.update(Text("No code matches.", style="italic"))
        else:
            preview.update(code_details(code, self.palette.get(code.path, "#999999")))

    def on_input_changed(self, event: Input.Changed) -> None:
        pinned = pinned_codes(self.app)
        value = event.value
        if len(value) == 1 and value.isdigit() and 0 < int(value) <= len(pinned):
            self.dismiss(pinned[int(value) - 1])
            return
        self._fill(value)

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        code = self._highlighted()
        if code is None:
            self.notify("No code matches: change the text or press Escape.", severity="warning")
        else:
            self.dismiss(code.path)

    def on_option_list_option_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self._preview()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        options = self.query_one("#picker-codes", OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_pin(self) -> None:
        code = self._highlighted()
        if code is not None:
            self.notify(toggle_pin(self.app, code.path))
            self._fill(self.query_one("#picker-query", Input).value)
            self.query_one("#picker-codes", OptionList).highlighted = next(
                i for i, c in enumerate(self.shown) if c.path == code.path
            )

    def action_memo(self) -> None:
        code = self._highlighted()
        if code is not None and self.on_memo is not None:
            self.on_memo(code.path)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CodingChoice(ModalScreen[str | None]):
    """Which of the codings at the cursor: returns its uuid, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice.cancel")]

    def __init__(self, title: str, codings: Sequence[CodingInfo], colors: dict[str, str]):
        super().__init__()
        self.title_text = title
        self.codings = list(codings)
        self.palette = colors

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-dialog", classes="dialog"):
            yield Label(self.title_text)
            yield OptionList(
                *(
                    Option(coding_label(c, self.palette.get(c.code, "#999999")), id=c.uuid)
                    for c in self.codings
                ),
                id="choice-codings",
            )
            yield Label("Enter chooses · Escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
