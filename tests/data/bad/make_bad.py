"""Regenerate the corpus of broken and hostile files in this folder; run from anywhere.

``python3 tests/data/bad/make_bad.py`` rewrites every file deterministically (random bytes come
from a seeded generator). Files stay tiny: a zip bomb here declares or compresses to gigabytes
but is a few kilobytes on disk. The file of 10^6 tiny turns is made at test time instead.
"""

from __future__ import annotations

import codecs
import io
import random
import struct
import zipfile
from pathlib import Path

HERE = Path(__file__).parent

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def document_xml(*paragraphs: str) -> str:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    )


def zipped(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            # A fixed date keeps the files byte-identical from one run to the next.
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content.encode("utf-8") if isinstance(content, str) else content)
    return buffer.getvalue()


def minimal_docx(*paragraphs: str, extra: dict[str, bytes | str] | None = None) -> bytes:
    """The smallest package python-docx opens: content types, one relationship, the body."""
    members: dict[str, bytes | str] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": RELS,
        "word/document.xml": document_xml(*paragraphs),
    }
    members.update(extra or {})
    return zipped(members)


def declare_huge(data: bytes, member: str, size: int = 0x7FFF_FFFF) -> bytes:
    """Rewrite the uncompressed size ``member`` declares, in its local and central headers."""
    out = bytearray(data)
    encoded = member.encode("utf-8")
    # (signature, offset of the uncompressed size, of the name length, of the name)
    for signature, size_at, length_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        start = 0
        while (start := out.find(signature, start)) != -1:
            (length,) = struct.unpack_from("<H", out, start + length_at)
            if bytes(out[start + name_at : start + name_at + length]) == encoded:
                struct.pack_into("<I", out, start + size_at, size)
            start += 4
    return bytes(out)


def patch_central(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    """Rewrite one field (at ``offset`` in every central directory header) of a zip."""
    out = bytearray(data)
    start = 0
    while (start := out.find(b"PK\x01\x02", start)) != -1:
        struct.pack_into(fmt, out, start + offset, value)
        start += 4
    return bytes(out)


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{n} "' + f"&lol{n - 1 if n > 2 else ''};" * 10 + '">\n' for n in range(2, 10)
    )
    + "]>\n"
)
XXE_DECL = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
SOURCE_GUID = "d0000000-0000-4000-8000-000000000001"


def codebook(name: str) -> str:
    return (
        f'<CodeBook xmlns="{CODEBOOK_NS}" origin="bad"><Codes>'
        f'<Code guid="c0000000-0000-4000-8000-000000000001" name="{name}" isCodable="true"/>'
        "</Codes></CodeBook>"
    )


def project(text: str, name: str = "bad") -> str:
    return (
        f'<Project xmlns="{PROJECT_NS}" name="{name}" origin="bad"><Sources>'
        f'<TextSource guid="{SOURCE_GUID}" name="leak"><PlainTextContent>{text}'
        "</PlainTextContent></TextSource></Sources></Project>"
    )


def corpus() -> dict[str, bytes]:
    """File name -> content of every file in the corpus."""
    rng = random.Random(20240601)

    def noise(n: int = 512) -> bytes:
        return bytes(rng.randrange(256) for _ in range(n))

    docx = minimal_docx("Interviewer: How was it?", "P01: Fine, thanks.")
    files: dict[str, bytes] = {
        "truncated.docx": docx[: len(docx) // 2],
        "zipbomb_declared.docx": declare_huge(docx, "word/document.xml"),
        # 12 MB of the same byte deflates to ~12 KB: past the ratio limit, small on disk.
        "zipbomb_dense.docx": minimal_docx(
            "P01: hi", extra={"word/media/pad.bin": b"\0" * 12 * 1024 * 1024}
        ),
        "traversal.docx": minimal_docx(
            "Interviewer: Where is it?", "P01: Outside.", extra={"../../evil": "pwned"}
        ),
        "empty_body.docx": minimal_docx(),
        # zip features Python cannot read: a future format version, an encrypted member
        "zip_version.docx": patch_central(minimal_docx("P01: hi"), 6, "<H", 64),
        "zip_encrypted.docx": patch_central(minimal_docx("P01: hi"), 8, "<H", 1),
        "zip_version.qdpx": patch_central(zipped({"project.qde": project("hi")}), 6, "<H", 64),
        "zip_encrypted.qdpx": patch_central(zipped({"project.qde": project("hi")}), 8, "<H", 1),
        "not_zip.docx": b"PK\x03\x04" + noise(200),
        "empty.txt": b"",
        "whitespace.txt": b" \n\t\r\n  ",
        "nul.txt": b"\0" * 1024,
        "utf16le_nobom_odd.txt": "P01: caf\u00e9 \u2014 ok\n".encode("utf-16-le")[:-1],
        "bom_only.txt": codecs.BOM_UTF8,
        "pdf_named.txt": b"%PDF-1.4\n" + noise(64),
        "unclosed_quote.csv": b'speaker,text\nP01,"never closed\nP02,hi\n',
        "header_only.tsv": b"speaker\ttext\n",
        "empty_zip.xlsx": b"PK\x05\x06" + b"\0" * 18,
        "zipbomb_dense.xlsx": zipped({"xl/pad.bin": b"\0" * 12 * 1024 * 1024}),
        "billion_laughs.qdc": (BILLION_LAUGHS + codebook("&lol9;")).encode(),
        "billion_laughs.qdpx": zipped({"project.qde": BILLION_LAUGHS + project("&lol9;")}),
        "billion_laughs_utf16.qdc": codecs.BOM_UTF16_LE
        + (BILLION_LAUGHS + codebook("&lol9;")).encode("utf-16-le"),
        "xxe.qdc": (XXE_DECL + codebook("&xxe;")).encode(),
        "xxe.qdpx": zipped({"project.qde": XXE_DECL + project("&xxe;")}),
        "xxe_dtd.qdc": (
            '<?xml version="1.0"?>\n<!DOCTYPE CodeBook SYSTEM "file:///etc/passwd">\n'
            + codebook("x")
        ).encode(),
        "xxe_path.qdpx": zipped(
            {
                "project.qde": project("")
                .replace('name="leak">', 'name="leak" plainTextPath="file:///etc/passwd">')
                .replace("<PlainTextContent></PlainTextContent>", ""),
            }
        ),
        "traversal.qdpx": zipped({"project.qde": project("hi"), "../../evil": "pwned"}),
        "truncated.qdpx": zipped({"project.qde": project("P01: hello")})[:150],
        "unclosed.qdc": codebook("x")[:-12].encode(),
    }
    for suffix in (".txt", ".vtt", ".srt", ".csv", ".xlsx", ".nlp", ".qdpx", ".qdc", ".md"):
        files[f"random{suffix}"] = noise()
    return files


# Files that are hostile but valid: they must import, with every character kept.
CONTROLS_TEXT = (
    "Interviewer: Plain question?\n\n"
    "P01: bell\x07 backspace\x08 escape \x1b[31mred\x1b[0m \u202eevil\u202c "
    "\u2066isolate\u2069 zero\u200bwidth del\x7f c1\x85 fine.\n"
)
UTF16_TEXT = "Interviewer: Caf\u00e9?\n\nP01: Yes \u2014 the caf\u00e9.\n"


def main() -> None:
    for stale in HERE.iterdir():
        if stale.is_file() and stale.name not in ("make_bad.py",):
            stale.unlink()
    for name, content in {
        **corpus(),
        "controls.txt": CONTROLS_TEXT.encode("utf-8"),
        "utf16le_nobom.txt": UTF16_TEXT.encode("utf-16-le"),
    }.items():
        (HERE / name).write_bytes(content)


if __name__ == "__main__":
    main()
