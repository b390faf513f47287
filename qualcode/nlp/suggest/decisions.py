"""Accepting and rejecting suggestions: the ``suggestions`` table remembers every decision.

Accepting makes a coding with origin ``suggestion`` (``Project.apply_code``) and stores the
suggestion as ``accepted``; rejecting stores it as ``rejected``, so it is not suggested again to
that coder. Both are audited. The decisions also give each code's precision so far (accepted /
decided), which suggestions carry once a code has enough decisions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from ...errors import NotFoundError, QualcodeError
from ...project.codes import load_tree
from ...store.models import Coder, Document, Suggestion
from .records import SuggestionInfo

if TYPE_CHECKING:
    from ...project import CodingInfo, Project


def _span(suggestion: SuggestionInfo, span: tuple[int, int] | None) -> tuple[int, int]:
    start, end = span if span is not None else (suggestion.start, suggestion.end)
    if not 0 <= start < end:
        raise QualcodeError(f"span {start}-{end} is empty or negative")
    return start, end


def _record(
    project: Project,
    suggestion: SuggestionInfo,
    coder: str,
    status: str,
    span: tuple[int, int],
    coding: str | None = None,
) -> str:
    with project._write() as session:
        project._require_own(session, " ".join(coder.split()), "decide suggestions in the name")
        doc = session.scalar(select(Document).where(Document.name == suggestion.document))
        if doc is None:
            raise NotFoundError(f"no document named '{suggestion.document}'")
        code = load_tree(session).resolve(suggestion.code_uuid or suggestion.code)
        coder_row = project._coder(session, coder)
        start, end = span
        if end > len(doc.text):
            raise QualcodeError(
                f"span {start}-{end} is not inside document '{doc.name}' "
                f"(it has {len(doc.text)} characters)"
            )
        row = Suggestion(
            document_id=doc.id, code_id=code.id, start=start, end=end,
            engine=suggestion.engine, score=suggestion.score,
            explanation=suggestion.explanation, status=status, for_coder_id=coder_row.id,
            decided_by_id=coder_row.id, decided_at=datetime.now(UTC),
        )  # fmt: skip
        session.add(row)
        session.flush()
        action = "suggestion.accept" if status == "accepted" else "suggestion.reject"
        project._audit(
            session, action, "suggestion", row.uuid, coder_row.name,
            document=doc.name, code=code.uuid, start=start, end=end, engine=suggestion.engine,
            score=suggestion.score, coding=coding,
        )  # fmt: skip
        return row.uuid


def accept(
    project: Project,
    suggestion: SuggestionInfo,
    coder: str,
    span: tuple[int, int] | None = None,
) -> CodingInfo:
    """Code the suggestion (or the adjusted ``span``) as ``coder`` with origin ``suggestion``
    and remember the decision. Returns the new coding."""
    start, end = _span(suggestion, span)
    coding = project.apply_code(
        document=suggestion.document, code=suggestion.code_uuid or suggestion.code,
        coder=coder, start=start, end=end, origin="suggestion",
    )  # fmt: skip
    _record(project, suggestion, coder, "accepted", (start, end), coding.uuid)
    return coding


def reject(
    project: Project,
    suggestion: SuggestionInfo,
    coder: str,
    span: tuple[int, int] | None = None,
) -> str:
    """Remember that ``coder`` rejected the suggestion: it is not suggested to them again.
    Returns the uuid of the stored decision (for :func:`reopen`, an undo)."""
    return _record(project, suggestion, coder, "rejected", _span(suggestion, span))


def reopen(project: Project, uuid: str) -> None:
    """Undo a decision: the stored suggestion goes back to ``pending`` (audited). Undoing an
    accept also needs the coding removed (``Project.remove_coding``)."""
    with project._write() as session:
        row = session.scalar(select(Suggestion).where(Suggestion.uuid == uuid))
        if row is None:
            raise NotFoundError(f"no stored suggestion with id {uuid}")
        owner = session.get(Coder, row.for_coder_id) if row.for_coder_id else None
        project._require_own(session, owner.name if owner else None, "reopen the suggestions")
        previous = row.status
        row.status = "pending"
        row.decided_at = None
        row.decided_by_id = None
        project._audit(session, "suggestion.reopen", "suggestion", row.uuid, previous=previous)
