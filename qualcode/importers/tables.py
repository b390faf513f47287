"""Tables whose rows are speaker turns: detection shared by CSV/XLSX readers and Word tables.

A turn-per-row table (oral-history CSVs, transcripts typed into a Word table) has a speaker
column, a text column and maybe a timestamp column. Header names decide when there is a header;
otherwise, for Word tables, the shape does (two or three columns, short names beside long text).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from qualcode.importers.assemble import Utterance, join_utterances
from qualcode.importers.base import ImportOptions, ParsedDocument
from qualcode.importers.turns import label_problem, parse_timestamp

SPEAKER_HEADERS = frozenset({"speaker", "name", "who", "speakername"})
TEXT_HEADERS = frozenset({"text", "words", "utterance", "transcript", "content", "message"})
TIME_HEADERS = frozenset({"timestamp", "time", "start", "starttime", "timecode"})

Row = Sequence[str]
_NOT_WORD = re.compile(r"[\W_]+")


def normalise_header(value: str) -> str:
    """``Speaker Name`` / ``speaker_name`` -> ``speakername``: how headers are compared."""
    return _NOT_WORD.sub("", value.casefold())


def cell(cells: Row, index: int | None) -> str:
    """The cell at ``index``, or "" for a missing column or a short row."""
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def find_turn_columns(header: Row) -> tuple[int, int, int | None] | None:
    """(speaker, text, timestamp or None) column indexes when the header names a transcript."""
    names = [normalise_header(value) for value in header]
    speaker = next((i for i, name in enumerate(names) if name in SPEAKER_HEADERS), None)
    text = next((i for i, name in enumerate(names) if name in TEXT_HEADERS), None)
    if speaker is None or text is None:
        return None
    time = next((i for i, name in enumerate(names) if name in TIME_HEADERS), None)
    return speaker, text, time


def cell_seconds(value: str) -> float | None:
    """A timestamp cell (``[00:05:00]``, ``0:00:00``, ``[0:00]`` or plain seconds) in seconds."""
    value = value.strip()
    if not value:
        return None
    stamp = parse_timestamp(value)
    if stamp is not None:
        return stamp
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 <= seconds < 1e9 else None


def turn_rows_document(
    name: str,
    rows: Sequence[Row],
    columns: tuple[int, int, int | None],
    options: ImportOptions,
    source_format: str,
) -> ParsedDocument:
    """One document from turn-per-row data rows (header excluded).

    A blank speaker cell continues the previous speaker's turn as a new paragraph; a filled one,
    even when it repeats the previous speaker, starts a turn, as the transcript shows it.
    """
    speaker_at, text_at, time_at = columns
    utterances: list[Utterance] = []
    speaker: str | None = None
    paragraphs: list[str] = []
    started: float | None = None

    def flush() -> None:
        if paragraphs:
            utterances.append(Utterance(speaker, "\n\n".join(paragraphs), started))

    for cells in rows:
        words = html.unescape(cell(cells, text_at)).strip()
        if not words:
            continue
        label = cell(cells, speaker_at).strip().rstrip(":：").strip()
        stamp = cell_seconds(cell(cells, time_at))
        if label or not paragraphs:
            flush()
            speaker = options.speaker_names.get(label, label) if label else speaker
            paragraphs, started = [], stamp
        elif started is None:
            started = stamp
        paragraphs.append(words)
    flush()
    text, turns = join_utterances(utterances)
    return ParsedDocument(name=name, text=text, turns=turns, source_format=source_format)


def rows_to_paragraphs(rows: Sequence[Row]) -> list[str]:
    """Paragraphs for a Word table: ``Speaker: text`` for turn tables, else the cells' text."""
    rows = [[value.strip() for value in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    columns = find_turn_columns(rows[0])
    if columns is not None:
        rows = rows[1:]
    else:
        columns = _guess_turn_columns(rows)
    if columns is None:
        return ["\n".join("\t".join(value for value in row if value) for row in rows)]
    speaker_at, text_at, time_at = columns
    paragraphs = []
    for row in rows:
        words = cell(row, text_at)
        if not words:
            continue
        label = cell(row, speaker_at).rstrip(":：").strip()
        stamp = cell_seconds(cell(row, time_at))
        prefix = f"[{format_seconds(stamp)}] " if stamp is not None and label else ""
        paragraphs.append(f"{prefix}{label}: {words}" if label else words)
    return paragraphs


def format_seconds(seconds: float) -> str:
    """``83.0`` -> ``00:01:23``: the form the label grammar reads back."""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def _guess_turn_columns(rows: Sequence[Row]) -> tuple[int, int, int | None] | None:
    widths = {len(row) for row in rows}
    if len(widths) != 1 or widths.pop() not in (2, 3):
        return None
    width = len(rows[0])
    time_at = None
    if width == 3:
        time_at = next((i for i in (0, 1, 2) if _all_timestamps(rows, i)), None)
        if time_at is None:
            return None
    speaker_at, text_at = (i for i in range(width) if i != time_at)
    labels = [row[speaker_at].rstrip(":：").strip() for row in rows if row[speaker_at]]
    if not labels or any(label_problem(label) for label in labels):
        return None
    texts = [row[text_at] for row in rows if row[text_at]]
    if not texts or sum(map(len, texts)) / len(texts) <= sum(map(len, labels)) / len(labels):
        return None
    return speaker_at, text_at, time_at


def _all_timestamps(rows: Sequence[Row], index: int) -> bool:
    values = [row[index] for row in rows if row[index]]
    return bool(values) and all(parse_timestamp(value) is not None for value in values)
