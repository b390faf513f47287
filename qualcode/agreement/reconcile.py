"""The supervisor's reconcile queue: where coders disagree on a code, and deciding each place.

For one code (with its members, as in the agreement report) and the compared coders, the
codings of each document are grouped into *regions*: codings that overlap each other, by any of
the coders, join one region. A region is a *disagreement* when one of the agreement units inside
it (sentence, turn, character, segment; the same units as the report) is coded by some coders
and not by others. Regions joined by one disagreeing unit (a sentence one coder marked in two
places) are one item. With the ``document`` unit, a region disagrees when some coder has no
coding in it, so that each item stays a readable place in the text. The other regions are
*agreed*.

Each item shows every coder's *version* (their codings in the region). Deciding it stores what
the ``consensus`` coder gets there (:meth:`qualcode.project.Project.record_decision`):

``coder``   the chosen coder's codings, as they are;
``all``     every coder's codings, merged where they overlap (per code);
``neither`` nothing;
``edit``    a span the supervisor sets;
``agreed``  for agreed regions (``accept_agreed``): as ``all``.

Decisions are stored, so the queue is resumable: building it again shows what is decided.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from qualcode.agreement.coefficients import AgreementError
from qualcode.agreement.units import Descendants, unit_table

if TYPE_CHECKING:
    from qualcode.project import DecisionInfo, Project

__all__ = ["Item", "Queue", "Version", "accept_agreed", "decide", "reconcile_queue"]

Row = tuple[int, int, str, str]
"""A coding in a region: start, end, coder, code path."""


@dataclass(frozen=True)
class Version:
    """One coder's codings in a region, as ``(code path, start, end)`` sorted by position."""

    coder: str
    excerpts: tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Item:
    """One region of one document for the selected code."""

    code: str
    document: str
    start: int
    end: int
    versions: tuple[Version, ...]
    """One per compared coder, in the order the coders were given."""
    agreed: bool
    disagreeing: tuple[tuple[int, int], ...] = ()
    """The units inside the region that the coders do not all code alike."""
    decision: DecisionInfo | None = None

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.document, self.start, self.end)

    def version(self, coder: str) -> Version:
        return next(v for v in self.versions if v.coder == coder)

    def merged(self) -> tuple[tuple[str, int, int], ...]:
        """Every coder's codings, merged where they overlap or touch, per code."""
        by_code: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for version in self.versions:
            for path, start, end in version.excerpts:
                by_code[path].append((start, end))
        out: list[tuple[str, int, int]] = []
        for path, spans in by_code.items():
            spans.sort()
            start, end = spans[0]
            for s, e in spans[1:]:
                if s <= end:
                    end = max(end, e)
                else:
                    out.append((path, start, end))
                    start, end = s, e
            out.append((path, start, end))
        return tuple(sorted(out, key=lambda x: (x[1], x[2], x[0])))


@dataclass(frozen=True)
class Queue:
    """The disagreements (``items``) and agreed regions of one code, with the choices made."""

    code: str
    members: tuple[str, ...]
    coders: tuple[str, ...]
    unit: str
    documents: tuple[str, ...]
    items: tuple[Item, ...]
    agreed: tuple[Item, ...] = field(default=())

    @property
    def decided(self) -> int:
        return sum(1 for item in self.items if item.decision is not None)

    def first_open(self, after: int = -1) -> int | None:
        """Index of the first undecided item after ``after`` (wrapping round), or None."""
        n = len(self.items)
        for step in range(1, n + 1):
            index = (after + step) % n
            if self.items[index].decision is None:
                return index
        return None


def reconcile_queue(
    project: Project,
    *,
    code: str,
    coders: Sequence[str],
    unit: str = "sentence",
    documents: Sequence[str] | None = None,
    descendants: Descendants = True,
    overlap: float = 0.5,
    min_coverage: float = 0.0,
    exclude_interviewer: bool = False,
) -> Queue:
    """The reconcile queue of ``code`` for ``coders`` (the choices mean what they mean in
    :func:`qualcode.agreement.report.agreement_report`)."""
    table = unit_table(
        project,
        coders=coders,
        unit=unit,
        documents=documents,
        codes=[code],
        descendants=descendants,
        threshold=overlap,
        min_coverage=min_coverage,
        exclude_interviewer=exclude_interviewer,
    )
    chosen = table.codes[0]
    members = set(chosen.members)
    names = table.coders
    # Disagreeing units per document.
    differ = chosen.presence.min(axis=0) != chosen.presence.max(axis=0)
    units = chosen.units
    bad: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for index in np.flatnonzero(differ):
        document, start, end = units[int(index)]
        bad[document].append((start, end))
    decided = {(d.document, d.start, d.end): d for d in project.decisions(code=chosen.code)}
    by_document: dict[str, list[Row]] = defaultdict(list)
    for c in project.codings(coders=list(names)):  # one read for every document
        if c.code in members:
            by_document[c.document].append((c.start, c.end, c.coder, c.code))
    items: list[Item] = []
    agreed: list[Item] = []
    for document in table.documents:
        excerpts = by_document.get(document, [])
        for region in _regions(excerpts, bad.get(document, []), unit, len(names)):
            start, end, rows, disagreeing = region
            versions = tuple(
                Version(name, tuple(sorted((p, s, e) for s, e, c, p in rows if c == name)))
                for name in names
            )
            item = Item(
                chosen.code,
                document,
                start,
                end,
                versions,
                not disagreeing,
                tuple(disagreeing),
                decided.get((document, start, end)),
            )
            (agreed if item.agreed else items).append(item)
    return Queue(
        chosen.code, chosen.members, names, unit, table.documents, tuple(items), tuple(agreed)
    )


def _regions(
    rows: list[Row], bad: list[tuple[int, int]], unit: str, n_coders: int
) -> list[tuple[int, int, list[Row], list[tuple[int, int]]]]:
    """Group codings (and disagreeing units) into regions; see the module docstring."""
    pieces: list[tuple[int, int, Row | None]] = [(s, e, r) for r in rows for s, e in [r[:2]]]
    if unit != "document":
        pieces += [(s, e, None) for s, e in bad]
    pieces.sort(key=lambda p: (p[0], p[1]))
    out: list[tuple[int, int, list[Row], list[tuple[int, int]]]] = []
    for start, end, row in pieces:
        if out and start < out[-1][1]:
            last = out[-1]
            out[-1] = (last[0], max(last[1], end), last[2], last[3])
        else:
            out.append((start, end, [], []))
        if row is None:
            out[-1][3].append((start, end))
        else:
            out[-1][2].append(row)
    if unit == "document":
        # The whole document is the unit: a region disagrees when a coder has nothing in it.
        for i, (start, end, members, _) in enumerate(out):
            if len({r[2] for r in members}) < n_coders:
                out[i] = (start, end, members, [(start, end)])
    return out


def decide(
    project: Project,
    queue: Queue,
    item: Item,
    choice: str,
    *,
    supervisor: str,
    coder: str | None = None,
    span: tuple[int, int] | None = None,
    code: str | None = None,
) -> DecisionInfo:
    """Decide ``item``: ``coder`` (with ``coder=`` a compared coder), ``all``, ``neither``,
    ``agreed``, or ``edit`` with ``span=(start, end)`` for ``code`` (default: the code most used
    in the region, else the queue's code). Returns the stored decision."""
    if choice == "coder":
        if coder not in queue.coders:
            raise AgreementError(f"'{coder}' is not one of the compared coders")
        excerpts = item.version(coder).excerpts
    elif choice in ("all", "agreed"):
        excerpts = item.merged()
    elif choice == "neither":
        excerpts = ()
    elif choice == "edit":
        if span is None or not span[0] < span[1]:
            raise AgreementError("an edited decision needs a span with start before end")
        excerpts = ((code or _main_code(item, queue.code), span[0], span[1]),)
    else:
        raise AgreementError(f"unknown choice '{choice}'")
    return project.record_decision(
        code=queue.code,
        document=item.document,
        start=item.start,
        end=item.end,
        choice=choice,
        excerpts=excerpts,
        coders=queue.coders,
        supervisor=supervisor,
        chosen_coder=coder if choice == "coder" else None,
        unit=queue.unit,
    )


def _main_code(item: Item, fallback: str) -> str:
    counts: dict[str, int] = defaultdict(int)
    for version in item.versions:
        for path, _, _ in version.excerpts:
            counts[path] += 1
    return max(counts, key=lambda p: (counts[p], p == fallback)) if counts else fallback


def accept_agreed(project: Project, queue: Queue, *, supervisor: str) -> int:
    """Give the consensus coder every agreed region not yet decided (as ``agreed``: the
    coders' codings merged); returns how many regions were decided."""
    done = 0
    for item in queue.agreed:
        if item.decision is None:
            decide(project, queue, item, "agreed", supervisor=supervisor)
            done += 1
    return done
