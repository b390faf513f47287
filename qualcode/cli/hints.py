"""How to fix an error, in the command line's words: the library names the fix by a key
(:class:`qualcode.errors.Hint`), this table says it as a command or a flag.

Each wording is the whole line after ``qualcode: error:``; ``{message}`` is the library's
message and the other fields are the hint's values. A key missing here prints the message as
it is; a test checks that every key the library raises has a wording here.
"""

from __future__ import annotations

from ..errors import Hint, QualcodeError

WORDS: dict[str, str] = {
    # -- lists to look a name up in
    "documents": "{message} (see: qualcode documents)",
    "coders": "{message} (see: qualcode coders)",
    "coders-list": "{message} (see: qualcode coders list)",
    "cases-list": "{message} (see: qualcode cases list)",
    "memo-list": "{message} (see: qualcode memo list)",
    "backups-list": "{message} (list them with: qualcode backups list {project})",
    "case-attributes": (
        "no case attribute '{key}' (attributes: none yet; see: qualcode cases import)"
    ),
    # -- another command for this file
    "init": "{message} (create one with: qualcode init {project})",
    "import-qdpx": "{message} (use: qualcode import-qdpx {file} -o PROJECT)",
    "codebook-import": "{message} (use: qualcode codebook import PROJECT {file})",
    "add-supervisor": "{message} (qualcode coders add NAME --role supervisor)",
    "run-again": (
        "{message}; once there is room, run any qualcode command on the project to empty it"
    ),
    # -- an option
    "name-one-file": "--name can only be given when importing one file",
    "name-many": "{file}: holds {count} documents, so --name cannot be used",
    "name-empty": "{message} (give one with --name)",
    "name-taken": "{message} (use --name)",
    "within": "--within is one of {choices}, not '{given}'",
    "two-coders": "{message} (e.g. --coders A,B)",
    "compare-documents": "{message} (--documents)",
    "key-file": "{project}: give a key file (--key) for a database server",
    "crosstab-by": "the crosstab report needs --by ATTRIBUTE (or 'kind' or 'coder')",
    "demo-dir": "{message}; choose another --dir",
    "strict": (
        "{file}: refused (--strict): {count} kinds of things in it cannot be imported; "
        "nothing was written"
    ),
}


def worded(message: str, hint: Hint | None) -> str:
    """``message`` with ``hint`` said the CLI's way."""
    return message if hint is None else hint.word(message, WORDS)


def error_line(error: QualcodeError) -> str:
    """What the CLI prints after ``qualcode: error:`` for ``error``."""
    return worded(str(error), error.hint)
