"""Plain-text and Markdown importers, text decoding and encodings (fixtures in tests/data)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from qualcode.errors import BadInputError
from qualcode.importers import ParsedDocument, read_file
from qualcode.importers.encoding import decode_bytes
from qualcode.importers.validate import turn_problems

DATA = Path(__file__).parent / "data"


def read_one(path: Path) -> ParsedDocument:
    (document,) = read_file(path)
    assert turn_problems(document) == []
    return document


def turns_of(document: ParsedDocument) -> list[tuple[str | None, str]]:
    return [(t.speaker, document.text[t.body_start : t.end]) for t in document.turns]


ENCODINGS = ["utf8", "utf8bom", "utf16le", "utf16be", "utf16le_nobom", "cp1252", "crlf", "cr"]


@pytest.mark.parametrize("variant", ENCODINGS)
def test_every_encoding_gives_the_same_text(variant: str) -> None:
    document = read_one(DATA / f"interview_enc_{variant}.txt")
    reference = (DATA / "interview_enc_utf8.txt").read_text(encoding="utf-8")
    assert document.text == reference
    assert "\r" not in document.text and "\ufeff" not in document.text
    assert turns_of(document)[1] == (
        "P02",
        "It felt safe \u2014 \u201cnobody judged us\u201d, and that\u2019s rare. "
        "We had lunch at the caf\u00e9 after.",
    )
    assert [t.speaker for t in document.turns] == ["Interviewer", "P02", "Interviewer", "P02"]
    assert document.source_format == "txt" and document.name == f"interview_enc_{variant}"


def test_plain_interview_with_header_block() -> None:
    document = read_one(DATA / "interview_plain.txt")
    turns = turns_of(document)
    assert turns[0] == (
        None,
        "Title: Feasibility study interview (fictional)\n"
        "Date: 2024-03-05\nLocation: Outreach office",
    )
    assert [speaker for speaker, _ in turns] == [
        None,
        "Interviewer",
        "P01",
        "Interviewer",
        "P01",
        "Interviewer 2",
        "P01",
    ]
    # An unlabelled paragraph continues P01; "Honestly:" and "Note:" are not speakers.
    assert turns[2][1].endswith("\n\nIt was the first time anyone asked what I needed.")
    assert turns[4][1] == (
        "Honestly: the bus fare and the lunch. Without those I would not "
        "have come back.\nNote: participant laughed here."
    )
    first = document.turns[1]
    assert document.text[first.start : first.body_start] == "Interviewer: "
    assert document.warnings == ()


def test_markdown_label_styles() -> None:
    document = read_one(DATA / "interview_styles.md")
    assert document.source_format == "md"
    assert [(t.speaker, t.ts_start) for t in document.turns] == [
        ("Interviewer", None),
        ("Dana Okafor", None),
        ("Interviewer", 83.0),
        ("Dana Okafor", 90.0),
        ("Dana Okafor", 125.0),
        ("Interviewer", 160.0),
        ("Interviewer", None),
        ("Dana Okafor", None),
        ("INTERVIEWER", None),
    ]
    assert turns_of(document)[7] == ("Dana Okafor", "Only a one-day course.\nIt was not enough.")
    assert turns_of(document)[8] == ("INTERVIEWER", "Thank you.")


def test_otter_labels_alone_on_a_line() -> None:
    document = read_one(DATA / "otter.txt")
    assert [(t.speaker, t.ts_start) for t in document.turns] == [
        ("Sara Mannheimer", 13.0),
        ("Participant 3", 45.0),
        ("Sara Mannheimer", 3727.0),
    ]
    assert turns_of(document)[1][1] == "I trained as a social worker in 2009."


def test_non_ascii_names_and_bodies() -> None:
    document = read_one(DATA / "nonascii.txt")
    assert turns_of(document) == [
        ("Zoë Ångström", "Café culture ☕ matters to me 🙂 — really."),
        ("李伟", "我们每周见面一次。"),
        ("Zoë Ångström", "Ünïcödé with combining accents: e\u0301 and n\u0303."),
        ("李伟", "好的 👍"),
        ("Jose\u0301 Martí", "Mañana, sí."),
        ("Jose\u0301 Martí", "東京 and Zürich."),
    ]


def test_zoom_chat_export() -> None:
    document = read_one(DATA / "zoom_chat.txt")
    assert [(t.speaker, t.ts_start) for t in document.turns] == [
        ("luc.example", 833.0),
        ("Maya Ruiz", 1148.0),
        ("Luis Pinto | Site B", 2200.0),
        ("Luis Pinto | Site B", 2730.0),
    ]
    assert turns_of(document)[0][1] == "hi all 👋"
    assert turns_of(document)[3][1] == "https://example.org/notes"


def test_text_without_labels_warns_and_keeps_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("We met at the hub.\n\nIt rained.\n", encoding="utf-8")
    document = read_one(path)
    assert turns_of(document) == [(None, "We met at the hub."), (None, "It rained.")]
    assert "no speaker labels" in document.warnings[0]


def test_markdown_suffix_variants(tmp_path: Path) -> None:
    for name in ("a.markdown", "b.MD", "c.TXT"):
        path = tmp_path / name
        path.write_text("P01: hi\nP01: again\n", encoding="utf-8")
        assert [t.speaker for t in read_one(path).turns] == ["P01", "P01"]


# --- decode_bytes -------------------------------------------------------------------------------


def test_decode_strips_bom_and_normalises_newlines_only() -> None:
    data = codecs.BOM_UTF8 + "a\r\nb\rc\n\u2028d  \t".encode()
    assert decode_bytes(data, "x.txt") == "a\nb\nc\n\u2028d  \t"


def test_decode_utf32_with_bom() -> None:
    data = codecs.BOM_UTF32_LE + "P01: hé".encode("utf-32-le")
    assert decode_bytes(data, "x.txt") == "P01: hé"


def test_bad_utf16_names_the_byte_offset() -> None:
    data = codecs.BOM_UTF16_LE + "ok".encode("utf-16-le") + b"\x00\xdc"  # a lone low surrogate
    with pytest.raises(
        BadInputError,
        match=r"x\.txt: is not valid UTF-16: bad bytes at byte "
        r"offset \d+",
    ):
        decode_bytes(data, "x.txt")


def test_decode_cp1252_quotes_and_dash() -> None:
    text = "P01: \u201cSafe\u201d \u2014 that\u2019s the word, na\u00efve or not."
    assert decode_bytes(text.encode("cp1252"), "x.txt") == text


def test_decode_refuses_a_single_huge_line() -> None:
    with pytest.raises(BadInputError, match="a single line of 1,000,001 characters"):
        decode_bytes(b"a" * 1_000_001, "x.txt")
    assert len(decode_bytes(b"a\n" * 600_000, "x.txt")) == 1_200_000
