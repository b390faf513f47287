"""REFI-QDA interoperability: ``.qdc`` codebooks and ``.qdpx`` projects in and out.

    from qualcode import Project
    from qualcode.interop import export_qdpx, import_qdpx_new

    with Project.open("study.qualcode") as project:
        export_qdpx(project, "study.qdpx")
    summary = import_qdpx_new("from-nvivo.qdpx", "copy.qualcode")
    print("\\n".join(summary.lines()))

Every import reads and checks the whole file first and then writes it in one transaction, so a
file either imports whole or leaves the project as it was. Reading is done here; storing what
was read is the project's (``Project.import_refi_project``, ``qualcode.project.refi``).
Importing this package is cheap: lxml and SQLAlchemy are loaded by the functions that need
them. docs/refi-qda.md describes what maps to what, the offset conventions of each producer and
what is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..project import Project
    from ..project.refi_model import RefiProject
    from .summary import ExportSummary, ImportSummary

Progress = Callable[[int, int, str], None]
"""Called as ``progress(done, total, what)``: per source while reading, per document while
storing or exporting. A TUI worker can forward it with ``call_from_thread``."""

__all__ = [
    "Progress",
    "is_refi_file",
    "export_qdc",
    "export_qdpx",
    "import_qdc",
    "import_qdpx",
    "import_qdpx_new",
    "read_qdpx",
]


REFI_SUFFIXES = (".qdc", ".qde", ".qdpx")


def is_refi_file(path: str | Path) -> bool:
    """Whether ``path`` is a REFI-QDA file (by suffix, or by its first bytes: XML or a zip), so
    that ``codebook import`` sends it to the REFI reader, which names what it found."""
    path = Path(path)
    if path.suffix.lower() in REFI_SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError:
        return False
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith((b"<?xml", b"<CodeBook", b"<Project", b"PK\x03\x04"))


def read_qdpx(path: str | Path, *, progress: Progress | None = None) -> RefiProject:
    """Read and check a ``.qdpx`` (or ``.qde``) without touching any project."""
    from .qdpx_read import read_qdpx as read

    return read(path, progress=progress)


def import_qdpx(
    project: Project,
    path: str | Path,
    *,
    coder: str | None = None,
    progress: Progress | None = None,
    strict: bool = False,
) -> ImportSummary:
    """Import a ``.qdpx`` into an open project, all or nothing.

    ``coder`` writes the codings and memos the file names no user for (default: the file's
    creating user, else the project's actor). ``strict``: refuse the file (``SkippedError``,
    nothing written) if anything in it would be skipped.
    """
    from .qdpx_read import read_qdpx as read

    parsed = read(path, progress=_phase(progress, "reading"))
    return project.import_refi_project(
        parsed,
        source=str(path),
        coder=coder,
        progress=_phase(progress, "storing"),
        strict=strict,
    )


def import_qdpx_new(
    path: str | Path,
    target: str | Path,
    *,
    actor: str | None = None,
    coder: str | None = None,
    progress: Progress | None = None,
    strict: bool = False,
) -> ImportSummary:
    """Create the project ``target`` from a ``.qdpx``. The file is read first; the project is
    then built in a temporary file beside ``target`` and renamed to it only when complete, so
    an import that fails or is killed never leaves a project at ``target`` (a database URL is
    filled in place, in one transaction)."""
    from ..project import Project
    from .qdpx_read import read_qdpx as read

    parsed = read(path, progress=_phase(progress, "reading"))
    return Project.create_from_refi(
        target,
        parsed,
        source=str(path),
        actor=actor,
        coder=coder,
        progress=_phase(progress, "storing"),
        strict=strict,
    )


def export_qdpx(
    project: Project,
    path: str | Path,
    *,
    progress: Progress | None = None,
    utf16: bool = False,
) -> ExportSummary:
    """Write the project as a ``.qdpx`` (atomically). ``utf16=True`` writes positions in UTF-16
    code units, for a tool that counts like NVivo; the standard (and default) is code points."""
    from .qdpx_write import export_qdpx as export

    return export(project, path, progress=progress, utf16=utf16)


def import_qdc(project: Project, path: str | Path, *, coder: str | None = None) -> ImportSummary:
    """Merge a ``.qdc`` codebook into the project (codes matched by path), all or nothing.
    Sets become memos ``Set: NAME`` on their codes, written by ``coder`` (default: the
    project's actor)."""
    from .qdc import read_qdc

    book = read_qdc(path)  # read and checked before the project is touched
    return project.import_refi_codebook(book, source=str(path), coder=coder)


def export_qdc(
    project: Project, path: str | Path, *, include_archived: bool = False
) -> ExportSummary:
    """Write the codebook as a ``.qdc`` (atomically); archived codes left out by default."""
    from .qdc import write_qdc
    from .summary import ExportSummary

    count = write_qdc(project, path, include_archived=include_archived)
    return ExportSummary(str(path), {"codes": count})


def _phase(progress: Progress | None, phase: str) -> Progress | None:
    if progress is None:
        return None
    callback = progress

    def report(done: int, total: int, what: str) -> None:
        callback(done, total, f"{phase} {what}".strip())

    return report
