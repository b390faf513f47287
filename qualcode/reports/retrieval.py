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
    "document", "turn", "speaker", "case", "attributes", "code", "coder", "text", "context",
    "favourite", "memos", "start", "end",
)  # fmt: skip


@dataclass(frozen=True)
class RetrievalReport:
    """The segments of one query, with the query as the report's parameters."""

    project: str
    query: Query
    segments: tuple[Segment, ...]
    name: str = "Retrieved segments"

    @property
    def parameters(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "query": self.query.describe(),
            **{k: v for k, v in self.query.parameters().items() if v not in (None, [], {})},
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
            )  # fmt: skip
            for s in self.segments
        )
        return Table("segments", self.query.describe()[:200], COLUMNS, rows, (),
                     ("text", "context", "memos"))  # fmt: skip

    def tables(self) -> list[Table]:
        return [self.tidy()]

    def to_json(self) -> Any:
        return {
            "parameters": self.parameters,
            "segments": [s.to_json() for s in self.segments],
        }


def retrieval_report(project: Project, query: Query) -> RetrievalReport:
    return RetrievalReport(project.name, query, tuple(project.retrieve(query)))


def export_retrieval(project: Project, query: Query, path: str | Path) -> Path:
    """Write the query's segments to ``path`` (format from the suffix; atomically)."""
    from ..errors import QualcodeError
    from .writers import check_target, write

    if Path(path).suffix.lower() not in FORMATS:
        raise QualcodeError(f"{path}: segments are written as {', '.join(FORMATS)}")
    check_target(path)
    return write(retrieval_report(project, query), path)


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
            (e.memo.target_type, e.about, e.memo.coder, e.memo.text,
             e.memo.created_at.isoformat(timespec="seconds"),
             e.memo.updated_at.isoformat(timespec="seconds"))  # fmt: skip
            for e in self.entries
        )
        columns = ("kind", "about", "author", "memo", "created", "updated")
        return Table("memos", "Memos", columns, rows, (), ("about", "memo"))

    def tables(self) -> list[Table]:
        return [self.tidy()]

    def to_json(self) -> Any:
        return {"parameters": self.parameters, "memos": [e.to_json() for e in self.entries]}


def export_memos(project: Project, path: str | Path, **filters: Any) -> Path:
    """Write the memos ``Project.memo_entries(**filters)`` lists to ``path``."""
    from ..errors import QualcodeError
    from .writers import check_target, write

    if Path(path).suffix.lower() not in FORMATS:
        raise QualcodeError(f"{path}: memos are written as {', '.join(FORMATS)}")
    check_target(path)
    entries = tuple(project.memo_entries(**filters))
    return write(MemoReport(project.name, filters, entries), path)
