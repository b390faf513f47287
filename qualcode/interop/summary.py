"""What an import or export did, for the command line, the TUI and the audit trail.

The import's summary is built by the project, which stores what was read
(``qualcode.project.refi_summary``); it is named here too, beside the export's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..project.refi_summary import KINDS, ImportSummary, SameText, SkippedError, Skips, unit

__all__ = ["KINDS", "ExportSummary", "ImportSummary", "SameText", "SkippedError", "Skips"]


@dataclass
class ExportSummary:
    """What an export wrote."""

    path: str
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    """What the project holds that the file does not (or only in qualcode.json)."""

    def lines(self) -> list[str]:
        counts = ", ".join(f"{n:,} {unit(k, n)}" for k, n in self.counts.items())
        return [f"wrote {self.path}: {counts}", *(f"not in the file: {x}" for x in self.lost)]

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "counts": dict(self.counts),
            "warnings": list(self.warnings),
            "lost": list(self.lost),
        }
