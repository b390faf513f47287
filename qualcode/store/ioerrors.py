"""Which storage failures are the disk's (full, read-only, a file-size limit, a failing device),
and the one true line to say about them.

SQLite reports such failures as "disk I/O error", "database or disk is full" and the like, and
the operating system as ``OSError`` with an errno; none of them means a wrong passphrase, a
project in use elsewhere or an internal error, so the callers that used to guess ask
:func:`storage_problem` first.
"""

from __future__ import annotations

import errno

_SQLITE_MESSAGES = (
    "disk i/o error",
    "database or disk is full",
    "attempt to write a readonly database",
    "unable to open database file",
    "readonly database",
)
_ERRNOS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "a file-size limit was reached",
    errno.EROFS: "the folder is on a read-only disk",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EIO: "the device reported an error",
    errno.ENOTDIR: "a file stands where a folder is needed",
    errno.EEXIST: "a file stands where a folder is needed",
}
HINT = "is the disk full or read-only, or a file-size limit reached?"


def storage_problem(error: BaseException | None) -> str | None:
    """A short account of a storage failure (the error's own words and what may be wrong), or
    None when ``error`` is something else. Looks through SQLAlchemy's wrapper and the causes."""
    seen = 0
    while error is not None and seen < 5:
        seen += 1
        if isinstance(error, OSError) and error.errno in _ERRNOS:
            return f"{error.strerror or error}: {_ERRNOS[error.errno]}"
        text = " ".join(str(getattr(error, "orig", None) or error).split()).lower()
        for message in _SQLITE_MESSAGES:
            if message in text:
                return f"{message}: {HINT}"
        error = getattr(error, "orig", None) or error.__cause__
    return None
