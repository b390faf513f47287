"""Text safe to show on a terminal: control characters from project data never reach it.

A transcript, code, memo or coder name may hold escape sequences (an OSC 52 clipboard write, a
window title, a cursor move that hides a line). Everything the command line prints to a terminal
passes through :func:`terminal_safe`, which keeps newlines and tabs (layout) and replaces every
other C0 or C1 control character and DEL with U+FFFD, so the user sees that something was there
and the terminal runs none of it. :func:`safe_terminal_streams` installs this on stdout and
stderr when they are terminals; output to a file or a pipe is left exactly as stored.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
REPLACEMENT = "\ufffd"


def terminal_safe(text: str, replacement: str = REPLACEMENT) -> str:
    """``text`` with every control character but newline and tab replaced."""
    return _CONTROLS.sub(replacement, text)


def has_control_characters(text: str) -> bool:
    """True when ``text`` holds a control character other than newline and tab."""
    return _CONTROLS.search(text) is not None


class TerminalWriter(io.TextIOBase):
    """A text stream that writes to a terminal through :func:`terminal_safe`. ``raw`` is the
    terminal itself, for the few writes that move the cursor on purpose (a status line)."""

    def __init__(self, raw: TextIO) -> None:
        super().__init__()
        self.raw = raw
        encoding = (getattr(raw, "encoding", None) or "").lower().replace("-", "")
        self._replacement = REPLACEMENT if encoding.startswith("utf") else "?"

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.raw.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.raw.errors

    def write(self, text: str | bytes) -> int:  # type: ignore[override]
        if isinstance(text, bytes):  # nothing of ours writes bytes; a library might
            text = text.decode(self.encoding or "utf-8", "replace")
        self.raw.write(terminal_safe(text, self._replacement))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.raw.fileno()

    def writable(self) -> bool:
        return True


def raw_stream(stream: Any) -> Any:
    """The terminal under a :class:`TerminalWriter` (or the stream itself)."""
    return stream.raw if isinstance(stream, TerminalWriter) else stream


@contextmanager
def safe_terminal_streams() -> Iterator[None]:
    """Route ``sys.stdout`` and ``sys.stderr`` through :func:`terminal_safe` while they are
    terminals; restored afterwards."""
    saved = sys.stdout, sys.stderr
    try:
        if _is_terminal(sys.stdout):
            sys.stdout = TerminalWriter(sys.stdout)  # type: ignore[assignment]
        if _is_terminal(sys.stderr):
            sys.stderr = TerminalWriter(sys.stderr)  # type: ignore[assignment]
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, TerminalWriter):
                stream.flush()
        sys.stdout, sys.stderr = saved


def _is_terminal(stream: Any) -> bool:
    try:
        return stream is not None and not isinstance(stream, TerminalWriter) and stream.isatty()
    except (AttributeError, ValueError):
        return False
