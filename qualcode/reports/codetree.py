"""The code tree as the reports see it: arrays in codebook order, with the roll-up edges."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select

from ..codebook import format_path
from ..store.models import Code

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True, eq=False)
class CodeTable:
    """The code tree in codebook order (depth first, siblings by position)."""

    db_id: np.ndarray
    parent: np.ndarray
    """Index of the parent code, -1 for a top-level code (a theme)."""
    names: tuple[tuple[str, ...], ...]
    """Names from the root, per code."""
    fields: tuple[dict[str, Any], ...]
    """definition, inclusion, exclusion, example, archived."""

    def __len__(self) -> int:
        return int(self.db_id.size)

    @property
    def paths(self) -> list[str]:
        return [format_path(n) for n in self.names]

    @property
    def depth(self) -> np.ndarray:
        return np.array([len(n) - 1 for n in self.names], dtype=np.int64)

    @property
    def has_children(self) -> np.ndarray:
        out = np.zeros(len(self), dtype=bool)
        out[self.parent[self.parent >= 0]] = True
        return out

    def root(self) -> np.ndarray:
        """The top-level ancestor (the theme) of each code; a top-level code is its own."""
        out = np.arange(len(self))
        for _ in range(max((len(n) for n in self.names), default=1)):
            up = self.parent[out]
            out = np.where(up >= 0, up, out)
        return out

    def ancestors(self) -> tuple[np.ndarray, np.ndarray]:
        """Edges (code, ancestor-or-self) for every code: the roll-up of a theme."""
        src: list[int] = []
        dst: list[int] = []
        for index in range(len(self)):
            node = index
            while node >= 0:
                src.append(index)
                dst.append(node)
                node = int(self.parent[node])
        return np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)


def code_table(session: Session) -> CodeTable:
    rows = session.execute(
        select(
            Code.id,
            Code.parent_id,
            Code.name,
            Code.position,
            Code.definition,
            Code.inclusion,
            Code.exclusion,
            Code.example,
            Code.archived,
        )
    ).all()
    children: dict[int | None, list[Any]] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)
    ordered: list[tuple[Any, tuple[str, ...], int]] = []

    def visit(parent: int | None, prefix: tuple[str, ...], parent_index: int) -> None:
        for row in sorted(children.get(parent, []), key=lambda r: (r.position, r.id)):
            names = (*prefix, row.name)
            ordered.append((row, names, parent_index))
            visit(row.id, names, len(ordered) - 1)

    visit(None, (), -1)
    return CodeTable(
        db_id=np.array([r.id for r, _, _ in ordered], dtype=np.int64),
        parent=np.array([p for _, _, p in ordered], dtype=np.int64),
        names=tuple(n for _, n, _ in ordered),
        fields=tuple(
            {
                "definition": r.definition,
                "inclusion": r.inclusion,
                "exclusion": r.exclusion,
                "example": r.example,
                "archived": bool(r.archived),
            }
            for r, _, _ in ordered
        ),
    )
