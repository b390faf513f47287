"""Rev "NLP" token exports (.nlp): pipe-delimited, one token per row, with a header.

Columns are found by header name because Rev ships two layouts (8 and 10 columns). Punctuation
sits in its own columns and is glued back onto the token; a change of speaker id starts a turn.
Speakers are only numbers in the file, so labels read ``Speaker <id>`` unless
``ImportOptions.speaker_names`` maps the id to a name.
"""

from __future__ import annotations

from pathlib import Path

from qualcode.errors import BadInputError
from qualcode.importers.assemble import Utterance, join_utterances
from qualcode.importers.base import ImportOptions, ParsedDocument
from qualcode.importers.encoding import decode_bytes, require_text

_REQUIRED = ("token", "speaker")
_HINT = "a Rev .nlp file starts with a header such as token|speaker|ts|endTs|punctuation|..."


def read_nlp(
    path: Path, data: bytes, options: ImportOptions, source_format: str
) -> list[ParsedDocument]:
    """Read a Rev token-per-row file as one document of ``Speaker <id>: words`` turns."""
    text = decode_bytes(data, path)
    require_text(text, path)
    lines = text.split("\n")
    header = [name.strip().casefold() for name in lines[0].split("|")]
    missing = [name for name in _REQUIRED if name not in header]
    if missing:
        raise BadInputError(
            path, f"not a Rev .nlp file: the header has no {missing[0]!r} column", _HINT
        )
    column = {name: index for index, name in reversed(list(enumerate(header)))}
    token_at, speaker_at = column["token"], column["speaker"]
    punct_at, prepunct_at = column.get("punctuation"), column.get("prepunctuation")
    ts_at, end_at = column.get("ts"), column.get("endts")

    utterances: list[Utterance] = []
    speaker_id: str | None = None
    words: list[str] = []
    ts_start: float | None = None
    ts_end: float | None = None
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("|")
        token = _cell(cells, token_at)
        word = _cell(cells, prepunct_at) + token + _cell(cells, punct_at)
        if not word.strip():
            continue
        row_speaker = _cell(cells, speaker_at).strip() or speaker_id
        if row_speaker != speaker_id and words:
            utterances.append(_utterance(speaker_id, words, ts_start, ts_end, options))
            words, ts_start, ts_end = [], None, None
        speaker_id = row_speaker
        words.append(word.strip())
        start = _seconds(_cell(cells, ts_at), path, number)
        end = _seconds(_cell(cells, end_at), path, number)
        if ts_start is None:
            ts_start = start
        if end is not None:
            ts_end = end
    if words:
        utterances.append(_utterance(speaker_id, words, ts_start, ts_end, options))
    if not utterances:
        raise BadInputError(path, "no rows", "the file has a header but no tokens")
    body, turns = join_utterances(utterances)
    return [ParsedDocument(name=path.stem, text=body, turns=turns, source_format=source_format)]


def _cell(cells: list[str], index: int | None) -> str:
    # Rows may be shorter than the header (a dropped trailing empty column): read those as empty.
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _seconds(value: str, path: Path, line: int) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        raise BadInputError(
            path, f"line {line}: the time {value[:30]!r} is not a number of seconds", _HINT
        ) from None
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        raise BadInputError(
            path, f"line {line}: the time {value[:30]!r} is not a number of seconds", _HINT
        )
    return seconds


def _utterance(
    speaker_id: str | None,
    words: list[str],
    ts_start: float | None,
    ts_end: float | None,
    options: ImportOptions,
) -> Utterance:
    speaker = None
    if speaker_id is not None:
        speaker = options.speaker_names.get(speaker_id, f"Speaker {speaker_id}")
    if ts_start is not None and ts_end is not None and ts_end < ts_start:
        ts_end = ts_start  # rows out of time order must not give a turn ending before it starts
    return Utterance(speaker, " ".join(words), ts_start, ts_end)
