"""The code tree as the reports see it: arrays in codebook order, with the roll-up edges."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..formats import format_path
from ..project.snapshot import CodeRow, codebook_order


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
    uuids: tuple[str, ...] = ()

    def __len__(self) -> int:
        return int(self.db_id.size)

    @property
    def paths(self) -> list[str]:
        return [format_path(n) for n in self.names]

    @property
    def depth(self) -> np.ndarray:
        return np.array([len(n) - 1 for n in self.names], dtype=np.int64)

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


def code_table(codes: Iterable[CodeRow]) -> CodeTable:
    """The table of a snapshot's codes."""
    ordered = codebook_order(codes)
    index = {c.id: i for i, c in enumerate(ordered)}
    return CodeTable(
        db_id=np.array([c.id for c in ordered], dtype=np.int64),
        parent=np.array(
            [-1 if c.parent_id is None else index[c.parent_id] for c in ordered], dtype=np.int64
        ),
        names=tuple(c.path for c in ordered),
        fields=tuple(
            {
                "definition": c.definition,
                "inclusion": c.inclusion,
                "exclusion": c.exclusion,
                "example": c.example,
                "archived": bool(c.archived),
            }
            for c in ordered
        ),
        uuids=tuple(c.uuid for c in ordered),
    )
