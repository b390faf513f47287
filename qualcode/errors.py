"""The one family of errors users see: each message is one line naming the file or object.

A message says what is wrong, in words that hold wherever it is shown. How to fix it often
differs between the command line (a command and its flags) and the terminal UI (a screen, a
key): that part is the error's :class:`Hint`, which each front end words its own way. The CLI
prints ``qualcode: error: <message, with its hint>`` and exits non-zero; the TUI shows the
message (with its own hint) in a notification. Nothing else should reach a user as a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path


class Hint:
    """How to fix an error: a key, and the values its wording needs.

    The library says what is wrong; each front end words the key itself
    (:mod:`qualcode.cli.hints`, :mod:`qualcode.tui.hints`), and a key a front end has no
    words for adds nothing there.
    """

    __slots__ = ("key", "parts", "values")

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = {name: str(value) for name, value in values.items()}
        self.parts: tuple[tuple[str, Hint], ...] = ()
        """For a message that quotes other errors: each quoted text with its own hint."""

    @classmethod
    def quoting(cls, errors: Iterable[BaseException]) -> Hint | None:
        """The hint of a message that quotes ``errors`` (str of each): their own hints, which
        a front end words where each text stands; None when none of them has one."""
        hint = cls("quoting")
        hint.parts = tuple(
            (str(error), error.hint)
            for error in errors
            if isinstance(error, QualcodeError) and error.hint is not None
        )
        return hint if hint.parts else None

    def word(self, message: str, words: Mapping[str, str]) -> str:
        """``message`` with this hint said in a front end's ``words`` (key -> a format string
        of the whole line, ``{message}`` and the hint's values in it); quoted errors are worded
        where each stands, and a key without words adds nothing."""
        for quoted, inner in self.parts:
            message = message.replace(quoted, inner.word(quoted, words), 1)
        if self.key not in words:
            return message
        return words[self.key].format_map({**self.values, "message": message})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Hint) and (self.key, self.values, self.parts) == (
            other.key,
            other.values,
            other.parts,
        )

    def __hash__(self) -> int:
        return hash((self.key, tuple(sorted(self.values.items())), self.parts))

    def __repr__(self) -> str:
        values = "".join(f", {name}={value!r}" for name, value in self.values.items())
        return f"Hint({self.key!r}{values})"


class QualcodeError(Exception):
    """Base of every error with a message meant for the user."""

    exit_code = 1

    def __init__(self, message: str, hint: Hint | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class BadInputError(QualcodeError):
    """A file given to an importer cannot be read as what it claims to be.

    A ``str`` hint holds wherever the message is shown ("save it as UTF-8") and is part of the
    message, in parentheses; a :class:`Hint` is worded by each front end (a flag, a screen)."""

    def __init__(self, path: str | Path, problem: str, hint: str | Hint | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        text = f"{self.path}: {problem}"
        if isinstance(hint, str):
            text += f" ({hint})"
            hint = None
        super().__init__(text, hint)


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
