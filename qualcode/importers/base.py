"""What every importer returns: documents as the reader sees them, with speaker turns.

Importers are pure: they read a file and return ``ParsedDocument`` values, or raise
``BadInputError``. They never touch the project; ``qualcode.project`` stores what they return in
one transaction per file, so a bad file leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ParsedTurn:
    """One speaker turn; offsets are code-point offsets into ``ParsedDocument.text``."""

    start: int
    """First character of the turn, speaker label included."""
    end: int
    """One past the last character of the turn (trailing whitespace excluded)."""
    body_start: int
    """First character of the spoken words, after the label and its separator."""
    speaker: str | None
    """The label without markup or colon (``**P03:**`` -> ``P03``); None if unlabelled."""
    ts_start: float | None = None
    """Seconds from the start of the recording, when the source gives it."""
    ts_end: float | None = None


@dataclass(frozen=True)
class ParsedDocument:
    """A document an importer found, ready to be stored."""

    name: str
    """Suggested document name (the file stem; for tabular files one per row or column)."""
    text: str
    """The text as a reader sees it, newlines normalised to LF; immutable once stored."""
    turns: tuple[ParsedTurn, ...]
    """Turns in order, non-overlapping, covering every spoken word."""
    source_format: str
    """txt, md, docx, vtt, srt, nlp, csv-turns, xlsx-turns, csv-responses, xlsx-responses."""
    kind: str | None = None
    """Suggested kind (interview, focus-group, notes, survey-response); None to guess."""
    case: str | None = None
    """Suggested case for the whole document (tabular responses)."""
    attributes: Mapping[str, str] = field(default_factory=dict)
    """Case attributes found beside the text (tabular responses); applied to ``case``."""
    speaker_cases: Mapping[str, str] = field(default_factory=dict)
    """Speaker label -> case name, when the source says who each speaker is."""
    warnings: tuple[str, ...] = ()
    """Things the user should know that did not stop the import."""


@dataclass(frozen=True)
class ImportOptions:
    """Choices that change how a file is read."""

    responses: str = "row"
    """For CSV/XLSX of open-ended responses: one document per ``row`` or per ``column``."""
    text_columns: tuple[str, ...] = ()
    """Columns holding response text; empty = detect (columns of long text)."""
    id_column: str | None = None
    """Column naming the respondent; None = detect (id, name, respondent, participant, case)."""
    speaker_names: Mapping[str, str] = field(default_factory=dict)
    """Maps numeric/opaque speaker ids to names (e.g. Rev .nlp speaker ids)."""


MAX_FILE_BYTES = 64 * 1024 * 1024
"""Larger files are refused: a 100,000-word transcript is well under 1 MB."""
MAX_LINE_CHARS = 1_000_000
"""A line longer than this is not a transcript line (e.g. a 50 MB single line)."""
MAX_LINES = 250_000
"""More lines (or Word paragraphs) than this is not one transcript: a 100,000-word interview
has a few thousand. Every turn costs memory in the import, so this bounds it (a file of empty
paragraphs or one-word lines is refused in one line, before any of them is kept)."""
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
"""Refuse zip containers (docx, xlsx) that would unpack to more than this."""
MAX_ZIP_RATIO = 200
"""Refuse zip members compressed more than this (zip bombs)."""
