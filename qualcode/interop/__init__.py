"""REFI-QDA interoperability: ``.qdc`` codebooks and ``.qdpx`` projects in and out.

    from qualcode import Project
    from qualcode.interop import export_qdpx, import_qdpx_new

    with Project.open("study.qualcode") as project:
        export_qdpx(project, "study.qdpx")
    summary = import_qdpx_new("from-nvivo.qdpx", "copy.qualcode")
    print("\\n".join(summary.lines()))

Every import reads and checks the whole file first and then writes it in one transaction, so a
file either imports whole or leaves the project as it was. Importing this package is cheap:
lxml and SQLAlchemy are loaded by the functions that need them. docs/refi-qda.md describes what
maps to what, the offset conventions of each producer and what is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..project import Project
    from .model import RefiProject
    from .summary import ExportSummary, ImportSummary

Progress = Callable[[int, int, str], None]
"""Called as ``progress(done, total, what)``: per source while reading, per document while
storing or exporting. A TUI worker can forward it with ``call_from_thread``."""

__all__ = [
    "Progress",
    "export_qdc",
    "export_qdpx",
    "import_qdc",
    "import_qdpx",
    "import_qdpx_new",
    "read_qdpx",
]


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
) -> ImportSummary:
    """Import a ``.qdpx`` into an open project, all or nothing.

    ``coder`` writes the codings and memos the file names no user for (default: the file's
    creating user, else the project's actor).
    """
    from .qdpx_read import read_qdpx as read
    from .store_project import store_project

    parsed = read(path, progress=_phase(progress, "reading"))
    return store_project(
        project, parsed, source=str(path), coder=coder, progress=_phase(progress, "storing")
    )


def import_qdpx_new(
    path: str | Path,
    target: str | Path,
    *,
    actor: str | None = None,
    coder: str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Create the project ``target`` from a ``.qdpx``. The file is read first; the project is
    created only when that succeeded, and deleted again if storing fails."""
    from ..project import Project
    from ..store import engine as store_engine
    from .qdpx_read import read_qdpx as read
    from .store_project import store_project

    parsed = read(path, progress=_phase(progress, "reading"))
    project = Project.create(target, actor=actor)
    try:
        return store_project(
            project, parsed, source=str(path), coder=coder, progress=_phase(progress, "storing"),
            fresh=True,
        )  # fmt: skip
    except BaseException:
        project.close()
        if not store_engine.is_url(target):
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
        raise
    finally:
        project.close()


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
    from .store_codes import store_codebook

    return store_codebook(project, read_qdc(path), source=str(path), coder=coder)


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
