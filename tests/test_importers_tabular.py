"""CSV/TSV/XLSX (turn-per-row transcripts and survey responses) and Rev .nlp importers."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from qualcode.errors import BadInputError
from qualcode.importers import ImportOptions, ParsedDocument, read_file
from qualcode.importers.validate import turn_problems

DATA = Path(__file__).parent / "data"


def read_all(path: Path, options: ImportOptions | None = None) -> list[ParsedDocument]:
    documents = read_file(path, options)
    for document in documents:
        assert turn_problems(document) == []
    return documents


def turns_of(document: ParsedDocument) -> list[tuple[str | None, str]]:
    return [(t.speaker, document.text[t.body_start : t.end]) for t in document.turns]


def write_xlsx(path: Path, *sheets: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for index, rows in enumerate(sheets):
        sheet = workbook.create_sheet(f"Sheet{index + 1}")
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


# --- turn-per-row --------------------------------------------------------------------------------


def test_csv_turn_per_row_transcript() -> None:
    (document,) = read_all(DATA / "turns.csv")
    assert document.source_format == "csv-turns" and document.name == "turns"
    assert turns_of(document) == [
        (
            "Devin Becker",
            "Welcome, and thanks for talking with me \u2014 shall we start?\n\n"
            'Before we start, a note on "consent".',
        ),
        ("Robin Hale", "It's a pleasure."),
        ("DB", "So tell me about your first poems."),
        ("Robin Hale", "They were about the river & the mill."),
    ]
    assert [t.ts_start for t in document.turns] == [5.0, 40.0, 70.0, None]
    assert document.text.startswith("Devin Becker: Welcome,")


def test_tsv_chat_with_who_and_message_columns() -> None:
    (document,) = read_all(DATA / "chat.tsv")
    assert turns_of(document) == [
        ("Kim", "Hello there, can you hear me?"),
        ("Lee", "Yes, loud and clear."),
    ]
    assert [t.ts_start for t in document.turns] == [5.0, 9.0]


def test_semicolon_csv_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text(
        'Speaker;Text\nAnn;Hello, all of you.\nBo;"Hi; nice, to see you."\n', encoding="utf-8"
    )
    (document,) = read_all(path)
    assert turns_of(document) == [("Ann", "Hello, all of you."), ("Bo", "Hi; nice, to see you.")]


def test_xlsx_turn_per_row(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "t.xlsx",
        [
            ["Time", "Speaker", "Text"],
            ["[00:00:05]", "Interviewer:", "How are you?"],
            [None, "P01", "Fine, thanks.\r\nReally."],
            [None, None, "More from P01."],
            [12.5, "Interviewer", "Good."],
        ],
    )
    (document,) = read_all(path)
    assert document.source_format == "xlsx-turns"
    assert turns_of(document) == [
        ("Interviewer", "How are you?"),
        ("P01", "Fine, thanks.\nReally.\n\nMore from P01."),
        ("Interviewer", "Good."),
    ]
    assert [t.ts_start for t in document.turns] == [5.0, None, 12.5]


# --- survey responses ---------------------------------------------------------------------------


def test_csv_responses_one_document_per_row() -> None:
    documents = read_all(DATA / "responses.csv")
    assert [d.name for d in documents] == ["responses-R01", "responses-R02", "responses-R03"]
    first = documents[0]
    assert first.source_format == "csv-responses" and first.kind == "survey-response"
    assert first.case == "R01"
    assert dict(first.attributes) == {"Site": "North", "Age band": "25-34", "Rating": "4"}
    assert turns_of(first) == [
        (
            "R01",
            "The bus fare was paid and there was a hot lunch every week, which made it possible.",
        ),
        (
            "R01",
            "I would make the sessions a little longer so that there is time to talk properly.",
        ),
    ]
    assert first.text.startswith("What helped you attend the group?\nThe bus fare")
    turn = first.turns[1]
    assert first.text[turn.start : turn.body_start] == "What would you change?\n"
    assert len(documents[1].turns) == 1  # R02 left the second question empty
    assert "Age band" not in documents[2].attributes


def test_csv_responses_one_document_per_column() -> None:
    documents = read_all(DATA / "responses.csv", ImportOptions(responses="column"))
    assert [d.name for d in documents] == [
        "What helped you attend the group?",
        "What would you change?",
    ]
    assert [t.speaker for t in documents[1].turns] == ["R01", "R03"]
    assert dict(documents[1].speaker_cases) == {"R01": "R01", "R03": "R03"}
    assert documents[1].text.startswith("R01: I would make the sessions")


def test_responses_options_choose_columns(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("code,answer,group\nA7,Too short,staff\n,Also short,women\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="found neither transcript columns"):
        read_file(path)
    documents = read_all(path, ImportOptions(text_columns=("answer",), id_column="code"))
    assert [d.name for d in documents] == ["short-A7", "short-row 3"]
    assert [d.case for d in documents] == ["A7", "row 3"]
    assert dict(documents[0].attributes) == {"group": "staff"}
    with pytest.raises(BadInputError, match=r"no column named 'nope' \(the columns are: 'code'"):
        read_file(path, ImportOptions(text_columns=("nope",)))


def test_xlsx_responses_with_numbers_and_other_sheets(tmp_path: Path) -> None:
    long_answer = "I came because the staff were kind and the lunch was good every week."
    path = write_xlsx(
        tmp_path / "survey.xlsx",
        [],
        [["Participant", "Age", "Why did you come?"], ["P1", 34, long_answer], ["P2", 41.0, None]],
        [["unused"]],
    )
    (document,) = read_all(path)
    assert document.name == "survey-P1" and document.source_format == "xlsx-responses"
    assert dict(document.attributes) == {"Age": "34"}
    assert "other sheets were ignored: 'Sheet1', 'Sheet3'" in document.warnings[0]


# --- bad tables -----------------------------------------------------------------------------------


def test_csv_with_only_a_header() -> None:
    with pytest.raises(BadInputError, match=r"header_only\.csv: no rows"):
        read_file(DATA / "header_only.csv")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'speaker,text\nA,"never closed\n', "line 2: malformed CSV"),
        (b'speaker,text\nA,"x"y\n', "line 2: malformed CSV"),
        (b"speaker,text\nA,b\x00c\n", "contains NUL characters"),
        (b",,,\n,,\n", "no rows"),
        (b"speaker,text\nA,\nB,   \n", "no rows"),
    ],
)
def test_malformed_csv(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(BadInputError, match=message) as caught:
        read_file(path)
    assert str(caught.value).startswith(str(path))


def test_empty_xlsx_has_no_rows(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="no rows"):
        read_file(write_xlsx(tmp_path / "empty.xlsx", []))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"this is not a workbook at all" * 10,
            r"not a valid \.xlsx \(the file is damaged or is "
            r"not an Excel workbook\)",
        ),
        (None, r"could not be read as \.xlsx"),
    ],
)
def test_garbage_xlsx(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "bad.xlsx"
    if content is None:  # a valid zip that is not a workbook
        import zipfile

        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "hi")
    else:
        path.write_bytes(content)
    with pytest.raises(BadInputError, match=message):
        read_file(path)


# --- Rev .nlp -------------------------------------------------------------------------------------


def test_rev_nlp_ten_columns() -> None:
    (document,) = read_all(DATA / "rev10.nlp")
    assert document.source_format == "nlp"
    assert turns_of(document) == [
        ("Speaker 1", "Welcome back, everyone."),
        ("Speaker 2", 'Thanks for having me\u2026 "quote" 60,000.'),
        ("Speaker 1", "Okay?"),
    ]
    assert [(t.ts_start, t.ts_end) for t in document.turns] == [(0.5, 1.8), (2.0, 3.6), (4.0, 4.3)]
    assert document.text.split("\n\n")[0] == "Speaker 1: Welcome back, everyone."


def test_rev_nlp_eight_columns_with_names() -> None:
    options = ImportOptions(speaker_names={"0": "Operator", "3": "Larry Culp"})
    (document,) = read_all(DATA / "rev8.nlp", options)
    assert turns_of(document) == [
        ("Operator", "Good day, and welcome."),
        ("Larry Culp", "Thank you."),
        ("Operator", "Next question."),
    ]
    assert document.turns[0].ts_start is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("word|who\nhi|1\n", "not a Rev .nlp file: the header has no 'token' column"),
        ("token|speaker|ts\nhi|1|soon\n", "line 2: the time 'soon' is not a number of seconds"),
        ("token|speaker\n\n", "no rows"),
    ],
)
def test_bad_nlp(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.nlp"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BadInputError, match=message):
        read_file(path)


def test_unknown_responses_option_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="'row' or 'column'"):
        read_file(DATA / "responses.csv", ImportOptions(responses="sheet"))


def test_xlsx_rows_is_usable_by_other_readers(tmp_path: Path) -> None:
    from qualcode.importers.tabular import xlsx_rows

    path = write_xlsx(tmp_path / "codings.xlsx", [["document", "code"], ["A", 3.0], [None, True]])
    rows, warnings = xlsx_rows(path.read_bytes(), path)
    assert rows == [["document", "code"], ["A", "3"], ["", "TRUE"]] and warnings == ()
    with pytest.raises(BadInputError, match="not a valid .xlsx"):
        xlsx_rows(b"junk" * 100, path)
