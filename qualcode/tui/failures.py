"""What a screen does when one of its workers fails unexpectedly: the traceback goes to the
crash log, the user sees one line naming the log's path, and the screen stays usable.

Screens that run workers with ``exit_on_error=False`` mix in :class:`ShowsWorkerFailures` and
override :meth:`ShowsWorkerFailures.worker_failed` to put themselves back in a state that can
be closed (stop a spinner, clear a "running" flag). Code that catches an exception itself calls
:func:`failure_message` for the same one-line message.
"""

from __future__ import annotations

from textual.worker import Worker, WorkerState

from ..crashlog import crash_message
from ..errors import QualcodeError
from .hints import error_text


def failure_message(error: BaseException, doing: str = "") -> str:
    """One line for ``error``: a ``QualcodeError`` as it is (it is written for users), with
    its hint in the TUI's words (see :mod:`qualcode.tui.hints`); anything else logged to the
    crash log, with the log's path in the line (see :func:`qualcode.crashlog.crash_message`)."""
    if isinstance(error, QualcodeError):
        return " ".join(error_text(error).split())
    return crash_message(error, doing)


class ShowsWorkerFailures:
    """Mixin for a ``Screen``: a worker of the screen that ends in an error is reported (see
    :func:`failure_message`) instead of leaving the screen waiting forever."""

    failure_doing: str = ""
    """What the screen's workers do, for the message ("Computing agreement")."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        message = failure_message(event.worker.error, self.failure_doing)
        if getattr(self, "is_attached", False):
            self.notify(message, severity="error", timeout=30)  # type: ignore[attr-defined]
            self.worker_failed(event.worker, message)

    def worker_failed(self, worker: Worker[object], message: str) -> None:
        """Put the screen back in a state the user can work in or close (override)."""
