"""Numbers and code paths as the CLI and the TUI print them (no imports: ``qualcode --help``
loads this)."""

from __future__ import annotations

from collections.abc import Sequence


def figure(value: float | None, digits: int = 3) -> str:
    """A coefficient or share for a table: '-' when undefined, and never '-0.000'."""
    if value is None:
        return "-"
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def format_path(names: Sequence[str]) -> str:
    """The path of a code as written on the command line and in reports: ``Theme/Sub``."""
    return "/".join(names)
