"""Storing a supervisor's reconcile decisions as consensus codings.

A decision settles one disagreement: a region of a document where the compared coders' codings
of one code differ. It names the version chosen (one coder's, all of them, neither, an edited
span, or the coders' agreed codings) and makes the matching codings of the ``consensus`` coder
(origin ``consensus``) in the same transaction, audited under the supervisor's name. Deciding the
same region again supersedes the earlier decision and removes the codings it made (kept as
deleted), so a supervisor can change their mind and the history stays. Which regions disagree is
worked out in :mod:`qualcode.agreement.reconcile`; this module only stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotAllowed, NotFoundError, QualcodeError
from ..store.models import (
    CONSENSUS_CODER,
    RECONCILE_CHOICES,
    Coder,
    Coding,
    Document,
    ReconcileDecision,
)
from .codes import CodeTree, load_tree
from .coding import _Span
from .core import ProjectCore, aware
from .records import DecisionInfo

#: A consensus coding to make: (code path, start, end).
Excerpt = tuple[str, int, int]


class ReconcileMixin(ProjectCore):
    if TYPE_CHECKING:  # defined by CodingMixin, another base of Project

        def _active(self, session: Session, span: _Span) -> Coding | None: ...
        def _insert_coding(
            self, session: Session, span: _Span, origin: str, actor: str | None = None
        ) -> Coding: ...
        def _soft_delete(self, session: Session, coding: Coding, actor: str) -> None: ...

    def record_decision(
        self,
        *,
        code: str,
        document: str,
        start: int,
        end: int,
        choice: str,
        excerpts: Sequence[Excerpt],
        coders: Sequence[str],
        supervisor: str,
        chosen_coder: str | None = None,
        unit: str = "sentence",
    ) -> DecisionInfo:
        """Decide the region ``start``-``end`` of ``document`` for ``code``: the consensus coder
        gets exactly ``excerpts`` there. Committed when this returns; an earlier decision on the
        same region is superseded and its codings removed, all in one transaction."""
        if choice not in RECONCILE_CHOICES:
            raise QualcodeError(
                f"reconcile choice '{choice}' is not one of {', '.join(RECONCILE_CHOICES)}"
            )
        if choice == "coder" and not chosen_coder:
            raise QualcodeError("name the coder whose version is accepted")
        with self._write() as session:
            tree = load_tree(session)
            code_row = tree.resolve(code)
            doc = self._document_row(session, document)
            if not 0 <= start < end <= len(doc.text):
                raise QualcodeError(
                    f"region {start}-{end} is not inside document '{document}' "
                    f"(0 to {len(doc.text)})"
                )
            self._require_judge(session, supervisor)
            judge = self._coder(session, supervisor)
            chosen = self._coder(session, chosen_coder, create=False) if chosen_coder else None
            consensus = self._consensus(session)
            spans = [self._excerpt_span(tree, doc, consensus, e) for e in excerpts]
            now = datetime.now(UTC)
            for earlier in self._live_decisions(session, code_row.id, doc.id, start, end):
                self._retire(session, earlier, now, judge.name)
            made: list[str] = []
            for span in spans:
                existing = self._active(session, span)
                if existing is None:
                    made.append(self._insert_coding(session, span, "consensus", judge.name).uuid)
            decision = ReconcileDecision(
                code_id=code_row.id,
                document_id=doc.id,
                start=start,
                end=end,
                choice=choice,
                chosen_coder_id=chosen.id if chosen else None,
                coders=list(coders),
                unit=unit,
                codings=made,
                decided_by=judge.name,
                created_at=now,
            )
            session.add(decision)
            session.flush()
            self._audit(
                session,
                "reconcile.decide",
                "reconcile_decision",
                decision.uuid,
                judge.name,
                code=code_row.uuid,
                document=doc.name,
                start=start,
                end=end,
                choice=choice,
                chosen_coder=chosen.name if chosen else None,
                coders=list(coders),
                unit=unit,
                excerpts=[list(e) for e in excerpts],
                codings=made,
            )
            return self._decision_info(session, tree, decision)

    def undo_decision(self, uuid: str, *, supervisor: str) -> DecisionInfo:
        """Take a decision back: it is marked superseded and the codings it made are removed
        (kept as deleted); the region shows as undecided again."""
        with self._write() as session:
            decision = session.scalar(
                select(ReconcileDecision).where(ReconcileDecision.uuid == uuid)
            )
            if decision is None:
                raise NotFoundError(f"no reconcile decision {uuid}")
            if decision.superseded_at is not None:
                raise QualcodeError("that decision was already taken back or replaced")
            self._require_judge(session, supervisor)
            judge = self._coder(session, supervisor)
            self._retire(session, decision, datetime.now(UTC), judge.name)
            self._audit(session, "reconcile.undo", "reconcile_decision", decision.uuid, judge.name)
            return self._decision_info(session, load_tree(session), decision)

    def decisions(
        self,
        *,
        code: str | None = None,
        document: str | None = None,
        include_superseded: bool = False,
    ) -> list[DecisionInfo]:
        """Reconcile decisions in the order they were made, live ones only by default."""
        with self._read() as session:
            tree = load_tree(session)
            query = select(ReconcileDecision).order_by(ReconcileDecision.id)
            if code is not None:
                query = query.where(ReconcileDecision.code_id == tree.resolve(code).id)
            if document is not None:
                doc = self._document_row(session, document)
                query = query.where(ReconcileDecision.document_id == doc.id)
            if not include_superseded:
                query = query.where(ReconcileDecision.superseded_at.is_(None))
            return [self._decision_info(session, tree, d) for d in session.scalars(query)]

    # -- helpers -------------------------------------------------------------------------------
    def _require_judge(self, session: Session, supervisor: str) -> None:
        """In a team project only a supervisor reconciles, in their own name."""
        if not self._team(session):
            return
        name = " ".join(supervisor.split())
        if not self._is_supervisor(session, name) or (
            name != self.actor and not self._is_supervisor(session)
        ):
            raise NotAllowed(f"only a supervisor may reconcile; {name} is not one")

    def _consensus(self, session: Session) -> Coder:
        coder = session.scalar(select(Coder).where(Coder.name == CONSENSUS_CODER))
        if coder is None:  # a project made before the consensus coder existed
            coder = Coder(name=CONSENSUS_CODER, role="consensus")
            session.add(coder)
            session.flush()
        return coder

    def _excerpt_span(
        self, tree: CodeTree, doc: Document, consensus: Coder, excerpt: Excerpt
    ) -> _Span:
        path, start, end = excerpt
        code_row = tree.resolve(path)
        if not code_row.codable or code_row.archived:
            state = "archived" if code_row.archived else "not codable (it groups other codes)"
            raise QualcodeError(f"code '{tree.path(code_row)}' is {state}; choose another code")
        if not 0 <= start < end <= len(doc.text):
            raise QualcodeError(f"span {start}-{end} is not inside document '{doc.name}'")
        return _Span(doc, code_row, consensus, start, end)

    @staticmethod
    def _live_decisions(
        session: Session, code_id: int, document_id: int, start: int, end: int
    ) -> list[ReconcileDecision]:
        return list(
            session.scalars(
                select(ReconcileDecision).where(
                    ReconcileDecision.code_id == code_id,
                    ReconcileDecision.document_id == document_id,
                    ReconcileDecision.start == start,
                    ReconcileDecision.end == end,
                    ReconcileDecision.superseded_at.is_(None),
                )
            )
        )

    def _retire(
        self, session: Session, decision: ReconcileDecision, now: datetime, actor: str
    ) -> None:
        decision.superseded_at = now
        if decision.codings:
            for coding in session.scalars(
                select(Coding).where(Coding.uuid.in_(decision.codings), Coding.deleted_at.is_(None))
            ):
                self._soft_delete(session, coding, actor)

    @staticmethod
    def _decision_info(
        session: Session, tree: CodeTree, decision: ReconcileDecision
    ) -> DecisionInfo:
        code_row = next(c for c in tree.codes if c.id == decision.code_id)
        doc_name = session.scalar(select(Document.name).where(Document.id == decision.document_id))
        chosen = (
            session.scalar(select(Coder.name).where(Coder.id == decision.chosen_coder_id))
            if decision.chosen_coder_id is not None
            else None
        )
        return DecisionInfo(
            uuid=decision.uuid,
            code=tree.path(code_row),
            code_uuid=code_row.uuid,
            document=doc_name or "",
            start=decision.start,
            end=decision.end,
            choice=decision.choice,
            chosen_coder=chosen,
            coders=tuple(decision.coders),
            unit=decision.unit,
            codings=tuple(decision.codings),
            decided_by=decision.decided_by,
            created_at=aware(decision.created_at),
            superseded_at=aware(decision.superseded_at) if decision.superseded_at else None,
        )
