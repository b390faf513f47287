"""Who the audit trail names when no coder is given.

Below the project package, so that a restore (``store/backups.py``) and ``Project`` name people
alike.
"""

from __future__ import annotations

import getpass
import os


def default_actor() -> str:
    """$QUALCODE_USER, else the login name, else "unknown"."""
    name = os.environ.get("QUALCODE_USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
