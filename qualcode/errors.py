"""The one family of errors users see: each message is one line naming the file or object.

The CLI prints ``qualcode: error: <message>`` and exits non-zero; the TUI shows the message in a
notification. Nothing else should reach a user as a traceback.
"""

from __future__ import annotations

from pathlib import Path


class QualcodeError(Exception):
    """Base of every error with a message meant for the user."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BadInputError(QualcodeError):
    """A file given to an importer cannot be read as what it claims to be."""

    def __init__(self, path: str | Path, problem: str, hint: str | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        self.hint = hint
        text = f"{self.path}: {problem}"
        if hint:
            text += f" ({hint})"
        super().__init__(text)


class CodebookError(QualcodeError):
    """A codebook file or codebook change is invalid."""


class NotFoundError(QualcodeError):
    """A named document, code, coder, case or memo does not exist."""


class ConflictError(QualcodeError):
    """The action clashes with what the project already holds (a name taken, a duplicate)."""


class NotAllowed(QualcodeError):
    """The acting coder's role does not allow the action (see docs/teams.md)."""


class SchemaError(QualcodeError):
    """The project file cannot be opened with this version of qualcode."""
