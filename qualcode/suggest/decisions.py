"""Accepting and rejecting suggestions: the ``suggestions`` table remembers every decision.

Accepting makes a coding with origin ``suggestion`` (``Project.apply_code``) and stores the
suggestion as ``accepted``; rejecting stores it as ``rejected``, so it is not suggested again to
that coder. Both are audited. The decisions also give each code's precision so far (accepted /
decided), which suggestions carry once a code has enough decisions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import QualcodeError
from .records import SuggestionInfo

if TYPE_CHECKING:
    from ..project import CodingInfo, Project


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
    return project.record_suggestion_decision(
        document=suggestion.document,
        code=suggestion.code_uuid or suggestion.code,
        coder=coder,
        status=status,
        start=span[0],
        end=span[1],
        engine=suggestion.engine,
        score=suggestion.score,
        explanation=suggestion.explanation,
        coding=coding,
    )


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
        document=suggestion.document,
        code=suggestion.code_uuid or suggestion.code,
        coder=coder,
        start=start,
        end=end,
        origin="suggestion",
    )
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
    project.reopen_suggestion(uuid)
