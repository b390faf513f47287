"""What a REFI-QDA import did (and what it refused), for the command line, the TUI and the audit
trail. The project builds it (``refi``); ``qualcode.interop.summary`` also gives it to callers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..errors import BadInputError, Hint


class SkippedError(BadInputError):
    """A strict import refused: the file holds things that would be skipped. Nothing was
    written; ``skipped`` lists them as an import summary would."""

    exit_code = 3

    def __init__(self, path: str, skipped: list[str]) -> None:
        self.skipped = list(skipped)
        super().__init__(
            path,
            f"refused (a strict import): {len(skipped)} kinds of things in it cannot be "
            "imported; nothing was written",
            Hint("strict", file=path, count=len(skipped)),
        )


KINDS = ("codes", "documents", "coders", "codings", "memos", "cases", "attributes")
"""What the summaries count (an export also counts the sets it wrote)."""


class Skips:
    """Things left out, grouped by reason, with a few names of each."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.names: dict[str, list[str]] = {}

    def add(self, reason: str, name: str | None = None, n: int = 1) -> None:
        self.counts[reason] += n
        names = self.names.setdefault(reason, [])
        if name is not None and name not in names:
            names.append(name)

    def lines(self) -> list[str]:
        out = []
        for reason, n in self.counts.items():
            names = self.names.get(reason, [])
            shown = ", ".join(f"'{x}'" for x in names[:3])
            if len(names) > 3:
                shown += f" and {len(names) - 3} more"
            out.append(f"{n} {reason}" + (f": {shown}" if shown else ""))
        return out


@dataclass
class ImportSummary:
    """Counts of what a REFI-QDA import added, what it found already there, and what it left."""

    source: str
    producer: str | None = None
    offsets: str | None = None
    """How the producer counted positions (converted to our code points)."""
    added: Counter[str] = field(default_factory=Counter)
    matched: Counter[str] = field(default_factory=Counter)
    """Already in the project: codes by path, documents by GUID or by name and text, coders and
    cases by name."""
    updated: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    """Codings (and memos) the project already had."""
    new_guids: Counter[str] = field(default_factory=Counter)
    """Rows given a new uuid because the file's GUID was taken in the project."""
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        where = ", ".join(
            x for x in (self.producer, self.offsets and f"positions in {self.offsets}") if x
        )
        counts = ", ".join(f"{self.added[k]:,} {unit(k, self.added[k])}" for k in KINDS)
        out = [f"imported from {self.source}" + (f" ({where})" if where else "") + f": {counts}"]
        if sum(self.matched.values()) or self.duplicates:
            parts = [f"{n:,} {unit(k, n)}" for k, n in self.matched.items() if n]
            if self.duplicates:
                parts.append(f"{self.duplicates:,} duplicate codings or memos")
            out.append("already in the project: " + ", ".join(parts))
        if sum(self.updated.values()):
            out.append(
                "updated: " + ", ".join(f"{n} {unit(k, n)}" for k, n in self.updated.items())
            )
        if sum(self.new_guids.values()):
            out.append(
                "given new uuids (the file's GUID was taken in this project): "
                + ", ".join(f"{n} {unit(k, n)}" for k, n in self.new_guids.items())
            )
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "producer": self.producer,
            "offsets": self.offsets,
            "added": {k: self.added[k] for k in KINDS},
            "matched": dict(self.matched),
            "updated": dict(self.updated),
            "duplicates": self.duplicates,
            "new_guids": dict(self.new_guids),
            "warnings": list(self.warnings),
            "skipped": list(self.skipped),
        }


def unit(kind: str, n: int) -> str:
    return kind[:-1] if n == 1 and kind.endswith("s") else kind


class SameText:
    """Sources whose text another document also has: said once, in a few names."""

    def __init__(self) -> None:
        self.pairs: list[tuple[str, str]] = []

    def add(self, name: str, twin: str) -> None:
        self.pairs.append((name, twin))

    def lines(self) -> list[str]:
        if not self.pairs:
            return []
        shown = ", ".join(f"'{a}' (as '{b}')" for a, b in self.pairs[:3])
        more = f" and {len(self.pairs) - 3:,} more" if len(self.pairs) > 3 else ""
        return [
            f"{len(self.pairs):,} sources have the same text as another document: {shown}{more}; "
            "each is a document of its own"
        ]
