"""The whole project read at once: ``Project.snapshot()``, one read transaction, plain records.

This module is the method only; the records and the reader are in ``snapshot_read.py`` and load
on the first snapshot, so that opening a project does not build them. Their names are importable
from here as well (``from qualcode.project.snapshot import Snapshot, CodeRow``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

from .core import ProjectCore

if TYPE_CHECKING:
    from .snapshot_read import CoderChoice, Snapshot


class SnapshotMixin(ProjectCore):
    def snapshot(
        self,
        *,
        texts: bool = True,
        deleted: bool = False,
        codings: Literal["rows", "table", "none"] = "rows",
        turns: Literal["rows", "table"] = "rows",
        coders: CoderChoice = None,
        coding_details: bool = False,
        coding_uuids: bool = False,
        memos: bool = True,
        suggestions: bool = False,
        counts: bool = False,
    ) -> Snapshot:
        """The whole project in one read transaction (see ``snapshot_read.py``).

        ``texts``: the documents' texts (else empty strings). ``turns``: in each document, or
        as one ``TurnTable``. ``deleted``: removed codings and memos too. ``codings``: as
        records, as a ``CodingTable`` (``coding_details`` adds their ids and favourite
        marks, ``coding_uuids`` their UUIDs), or not at all. ``coders``: whose codings to read
        (an unknown name is a NotFoundError). ``memos``: read them, or not. ``suggestions``:
        the decided suggestions. ``counts``: count the suggestions, reconcile decisions, audit
        events and removed rows instead of reading them.
        """
        from .snapshot_read import read_snapshot

        options = {
            "texts": texts,
            "deleted": deleted,
            "codings": codings,
            "turns": turns,
            "coders": coders,
            "coding_details": coding_details,
            "coding_uuids": coding_uuids,
            "memos": memos,
            "suggestions": suggestions,
            "counts": counts,
        }
        with self.reading() as session:
            return read_snapshot(self, session, options)

    def coding_uuids(self, ids: Iterable[int]) -> dict[int, str]:
        """The UUIDs of codings by their row ids (the ``id`` of a ``CodingTable``), for the few
        codings a caller picked from a table read without them; a coding no longer there is
        left out."""
        from .snapshot_read import read_coding_uuids

        with self.reading() as session:
            return read_coding_uuids(session, ids)


def __getattr__(name: str) -> Any:
    """The records and helpers of ``snapshot_read``, loaded when first named."""
    if name.startswith("_"):
        raise AttributeError(name)
    from . import snapshot_read

    try:
        return getattr(snapshot_read, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
