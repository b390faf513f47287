"""Numbers as the CLI and the TUI print them (no imports: ``qualcode --help`` loads this)."""

from __future__ import annotations


def figure(value: float | None, digits: int = 3) -> str:
    """A coefficient or share for a table: '-' when undefined, and never '-0.000'."""
    if value is None:
        return "-"
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text
