"""Word (.docx) importer: paragraphs and speaker tables in order, and damaged or hostile files.

The .docx files are built here with python-docx (and zipfile for the broken ones), in tmp_path.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from qualcode.errors import BadInputError
from qualcode.importers import ParsedDocument, read_file
from qualcode.importers.validate import turn_problems


def read_one(path: Path) -> ParsedDocument:
    (document,) = read_file(path)
    assert turn_problems(document) == []
    return document


def turns_of(document: ParsedDocument) -> list[tuple[str | None, str]]:
    return [(t.speaker, document.text[t.body_start : t.end]) for t in document.turns]


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Interview with a member of staff (fictional)")
    document.add_paragraph("")
    document.add_paragraph("Interviewer: How did the group start?")
    document.add_paragraph("P02: We noticed women were not coming to the mixed groups.")
    document.add_paragraph("   ")
    document.add_paragraph("So we asked them what they needed.")
    table = document.add_table(rows=0, cols=2)
    for speaker, words in [
        ("Speaker", "Text"),
        ("Interviewer", "And then?"),
        ("P02:", "We ran a pilot \u2014 twelve weeks."),
        ("", "It worked."),
    ]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = speaker, words
    document.add_paragraph("Interviewer: Who paid for lunch?")
    timed = document.add_table(rows=0, cols=3)
    for stamp, speaker, words in [
        ("00:10:05", "P02", "The charity did, from a small grant."),
        ("00:10:30", "Interviewer", "Thank you."),
    ]:
        cells = timed.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = stamp, speaker, words
    facts = document.add_table(rows=0, cols=2)
    for key, value in [("Site", "North"), ("Length", "48 minutes")]:
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = key, value
    document.add_paragraph("P02: Bye, and 谢谢 🙂.")
    document.save(path)
    return path


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    document = read_one(make_docx(tmp_path / "staff.docx"))
    assert document.source_format == "docx" and document.name == "staff"
    assert turns_of(document) == [
        (None, "Interview with a member of staff (fictional)"),
        ("Interviewer", "How did the group start?"),
        (
            "P02",
            "We noticed women were not coming to the mixed groups.\n\n"
            "So we asked them what they needed.",
        ),
        ("Interviewer", "And then?"),
        ("P02", "We ran a pilot \u2014 twelve weeks.\n\nIt worked."),
        ("Interviewer", "Who paid for lunch?"),
        ("P02", "The charity did, from a small grant."),
        ("Interviewer", "Thank you.\n\nSite\tNorth\nLength\t48 minutes"),
        ("P02", "Bye, and 谢谢 🙂."),
    ]
    assert [t.ts_start for t in document.turns][6:8] == [605.0, 630.0]
    assert "\n\n\n" not in document.text  # empty paragraphs are skipped


def test_docx_without_labels_keeps_paragraphs(tmp_path: Path) -> None:
    word = docx.Document()
    for text in ("First paragraph.", "", "Second paragraph."):
        word.add_paragraph(text)
    word.save(tmp_path / "memo.docx")
    document = read_one(tmp_path / "memo.docx")
    assert turns_of(document) == [(None, "First paragraph."), (None, "Second paragraph.")]


def test_docx_with_no_text_is_empty(tmp_path: Path) -> None:
    word = docx.Document()
    word.add_paragraph("  ")
    word.save(tmp_path / "blank.docx")
    with pytest.raises(BadInputError, match=r"blank\.docx: file is empty"):
        read_file(tmp_path / "blank.docx")


def test_plain_text_named_docx(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_text("Interviewer: this is really a text file\n", encoding="utf-8")
    with pytest.raises(BadInputError) as caught:
        read_file(path)
    assert str(caught.value) == (
        f"{path}: not a valid .docx (the file is damaged or is not a Word document)"
    )


def test_truncated_docx(tmp_path: Path) -> None:
    whole = make_docx(tmp_path / "whole.docx").read_bytes()
    path = tmp_path / "half.docx"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(BadInputError, match=r"half\.docx: not a valid \.docx"):
        read_file(path)


def test_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(BadInputError, match=r"other\.docx: could not be read as \.docx: "):
        read_file(path)


def test_docx_with_broken_xml(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx")
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]  # cut mid-element
            target.writestr(item, data)
    with pytest.raises(BadInputError, match=r"broken\.docx: could not be read as \.docx"):
        read_file(path)


def _bomb(path: Path, megabytes: int) -> Path:
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            for _ in range(megabytes):
                member.write(chunk)
    return path


def test_zip_bomb_docx_is_refused(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bomb.docx", 300)
    assert path.stat().st_size < 2_000_000
    with pytest.raises(BadInputError) as caught:
        read_file(path)
    assert str(caught.value).startswith(
        f"{path}: refused: the archive would unpack to 315 MB (possible zip bomb)"
    )


def test_dense_member_is_refused_below_the_total_limit(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "dense.docx", 20)
    with pytest.raises(BadInputError, match="possible zip bomb"):
        read_file(path)
