"""Plain-text and Markdown transcripts (.txt, .md, .markdown), Zoom chat exports included.

The text is stored exactly as decoded (newlines normalised; Markdown as a reader sees it, see
``markdown``); speaker turns come from the shared
label grammar in ``turns``, which also reads Zoom chat's ``HH:MM:SS<TAB>Name:<TAB>message`` lines.
"""

from __future__ import annotations

from pathlib import Path

from qualcode.errors import BadInputError
from qualcode.importers.base import MAX_LINES, ImportOptions, ParsedDocument
from qualcode.importers.encoding import decode_bytes, require_text
from qualcode.importers.markdown import markdown_turns
from qualcode.importers.turns import split_turns

NO_LABELS_WARNING = "no speaker labels found: each paragraph became an unlabelled turn"


def read_text(
    path: Path, data: bytes, options: ImportOptions, source_format: str
) -> list[ParsedDocument]:
    """Read a .txt or Markdown transcript as one document."""
    del options  # nothing to choose for plain text; the signature is shared by every reader
    text = decode_bytes(data, path)
    require_text(text, path)
    check_line_count(text.count("\n") + 1, path, "lines")
    return [document_from_text(path.stem, text, source_format)]


def check_line_count(count: int, path: Path, what: str) -> None:
    """Refuse a file of more lines (paragraphs) than one transcript has (see MAX_LINES)."""
    if count > MAX_LINES:
        raise BadInputError(
            path,
            f"too large: {count:,} {what}, over the limit of {MAX_LINES:,} for one transcript",
            "split it into one file per interview",
        )


def document_from_text(name: str, text: str, source_format: str) -> ParsedDocument:
    """Split text into turns and wrap it as a document, warning when no speaker was found."""
    if source_format == "md":  # stored as a reader sees it (see qualcode.importers.markdown)
        text, turns = markdown_turns(text)
    else:
        turns = split_turns(text)
    warnings = () if any(turn.speaker for turn in turns) else (NO_LABELS_WARNING,)
    return ParsedDocument(
        name=name, text=text, turns=turns, source_format=source_format, warnings=warnings
    )
