"""Codings and memos: each coder's layer, merged without mixing coders.

A coding is (output document, output code, coder name, start, end): the same key in several
inputs is one coding. Its inputs may disagree on whether it was removed (``deleted_at``): the
latest event wins, that is the removal time of a removed version or the creation time of a
current one (ties: current). A restore (undo of a removal) is not dated on the row, so it
counts from the coding's creation. The coding keeps the UUID, origin and times of the winning
version, and is a favourite if any input marked it. Removed codings are merged like current
ones, so nothing an input holds is lost.

A memo is its UUID; the version with the latest edit or removal wins, and keeps its earliest
creation time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from .merge_report import ConflictLog
from .rules import made_up
from .snapshot import CodingRow, MemoRow, Snapshot

Key = tuple[str, str, str, int, int]
"""A coding: (output document UUID, output code UUID, coder, start, end)."""


def _last_event(row: CodingRow | MemoRow) -> datetime:
    if isinstance(row, MemoRow):
        return max(row.updated_at, row.deleted_at or row.updated_at)
    return row.deleted_at or row.created_at


def _state(row: CodingRow | MemoRow) -> str:
    if row.deleted_at is not None:
        return f"removed {row.deleted_at:%Y-%m-%d %H:%M:%S} UTC"
    return f"current since {_last_event(row):%Y-%m-%d %H:%M:%S} UTC"


def merge_codings(
    snapshots: Sequence[Snapshot],
    code_uuid: dict[str, str],
    document_uuid: dict[tuple[int, str], str],
    names: dict[str, str],
    paths: dict[str, str],
    log: ConflictLog,
) -> tuple[list[tuple[CodingRow, frozenset[int]]], dict[tuple[int, str], str]]:
    keyed: dict[Key, list[tuple[int, str, CodingRow]]] = defaultdict(list)
    key_of: dict[tuple[int, str], Key] = {}
    for index, snapshot in enumerate(snapshots):
        for row in snapshot.codings:
            document = document_uuid[(index, row.document)]
            key = (document, code_uuid[row.code], row.coder, row.start, row.end)
            keyed[key].append((index, snapshot.source, row))
            key_of[(index, row.uuid)] = key

    def latest(rows: Iterable[CodingRow]) -> CodingRow:
        return max(rows, key=lambda r: (_last_event(r), r.deleted_at is None, r.uuid))

    out: list[tuple[CodingRow, frozenset[int]]] = []
    uuid_of: dict[Key, str] = {}
    seen: set[str] = set()
    for key in sorted(keyed):
        versions = keyed[key]
        won = latest(r for _i, _s, r in versions)
        subject = (
            f"{key[2]}'s coding of '{paths[key[1]]}' at {key[3]}-{key[4]} in '{names[key[0]]}'"
        )
        per_input = {i: latest(r for j, _s, r in versions if j == i) for i, _s, _r in versions}
        if len({r.deleted_at is None for r in per_input.values()}) > 1:
            kept = "removed" if won.deleted_at else "current"
            log.add(
                "coding removed",
                subject,
                f"removed in some inputs only; the latest event wins: kept {kept}",
                ((_state(r), snapshots[i].source) for i, r in per_input.items()),
            )
        uuid = won.uuid
        if uuid in seen:
            uuid = made_up("coding", won.uuid, key)
            log.add(
                "coding identity",
                subject,
                "the same coding (by UUID) has another code, text or span in another input "
                "(a code merged, or a text pseudonymised, in one copy); both are kept",
                ((f"UUID {won.uuid}, in the output {uuid}", s) for _i, s, _r in versions),
            )
        seen.add(uuid)
        uuid_of[key] = uuid
        favourite = any(r.favourite for _i, _s, r in versions)
        row = CodingRow(
            key[0],
            key[1],
            key[2],
            key[3],
            key[4],
            uuid,
            won.origin,
            favourite,
            won.created_at,
            won.deleted_at,
        )
        out.append((row, frozenset(i for i, _s, _r in versions)))
    return out, {where: uuid_of[key] for where, key in key_of.items()}


def merge_memos(
    snapshots: Sequence[Snapshot],
    code_uuid: dict[str, str],
    document_uuid: dict[tuple[int, str], str],
    coding_uuid: dict[tuple[int, str], str],
    log: ConflictLog,
) -> list[tuple[MemoRow, frozenset[int]]]:
    by_uuid: dict[str, list[tuple[int, str, MemoRow]]] = defaultdict(list)
    for index, snapshot in enumerate(snapshots):
        for row in snapshot.memos:
            by_uuid[row.uuid].append((index, snapshot.source, row))
    out = []
    for uuid, versions in sorted(by_uuid.items()):
        index, _source, won = max(
            versions,
            key=lambda v: (
                _last_event(v[2]),
                v[2].deleted_at is not None,
                v[2].text,
                v[2].coder,
                v[2].target_type,
                v[2].target or "",
            ),
        )
        subject = f"memo {uuid} by {won.coder} on the {won.target_type}"
        if len({r.text for _i, _s, r in versions}) > 1:
            log.add(
                "memo text",
                subject,
                "edited differently in the inputs; the latest edit is kept",
                ((r.text, s) for _i, s, r in versions),
            )
        if len({r.deleted_at is None for _i, _s, r in versions}) > 1:
            kept = "removed" if won.deleted_at else "current"
            log.add(
                "memo removed",
                subject,
                f"removed in some inputs only; the latest event wins: kept {kept}",
                ((_state(r), s) for _i, s, r in versions),
            )
        target = won.target
        if won.target_type == "document" and target is not None:
            target = document_uuid[(index, target)]
        elif won.target_type == "code" and target is not None:
            target = code_uuid[target]
        elif won.target_type == "coding" and target is not None:
            target = coding_uuid[(index, target)]
        row = replace(won, target=target, created_at=min(r.created_at for _i, _s, r in versions))
        out.append((row, frozenset(i for i, _s, _r in versions)))
    return out
