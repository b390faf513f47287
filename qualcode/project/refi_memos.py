"""Storing a REFI-QDA file's notes as memos: on what a ``NoteRef`` names, else on the project.

A ``NoteRef`` on a code, a text source, a coding or a selection puts the memo there (a
selection's memo goes on its first coding). REFI cases cannot hold a ``NoteRef``, so a note
linked to a case by a ``Link`` (how qualcode exports memos on cases) becomes a memo on that
case. A note referred to from several places becomes one memo per place; the first keeps the
note's GUID. A selection's ``Description`` (ATLAS.ti and MAXQDA comments) becomes a memo on the
coding, or on the document with the quoted span when the selection has no coding. A note on a
selection without a coding goes on the document, and its span is remembered (``keep``), as are
a titled note's name and the descriptions of the project and its sources (memos on the project
and the documents), so that an export gives them back as they came.
"""

from __future__ import annotations

import uuid as uuid_module
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.models import Coder, Document, Memo, new_uuid
from . import refi_keep as keep
from .refi_codes import taken_uuids
from .refi_keep import GUID_NAMESPACE
from .refi_model import RefiProject
from .refi_summary import ImportSummary, Skips


class _Writer(Protocol):
    """What the memo writer uses of the project writer (``refi_writer._Writer``), which
    imports this module: a protocol, so the two do not import each other."""

    session: Session
    parsed: RefiProject
    summary: ImportSummary
    skipped: Skips
    documents: dict[str, Document]

    def coder_for(self, guid: str | None) -> Coder: ...

    def remember(self, key: str, value: str) -> None: ...

    def _uuid(self, guid: str | None, taken: set[str], kind: str) -> str: ...


_QUOTE = 80


class MemoWriter:
    def __init__(self, writer: _Writer, codes: dict[str, Any]) -> None:
        self.writer = writer
        self.codes = codes
        parsed = writer.parsed
        self.targets: dict[str, list[tuple[str, str | None]]] = {}
        self.spans: dict[tuple[str, str], tuple[int, int, str | None]] = {}
        """(note GUID, source GUID) -> the span of a selection without a coding it was on."""
        stack = list(parsed.codebook.codes)
        while stack:
            code = stack.pop()
            for note in code.note_refs:
                self._add(note, "code", code.guid)
            stack.extend(code.children)
        for source in parsed.sources:
            for note in source.note_refs:
                self._add(note, "document", source.guid)
            for coding in source.codings:
                for note in coding.note_refs:
                    self._add(note, "coding", coding.guid)
            for note, first, start, end, selection in source.selection_notes:
                self._add(note, "coding" if first else "document", first or source.guid)
                if not first:
                    self.spans[(note, source.guid)] = (start, end, selection)
        for note in parsed.project_notes:
            self._add(note, "project", None)
        notes = {n.guid for n in parsed.notes}
        for origin, target in parsed.links:
            if origin in notes:
                self._add(origin, "link", target)

    def _add(self, note: str, kind: str, key: str | None) -> None:
        self.targets.setdefault(note, []).append((kind, key))

    def coding_targets(self) -> set[str]:
        """GUIDs of codings a memo may go on (notes and selection comments)."""
        keys = {key for targets in self.targets.values() for _kind, key in targets if key}
        keys.update(c.coding for s in self.writer.parsed.sources for c in s.comments if c.coding)
        return keys

    def write(self, coding_ids: dict[str, int]) -> None:
        writer = self.writer
        session = writer.session
        existing: set[tuple[Any, ...]] = {
            (m.document_id, m.code_id, m.coding_id, m.case_id, m.text)
            for m in session.scalars(select(Memo).where(Memo.deleted_at.is_(None)))
        }
        planned = []
        for note in writer.parsed.notes:
            for index, (kind, key) in enumerate(self.targets.get(note.guid, [("project", None)])):
                # A note on several things: the copies get uuids derived from the note's GUID,
                # so importing the file again recognises them too.
                guid = (
                    note.guid
                    if index == 0
                    else str(uuid_module.uuid5(GUID_NAMESPACE, f"{note.guid}:{kind}:{key}"))
                )
                planned.append((note, kind, key, guid))
        taken = taken_uuids(session, Memo.uuid, (p[3] for p in planned))
        now = datetime.now(UTC)
        for note, kind, key, guid in planned:
            refs = self._resolve(kind, key, coding_ids)
            if refs is None:
                writer.skipped.add("note targets that were not imported (memo on the project)")
                refs = {}
            row_key = tuple(
                refs.get(c) for c in ("document_id", "code_id", "coding_id", "case_id")
            ) + (note.text,)
            if guid in taken and row_key in existing:  # this very note was imported before
                writer.summary.duplicates += 1
                continue
            existing.add(row_key)
            created = note.created or now
            uuid = writer._uuid(guid, taken, "memos")
            session.add(
                Memo(
                    uuid=uuid,
                    coder_id=writer.coder_for(note.user).id,
                    text=note.text,
                    created_at=created,
                    updated_at=note.modified or created,
                    **refs,
                )
            )
            writer.summary.added["memos"] += 1
            if note.keep_name:
                writer.remember(keep.NOTE_TITLE + uuid, keep.dump([note.name, note.titled]))
            span = self.spans.get((note.guid, key or "")) if kind == "document" else None
            if span is not None:
                writer.remember(keep.NOTE_SPAN + uuid, keep.dump(list(span)))
        for source in writer.parsed.sources:
            document = writer.documents.get(source.guid)
            if document is None:
                continue
            for comment in source.comments:
                coding_id = coding_ids.get(comment.coding or "")
                if coding_id is not None:
                    refs, text = {"coding_id": coding_id}, comment.text
                else:
                    quote = " ".join(document.text[comment.start : comment.end].split())
                    quote = quote if len(quote) <= _QUOTE else quote[: _QUOTE - 1] + "…"
                    refs = {"document_id": document.id}
                    text = f"“{quote}” ({comment.start}–{comment.end}): {comment.text}"
                row_key = (refs.get("document_id"), None, refs.get("coding_id"), None, text)
                if row_key in existing:
                    writer.summary.duplicates += 1
                    continue
                existing.add(row_key)
                created = comment.created or now
                session.add(
                    Memo(
                        coder_id=writer.coder_for(comment.user).id,
                        text=text,
                        created_at=created,
                        updated_at=created,
                        **refs,
                    )
                )
                writer.summary.added["memos"] += 1
        session.flush()

    def descriptions(self) -> None:
        """The project's and each source's ``Description`` as a memo on the project or the
        document, remembered as a description so that an export writes it back as one."""
        writer = self.writer
        wanted: list[tuple[str, dict[str, int], str]] = []
        if writer.parsed.description:
            wanted.append(("project", {}, writer.parsed.description))
        for source in writer.parsed.sources:
            document = writer.documents.get(source.guid)
            if source.description and document is not None:
                wanted.append(("source", {"document_id": document.id}, source.description))
        if not wanted:
            return
        session = writer.session
        for what, refs, text in wanted:
            found = session.scalar(
                select(Memo)
                .where(
                    Memo.deleted_at.is_(None),
                    Memo.text == text,
                    Memo.document_id.is_(None)
                    if not refs
                    else Memo.document_id == refs["document_id"],
                    Memo.code_id.is_(None),
                    Memo.coding_id.is_(None),
                    Memo.case_id.is_(None),
                )
                .limit(1)
            )
            if found is not None:
                writer.summary.duplicates += 1
                continue
            uuid = new_uuid()
            session.add(Memo(uuid=uuid, coder_id=writer.fallback().id, text=text, **refs))
            writer.remember(keep.DESCRIPTION + uuid, what)
            writer.summary.added["memos"] += 1
        session.flush()

    def _resolve(
        self, kind: str, key: str | None, coding_ids: dict[str, int]
    ) -> dict[str, int] | None:
        writer = self.writer
        if kind == "project":
            return {}
        if key is None:
            return None
        if kind in ("code", "link") and key in self.codes:
            return {"code_id": self.codes[key].id}
        if kind in ("document", "link") and key in writer.documents:
            return {"document_id": writer.documents[key].id}
        if kind in ("coding", "link") and key in coding_ids:
            return {"coding_id": coding_ids[key]}
        if kind == "link" and key in writer.cases:
            return {"case_id": writer.cases[key].id}
        return None
