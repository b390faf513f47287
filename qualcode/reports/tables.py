"""What every report hands to the writers: named tables, parameters and counting rules.

A report is a frozen dataclass with ``name``, ``parameters`` (the choices behind it),
``rules`` (how it counts, in sentences, for the header of every file), ``tidy()`` (the one
long table a CSV holds: one row per observation, readable as is by pandas and R), ``tables()``
(the tables an XLSX, Markdown or DOCX file shows) and ``to_json()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from .. import __version__
from .data import Corpus


@dataclass(frozen=True)
class Table:
    name: str
    """Short name: the XLSX sheet (at most 31 characters)."""
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    notes: tuple[str, ...] = ()
    text_columns: tuple[str, ...] = ()
    """Columns holding long text (excerpts, definitions): wrapped and wider in XLSX."""

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


class Report(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def parameters(self) -> dict[str, Any]: ...

    @property
    def rules(self) -> tuple[str, ...]: ...

    def tidy(self) -> Table: ...

    def tables(self) -> list[Table]: ...

    def to_json(self) -> Any: ...


def parameters(corpus: Corpus, **choices: Any) -> dict[str, Any]:
    """The header every report starts with: project, coders and how they were chosen, time."""
    return {
        "project": corpus.project,
        "coders": list(corpus.coders),
        "coders_chosen": corpus.coder_rule,
        "coders_combined": "union: overlapping codings of several coders count once",
        **choices,
        "generated": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "qualcode": __version__,
    }


def parameter_rows(report: Report) -> list[tuple[str, str]]:
    """Parameters then rules as (name, text) pairs, for a sheet or a list."""

    def text(value: Any) -> str:
        if isinstance(value, list | tuple):
            return ", ".join(map(str, value)) or "-"
        if isinstance(value, dict):
            return ", ".join(f"{k}={v}" for k, v in value.items())
        return "-" if value is None else str(value)

    rows = [(key, text(value)) for key, value in report.parameters.items()]
    rows += [(f"rule {i}", rule) for i, rule in enumerate(report.rules, 1)]
    return rows
