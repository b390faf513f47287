"""How to fix an error, in the terminal UI's words: the library names the fix by a key
(:class:`qualcode.errors.Hint`); most keys need no words here (the screen lists what there
is), and a key missing here shows the message as it is. Nothing here names a command or a flag.

Each wording is the whole line; ``{message}`` is the library's message.
"""

from __future__ import annotations

from ..errors import Hint, QualcodeError

WORDS: dict[str, str] = {
    "name-empty": "{message} (rename the file)",
    "name-taken": "{message} (rename the file and import it again)",
    "two-coders": "{message}: choose two or more",
    "run-again": "{message}; once there is room, open the project again to empty it",
}


def worded(message: str, hint: Hint | None) -> str:
    """``message`` with ``hint`` said the TUI's way."""
    return message if hint is None else hint.word(message, WORDS)


def error_text(error: QualcodeError) -> str:
    """What the TUI shows for ``error``."""
    return worded(str(error), error.hint)
