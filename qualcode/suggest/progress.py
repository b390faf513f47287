"""Progress reports at most a few times a second, and cancellation checks between steps."""

from __future__ import annotations

import time

from .records import Cancelled, Progress, SuggestionsCancelled

INTERVAL = 0.25


class Steps:
    """Counts work done; calls ``progress`` at most every :data:`INTERVAL` seconds (and on the
    last step), and raises :class:`SuggestionsCancelled` when ``cancelled()`` says so."""

    def __init__(
        self, total: int, progress: Progress | None = None, cancelled: Cancelled | None = None
    ) -> None:
        self.total = max(1, total)
        self.done = 0
        self._progress = progress
        self._cancelled = cancelled
        self._last = 0.0

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise SuggestionsCancelled()

    def step(self, message: str, count: int = 1) -> None:
        self.check()
        self.done = min(self.total, self.done + count)
        if self._progress is None:
            return
        now = time.monotonic()
        if self.done >= self.total or now - self._last >= INTERVAL:
            self._last = now
            self._progress(self.done, self.total, message)

    def note(self, message: str) -> None:
        """A message without progress (a phase starting)."""
        self.step(message, 0)
