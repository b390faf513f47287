"""The crash log: where an unexpected error's traceback goes, so the message a user sees can be
one line naming the log's path. Used by the CLI's last line of defence and by the TUI's workers.
"""

from __future__ import annotations

import traceback
from pathlib import Path


def log_crash(exc: BaseException | None = None) -> str:
    """Append the traceback of ``exc`` (or of the exception being handled) to the log and
    return the log's path, or why it could not be written."""
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
