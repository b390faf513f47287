"""What the import screen shows before and after an import; no Textual here.

``preview_file`` parses a file with ``qualcode.importers.read_file`` (it never touches the
project) and sums up what an import would store: document names, format, turns and speakers, or
the one-line reason the file cannot be imported. ``Throttle`` keeps progress updates to a few a
second.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from ... import settings
from ...errors import BadInputError, QualcodeError
from ...importers import SUPPORTED_SUFFIXES, read_file

EXPLAINED_SUFFIXES = (".doc", ".pdf", ".rtf", ".odt")
"""Shown in the file tree although they cannot be imported: the preview says how to convert."""
SHOWN_SUFFIXES = frozenset(SUPPORTED_SUFFIXES + EXPLAINED_SUFFIXES)


@dataclass(frozen=True)
class FilePreview:
    """One selected file as an import would see it."""

    path: Path
    documents: tuple[str, ...] = ()
    """Names the documents would get (one per file, or one per row/column of a table)."""
    format: str = ""
    turns: int = 0
    speakers: tuple[tuple[str, int], ...] = ()
    """Speaker labels with their number of turns, in order of first appearance."""
    error: str | None = None
    """Why the file cannot be imported (one line), or None."""
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> str:
        if self.error is not None:
            return self.error
        if self.warnings:
            return f"ok ({len(self.warnings)} warning{'s' if len(self.warnings) > 1 else ''})"
        return "ok"

    def speakers_text(self) -> str:
        return ", ".join(f"{label} ({turns})" for label, turns in self.speakers) or "none"


def reason(message: str, path: str | Path) -> str:
    """A one-line error without the file name in front (the table already shows the file)."""
    prefix = f"{path}: "
    text = message[len(prefix) :] if message.startswith(prefix) else message
    return " ".join(text.split())


def preview_file(path: Path, existing: Collection[str] = ()) -> FilePreview:
    """Parse ``path`` and describe it; ``existing`` are document names already in the project."""
    try:
        parsed = read_file(path)
    except BadInputError as exc:
        return FilePreview(path, error=reason(str(exc), exc.path))
    except QualcodeError as exc:
        return FilePreview(path, error=reason(str(exc), path))
    if not parsed:
        return FilePreview(path, error="no documents found in the file")
    speakers: Counter[str] = Counter()
    for doc in parsed:
        speakers.update(t.speaker for t in doc.turns if t.speaker is not None)
    names = tuple(" ".join(doc.name.split()) for doc in parsed)
    taken = [name for name in names if name in existing]
    error = None
    if taken:
        error = f"a document named '{taken[0]}' is already in the project"
    return FilePreview(
        path,
        documents=names,
        format=", ".join(dict.fromkeys(doc.source_format for doc in parsed)),
        turns=sum(len(doc.turns) for doc in parsed),
        speakers=tuple(speakers.items()),
        error=error,
        warnings=tuple(w for doc in parsed for w in doc.warnings),
    )


def last_folder(project_key: str) -> Path | None:
    """The folder files were last imported from into this project, if it still exists."""
    folders = settings.load().get("import_folders", {})
    found = folders.get(project_key) if isinstance(folders, dict) else None
    if isinstance(found, str) and Path(found).is_dir():
        return Path(found)
    return None


def remember_folder(project_key: str, folder: Path) -> None:
    folders = settings.load().get("import_folders", {})
    folders = folders if isinstance(folders, dict) else {}
    folders[project_key] = str(folder)
    settings.save({"import_folders": folders})


class Throttle:
    """True at most once per ``interval`` seconds (the first call is always due)."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self._last: float | None = None

    def due(self) -> bool:
        now = time.monotonic()
        if self._last is None or now - self._last >= self.interval:
            self._last = now
            return True
        return False
