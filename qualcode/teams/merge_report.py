"""What a merge did, as plain data, and as the Markdown report and the short summary the CLI
prints: per input, what it held and what only it gave; what was matched; every conflict, with
each version found and the inputs that held it, so a team can act on it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..files import write_atomically
from .snapshot import Snapshot

KINDS = ("documents", "codes", "coders", "codings", "removed_codings", "memos", "cases")

NOT_MERGED = (
    "suggestions (pending, accepted and rejected proposals; run qualcode suggest again on the "
    "merged project); the codings made by accepting one are merged",
    "reconcile decisions (the consensus coder's codings they made are merged as that coder's "
    "layer)",
    "audit trails: the output's trail starts with its creation and one project.merge event "
    "naming the inputs; each input keeps its own",
    "suggestion evaluations kept in the settings",
)
"""What a merge leaves out, said in every report (docs/teams.md explains why)."""


@dataclass(frozen=True)
class Counts:
    documents: int = 0
    codes: int = 0
    coders: int = 0
    codings: int = 0
    """Current codings; removed ones (kept, with ``deleted_at``) are ``removed_codings``."""
    removed_codings: int = 0
    memos: int = 0
    """Current memos."""
    cases: int = 0

    @classmethod
    def of(cls, snapshot: Snapshot) -> Counts:
        removed = sum(1 for c in snapshot.codings if c.deleted_at is not None)
        return cls(
            len(snapshot.documents),
            len(snapshot.codes),
            len(snapshot.coders),
            len(snapshot.codings) - removed,
            removed,
            sum(1 for m in snapshot.memos if m.deleted_at is None),
            len(snapshot.cases),
        )

    def text(self) -> str:
        removed = f" ({self.removed_codings:,} removed)" if self.removed_codings else ""
        return (
            f"{self.documents:,} documents, {self.codes:,} codes, {self.coders:,} coders, "
            f"{self.codings:,} codings{removed}, {self.memos:,} memos, {self.cases:,} cases"
        )


@dataclass(frozen=True)
class InputSummary:
    path: str
    encrypted: bool
    counts: Counts
    only_here: Counts
    """Of what the output holds, what this input alone gave."""
    not_merged: dict[str, int] = field(default_factory=dict)
    """Rows left out: suggestions, reconcile decisions, audit events."""


@dataclass(frozen=True)
class Version:
    value: str
    inputs: tuple[str, ...]
    """The inputs that hold this version."""


@dataclass(frozen=True)
class Conflict:
    kind: str
    """What disagreed: 'document name', 'code definition', 'coding removed', ..."""
    subject: str
    """What it is about, named as the output names it: "code 'Barriers/Travel'"."""
    resolution: str
    """What the merge did, and by which rule."""
    versions: tuple[Version, ...] = ()


@dataclass(frozen=True)
class MergeResult:
    output: str
    encrypted: bool
    inputs: tuple[InputSummary, ...]
    counts: Counts
    """What the output holds."""
    matched: dict[str, int]
    """Per kind, the output's items found in more than one input (``codes by path``: codes
    matched by their path because their UUIDs differ)."""
    conflicts: tuple[Conflict, ...]
    not_merged: tuple[str, ...] = NOT_MERGED

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def conflict_kinds(self) -> Counter[str]:
        return Counter(c.kind for c in self.conflicts)


def versions(pairs: Iterable[tuple[str, str]]) -> tuple[Version, ...]:
    """(value, input) pairs -> one Version per value, in value order, inputs sorted."""
    found: dict[str, set[str]] = {}
    for value, source in pairs:
        found.setdefault(value, set()).add(source)
    return tuple(Version(v, tuple(sorted(s))) for v, s in sorted(found.items()))


def summary_lines(
    result: MergeResult, report: str | Path | None = None, no_report: str = ""
) -> list[str]:
    """The few lines the CLI prints: totals, per input, matches, conflicts by kind (and where
    their details are: ``report``, or what ``no_report`` says when none was written)."""
    lines = [f"merged {len(result.inputs)} projects into {result.output}: {result.counts.text()}"]
    for item in result.inputs:
        only = item.only_here
        lines.append(
            f"  {item.path}: {item.counts.text()}; only here: {only.documents} documents, "
            f"{only.codes} codes, {only.codings + only.removed_codings:,} codings"
        )
    matched = ", ".join(f"{n:,} {kind.replace('_', ' ')}" for kind, n in result.matched.items())
    lines.append(f"matched across inputs: {matched}")
    kinds = result.conflict_kinds()
    if kinds:
        listed = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        where = f"; details in {report}" if report else no_report
        lines.append(f"{len(result.conflicts)} conflicts ({listed}){where}")
    else:
        lines.append("no conflicts")
    left = Counter[str]()
    for item in result.inputs:
        left.update(item.not_merged)
    lines.append(
        f"not merged: {left['suggestions']:,} suggestions, {left['reconcile decisions']:,} "
        f"reconcile decisions, {left['audit events']:,} audit events (see docs/teams.md)"
    )
    return lines


def _cell(value: str, limit: int = 400) -> str:
    """One line of Markdown-safe text: newlines shown as ⏎, pipes escaped, long text cut."""
    text = value.replace("\r\n", "\n").replace("\n", " ⏎ ").replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_markdown(result: MergeResult) -> str:
    """The full report: inputs, output, matches, every conflict with every version."""
    out = [f"# Merge into {result.output}", ""]
    if result.encrypted:
        out += ["The output is encrypted with the inputs' passphrase.", ""]
    out += [
        "## Inputs",
        "",
        "| input | " + " | ".join(k.replace("_", " ") for k in KINDS) + " |",
        "|---" * (len(KINDS) + 1) + "|",
    ]
    for item in result.inputs:
        cells = [
            f"{getattr(item.counts, k):,} ({getattr(item.only_here, k):,} only here)" for k in KINDS
        ]
        out.append(f"| {_cell(item.path)} | " + " | ".join(cells) + " |")
    out += [
        "",
        "## Output",
        "",
        f"{result.output}: {result.counts.text()}.",
        "",
        "Matched across inputs (found in more than one):",
        "",
    ]
    out += [f"- {kind.replace('_', ' ')}: {n:,}" for kind, n in result.matched.items()]
    out += ["", f"## Conflicts ({len(result.conflicts)})", ""]
    if not result.conflicts:
        out += ["None: every input agreed wherever they overlapped.", ""]
    kind = None
    for conflict in result.conflicts:
        if conflict.kind != kind:
            out += [""] if kind is not None else []
            kind = conflict.kind
            out += [f"### {kind} ({result.conflict_kinds()[kind]})", ""]
        out.append(f"- {_cell(conflict.subject)}: {_cell(conflict.resolution)}")
        for version in conflict.versions:
            out.append(f"  - “{_cell(version.value)}” in {', '.join(version.inputs)}")
    out += ["", "## Not merged", ""]
    for item in result.inputs:
        counts = ", ".join(f"{n:,} {what}" for what, n in item.not_merged.items())
        out.append(f"- {_cell(item.path)}: {counts}")
    out += [""] + [f"- {note}" for note in result.not_merged] + [""]
    return "\n".join(out)


def write_report(result: MergeResult, path: str | Path) -> Path:
    """Write the Markdown report in one step (a failed write leaves no half file)."""
    text = render_markdown(result).encode("utf-8")
    return write_atomically(path, lambda handle: handle.write(text))


class ConflictLog:
    """Conflicts as the merge finds them, handed out sorted so that neither the report nor
    the result depends on the order the inputs were given in."""

    def __init__(self) -> None:
        self._found: list[Conflict] = []

    def add(
        self, kind: str, subject: str, resolution: str, pairs: Iterable[tuple[str, str]] = ()
    ) -> None:
        """Record a conflict; ``pairs`` are (value, input) for every version found."""
        self._found.append(Conflict(kind, subject, resolution, versions(pairs)))

    def sorted(self) -> tuple[Conflict, ...]:
        return tuple(sorted(set(self._found), key=lambda c: (c.kind, c.subject, c.resolution)))
