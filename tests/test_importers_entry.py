"""read_file: dispatch, the order of basic checks, sniffed file types and hostile inputs."""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.errors import BadInputError
from qualcode.importers import SUPPORTED_SUFFIXES, read_file
from qualcode.importers.base import MAX_FILE_BYTES
from qualcode.importers.validate import turn_problems

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def error_for(path: Path) -> str:
    with pytest.raises(BadInputError) as caught:
        read_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")  # names the file
    assert "\n" not in message  # one line
    return message[len(f"{path}: ") :]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_supported_suffixes() -> None:
    assert set(SUPPORTED_SUFFIXES) == {
        ".txt",
        ".md",
        ".markdown",
        ".docx",
        ".vtt",
        ".srt",
        ".nlp",
        ".csv",
        ".tsv",
        ".xlsx",
    }


def test_missing_file(tmp_path: Path) -> None:
    assert error_for(tmp_path / "nope.txt").startswith("no such file")


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert error_for(folder).startswith("is a directory")


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk space used
    assert error_for(path).startswith("file is too large (64 MB; the limit is 64 MB)")


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  "])
@pytest.mark.parametrize("name", ["empty.txt", "empty.docx", "empty.csv", "empty.xyz"])
def test_empty_and_whitespace_only(tmp_path: Path, data: bytes, name: str) -> None:
    assert error_for(write(tmp_path, name, data)).startswith("file is empty")


def test_bom_only_is_empty(tmp_path: Path) -> None:
    assert error_for(write(tmp_path, "bom.txt", b"\xef\xbb\xbf\n")).startswith("file is empty")
    utf16_blank = "\ufeff  \n".encode("utf-16-le")
    assert error_for(write(tmp_path, "bom16.srt", utf16_blank)).startswith("file is empty")


def test_random_binary_with_nuls(tmp_path: Path) -> None:
    data = random.Random(7).randbytes(4096)
    assert b"\x00" in data
    assert error_for(write(tmp_path, "noise.txt", data)).startswith(
        "looks like a binary file, not text"
    )


def test_png_renamed_to_txt_and_png_suffix(tmp_path: Path) -> None:
    assert error_for(write(tmp_path, "image.txt", PNG)).startswith("looks like a binary file")
    message = error_for(write(tmp_path, "image.png", PNG))
    assert message.startswith("unsupported file type '.png' (supported types: .txt, .md")


def test_legacy_word_doc(tmp_path: Path) -> None:
    message = error_for(write(tmp_path, "old.doc", OLE + bytes(504)))
    assert message == (
        "legacy Word .doc (Word 97-2003) is not supported (open it in Word or "
        "LibreOffice and save it as .docx)"
    )


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_ole_with_new_office_suffix_is_encrypted_or_legacy(tmp_path: Path, suffix: str) -> None:
    message = error_for(write(tmp_path, f"locked{suffix}", OLE + bytes(504)))
    assert message.startswith(f"is an encrypted or legacy Office file, not a {suffix}")


def test_ole_xls(tmp_path: Path) -> None:
    assert "legacy Excel .xls" in error_for(write(tmp_path, "old.xls", OLE + bytes(504)))


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "a.doc",
            b"Interviewer: plain text really",
            "legacy Word .doc files are not supported; save it as .docx or .txt",
        ),
        ("a.pdf", b"%PDF-1.7\n...", "PDF files are not supported"),
        ("a.txt", b"%PDF-1.7\n...", "PDF files are not supported"),
        ("a.rtf", b"{\\rtf1\\ansi hello}", "RTF files are not supported"),
        (
            "a.odt",
            b"PK\x03\x04 fake",
            "OpenDocument .odt files are not supported; save it as .docx or .txt",
        ),
        ("a.txt", b"PK\x03\x04 fake", "is a zip archive, not a .txt text file"),
        (
            "a.xyz",
            b"hello",
            "unsupported file type '.xyz' (supported types: .txt, .md, "
            ".markdown, .docx, .vtt, .srt, .nlp, .csv, .tsv, .xlsx)",
        ),
        ("README", b"hello", "unsupported file type (the name has no suffix)"),
    ],
)
def test_unsupported_and_sniffed_types(
    tmp_path: Path, name: str, data: bytes, expected: str
) -> None:
    assert error_for(write(tmp_path, name, data)).startswith(expected)


def test_fifty_megabyte_single_line(tmp_path: Path) -> None:
    path = write(tmp_path, "line.txt", b"word " * 10_000_000)
    assert error_for(path).startswith(
        "a single line of 50,000,000 characters; this does not look like a transcript"
    )


@pytest.mark.parametrize("data", [bytes(range(128, 256)) * 3, b"abc " + bytes(range(128, 256))])
def test_undecodable_bytes(tmp_path: Path, data: bytes) -> None:
    import charset_normalizer

    assert charset_normalizer.from_bytes(data).best() is None  # the premise of this test
    message = error_for(write(tmp_path, "mystery.txt", data))
    assert message.startswith(
        "cannot decode the text: it is not UTF-8 and no other encoding fits (save it as UTF-8"
    )


def test_control_characters_are_not_text(tmp_path: Path) -> None:
    message = error_for(write(tmp_path, "ctrl.txt", bytes(range(1, 32)) * 10))
    assert message.startswith("looks like a binary file, not text")


def test_accepts_str_paths_and_default_options(tmp_path: Path) -> None:
    path = write(tmp_path, "x.txt", b"P01: hi\n")
    (document,) = read_file(str(path))
    assert document.turns[0].speaker == "P01"


TEXT_SUFFIXES = [".txt", ".md", ".vtt", ".srt", ".nlp", ".csv", ".tsv"]
_fuzz_tokens = st.sampled_from(
    [
        "\n",
        "\r\n",
        " ",
        "\t",
        ":",
        "|",
        ",",
        ";",
        '"',
        "-->",
        "00:00:01,000",
        "00:01.500",
        "WEBVTT",
        "NOTE",
        "<v Ann>",
        "</v>",
        "<i>",
        "&amp;",
        "**",
        "[",
        "]",
        "1",
        "Ann",
        "P01",
        "token|speaker|ts",
        "speaker,text",
        "é",
        "🙂",
        "\x00",
        "\xff",
        "\ufeff",
    ]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(TEXT_SUFFIXES),
    st.one_of(
        st.binary(max_size=300),
        st.lists(_fuzz_tokens, max_size=60).map(
            lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
        ),
    ),
)
def test_fuzzed_text_files_never_crash(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            documents = read_file(path)
        except BadInputError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)
            return
        for document in documents:
            assert turn_problems(document) == []
            assert "\r" not in document.text


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([".docx", ".xlsx"]), st.integers(0, 2000), st.binary(min_size=1, max_size=64)
)
def test_corrupted_office_files_fail_cleanly(suffix: str, offset: int, junk: bytes) -> None:
    source = _office_sample(suffix)
    data = bytearray(source)
    position = offset % len(data)
    data[position : position + len(junk)] = junk
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"bad{suffix}"
        path.write_bytes(bytes(data))
        try:
            read_file(path)
        except BadInputError as exc:
            assert "\n" not in str(exc)


_samples: dict[str, bytes] = {}


def _office_sample(suffix: str) -> bytes:
    if suffix not in _samples:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"sample{suffix}"
            if suffix == ".docx":
                import docx

                document = docx.Document()
                document.add_paragraph("Interviewer: hello")
                document.add_paragraph("P01: hi")
                document.save(path)
            else:
                import openpyxl

                workbook = openpyxl.Workbook()
                workbook.active.append(["speaker", "text"])
                workbook.active.append(["P01", "hello"])
                workbook.save(path)
            _samples[suffix] = path.read_bytes()
    return _samples[suffix]


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can read files without read permission")
    path = write(tmp_path, "secret.txt", b"P01: hi")
    path.chmod(0)
    assert error_for(path).startswith("cannot be read")
