"""Applying and removing codes on spans of documents, listing codings, bulk import.

Spans are code-point offsets into the stored text (Python ``str`` indices). A span may also be
given as a quote: its first occurrence is used, first exactly, then ignoring differences in
whitespace, case and typographic quotes and dashes (the offsets are still those of the text).
Removing a coding keeps the row with ``deleted_at`` set, so undo and the audit trail can see it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import ConflictError, Hint, NotFoundError, QualcodeError
from ..store.models import ORIGINS, Code, Coder, Coding, Document, Memo, Turn
from .codes import CodeTree, load_tree
from .core import ProjectCore, aware
from .records import CodingInfo

# Same-length substitutions so a match in the folded text has the same offsets in the original.
_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Offsets of the first occurrence of ``quote`` in ``text``, or None."""
    quote = quote.strip()
    if not quote:
        return None
    index = text.find(quote)
    if index >= 0:
        return index, index + len(quote)
    words = quote.translate(_FOLD).split()
    pattern = r"\s+".join(re.escape(w) for w in words)
    match = re.search(pattern, text.translate(_FOLD), flags=re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def _same_coding(exc: IntegrityError) -> bool:
    """Whether the unique index on active codings refused the row (PostgreSQL names the index,
    SQLite the columns)."""
    reason = str(exc.orig)
    return "uq_codings_active" in reason or "codings.document_id, codings.code_id" in reason


@dataclass(frozen=True)
class _Span:
    document: Document
    code: Code
    coder: Coder
    start: int
    end: int


class CodingMixin(ProjectCore):
    def _resolve_span(
        self,
        session: Session,
        tree: CodeTree,
        *,
        document: str,
        code: str,
        coder: str,
        start: int | None,
        end: int | None,
        quote: str | None,
        for_apply: bool,
    ) -> _Span:
        doc = self._document_row(session, document)
        code_row = tree.resolve(code)
        if for_apply and code_row.archived:
            raise QualcodeError(f"code '{tree.path(code_row)}' is archived; restore it to use it")
        if for_apply and not code_row.codable:
            raise QualcodeError(
                f"code '{tree.path(code_row)}' groups other codes and is not codable"
            )
        coder_row = self._coder(session, coder, create=for_apply)
        if quote is not None:
            if start is not None or end is not None:
                raise QualcodeError("give either a quote or start and end, not both")
            found = find_quote(doc.text, quote)
            if found is None:
                short = quote if len(quote) <= 60 else quote[:57] + "..."
                raise NotFoundError(f"document '{document}' does not contain \"{short}\"")
            start, end = found
        if start is None or end is None:
            raise QualcodeError("give the span as start and end offsets, or as a quote")
        if not 0 <= start < end <= len(doc.text):
            raise QualcodeError(
                f"span {start}-{end} is not inside document '{document}' "
                f"(offsets run from 0 to {len(doc.text)}, and start must be before end)"
            )
        return _Span(doc, code_row, coder_row, start, end)

    def _active(self, session: Session, span: _Span) -> Coding | None:
        return session.scalar(
            select(Coding).where(
                Coding.document_id == span.document.id,
                Coding.code_id == span.code.id,
                Coding.coder_id == span.coder.id,
                Coding.start == span.start,
                Coding.end == span.end,
                Coding.deleted_at.is_(None),
            )
        )

    def apply_code(
        self,
        *,
        document: str,
        code: str,
        coder: str,
        start: int | None = None,
        end: int | None = None,
        quote: str | None = None,
        origin: str = "manual",
    ) -> CodingInfo:
        """Code a span as ``coder`` (a new coder name is added). Committed when this returns.
        An identical active coding (same document, code, coder and span) is a ConflictError."""
        if origin not in ORIGINS:
            raise QualcodeError(f"origin '{origin}' is not one of {', '.join(ORIGINS)}")
        with self._write() as session:
            self._require_own(session, " ".join(coder.split()), "code in the name")
            tree = load_tree(session)
            span = self._resolve_span(
                session,
                tree,
                document=document,
                code=code,
                coder=coder,
                start=start,
                end=end,
                quote=quote,
                for_apply=True,
            )
            if self._active(session, span) is not None:
                raise ConflictError(
                    f"'{tree.path(span.code)}' is already coded at {span.start}-{span.end} "
                    f"in '{document}' by {span.coder.name}"
                )
            coding = self._insert_coding(session, span, origin)
            return self._coding_info(coding, span.document, tree.path(span.code), span.coder.name)

    def _insert_coding(
        self, session: Session, span: _Span, origin: str, actor: str | None = None
    ) -> Coding:
        coding = Coding(
            document_id=span.document.id,
            code_id=span.code.id,
            coder_id=span.coder.id,
            start=span.start,
            end=span.end,
            origin=origin,
        )
        names = (span.code.name, span.document.name, span.coder.name)  # usable after a failure
        session.add(coding)
        try:
            session.flush()
        except IntegrityError as exc:
            # Another writer made the same active coding since we looked (schema 0004's index).
            if not _same_coding(exc):
                raise
            raise ConflictError(
                f"'{names[0]}' is already coded at {span.start}-{span.end} in '{names[1]}' "
                f"by {names[2]}"
            ) from None
        self._audit(
            session,
            "coding.apply",
            "coding",
            coding.uuid,
            actor or span.coder.name,
            document=span.document.name,
            code=span.code.uuid,
            start=span.start,
            end=span.end,
            origin=origin,
        )
        return coding

    def remove_code(
        self,
        *,
        document: str,
        code: str,
        coder: str,
        start: int | None = None,
        end: int | None = None,
        quote: str | None = None,
    ) -> CodingInfo:
        """Remove the coder's coding of that code on exactly that span (kept as deleted)."""
        with self._write() as session:
            self._require_own(session, " ".join(coder.split()), "remove the codings")
            tree = load_tree(session)
            span = self._resolve_span(
                session,
                tree,
                document=document,
                code=code,
                coder=coder,
                start=start,
                end=end,
                quote=quote,
                for_apply=False,
            )
            coding = self._active(session, span)
            if coding is None:
                raise NotFoundError(
                    f"{coder} has no coding of '{tree.path(span.code)}' at "
                    f"{span.start}-{span.end} in '{document}'"
                )
            self._soft_delete(session, coding, span.coder.name)
            return self._coding_info(coding, span.document, tree.path(span.code), span.coder.name)

    def _soft_delete(self, session: Session, coding: Coding, actor: str) -> None:
        coding.deleted_at = datetime.now(UTC)
        self._audit(session, "coding.remove", "coding", coding.uuid, actor)

    def remove_coding(self, uuid: str) -> CodingInfo:
        """Remove one coding by its uuid (as the TUI does for the coding at the cursor)."""
        return self._set_deleted(uuid, deleted=True)

    def restore_coding(self, uuid: str) -> CodingInfo:
        """Bring a removed coding back (undo of a removal)."""
        return self._set_deleted(uuid, deleted=False)

    def _set_deleted(self, uuid: str, *, deleted: bool) -> CodingInfo:
        with self._write() as session:
            coding = session.scalar(select(Coding).where(Coding.uuid == uuid))
            if coding is None:
                raise NotFoundError(f"no coding with id {uuid}")
            self._require_own(session, coding.coder.name, "change the codings")
            if deleted and coding.deleted_at is None:
                self._soft_delete(session, coding, coding.coder.name)
            elif not deleted and coding.deleted_at is not None:
                coding.deleted_at = None
                self._audit(session, "coding.restore", "coding", coding.uuid, coding.coder.name)
            tree = load_tree(session)
            return self._coding_info(
                coding, coding.document, tree.path(coding.code), coding.coder.name
            )

    def change_coding(
        self,
        uuid: str,
        *,
        code: str | None = None,
        start: int | None = None,
        end: int | None = None,
    ) -> CodingInfo:
        """Give a coding another code or span, in one transaction: the old coding is removed
        (kept as deleted) and a new one made, so undo and the audit trail see both."""
        with self._write() as session:
            tree = load_tree(session)
            old = session.scalar(select(Coding).where(Coding.uuid == uuid))
            if old is None or old.deleted_at is not None:
                raise NotFoundError(f"no current coding with id {uuid}")
            self._require_own(session, old.coder.name, "change the codings")
            span = self._resolve_span(
                session,
                tree,
                document=old.document.name,
                code=code if code is not None else tree.path(old.code),
                coder=old.coder.name,
                start=old.start if start is None else start,
                end=old.end if end is None else end,
                quote=None,
                for_apply=True,
            )
            if self._active(session, span) is not None:
                raise ConflictError(
                    f"'{tree.path(span.code)}' is already coded at {span.start}-{span.end} "
                    f"by {span.coder.name}"
                )
            self._soft_delete(session, old, old.coder.name)
            new = self._insert_coding(session, span, old.origin)
            # Memos on the coding follow it to its new code or span.
            session.execute(update(Memo).where(Memo.coding_id == old.id).values(coding_id=new.id))
            return self._coding_info(new, span.document, tree.path(span.code), span.coder.name)

    def swap_codings(self, remove: str, restore: str) -> list[CodingInfo]:
        """Undo or redo a change in one transaction: remove one coding, bring back another, and
        move the memos of the first to the second. Returns both, removed first."""
        with self._write() as session:
            gone = session.scalar(select(Coding).where(Coding.uuid == remove))
            back = session.scalar(select(Coding).where(Coding.uuid == restore))
            if gone is None or back is None:
                raise NotFoundError(f"no coding with id {remove if gone is None else restore}")
            for owner in (gone.coder.name, back.coder.name):
                self._require_own(session, owner, "change the codings")
            if gone.deleted_at is None:
                self._soft_delete(session, gone, gone.coder.name)
            if back.deleted_at is not None:
                back.deleted_at = None
                self._audit(session, "coding.restore", "coding", back.uuid, back.coder.name)
            session.execute(update(Memo).where(Memo.coding_id == gone.id).values(coding_id=back.id))
            tree = load_tree(session)
            return [
                self._coding_info(c, c.document, tree.path(c.code), c.coder.name)
                for c in (gone, back)
            ]

    @staticmethod
    def _coding_info(coding: Coding, doc: Document, path: str, coder: str) -> CodingInfo:
        return CodingInfo(
            document=doc.name,
            code=path,
            coder=coder,
            start=coding.start,
            end=coding.end,
            text=doc.text[coding.start : coding.end],
            origin=coding.origin,
            uuid=coding.uuid,
            created_at=aware(coding.created_at),
            deleted_at=aware(coding.deleted_at) if coding.deleted_at else None,
            favourite=coding.favourite,
        )

    def set_favourite(self, uuid: str, favourite: bool = True) -> CodingInfo:
        """Mark (or unmark) a coding as a favourite quote for the write-up; audited."""
        with self._write() as session:
            coding = session.scalar(select(Coding).where(Coding.uuid == uuid))
            if coding is None:
                raise NotFoundError(f"no coding with id {uuid}")
            self._require_own(session, coding.coder.name, "mark the quotes")
            if coding.favourite != favourite:
                coding.favourite = favourite
                self._audit(session, "coding.favourite", "coding", coding.uuid, favourite=favourite)
            tree = load_tree(session)
            return self._coding_info(
                coding, coding.document, tree.path(coding.code), coding.coder.name
            )

    def codings(
        self,
        *,
        document: str | None = None,
        coder: str | None = None,
        code: str | None = None,
        coders: Sequence[str] | None = None,
        include_deleted: bool = False,
    ) -> list[CodingInfo]:
        """Codings in document order, filtered by document, coder (or several ``coders``) and
        code (that code itself, not its descendants)."""
        with self._read() as session:
            if self._blind_for_actor(session):  # only one's own codings while coding is blind
                if coder not in (None, self.actor) or (coders and self.actor not in coders):
                    return []
                coder, coders = self.actor, None
            tree = load_tree(session)
            # Plain columns, not ORM objects: a view of 10,000+ codings loads several times faster.
            query = select(
                Coding.uuid,
                Coding.document_id,
                Coding.code_id,
                Coder.name,
                Coding.start,
                Coding.end,
                Coding.origin,
                Coding.created_at,
                Coding.deleted_at,
                Coding.favourite,
            ).join(Coder, Coding.coder_id == Coder.id)
            if document is not None:
                doc_id = session.scalar(select(Document.id).where(Document.name == document))
                if doc_id is None:
                    raise NotFoundError(f"no document named '{document}'", Hint("documents"))
                query = query.where(Coding.document_id == doc_id)
            if coder is not None:
                query = query.where(Coder.name == coder)
            if coders is not None:
                query = query.where(Coder.name.in_(list(coders)))
            if code is not None:
                query = query.where(Coding.code_id == tree.resolve(code).id)
            if not include_deleted:
                query = query.where(Coding.deleted_at.is_(None))
            rows = session.execute(query).all()
            doc_ids = {r.document_id for r in rows}
            texts = select(Document.id, Document.name, Document.text).where(
                Document.id.in_(doc_ids)
            )
            docs = {d: (n, t) for d, n, t in session.execute(texts).all()}
            paths = {c.id: tree.path(c) for c in tree.codes}
            out = [
                CodingInfo(
                    document=docs[r.document_id][0],
                    code=paths[r.code_id],
                    coder=r.name,
                    start=r.start,
                    end=r.end,
                    text=docs[r.document_id][1][r.start : r.end],
                    origin=r.origin,
                    uuid=r.uuid,
                    created_at=aware(r.created_at),
                    deleted_at=aware(r.deleted_at) if r.deleted_at else None,
                    favourite=r.favourite,
                )
                for r in rows
            ]
            out.sort(key=lambda i: (i.document, i.start, i.end, i.code, i.coder))
            return out

    def progress(self, coder: str) -> dict[str, float]:
        """Per document, the share of turns (by body) that ``coder`` has coded at least once."""
        with self._read() as session:
            spans: dict[int, list[tuple[int, int]]] = {}
            rows = session.execute(
                select(Coding.document_id, Coding.start, Coding.end)
                .join(Coder, Coding.coder_id == Coder.id)
                .where(Coder.name == coder, Coding.deleted_at.is_(None))
            )
            for doc_id, start, end in rows:
                spans.setdefault(doc_id, []).append((start, end))
            names = dict(session.execute(select(Document.id, Document.name)).all())
            totals: dict[int, list[int]] = {doc_id: [0, 0] for doc_id in names}
            turns = session.execute(
                select(Turn.document_id, Turn.body_start, Turn.end).order_by(
                    Turn.document_id, Turn.ordinal
                )
            )
            # Per document: codings sorted by start with a running maximum of their ends, so a
            # turn is covered when some coding starting before its end ends after its start.
            index: dict[int, tuple[list[int], list[int]]] = {}
            for doc_id, pieces in spans.items():
                pieces.sort()
                reach, top = [], -1
                for _start, stop in pieces:
                    top = max(top, stop)
                    reach.append(top)
                index[doc_id] = ([p[0] for p in pieces], reach)
            for doc_id, body_start, end in turns:
                totals[doc_id][1] += 1
                starts, reach = index.get(doc_id, ([], []))
                before = bisect_left(starts, end)
                if before and reach[before - 1] > body_start:
                    totals[doc_id][0] += 1
            return {
                names[doc_id]: (done / total if total else 0.0)
                for doc_id, (done, total) in totals.items()
            }
