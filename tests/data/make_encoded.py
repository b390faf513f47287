"""Regenerate the encoding fixtures (interview_enc_*.txt) from one text; run from this folder.

Kept so the binary fixtures can be checked and rebuilt: ``python3 make_encoded.py``.
"""

from __future__ import annotations

import codecs
from pathlib import Path

TEXT = (
    "Interviewer: How did the group feel to you?\n"
    "\n"
    "P02: It felt safe \u2014 \u201cnobody judged us\u201d, and that\u2019s rare. "
    "We had lunch at the caf\u00e9 after.\n"
    "\n"
    "Interviewer: Thank you.\n"
    "\n"
    "P02: You\u2019re welcome.\n"
)

VARIANTS: dict[str, bytes] = {
    "utf8": TEXT.encode("utf-8"),
    "utf8bom": codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    "utf16le": codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    "utf16be": codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    "utf16le_nobom": TEXT.encode("utf-16-le"),
    "cp1252": TEXT.encode("cp1252"),
    "crlf": TEXT.replace("\n", "\r\n").encode("utf-8"),
    "cr": TEXT.replace("\n", "\r").encode("utf-8"),
}

if __name__ == "__main__":
    here = Path(__file__).parent
    for name, data in VARIANTS.items():
        (here / f"interview_enc_{name}.txt").write_bytes(data)
