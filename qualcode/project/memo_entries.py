"""Memos with what they are about, described for a reader: the memo browser's list.

A coding's memo says its code, document and first words, and where to open the transcript;
a document's, code's and case's memo name their target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..store.models import Coding, Document
from .codes import load_tree
from .core import ProjectCore
from .records import MemoInfo, Record


@dataclass(frozen=True)
class MemoEntry(Record):
    """A memo with what it is about, described for a reader (the memo browser)."""

    memo: MemoInfo
    about: str
    """'project', the document or case name, the code path, or for a coding its code, document
    and first words."""
    document: str | None = None
    """The document to open: a document memo's, or a coding memo's coding's."""
    code: str | None = None
    start: int | None = None
    end: int | None = None


class MemoEntriesMixin(ProjectCore):
    if TYPE_CHECKING:  # defined by MemosMixin, another base of Project

        def memos(
            self,
            *,
            target_type: str | None = None,
            target: str | None = None,
            coder: str | None = None,
        ) -> list[MemoInfo]: ...

    def memo_entries(
        self,
        *,
        text: str | None = None,
        kind: str | None = None,
        coder: str | None = None,
        uuids: Sequence[str] | None = None,
    ) -> list[MemoEntry]:
        """Every current memo (project, document, code, coding, case), oldest first, with what
        it is about; filtered by words of its text (ignoring case), kind, author and uuids."""
        memos = self.memos(target_type=kind, coder=coder)
        if uuids is not None:
            wanted = set(uuids)
            memos = [m for m in memos if m.uuid in wanted]
        if text:
            needle = text.casefold()
            memos = [m for m in memos if needle in m.text.casefold()]
        uuids = [m.target for m in memos if m.target_type == "coding" and m.target]
        codings: dict[str, tuple[str, str, int, int, str]] = {}
        with self._read() as session:
            tree = load_tree(session)
            for start in range(0, len(uuids), 900):
                for uuid, doc, code_id, begin, end in session.execute(
                    select(Coding.uuid, Document.name, Coding.code_id, Coding.start, Coding.end)
                    .join(Document, Coding.document_id == Document.id)
                    .where(Coding.uuid.in_(uuids[start : start + 900]))
                ):
                    codings[uuid] = (doc, code_id, begin, end, "")
            paths = {c.id: tree.path(c) for c in tree.codes}
            texts = dict(
                session.execute(
                    select(Document.name, Document.text).where(
                        Document.name.in_({c[0] for c in codings.values()})
                    )
                ).all()
            )
        out = []
        for memo in memos:
            if memo.target_type == "coding" and memo.target in codings:
                doc, code_id, begin, end, _ = codings[memo.target]
                words = " ".join(texts[doc][begin:end].split()[:8])
                about = f"{paths[code_id]} in {doc}: “{words}…”"
                out.append(MemoEntry(memo, about, doc, paths[code_id], begin, end))
            elif memo.target_type == "document":
                out.append(MemoEntry(memo, memo.target or "", document=memo.target))
            elif memo.target_type == "code":
                out.append(MemoEntry(memo, memo.target or "", code=memo.target))
            else:
                out.append(MemoEntry(memo, memo.target or "the project"))
        return out
