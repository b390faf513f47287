"""Word transcripts (.docx): paragraphs and speaker tables, in document order.

Body paragraphs become paragraphs of the text (empty ones skipped). Tables laid out as
speaker | text (optionally with a timestamp column) are rewritten as ``Speaker: text`` paragraphs
so the shared label grammar in ``turns`` finds the turns; other tables keep their cell text.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from qualcode.errors import BadInputError
from qualcode.importers.archive import check_zip
from qualcode.importers.base import ImportOptions, ParsedDocument
from qualcode.importers.encoding import require_text
from qualcode.importers.tables import rows_to_paragraphs
from qualcode.importers.text import check_line_count, document_from_text

Row = list[str]


def read_docx(
    path: Path, data: bytes, options: ImportOptions, source_format: str
) -> list[ParsedDocument]:
    """Read a .docx transcript as one document."""
    del options  # nothing to choose for Word files; the signature is shared by every reader
    check_zip(data, path, ".docx", "a Word document")
    check_line_count(_count_paragraphs(data), path, "paragraphs")
    blocks = _read_blocks(data, path)
    paragraphs: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            if block.strip():
                paragraphs.append(block)
        else:
            paragraphs.extend(rows_to_paragraphs(block))
    text = "\n\n".join(paragraphs)
    # Word keeps soft line breaks as "\n" already; a stray CR would break the LF convention.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    require_text(text, path)
    return [document_from_text(path.stem, text, source_format)]


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _count_paragraphs(data: bytes) -> int:
    """How many paragraphs the main document holds, counted while streaming its XML (memory
    stays flat however many there are); python-docx would build every one of them first. 0
    when the part is not where Word puts it (python-docx then reports what is wrong)."""
    import zipfile

    from lxml import etree

    count = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("word/document.xml") as xml:
            events = etree.iterparse(
                xml, events=("end",), tag=f"{_W}p", resolve_entities=False, no_network=True
            )
            for _event, element in events:
                count += 1
                element.clear(keep_tail=False)
                while element.getprevious() is not None:  # drop what is counted already
                    del element.getparent()[0]
    except Exception:  # a damaged file: python-docx reads it next and names the damage
        return count
    return count


def _read_blocks(data: bytes, path: Path) -> list[str | list[Row]]:
    """Paragraph texts and table rows in body order; any library failure is a damaged file."""
    import docx  # imported here: python-docx pulls in lxml, which `qualcode --help` should not pay
    from docx.table import Table

    try:
        document: Any = docx.Document(io.BytesIO(data))
        blocks: list[str | list[Row]] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                blocks.append(_table_rows(item))
            else:
                blocks.append(item.text)
    except Exception as exc:  # python-docx/lxml/zipfile raise many kinds on damaged input
        raise BadInputError(
            path,
            f"could not be read as .docx: {_reason(exc)}",
            "open it in Word or LibreOffice and save it again",
        ) from exc
    return blocks


def _table_rows(table: Any) -> list[Row]:
    rows: list[Row] = []
    for row in table.rows:
        cells: Row = []
        seen: set[int] = set()
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; keep it once.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text)
        rows.append(cells)
    return rows


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]
