"""qualcode: code qualitative interview transcripts against a codebook, offline.

``from qualcode import Project`` is the library entry point; it is imported lazily so that
``import qualcode`` (and ``qualcode --help``) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

__all__ = ["Project", "__version__"]

if TYPE_CHECKING:
    from .project import Project


def __getattr__(name: str) -> Any:
    if name == "Project":
        from .project import Project

        return Project
    raise AttributeError(f"module 'qualcode' has no attribute {name!r}")
