"""Storing a REFI-QDA file's codes (and sets, as memos), inside the caller's transaction.

Codes are matched to the project's by path, as a YAML codebook import does: a code already at
that path is the same code (its fields from the file update it; fields the file does not carry
are left alone), a new path becomes a new code that keeps the file's GUID as its uuid (which
the other code methods never set, so rows are written through the ORM here).

Sets have no table: each member code (or document) gets a memo ``Set: NAME`` (and the set's
description), written by the importing coder; members that are notes are skipped.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..formats import format_path
from ..store.models import Code, Memo, new_uuid
from .codes import load_tree
from .refi_model import RefiCode, RefiSet
from .refi_summary import ImportSummary, Skips

TEXT_FIELDS = ("definition", "inclusion", "exclusion", "example")


def taken_uuids(session: Session, column: Any, guids: Iterable[str | None]) -> set[str]:
    """Which of ``guids`` already identify a row in ``column``'s table."""
    wanted = sorted({g for g in guids if g})
    found: set[str] = set()
    if not wanted or session.scalar(select(column).limit(1)) is None:
        return found
    for i in range(0, len(wanted), 2000):
        found.update(session.scalars(select(column).where(column.in_(wanted[i : i + 2000]))))
    return found


class CodeWriter:
    """Adds or matches the codes of one file; ``by_guid`` maps the file's GUIDs to rows."""

    def __init__(self, session: Session, summary: ImportSummary, ours: bool) -> None:
        self.session = session
        self.summary = summary
        self.ours = ours
        self.tree = load_tree(session)
        self.by_path: dict[tuple[str, ...], Code] = {
            self.tree.paths[c.id]: c for c in self.tree.codes
        }
        self.positions: dict[int | None, int] = {}
        for code in self.tree.codes:
            current = self.positions.get(code.parent_id, -1)
            self.positions[code.parent_id] = max(current, code.position)
        self.claimed: set[tuple[str, ...]] = set()
        self.by_guid: dict[str, Code] = {}
        self.taken: set[str] = {c.uuid for c in self.tree.codes}

    def write(self, codes: list[RefiCode]) -> dict[str, Code]:
        stack: list[tuple[RefiCode, Code | None, tuple[str, ...]]] = [
            (c, None, ()) for c in reversed(codes)
        ]
        while stack:
            refi, parent, parent_path = stack.pop()
            row, path = self._one(refi, parent, parent_path)
            stack.extend((child, row, path) for child in reversed(refi.children))
        return self.by_guid

    def _one(
        self, refi: RefiCode, parent: Code | None, parent_path: tuple[str, ...]
    ) -> tuple[Code, tuple[str, ...]]:
        name = refi.name
        path = (*parent_path, name)
        suffix = 2
        while path in self.claimed:  # the file itself repeats a name among siblings
            name = f"{refi.name} ({suffix})"
            path = (*parent_path, name)
            suffix += 1
        if name != refi.name:
            self.summary.warnings.append(
                f"code '{format_path((*parent_path, refi.name))}' appears twice among its "
                f"siblings: the second is called '{name}'"
            )
        self.claimed.add(path)
        fields = self._fields(refi)
        row = self.by_path.get(path)
        if row is not None:
            changes = {k: v for k, v in fields.items() if getattr(row, k) != v}
            for key, value in changes.items():
                setattr(row, key, value)
            self.summary.matched["codes"] += 1
            if changes:
                self.summary.updated["codes"] += 1
        else:
            parent_id = parent.id if parent is not None else None
            position = self.positions.get(parent_id, -1) + 1
            self.positions[parent_id] = position
            uuid = refi.guid
            if uuid is None or uuid in self.taken:
                if uuid is not None:
                    self.summary.new_guids["codes"] += 1
                uuid = str(uuid_module.uuid4())
            self.taken.add(uuid)
            row = Code(uuid=uuid, parent_id=parent_id, name=name, position=position, **fields)
            self.session.add(row)
            self.session.flush()
            self.by_path[path] = row
            self.summary.added["codes"] += 1
        if refi.guid is not None:
            if refi.guid in self.by_guid:
                self.summary.warnings.append(
                    f"code GUID {refi.guid} is used twice in the file: codings go to the first"
                )
            else:
                self.by_guid[refi.guid] = row
        return row, path

    def _fields(self, refi: RefiCode) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for key in TEXT_FIELDS:
            if refi.fields.get(key):
                fields[key] = refi.fields[key]
        if self.ours:
            # Our own file says everything: an empty criterion is empty, not unknown.
            for key in TEXT_FIELDS:
                fields.setdefault(key, refi.fields.get(key, ""))
            fields["keywords"] = list(refi.fields.get("keywords", []))
            if "archived" in refi.fields:
                fields["archived"] = refi.fields["archived"]
            fields["color"] = refi.color
        elif refi.fields.get("keywords"):
            fields["keywords"] = list(refi.fields["keywords"])
        if refi.color is not None:
            fields["color"] = refi.color
        if refi.codable_given:
            fields["codable"] = refi.codable
        return fields


def sets_to_memos(
    session: Session,
    sets: list[RefiSet],
    codes: dict[str, Code],
    documents: dict[str, int],
    coder_id: Any,
    summary: ImportSummary,
    skipped: Skips,
) -> list[tuple[RefiSet, list[str]]]:
    """A memo ``Set: NAME`` on each member code and document; ``coder_id`` is called for the
    id of the coder who writes them (created only if a set has members). Returns each set with
    the uuids of its memos (an export writes the set back from them)."""
    existing = {
        (m.code_id, m.document_id, m.text): m.uuid
        for m in session.scalars(
            select(Memo).where(Memo.deleted_at.is_(None), Memo.text.startswith("Set: "))
        )
    }
    out: list[tuple[RefiSet, list[str]]] = []
    for refi_set in sets:
        uuids: list[str] = []
        out.append((refi_set, uuids))
        text = f"Set: {refi_set.name}"
        if refi_set.description.strip():
            text += f"\n\n{refi_set.description}"
        targets: list[tuple[int | None, int | None]] = []
        for guid in refi_set.codes:
            if guid in codes:
                targets.append((codes[guid].id, None))
            else:
                skipped.add("set members that are not in the file's codebook", refi_set.name)
        for guid in refi_set.sources:
            if guid in documents:
                targets.append((None, documents[guid]))
            else:
                skipped.add("set members that are sources not imported", refi_set.name)
        if refi_set.notes:
            skipped.add("set members that are notes (no memo on a memo)", n=len(refi_set.notes))
        for code_id, document_id in targets:
            if (code_id, document_id, text) in existing:
                summary.duplicates += 1
                uuids.append(existing[(code_id, document_id, text)])
                continue
            uuid = new_uuid()
            existing[(code_id, document_id, text)] = uuid
            uuids.append(uuid)
            session.add(
                Memo(
                    uuid=uuid,
                    coder_id=coder_id(),
                    code_id=code_id,
                    document_id=document_id,
                    text=text,
                )
            )
            summary.added["memos"] += 1
    return out
