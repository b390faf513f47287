"""What the suggestion engines hand back: plain frozen dataclasses, safe across threads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from ..errors import QualcodeError

Progress = Callable[[int, int, str], None]
"""``progress(done, total, message)``: called at most a few times a second."""
Cancelled = Callable[[], bool]
"""``cancelled()``: returns True when the caller wants the work stopped."""

ENGINES = ("terms", "similar", "learned")
"""The engines, in the order explanations list them; ``combined`` ranks their scores together."""


class SuggestionsCancelled(QualcodeError):
    """The caller's ``cancelled()`` returned True; nothing was returned or stored."""

    def __init__(self) -> None:
        super().__init__("suggestions cancelled")


@dataclass(frozen=True)
class SuggestionInfo:
    """One suggested excerpt: a sentence of a document that may carry a code."""

    document: str
    code: str
    """Path of the code ('Theme/Code')."""
    start: int
    end: int
    """Code-point offsets into the document text (the sentence, trimmed of whitespace)."""
    text: str
    score: float
    """Probability that the suggestion is right (the combined score, calibrated on the
    coder's held-out codings); suggestions are ranked by it."""
    engine: str
    """The engine that contributed most: ``terms``, ``similar`` or ``learned``."""
    explanation: str
    """Why, in words: matched terms, the nearest coded excerpt, the strongest learned words."""
    engines: tuple[str, ...]
    """Every engine that contributed (score >= 0.1), strongest first."""
    precision: float | None
    """How good suggestions of this code have been on this project: accepted / (accepted +
    rejected) once at least 5 were decided, else the held-out precision of the last
    ``evaluate``; None when neither is known."""
    code_uuid: str = ""
    scores: tuple[tuple[str, float], ...] = ()
    """The combined score and each contributing engine's own score, for the curious (and
    the TUI's detail line)."""
    lanes: tuple[tuple[str, float], ...] = ()
    """The queue's lanes (:data:`~.queue.LANES`) this suggestion is in, each with its own
    probability of being right: a queue setting with that lane shows it at that probability
    whatever :attr:`score` is (:class:`~.queue.Setting`)."""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["engines"] = list(self.engines)
        data["scores"] = dict(self.scores)
        data["lanes"] = dict(self.lanes)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SuggestionInfo:
        """The inverse of :meth:`to_json` (suggestions kept in the project's cache)."""
        values = dict(data)
        values["engines"] = tuple(values.get("engines", ()))
        values["scores"] = tuple((k, float(v)) for k, v in dict(values.get("scores", {})).items())
        values["lanes"] = tuple((k, float(v)) for k, v in dict(values.get("lanes", {})).items())
        return cls(**values)
