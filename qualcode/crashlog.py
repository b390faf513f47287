"""The crash log: an unexpected error's traceback appended to ``qualcode.log`` in the user's log
folder, so that the one line the CLI or the TUI shows can say where the details are.

Nothing else writes there. The traceback may quote a project's text (a name in an SQL parameter),
so the file stays on the user's machine, in their own folder.
"""

from __future__ import annotations

import traceback
from pathlib import Path


def log_crash(exc: BaseException | None = None) -> str:
    """Append ``exc``'s traceback (default: the exception being handled) to the log; return
    the log's path, or a short reason why it could not be written."""
    try:
        from platformdirs import user_log_dir

        folder = Path(user_log_dir("qualcode", appauthor=False))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "qualcode.log"
        text = "".join(traceback.format_exception(exc)) if exc else traceback.format_exc()
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
        return str(path)
    except OSError:
        return "unavailable: the log folder cannot be written"


def crash_message(exc: BaseException, doing: str) -> str:
    """One line for an unexpected error while ``doing`` something, after logging it."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    detail = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return f"{doing} failed: internal error {detail} (details in {log_crash(exc)})"
