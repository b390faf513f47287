"""Turn the bytes of a text-like file into the one ``str`` every offset will point into.

Transcripts arrive as UTF-8 (with or without a BOM), UTF-16 from Windows tools, and old cp1252
files saved by Word or Notepad. The common case (strict UTF-8) is one C-level decode; only files
that fail it pay for detection by charset-normalizer.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from qualcode.errors import BadInputError
from qualcode.importers.base import MAX_LINE_CHARS

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SNIFF_BYTES = 4096
"""How much of a file the UTF-16-without-BOM check looks at."""
_CONTROL_LIMIT = 0.3
"""Share of control characters above which a decoding is taken to be wrong."""
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_SAVE_AS_UTF8 = "save it as UTF-8 (in Notepad or Word: Save As, Encoding: UTF-8)"


def decode_bytes(data: bytes, path: str | Path) -> str:
    """Decode a text file, normalise its newlines to LF and refuse what is not a transcript.

    Nothing else in the text changes: offsets into the returned string are the offsets the
    project stores.
    """
    text = _decode(data, path)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    _check_line_length(text, path)
    nul = text.find("\x00")
    if nul >= 0:
        # A NUL ends the text for C programs and terminals: no transcript holds one.
        line = text.count("\n", 0, nul) + 1
        raise BadInputError(path, f"line {line}: contains NUL characters", _SAVE_AS_UTF8)
    return text


def _decode(data: bytes, path: str | Path) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _not_binary(_strict(data, codec, path, codec.upper().replace("-SIG", "")), path)
    try:
        return _not_binary(data.decode("utf-8"), path)
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16:
            return _not_binary(_strict(data, utf16, path, "UTF-16"), path)
        raise _binary(path)
    return _detect(data, path)


def _binary(path: str | Path) -> BadInputError:
    return BadInputError(
        path,
        "looks like a binary file, not text",
        "import a .txt, .md, .docx, .vtt, .srt or .csv transcript",
    )


def _not_binary(text: str, path: str | Path) -> str:
    """Refuse text that decoded cleanly but is mostly control characters (ASCII is valid UTF-8)."""
    sample = text[:_SNIFF_BYTES]
    if sample and len(_CONTROLS.findall(sample)) > len(sample) * _CONTROL_LIMIT:
        raise _binary(path)
    return text


def _strict(data: bytes, codec: str, path: str | Path, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise BadInputError(
            path, f"is not valid {label}: bad bytes at byte offset {exc.start}", _SAVE_AS_UTF8
        ) from exc


def _utf16_without_bom(data: bytes) -> str | None:
    """Name the UTF-16 byte order when NULs sit at alternating positions (mostly-ASCII text)."""
    sample = data[:_SNIFF_BYTES]
    pairs = len(sample) // 2
    if pairs == 0 or len(data) % 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    # ASCII in UTF-16-LE puts the zero byte second; a few NULs on the other side mean binary.
    if odd >= pairs * 0.3 and even <= pairs * 0.02:
        return "utf-16-le"
    if even >= pairs * 0.3 and odd <= pairs * 0.02:
        return "utf-16-be"
    return None


def _detect(data: bytes, path: str | Path) -> str:
    # Imported here: detection is slow to import and rarely needed.
    import charset_normalizer

    matches = list(charset_normalizer.from_bytes(data))
    undecodable = BadInputError(
        path, "cannot decode the text: it is not UTF-8 and no other encoding fits", _SAVE_AS_UTF8
    )
    if not matches:
        raise undecodable
    best = matches[0]
    chosen = best
    # charset-normalizer ranks many single-byte code pages as equally good on short Western text
    # (it picks cp1006 for "Café naïve"); Windows-1252 is by far the likeliest, so prefer it
    # whenever it is among the equally plausible readings.
    for match in matches:
        if (
            "cp1252" in match.could_be_from_charset
            and match.chaos <= best.chaos + 0.01
            and match.coherence >= best.coherence - 0.05
        ):
            chosen = match
            break
    text = str(chosen)
    if _control_share(text) > _CONTROL_LIMIT:
        raise undecodable
    return text


def _control_share(text: str) -> float:
    sample = text[:_SNIFF_BYTES]
    if not sample:
        return 0.0
    controls = sum(
        1
        for char in sample
        if char not in "\t\n\r\f" and unicodedata.category(char) in ("Cc", "Co", "Cn", "Cs")
    )
    return controls / len(sample)


def _check_line_length(text: str, path: str | Path) -> None:
    # Any line longer than the limit contains a whole aligned window of half the limit without
    # a newline; looking for one costs a few str.find calls instead of splitting every line.
    window = MAX_LINE_CHARS // 2
    if all(
        text.find("\n", start, start + window) != -1 or len(text) - start < window
        for start in range(0, len(text), window)
    ):
        return
    longest = max(map(len, text.split("\n")))
    if longest > MAX_LINE_CHARS:
        raise BadInputError(
            path,
            f"a single line of {longest:,} characters; this does not look like a transcript",
            "check that this is the right file",
        )


def require_text(text: str, path: str | Path) -> None:
    """Refuse a decoded file that holds nothing but whitespace (a BOM alone, say)."""
    if not text.strip():
        raise BadInputError(path, "file is empty", "check that this is the right file")
