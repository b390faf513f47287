"""Retrieved segments as a report: what ``qualcode retrieve -o`` and the TUI's retrieval view
write (CSV, XLSX, Markdown, DOCX or JSON, by the file's suffix, through the report writers).

For a pseudonymised file, retrieve from :meth:`Project.shareable_copy` (as the export dialog
does): the copy's texts, labels and names are already replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from .tables import Table

if TYPE_CHECKING:
    from ..project import MemoEntry, Project, Query, Segment

FORMATS = (".md", ".docx", ".csv", ".xlsx", ".json")
COLUMNS = (
    "document",
    "turn",
    "speaker",
    "case",
    "attributes",
    "code",
    "coder",
    "text",
    "context",
    "favourite",
    "memos",
    "start",
    "end",
)


@dataclass(frozen=True)
class RetrievalReport:
    """The segments of one query, with the query as the report's parameters."""

    project: str
    query: Query
    segments: tuple[Segment, ...]
    shareable: bool = False
    """Pseudonymised: the filters that may name people (documents, attribute values, text)
    are not written."""
    name: str = "Retrieved segments"

    @property
    def shown_query(self) -> Query:
        """The query as the file tells it: pseudonymised, without the values that may name
        someone."""
        query = self.query
        if not self.shareable:
            return query
        return query.with_(
            documents=("…",) if query.documents else None,
            where=tuple((k, "…") for k, _ in query.where),
            text="…" if query.text else None,
        )

    @property
    def parameters(self) -> dict[str, Any]:
        query = self.shown_query
        hidden = "given (not shown in a pseudonymised file)"
        shown = {k: v for k, v in query.parameters().items() if v not in (None, [], {})}
        if self.shareable:
            shown.update({k: hidden for k in ("documents", "where", "text") if k in shown})
        return {
            "project": self.project,
            "query": query.describe(),
            **shown,
            "segments": len(self.segments),
            "generated": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "qualcode": __version__,
        }

    @property
    def rules(self) -> tuple[str, ...]:
        return (
            "One row per coding (a segment coded by two coders is two rows).",
            "Context: the sentences the segment touches. Turns count from 1.",
            "A segment's case is its speaker's case, else its document's.",
        )

    def tidy(self) -> Table:
        rows = tuple(
            (
                s.document,
                s.turn,
                s.speaker,
                s.case,
                "; ".join(f"{k}={v}" for k, v in s.attributes.items()),
                s.code,
                s.coder,
                s.text,
                s.context,
                s.favourite,
                " | ".join(s.memos),
                s.start,
                s.end,
            )
            for s in self.segments
        )
        return Table(
            "segments",
            self.shown_query.describe()[:200],
            COLUMNS,
            rows,
            (),
            ("text", "context", "memos"),
        )

    def tables(self) -> list[Table]:
        return [self.tidy()]

    def to_json(self) -> Any:
        return {
            "parameters": self.parameters,
            "segments": [s.to_json() for s in self.segments],
        }


def retrieval_report(
    project: Project, query: Query, source: Project | None = None
) -> RetrievalReport:
    """The query's segments; from ``source`` (a pseudonymised copy of ``project``) when given:
    the query runs on the project itself, and the copy gives the same codings' texts."""
    segments = project.retrieve(query)
    if source is None or source is project:
        return RetrievalReport(project.name, query, tuple(segments))
    shared = source.segments_of([s.uuid for s in segments])
    return RetrievalReport(source.name, query, tuple(shared), shareable=True)


def export_retrieval(
    project: Project, query: Query, path: str | Path, *, source: Project | None = None
) -> Path:
    """Write the query's segments to ``path`` (format from the suffix; atomically), from a
    pseudonymised copy ``source`` when given (see :func:`retrieval_report`)."""
    from ..errors import QualcodeError
    from .writers import check_target, write

    if Path(path).suffix.lower() not in FORMATS:
        raise QualcodeError(f"{path}: segments are written as {', '.join(FORMATS)}")
    check_target(path)
    return write(retrieval_report(project, query, source), path)


@dataclass(frozen=True)
class MemoReport:
    """Memos (as the memo browser lists them) with the filters that chose them."""

    project: str
    filters: dict[str, Any]
    entries: tuple[MemoEntry, ...]
    name: str = "Memos"

    @property
    def parameters(self) -> dict[str, Any]:
        return {
            "project": self.project,
            **{k: v for k, v in self.filters.items() if v},
            "memos": len(self.entries),
            "generated": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "qualcode": __version__,
        }

    @property
    def rules(self) -> tuple[str, ...]:
        return ("Current memos, oldest first; deleted memos are left out.",)

    def tidy(self) -> Table:
        rows = tuple(
            (
                e.memo.target_type,
                e.about,
                e.memo.coder,
                e.memo.text,
                e.memo.created_at.isoformat(timespec="seconds"),
                e.memo.updated_at.isoformat(timespec="seconds"),
            )
            for e in self.entries
        )
        columns = ("kind", "about", "author", "memo", "created", "updated")
        return Table("memos", "Memos", columns, rows, (), ("about", "memo"))

    def tables(self) -> list[Table]:
        return [self.tidy()]

    def to_json(self) -> Any:
        return {"parameters": self.parameters, "memos": [e.to_json() for e in self.entries]}


def export_memos(
    project: Project, path: str | Path, *, source: Project | None = None, **filters: Any
) -> Path:
    """Write the memos ``Project.memo_entries(**filters)`` lists to ``path``; from ``source``
    (a pseudonymised copy) when given, the same memos as the project lists, with their text
    and what they are about as the copy has them (filters are then not written)."""
    from ..errors import QualcodeError
    from .writers import check_target, write

    if Path(path).suffix.lower() not in FORMATS:
        raise QualcodeError(f"{path}: memos are written as {', '.join(FORMATS)}")
    check_target(path)
    entries = project.memo_entries(**filters)
    if source is not None and source is not project:
        uuids = [e.memo.uuid for e in entries]
        entries = source.memo_entries(uuids=uuids)
        filters = {k: "given (not shown in a pseudonymised file)" for k, v in filters.items() if v}
        project = source
    return write(MemoReport(project.name, filters, tuple(entries)), path)
