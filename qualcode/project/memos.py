"""Memos: a coder's free text on the project, a document, a code, a coding or a case."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Hint, NotFoundError, QualcodeError
from ..store.models import Case, Coder, Coding, Document, Memo
from .codes import load_tree
from .core import ProjectCore, aware
from .records import MemoInfo

MEMO_TARGETS = ("project", "document", "code", "coding", "case")


class MemosMixin(ProjectCore):
    def _memo_target(
        self, session: Session, target_type: str, target: str | None
    ) -> dict[str, int]:
        if target_type not in MEMO_TARGETS:
            raise QualcodeError(
                f"a memo is on one of {', '.join(MEMO_TARGETS)}, not '{target_type}'"
            )
        if target_type == "project":
            return {}
        if not target:
            raise QualcodeError(f"say which {target_type} the memo is on")
        if target_type == "document":
            row = session.scalar(select(Document.id).where(Document.name == target))
        elif target_type == "code":
            row = load_tree(session).resolve(target).id
        elif target_type == "coding":
            row = session.scalar(select(Coding.id).where(Coding.uuid == target))
        else:
            row = session.scalar(select(Case.id).where(Case.name == target))
        if row is None:
            raise NotFoundError(f"no {target_type} '{target}'")
        return {f"{target_type}_id": row}

    def add_memo(
        self, text: str, *, coder: str, target_type: str = "project", target: str | None = None
    ) -> MemoInfo:
        if not text.strip():
            raise QualcodeError("a memo cannot be empty")
        with self._write() as session:
            self._require_own(session, " ".join(coder.split()), "write memos in the name")
            refs = self._memo_target(session, target_type, target)
            coder_row = self._coder(session, coder)
            memo = Memo(coder_id=coder_row.id, text=text, **refs)
            session.add(memo)
            session.flush()
            self._audit(
                session,
                "memo.create",
                "memo",
                memo.uuid,
                coder_row.name,
                target_type=target_type,
                target=target,
                text=text,
            )
            uuid = memo.uuid
        return self.memo(uuid)

    def edit_memo(self, uuid: str, text: str, *, coder: str | None = None) -> MemoInfo:
        if not text.strip():
            raise QualcodeError("a memo cannot be empty (delete it instead)")
        with self._write() as session:
            memo = self._memo_row(session, uuid)
            self._require_memo_owner(session, memo, coder, "edit the memos")
            old = memo.text
            memo.text = text
            memo.updated_at = datetime.now(UTC)
            self._audit(session, "memo.update", "memo", uuid, coder, old=old, new=text)
        return self.memo(uuid)

    def delete_memo(self, uuid: str, *, coder: str | None = None) -> None:
        with self._write() as session:
            memo = self._memo_row(session, uuid)
            self._require_memo_owner(session, memo, coder, "delete the memos")
            memo.deleted_at = datetime.now(UTC)
            self._audit(session, "memo.delete", "memo", uuid, coder)

    def restore_memo(self, uuid: str, *, coder: str | None = None) -> MemoInfo:
        with self._write() as session:
            memo = self._memo_row(session, uuid, include_deleted=True)
            self._require_memo_owner(session, memo, coder, "restore the memos")
            memo.deleted_at = None
            self._audit(session, "memo.restore", "memo", uuid, coder)
        return self.memo(uuid)

    def _require_memo_owner(
        self, session: Session, memo: Memo, coder: str | None, what: str
    ) -> None:
        """A coder changes their own memos, and names no one else as doing it (the audit
        trail would name them)."""
        self._require_own(session, memo.coder.name, what)
        if coder is not None:
            self._require_own(session, " ".join(coder.split()), "act in the name")

    def _memo_row(self, session: Session, uuid: str, *, include_deleted: bool = False) -> Memo:
        memo = session.scalar(select(Memo).where(Memo.uuid == uuid))
        if memo is None or (memo.deleted_at is not None and not include_deleted):
            raise NotFoundError(f"no memo with id {uuid}", Hint("memo-list"))
        return memo

    def memo(self, uuid: str) -> MemoInfo:
        found = self._memo_infos(uuid=uuid)
        if not found:
            raise NotFoundError(f"no memo with id {uuid}", Hint("memo-list"))
        return found[0]

    def memos(
        self, *, target_type: str | None = None, target: str | None = None, coder: str | None = None
    ) -> list[MemoInfo]:
        """Current memos, oldest first, filtered in SQL by what they are on and by coder."""
        return self._memo_infos(target_type=target_type, target=target, coder=coder)

    def _memo_infos(
        self,
        *,
        target_type: str | None = None,
        target: str | None = None,
        coder: str | None = None,
        uuid: str | None = None,
    ) -> list[MemoInfo]:
        with self._read() as session:
            tree = load_tree(session)
            query = (
                select(Memo, Coder.name, Document.name, Case.name, Coding.uuid)
                .join(Coder, Memo.coder_id == Coder.id)
                .outerjoin(Document, Memo.document_id == Document.id)
                .outerjoin(Case, Memo.case_id == Case.id)
                .outerjoin(Coding, Memo.coding_id == Coding.id)
                .where(Memo.deleted_at.is_(None))
                .order_by(Memo.created_at, Memo.id)
            )
            if uuid is not None:
                query = query.where(Memo.uuid == uuid)
            if coder:
                query = query.where(Coder.name == coder)
            columns = {
                "document": Memo.document_id,
                "code": Memo.code_id,
                "coding": Memo.coding_id,
                "case": Memo.case_id,
            }
            if target_type == "project":
                for column in columns.values():
                    query = query.where(column.is_(None))
            elif target_type is not None:
                if target_type not in columns:
                    raise QualcodeError(f"a memo is on one of {', '.join(MEMO_TARGETS)}")
                query = query.where(columns[target_type].is_not(None))
                if target is not None:
                    refs = self._memo_target(session, target_type, target)
                    query = query.where(columns[target_type] == refs[f"{target_type}_id"])
            out = []
            for memo, coder_name, doc_name, case_name, coding_uuid in session.execute(query):
                if memo.document_id is not None:
                    kind, name = "document", doc_name
                elif memo.code_id is not None:
                    kind, name = (
                        "code",
                        tree.path(next(c for c in tree.codes if c.id == memo.code_id)),
                    )
                elif memo.coding_id is not None:
                    kind, name = "coding", coding_uuid
                elif memo.case_id is not None:
                    kind, name = "case", case_name
                else:
                    kind, name = "project", None
                out.append(
                    MemoInfo(
                        memo.uuid,
                        coder_name,
                        kind,
                        name,
                        memo.text,
                        aware(memo.created_at),
                        aware(memo.updated_at),
                    )
                )
            return out
