"""The codebook editor's form: one code's name, definition fields, keywords, colour, codable.

The form only holds values; the screen reads them with ``values()`` and saves them through the
project. ``is_changed()`` tells the screen whether there is anything unsaved.
"""

from __future__ import annotations

import re
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, Input, Label, Static, TextArea

from ...project import CodeInfo
from ..colors import PALETTE

LONG_FIELDS = ("definition", "inclusion", "exclusion", "example")
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def split_keywords(text: str) -> list[str]:
    """'a, b ,, c' -> ['a', 'b', 'c']."""
    return [word.strip() for word in text.split(",") if word.strip()]


def next_palette_color(current: str) -> str:
    """The palette colour after ``current`` (the first one if ``current`` is not in it)."""
    upper = [c.upper() for c in PALETTE]
    try:
        return PALETTE[(upper.index(current.strip().upper()) + 1) % len(PALETTE)]
    except ValueError:
        return PALETTE[0]


class CodeForm(VerticalScroll, can_focus=False):
    """Fields of the highlighted code; disabled when there is none."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.code: CodeInfo | None = None
        self.inherited_color: str | None = None
        """The colour the code is drawn in when it has none of its own (its theme's)."""

    def compose(self) -> ComposeResult:
        yield Label("Name", classes="field-label")
        yield Input(id="code-name", placeholder="code name")
        for field in LONG_FIELDS:
            yield Label(field.capitalize(), classes="field-label")
            yield TextArea(id=f"code-{field}", classes="code-long", soft_wrap=True)
        yield Label("Keywords (comma-separated)", classes="field-label")
        yield Input(id="code-keywords", placeholder="e.g. bus fare, too far")
        yield Label(
            "Colour (#RRGGBB; empty takes the theme's; k cycles the palette)",
            classes="field-label",
        )
        with Horizontal(id="code-color-row"):
            yield Input(id="code-color", placeholder="#RRGGBB", max_length=7)
            yield Static("", id="code-swatch")
        yield Checkbox("Codable (can be applied to text)", id="code-codable", value=True)
        yield Label("ctrl+s saves the form.", classes="hint", id="code-form-hint")

    # -- showing a code ----------------------------------------------------------------------
    def show(self, code: CodeInfo | None, shown_color: str | None = None) -> None:
        """Fill the form from ``code`` (None empties and disables it)."""
        self.code = code
        self.disabled = code is None
        self.query_one("#code-name", Input).value = code.name if code else ""
        for field in LONG_FIELDS:
            self.query_one(f"#code-{field}", TextArea).load_text(
                getattr(code, field) if code else ""
            )
        self.query_one("#code-keywords", Input).value = ", ".join(code.keywords) if code else ""
        self.query_one("#code-color", Input).value = (code.color or "") if code else ""
        self.query_one("#code-codable", Checkbox).value = code.codable if code else True
        self.inherited_color = shown_color
        self._show_swatch()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "code-color":
            self._show_swatch()

    def _show_swatch(self) -> None:
        swatch = self.query_one("#code-swatch", Static)
        color = self.query_one("#code-color", Input).value.strip()
        if not color:
            color = self.inherited_color or ""
            note = " (theme)" if color else ""
        else:
            note = ""
        if _COLOR.match(color):
            swatch.update(f"[{color}]██████[/]{note}")
        else:
            swatch.update("[red]not #RRGGBB[/]" if color else "")

    # -- reading it back --------------------------------------------------------------------
    @property
    def name_value(self) -> str:
        return " ".join(self.query_one("#code-name", Input).value.split())

    def values(self) -> dict[str, Any]:
        """The definition fields as ``update_code`` takes them (the name apart)."""
        fields: dict[str, Any] = {
            field: self.query_one(f"#code-{field}", TextArea).text.strip() for field in LONG_FIELDS
        }
        fields["keywords"] = split_keywords(self.query_one("#code-keywords", Input).value)
        fields["color"] = self.query_one("#code-color", Input).value.strip() or None
        fields["codable"] = self.query_one("#code-codable", Checkbox).value
        return fields

    def is_changed(self) -> bool:
        """True when the form differs from the code it shows."""
        code = self.code
        if code is None:
            return False
        values = self.values()
        color = values["color"]
        return (
            self.name_value != code.name
            or any(values[f] != getattr(code, f).strip() for f in LONG_FIELDS)
            or values["keywords"] != list(code.keywords)
            or (color or "").upper() != (code.color or "").upper()
            or values["codable"] != code.codable
        )

    def cycle_color(self) -> str:
        """Put the next palette colour in the colour field and return it."""
        color_input = self.query_one("#code-color", Input)
        current = color_input.value or self.inherited_color or ""
        color_input.value = next_palette_color(current)
        return color_input.value
