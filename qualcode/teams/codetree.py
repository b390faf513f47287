"""Merging the code trees of several projects: codes matched by UUID, then by path.

Copies of one project share their codes' UUIDs, so a code renamed or moved in one copy is still
the same code; projects set up apart from the same codebook share only paths. So:

1. Versions with the same UUID are one code. Where the inputs place it differently (renamed or
   moved), the version whose path sorts first decides its name and parent; the others are
   reported. Should that make codes each other's ancestors, the one with the smallest UUID goes
   to the top level (reported).
2. Then, from the top down, sibling codes with the same name are one code (matched by path),
   unless one input holds both: those stay apart and the later ones (by UUID) get a free name
   "Name (2)", reported. The merged code keeps the smallest of its UUIDs.
3. Each field is decided on its own, from every version of the code: a filled-in text beats an
   empty one, and of two different texts the one that sorts first (by code point) is kept and
   the other reported; a code is archived if any input archived it, and not codable if any
   input made it so; it keeps its smallest position and its earliest creation time.

Every choice is the least element of the set of versions under a fixed order, so the result does
not depend on the order of the inputs, and merging it again with any of them finds the same least
elements: nothing changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..codebook import format_path
from .merge_report import ConflictLog
from .rules import filled_first
from .snapshot import CodeRow, Snapshot

TEXT_FIELDS = ("definition", "inclusion", "exclusion", "example")


@dataclass
class _Group:
    """The versions of one code UUID across the inputs, and where they put it."""

    uuid: str
    versions: list[tuple[str, CodeRow]] = field(default_factory=list)
    """(input name, row)."""
    inputs: set[int] = field(default_factory=set)
    name: str = ""
    parent: str | None = None


@dataclass
class _Node:
    """A code of the output: one or more UUID groups matched by path."""

    name: str
    path: tuple[str, ...]
    members: list[_Group]
    inputs: set[int]


@dataclass(frozen=True)
class MergedCodes:
    rows: tuple[CodeRow, ...]
    """The output's codes, by path (parents first)."""
    uuid_of: dict[str, str]
    """Every input code's UUID -> the UUID of the output code it became."""
    found_in: list[frozenset[int]]
    """Per output code (as ``rows``), the inputs that held it."""
    by_path: int
    """Output codes matched by path (more than one UUID)."""


def merge_codes(snapshots: Sequence[Snapshot], log: ConflictLog) -> MergedCodes:
    groups: dict[str, _Group] = {}
    for index, snapshot in enumerate(snapshots):
        for row in snapshot.codes:
            group = groups.setdefault(row.uuid, _Group(row.uuid))
            group.versions.append((snapshot.source, row))
            group.inputs.add(index)
    for group in groups.values():
        _place(group, log)
    _break_cycles(groups, log)
    children: dict[str | None, list[_Group]] = defaultdict(list)
    for group in groups.values():
        children[group.parent].append(group)

    rows: list[CodeRow] = []
    uuid_of: dict[str, str] = {}
    found_in: list[frozenset[int]] = []
    by_path = 0

    def visit(parent: _Node | None) -> None:
        nonlocal by_path
        under = [g for m in parent.members for g in children[m.uuid]] if parent else children[None]
        for node in _cluster(under, parent.path if parent else (), log):
            uuid = min(m.uuid for m in node.members)
            for member in node.members:
                uuid_of[member.uuid] = uuid
            parent_uuid = min(m.uuid for m in parent.members) if parent else None
            rows.append(_fields(node, uuid, parent_uuid, log))
            found_in.append(frozenset(node.inputs))
            by_path += len(node.members) > 1
            visit(node)

    visit(None)
    order = sorted(range(len(rows)), key=lambda i: rows[i].path)
    return MergedCodes(
        tuple(rows[i] for i in order), uuid_of, [found_in[i] for i in order], by_path
    )


def _place(group: _Group, log: ConflictLog) -> None:
    """Name and parent from the version whose path sorts first."""
    _source, first = min(group.versions, key=lambda v: (v[1].path, v[1].parent or ""))
    group.name, group.parent = first.name, first.parent
    places = {(row.name, row.parent) for _source, row in group.versions}
    if len(places) > 1:
        log.add(
            "code placement",
            f"code '{format_path(first.path)}' ({group.uuid})",
            "renamed or moved differently in the inputs; the path that sorts first is kept",
            ((format_path(row.path), source) for source, row in group.versions),
        )


def _break_cycles(groups: dict[str, _Group], log: ConflictLog) -> None:
    """Codes moved under each other in different inputs: put one of each cycle at the top."""
    settled: set[str] = set()
    for start in sorted(groups):
        trail: list[str] = []
        current: str | None = start
        while current is not None and current not in settled:
            if current in trail:
                cycle = trail[trail.index(current) :]
                moved = groups[min(cycle)]
                log.add(
                    "code placement",
                    f"code '{moved.name}' ({moved.uuid})",
                    "the inputs put these codes under each other; this one is kept at the top "
                    "level",
                    ((format_path(r.path), s) for u in cycle for s, r in groups[u].versions),
                )
                moved.parent = None
                break
            trail.append(current)
            current = groups[current].parent
        settled.update(trail)


def _cluster(under: list[_Group], prefix: tuple[str, ...], log: ConflictLog) -> list[_Node]:
    """Siblings with the same name become one code unless an input holds more than one."""
    by_name: dict[str, list[_Group]] = defaultdict(list)
    for group in under:
        by_name[group.name].append(group)
    taken = set(by_name)
    nodes: list[_Node] = []
    for name in sorted(by_name):
        clusters: list[_Node] = []
        for group in sorted(by_name[name], key=lambda g: g.uuid):
            home = next((c for c in clusters if not c.inputs & group.inputs), None)
            if home is None:
                home = _Node(name, (*prefix, name), [], set())
                clusters.append(home)
            home.members.append(group)
            home.inputs |= group.inputs
        for extra in clusters[1:]:
            number = 2
            while f"{name} ({number})" in taken:
                number += 1
            extra.name = f"{name} ({number})"
            extra.path = (*prefix, extra.name)
            taken.add(extra.name)
            log.add(
                "code name",
                f"code '{format_path(extra.path)}'",
                f"an input holds two different codes at '{format_path((*prefix, name))}' once "
                f"merged; this one was renamed '{extra.name}'",
                ((format_path(r.path), s) for m in extra.members for s, r in m.versions),
            )
        nodes.extend(clusters)
    return nodes


def _fields(node: _Node, uuid: str, parent: str | None, log: ConflictLog) -> CodeRow:
    versions = [v for member in node.members for v in member.versions]
    subject = f"code '{format_path(node.path)}'"
    chosen: dict[str, Any] = {}
    for name in (*TEXT_FIELDS, "keywords", "color"):
        pairs = ((getattr(row, name), source) for source, row in versions)
        chosen[name] = filled_first(pairs, "code definition", subject, name, log, _shown)
    chosen["archived"] = any(row.archived for _s, row in versions)
    chosen["codable"] = all(row.codable for _s, row in versions)
    for name, kept, rule in (
        ("archived", chosen["archived"], "archived in some inputs"),
        ("codable", chosen["codable"], "not codable in some inputs"),
    ):
        if len({getattr(row, name) for _s, row in versions}) > 1:
            log.add(
                "code status",
                subject,
                f"{rule}: kept {name} = {str(kept).lower()}",
                ((f"{name} = {str(getattr(r, name)).lower()}", s) for s, r in versions),
            )
    return CodeRow(
        path=node.path,
        uuid=uuid,
        parent=parent,
        position=min(row.position for _s, row in versions),
        created_at=min(row.created_at for _s, row in versions),
        **chosen,
    )


def _shown(value: Any) -> str:
    return ", ".join(value) if isinstance(value, tuple) else str(value)
