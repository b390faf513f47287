"""Read transcript files into ``ParsedDocument`` values: the one entry point is ``read_file``.

Every problem with the file itself (missing, empty, binary, damaged, the wrong kind) becomes a
one-line ``BadInputError`` that names the file and, where it can, says what to do. Checks run in
a fixed order (exists, is a file, size, empty, magic bytes, suffix) so the message a user sees is
about the most basic thing that is wrong.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

from qualcode.errors import BadInputError
from qualcode.importers.base import (
    MAX_FILE_BYTES,
    ImportOptions,
    ParsedDocument,
    ParsedTurn,
)
from qualcode.importers.rev import read_nlp
from qualcode.importers.subtitles import read_subtitles
from qualcode.importers.tabular import read_csv, read_xlsx
from qualcode.importers.text import read_text
from qualcode.importers.turns import default_role, split_turns
from qualcode.importers.word import read_docx

__all__ = [
    "SUPPORTED_SUFFIXES",
    "ImportOptions",
    "ParsedDocument",
    "ParsedTurn",
    "default_role",
    "read_file",
    "split_turns",
]

Reader = Callable[[Path, bytes, ImportOptions, str], list[ParsedDocument]]

_READERS: dict[str, tuple[Reader, str]] = {
    ".txt": (read_text, "txt"),
    ".md": (read_text, "md"),
    ".markdown": (read_text, "md"),
    ".docx": (read_docx, "docx"),
    ".vtt": (read_subtitles, "vtt"),
    ".srt": (read_subtitles, "srt"),
    ".nlp": (read_nlp, "nlp"),
    ".csv": (read_csv, "csv"),
    ".tsv": (read_csv, "tsv"),
    ".xlsx": (read_xlsx, "xlsx"),
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_READERS)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_SAVE_AS = {
    ".doc": "legacy Word .doc files are not supported; save it as .docx or .txt",
    ".pdf": "PDF files are not supported; save it as .docx or .txt",
    ".rtf": "RTF files are not supported; save it as .docx or .txt",
    ".odt": "OpenDocument .odt files are not supported; save it as .docx or .txt",
}
_SUPPORTED_HINT = "supported types: " + ", ".join(SUPPORTED_SUFFIXES)


def read_file(path: str | Path, options: ImportOptions | None = None) -> list[ParsedDocument]:
    """Read one transcript (or table of responses) and return the documents it holds."""
    path = Path(path)
    options = options or ImportOptions()
    data = _read_bytes(path)
    suffix = path.suffix.lower()
    _sniff(path, data, suffix)
    if suffix not in _READERS:
        raise _unsupported(path, suffix)
    reader, source_format = _READERS[suffix]
    return reader(path, data, options, source_format)


def _read_bytes(path: Path) -> bytes:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise BadInputError(path, "no such file", "check the name and the folder") from None
    except OSError as exc:
        raise BadInputError(path, f"cannot be opened: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise BadInputError(path, "is a directory", "give a transcript file, not a folder")
    if not stat.S_ISREG(info.st_mode):
        # A pipe or device would block or never end.
        raise BadInputError(path, "is not a regular file", "give a transcript file")
    if info.st_size > MAX_FILE_BYTES:
        raise BadInputError(
            path,
            f"file is too large ({info.st_size / 1_048_576:,.0f} MB; the limit is "
            f"{MAX_FILE_BYTES // 1_048_576} MB)",
            "split it into smaller files",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInputError(path, f"cannot be read: {exc.strerror or exc}") from None
    if not data.strip():
        raise BadInputError(path, "file is empty", "check that this is the right file")
    return data


def _sniff(path: Path, data: bytes, suffix: str) -> None:
    """Recognise files by their first bytes, whatever their suffix says."""
    if data.startswith(_OLE_MAGIC):
        if suffix in (".docx", ".xlsx"):
            program = "Word" if suffix == ".docx" else "Excel"
            raise BadInputError(
                path,
                f"is an encrypted or legacy Office file, not a {suffix}",
                f"remove its password in {program}, or open it in {program} or LibreOffice "
                f"and save it as {suffix}",
            )
        if suffix == ".xls":
            raise BadInputError(
                path,
                "legacy Excel .xls (Excel 97-2003) is not supported",
                "open it in Excel or LibreOffice and save it as .xlsx",
            )
        raise BadInputError(
            path,
            "legacy Word .doc (Word 97-2003) is not supported",
            "open it in Word or LibreOffice and save it as .docx",
        )
    if data.startswith(b"%PDF-"):
        raise BadInputError(
            path,
            "PDF files are not supported",
            "copy the text into a .txt file or export the transcript as .docx",
        )
    if data.startswith(b"{\\rtf"):
        raise BadInputError(
            path,
            "RTF files are not supported",
            "open it in Word or LibreOffice and save it as .docx",
        )
    if data.startswith(_ZIP_MAGIC) and suffix in _READERS and suffix not in (".docx", ".xlsx"):
        raise BadInputError(
            path,
            f"is a zip archive, not a {suffix} text file",
            "if it is a Word or Excel file, give it the .docx or .xlsx suffix",
        )


def _unsupported(path: Path, suffix: str) -> BadInputError:
    if suffix in _SAVE_AS:
        return BadInputError(path, _SAVE_AS[suffix])
    shown = f"'{suffix}'" if suffix else "(the name has no suffix)"
    return BadInputError(path, f"unsupported file type {shown}", _SUPPORTED_HINT)
