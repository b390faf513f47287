"""Writing an export file in one step: a temporary file beside it, renamed over the target."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..errors import QualcodeError


def write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write`` on a temporary file in ``path``'s folder, then rename it to ``path``; an
    interrupted export leaves the old file (or none) instead of half a file."""
    if not path.parent.is_dir():
        raise QualcodeError(f"{path}: the folder {path.parent} does not exist")
    if path.is_dir():
        raise QualcodeError(f"{path}: is a folder")
    try:
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                write(handle)
            os.chmod(temp_name, mode)
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise QualcodeError(f"{path}: cannot write the file: {exc.strerror or exc}") from None
