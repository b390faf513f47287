"""Undo and redo over coding and memo actions.

Each entry holds two callables that call the project; both commit before they return, so the
database is always the truth and undo is just another audited action. The stack lives for one
app session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    description: str
    """Shown to the user: 'apply Travel', 'remove memo'."""
    undo: Callable[[], object]
    redo: Callable[[], object]


@dataclass
class UndoStack:
    done: list[Step] = field(default_factory=list)
    undone: list[Step] = field(default_factory=list)
    limit: int = 500

    def push(self, step: Step) -> None:
        self.done.append(step)
        del self.done[: -self.limit]
        self.undone.clear()

    def undo(self) -> Step | None:
        if not self.done:
            return None
        step = self.done[-1]
        step.undo()  # may raise: then the step stays where it was
        self.undone.append(self.done.pop())
        return step

    def redo(self) -> Step | None:
        if not self.undone:
            return None
        step = self.undone[-1]
        step.redo()
        self.done.append(self.undone.pop())
        return step


@dataclass(frozen=True)
class Outcome:
    """What undoing or redoing the latest step came to, for the screen to say."""

    ran: bool
    message: str
    failed: bool = False


def step_through(stack: UndoStack, undo: bool) -> Outcome:
    """Undo (or redo) the latest step; every screen with ctrl+z/ctrl+y says the same."""
    from ..errors import QualcodeError

    pending = stack.done if undo else stack.undone
    if not pending:
        return Outcome(False, "Nothing to undo." if undo else "Nothing to redo.")
    step = pending[-1]
    try:
        stack.undo() if undo else stack.redo()
    except QualcodeError as exc:  # the step stays where it was (see UndoStack.undo)
        return Outcome(False, str(exc), failed=True)
    return Outcome(True, f"{'Undone' if undo else 'Redone'}: {step.description}")
