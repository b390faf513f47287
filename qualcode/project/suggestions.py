"""Suggestion decisions and evaluations as the project stores them.

The ``suggestions`` table remembers every accept and reject (so a rejected suggestion is not
made again to that coder); a decision can be reopened (an undo). A held-out evaluation of the
suggestion engines is kept as a setting, with an audit entry. What to suggest, and how well, is
:mod:`qualcode.suggest`'s work; these methods only store its results.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from ..errors import NotFoundError, QualcodeError
from ..store.models import Coder, Document, Setting, Suggestion
from .codes import load_tree
from .core import ProjectCore


class SuggestionsMixin(ProjectCore):
    def record_suggestion_decision(
        self,
        *,
        document: str,
        code: str,
        coder: str,
        status: str,
        start: int,
        end: int,
        engine: str,
        score: float,
        explanation: str,
        coding: str | None = None,
    ) -> str:
        """Store ``coder``'s decision (``accepted`` or ``rejected``) on a suggestion of ``code``
        (a path or UUID) for ``start``-``end`` of ``document``, audited; ``coding`` is the
        coding an accept made. Returns the stored suggestion's uuid."""
        action = "suggestion.accept" if status == "accepted" else "suggestion.reject"
        with self.transaction(action, "suggestion") as session:
            self._require_own(session, " ".join(coder.split()), "decide suggestions in the name")
            doc = session.scalar(select(Document).where(Document.name == document))
            if doc is None:
                raise NotFoundError(f"no document named '{document}'")
            code_row = load_tree(session).resolve(code)
            coder_row = self._coder(session, coder)
            if end > len(doc.text):
                raise QualcodeError(
                    f"span {start}-{end} is not inside document '{doc.name}' "
                    f"(it has {len(doc.text)} characters)"
                )
            row = Suggestion(
                document_id=doc.id,
                code_id=code_row.id,
                start=start,
                end=end,
                engine=engine,
                score=score,
                explanation=explanation,
                status=status,
                for_coder_id=coder_row.id,
                decided_by_id=coder_row.id,
                decided_at=datetime.now(UTC),
            )
            session.add(row)
            session.flush()
            session.info["audit"].update(
                entity_uuid=row.uuid,
                actor=coder_row.name,
                document=doc.name,
                code=code_row.uuid,
                start=start,
                end=end,
                engine=engine,
                score=score,
                coding=coding,
            )
            return row.uuid

    def reopen_suggestion(self, uuid: str) -> None:
        """Undo a decision: the stored suggestion goes back to ``pending`` (audited)."""
        with self.transaction("suggestion.reopen", "suggestion") as session:
            row = session.scalar(select(Suggestion).where(Suggestion.uuid == uuid))
            if row is None:
                raise NotFoundError(f"no stored suggestion with id {uuid}")
            owner = session.get(Coder, row.for_coder_id) if row.for_coder_id else None
            self._require_own(session, owner.name if owner else None, "reopen the suggestions")
            previous = row.status
            row.status = "pending"
            row.decided_at = None
            row.decided_by_id = None
            session.info["audit"].update(entity_uuid=row.uuid, previous=previous)

    def keep_evaluation(self, key: str, value: str, **payload: Any) -> None:
        """Store an evaluation of the suggestion engines (``value``, JSON) under the setting
        ``key``, with an audit entry ``suggest.evaluate`` carrying ``payload``."""
        with self.transaction("suggest.evaluate", "project", None, **payload) as session:
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=value))
            else:
                row.value = value
