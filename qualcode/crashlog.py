"""The crash log: an unexpected error's traceback appended to ``qualcode.log`` in the user's log
folder, so that the one line the CLI or the TUI shows can say where the details are.

Nothing else writes there. A database error carries its statement, its parameters (transcript
text, memos, passwords) and the server's DETAIL lines: none of that reaches the screen or the
log, only the first line of the reason. The log is created readable by its owner only (0600, in
a 0700 folder), and a log left by an older qualcode is tightened when next written.
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path


def safe_message(exc: BaseException) -> str:
    """An error's message without what a database error carries: the statement, its
    parameters and the server's DETAIL lines."""
    if "sqlalchemy" in sys.modules:  # a StatementError can only come from a loaded SQLAlchemy
        from sqlalchemy.exc import StatementError

        if isinstance(exc, StatementError):
            reason = str(exc.orig) if exc.orig is not None else ""
            lines = reason.strip().splitlines()
            return lines[0] if lines else type(exc.orig).__name__
    module = type(exc).__module__.split(".")[0]
    if module in ("sqlite3", "psycopg", "sqlcipher3"):
        lines = str(exc).strip().splitlines()
        return lines[0] if lines else ""
    return str(exc)


def crash_report(exc: BaseException) -> str:
    """The traceback of ``exc`` and the exceptions it came from, each message made safe."""
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or (None if seen.__suppress_context__ else seen.__context__)
    parts = []
    for error in reversed(chain):
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(error.__traceback__))
        parts.append(
            f"{type(error).__module__}.{type(error).__qualname__}: {safe_message(error)}\n"
        )
    return "".join(parts)


def log_crash(exc: BaseException | None = None) -> str:
    """Append the safe report of ``exc`` (default: the exception being handled) to the log;
    return the log's path, or a short reason why it could not be written."""
    exc = exc if exc is not None else sys.exc_info()[1]
    try:
        from platformdirs import user_log_dir

        folder = Path(user_log_dir("qualcode", appauthor=False))
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / "qualcode.log"
        handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            if hasattr(os, "fchmod"):  # a log made by an older qualcode was 0644
                os.fchmod(handle, 0o600)
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            report = crash_report(exc) if exc is not None else "(no exception)\n"
            os.write(handle, f"--- {stamp}\n{report}".encode("utf-8", "replace"))
        finally:
            os.close(handle)
        return str(path)
    except OSError:
        return "unavailable: the log folder cannot be written"


MAX_DETAIL = 160
"""Characters of an exception's own text kept in a one-line message."""


def crash_message(exc: BaseException, doing: str = "") -> str:
    """One line for an unexpected error while ``doing`` something, after logging it: what
    failed, the error's kind and its (safe, shortened) text, and where the details are."""
    text = " ".join(safe_message(exc).split())
    if len(text) > MAX_DETAIL:
        text = text[: MAX_DETAIL - 1] + "…"
    detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    lead = f"{doing} failed: internal error" if doing else "Internal error"
    return f"{lead} {detail} (details in {log_crash(exc)})"
