"""The undo stack keeps a step in place when its project call fails."""

from __future__ import annotations

import pytest

from qualcode.errors import NotFoundError
from qualcode.tui.undo import Step, UndoStack


def test_a_failed_undo_or_redo_keeps_the_step() -> None:
    calls: list[str] = []

    def fail() -> None:
        raise NotFoundError("gone")

    stack = UndoStack()
    stack.push(Step("ok", lambda: calls.append("undo"), lambda: calls.append("redo")))
    stack.push(Step("broken", fail, fail))
    with pytest.raises(NotFoundError):
        stack.undo()
    assert [s.description for s in stack.done] == ["ok", "broken"] and not stack.undone
    stack.done.pop()
    assert stack.undo() is not None and stack.redo() is not None
    assert calls == ["undo", "redo"]
    assert stack.undo() is not None and stack.undo() is None
