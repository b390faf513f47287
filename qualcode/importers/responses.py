"""Open-ended survey responses in a table: one document per respondent or per question.

Each answer is a turn spoken by the respondent's id, so coding, case attributes and reports work
the same as for interviews. Columns of long text are the questions; the id column names the case;
every other filled column becomes a case attribute.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qualcode.errors import BadInputError
from qualcode.importers.assemble import Utterance, join_utterances
from qualcode.importers.base import ImportOptions, ParsedDocument, ParsedTurn
from qualcode.importers.tables import Row, cell, normalise_header

ID_HEADERS = ("id", "name", "respondent", "participant", "case")
"""Headers that name the respondent, in order of preference."""
MIN_ANSWER_WORDS = 8
"""A column whose filled cells average this many words holds answers, not attributes."""
RESPONSE_KIND = "survey-response"


def response_documents(
    path: Path,
    header: Row,
    rows: Sequence[tuple[int, Row]],
    options: ImportOptions,
    source_format: str,
) -> list[ParsedDocument]:
    """Documents for ``rows`` (row number, cells) under ``header``, as ``options`` asks."""
    names = [value.strip() or f"column {index + 1}" for index, value in enumerate(header)]
    id_at = _id_column(path, names, options)
    text_columns = _text_columns(path, names, rows, id_at, options)
    ids = [
        (cell(cells, id_at).strip() if id_at is not None else "") or f"row {number}"
        for number, cells in rows
    ]
    if options.responses == "row":
        return _per_row(path, names, rows, ids, id_at, text_columns, source_format)
    if options.responses == "column":
        return _per_column(path, names, rows, ids, text_columns, source_format)
    raise ValueError(f"ImportOptions.responses must be 'row' or 'column': {options.responses!r}")


def _id_column(path: Path, names: list[str], options: ImportOptions) -> int | None:
    if options.id_column is not None:
        return _column_named(path, names, options.id_column)
    normalised = [normalise_header(name) for name in names]
    for wanted in ID_HEADERS:
        for index, name in enumerate(normalised):
            if name in (wanted, f"{wanted}id"):
                return index
    return None


def _text_columns(
    path: Path,
    names: list[str],
    rows: Sequence[tuple[int, Row]],
    id_at: int | None,
    options: ImportOptions,
) -> list[int]:
    if options.text_columns:
        return [_column_named(path, names, name) for name in options.text_columns]
    found = []
    for index in range(len(names)):
        if index == id_at:
            continue
        values = [cell(cells, index).split() for _, cells in rows]
        filled = [words for words in values if words]
        if filled and sum(map(len, filled)) / len(filled) >= MIN_ANSWER_WORDS:
            found.append(index)
    if not found:
        raise BadInputError(
            path,
            "found neither transcript columns (speaker and text) nor a column of answers "
            f"({MIN_ANSWER_WORDS}+ words on average)",
            f"name the answer columns as text columns; the columns are: {_listing(names)}",
        )
    return found


def _column_named(path: Path, names: list[str], wanted: str) -> int:
    for index, name in enumerate(names):
        if name == wanted.strip():
            return index
    folded = wanted.strip().casefold()
    for index, name in enumerate(names):
        if name.casefold() == folded:
            return index
    raise BadInputError(path, f"no column named {wanted!r}", f"the columns are: {_listing(names)}")


def _listing(names: list[str]) -> str:
    shown = ", ".join(repr(name) for name in names[:20])
    return shown + (f" and {len(names) - 20} more" if len(names) > 20 else "")


def _per_row(
    path: Path,
    names: list[str],
    rows: Sequence[tuple[int, Row]],
    ids: list[str],
    id_at: int | None,
    text_columns: list[int],
    source_format: str,
) -> list[ParsedDocument]:
    documents = []
    used: set[str] = set()
    for (number, cells), respondent in zip(rows, ids, strict=True):
        parts: list[str] = []
        turns: list[ParsedTurn] = []
        position = 0
        for index in text_columns:
            answer = cell(cells, index).strip()
            if not answer:
                continue
            if parts:
                position += 2
            block = f"{names[index]}\n{answer}"
            turns.append(
                ParsedTurn(
                    position, position + len(block), position + len(names[index]) + 1, respondent
                )
            )
            parts.append(block)
            position += len(block)
        if not parts:
            continue  # a respondent who answered nothing has nothing to code
        attributes = {
            names[index]: value.strip()
            for index, value in enumerate(cells)
            if index < len(names) and index != id_at and index not in text_columns and value.strip()
        }
        name = f"{path.stem}-{respondent}"
        if name in used:
            name = f"{name}-row{number}"  # duplicate ids must not collide as document names
        used.add(name)
        documents.append(
            ParsedDocument(
                name=name,
                text="\n\n".join(parts),
                turns=tuple(turns),
                source_format=source_format,
                kind=RESPONSE_KIND,
                case=respondent,
                attributes=attributes,
            )
        )
    if not documents:
        raise _no_answers(path, names, text_columns)
    return documents


def _per_column(
    path: Path,
    names: list[str],
    rows: Sequence[tuple[int, Row]],
    ids: list[str],
    text_columns: list[int],
    source_format: str,
) -> list[ParsedDocument]:
    documents = []
    for index in text_columns:
        utterances = [
            Utterance(respondent, cell(cells, index).strip())
            for (_, cells), respondent in zip(rows, ids, strict=True)
            if cell(cells, index).strip()
        ]
        if not utterances:
            continue
        text, turns = join_utterances(utterances)
        documents.append(
            ParsedDocument(
                name=names[index],
                text=text,
                turns=turns,
                source_format=source_format,
                kind=RESPONSE_KIND,
                speaker_cases={u.speaker: u.speaker for u in utterances if u.speaker},
            )
        )
    if not documents:
        raise _no_answers(path, names, text_columns)
    return documents


def _no_answers(path: Path, names: list[str], text_columns: list[int]) -> BadInputError:
    columns = _listing([names[index] for index in text_columns])
    return BadInputError(path, "no rows with answers", f"the answer columns {columns} are empty")
