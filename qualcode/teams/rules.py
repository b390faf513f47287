"""The choices a merge makes wherever inputs disagree, shared by every kind of row.

Each rule picks the least element of the set of versions under an order fixed by their content,
never by which input came first; that is what makes a merge independent of the order of its
inputs and idempotent (the output holds the winners, which win again).
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, TypeVar

from .merge_report import ConflictLog

NAMESPACE = uuid_module.UUID("fa2ca0e6-3be3-4066-9d4f-43540b161b02")
"""For the UUIDs the merge has to make up (uuid5 of what the row is: the same every time)."""

T = TypeVar("T")


def filled_first(
    pairs: Iterable[tuple[Any, str]],
    kind: str,
    subject: str,
    what: str,
    log: ConflictLog,
    show: Callable[[Any], str] = str,
) -> Any:
    """Of (value, input) pairs: a filled-in value beats an empty one (None, '', ()), and of
    two different filled-in values the one that sorts first is kept and both are reported. An
    empty value is no disagreement: that input simply has nothing written there."""
    pairs = list(pairs)
    filled = sorted({v for v, _s in pairs if v})
    if len(filled) > 1:
        kept = show(filled[0])
        log.add(
            kind,
            subject,
            f"the {what} differs; kept the one that sorts first: "
            f"“{kept if len(kept) <= 80 else kept[:79] + '…'}”",
            ((show(v), s) for v, s in pairs if v),
        )
    if filled:
        return filled[0]
    return next((v for v, _s in pairs), None)


def made_up(kind: str, *parts: object) -> str:
    """A UUID for a row that needs a new one, the same for the same row every time."""
    return str(uuid_module.uuid5(NAMESPACE, "|".join([kind, *map(str, parts)])))


def unique_uuids(rows: Iterable[T], key: Callable[[T], Any]) -> list[T]:
    """Rows in ``key`` order; a UUID held by two different rows (one copy renamed a case that
    another did not) stays with the first, and the others get one made up from their key."""
    seen: set[str] = set()
    out: list[T] = []
    for row in sorted(rows, key=key):
        uuid = row.uuid  # type: ignore[attr-defined]
        if uuid in seen:
            row = replace(row, uuid=made_up(type(row).__name__, uuid, key(row)))  # type: ignore[type-var]
        seen.add(row.uuid)  # type: ignore[attr-defined]
        out.append(row)
    return out
