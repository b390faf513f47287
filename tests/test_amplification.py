"""Work and memory grow linearly, or the input is refused in one line (issue 14, item 12).

Nothing is timed. Work is counted: Python function calls (a profile hook) and SQLite virtual
machine steps (``set_progress_handler``) while importing a codebook or a table of codings of
size n and 4n; linear work gives a ratio near 4, the old quadratic code 10 or more. Files that
would need memory in proportion to millions of turns or paragraphs are refused before any is
kept. The timings and peak memory are in benchmarks/bench_amplification.py.
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import event

from qualcode import Project
from qualcode.codebook import load_codebook
from qualcode.errors import BadInputError
from qualcode.importers import read_file
from qualcode.importers.base import MAX_LINES


def work(project: Project, action: Callable[[], object]) -> tuple[int, int]:
    """(Python calls, SQLite VM steps / 10) spent in ``action``."""
    counts = [0, 0]

    def on_connect(dbapi_connection: object, _record: object) -> None:
        def step() -> int:
            counts[1] += 1
            return 0

        dbapi_connection.set_progress_handler(step, 10)  # type: ignore[attr-defined]

    project.engine.dispose()
    event.listen(project.engine, "connect", on_connect)

    def profile(_frame: object, what: str, _arg: object) -> None:
        if what in ("call", "c_call"):
            counts[0] += 1

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
        event.remove(project.engine, "connect", on_connect)
    return counts[0], counts[1]


def linear(spent: list[tuple[int, int]]) -> bool:
    """Four times the input, at most six times the work, in Python and in SQLite alike."""
    return all(after / before < 6 for before, after in zip(*spent, strict=True))


def _codebook(folder: Path, n: int) -> Path:
    path = folder / f"book{n}.yaml"
    path.write_text("codes:\n" + "".join(f"  - name: Code {i}\n" for i in range(n)))
    return path


def test_a_codebook_import_is_linear(tmp_path: Path) -> None:
    spent = []
    for n in (300, 1200):
        with Project.create(tmp_path / f"p{n}.qualcode", actor="ann") as project:
            book = load_codebook(_codebook(tmp_path, n))
            spent.append(work(project, lambda: project.import_codebook(book)))  # noqa: B023
    assert linear(spent), spent


def test_importing_codings_is_linear(tmp_path: Path) -> None:
    spent = []
    for n in (500, 2000):
        source = tmp_path / f"doc{n}.txt"
        source.write_text("Amy: " + " ".join(f"w{i}" for i in range(n * 3)) + "\n")
        table = tmp_path / f"codings{n}.csv"
        with table.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["document", "code", "coder", "start", "end"])
            writer.writerows([f"doc{n}", "Bus", "ann", 5 + 3 * i, 9 + 3 * i] for i in range(n))
        with Project.create(tmp_path / f"p{n}.qualcode", actor="ann") as project:
            assert project.import_files([source])[0].error is None
            project.add_code("Bus")
            spent.append(work(project, lambda: project.import_codings(table)))  # noqa: B023
    assert linear(spent), spent


def _docx(paragraphs: int) -> bytes:
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = (
        f"<w:document {ns}><w:body><w:p><w:r><w:t>Amy: hello</w:t></w:r></w:p>"
        + "<w:p/>" * paragraphs
        + "</w:body></w:document>"
    )
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", body)
    return buffer.getvalue()


def test_a_docx_of_empty_paragraphs_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    path.write_bytes(_docx(MAX_LINES + 10))
    assert path.stat().st_size < 20_000  # a few KB that would unpack to 250,000 objects
    with pytest.raises(BadInputError, match=r"too large: 250,011 paragraphs") as caught:
        read_file(path)
    assert "\n" not in str(caught.value)
    small = tmp_path / "small.docx"
    small.write_bytes(_docx(1000))
    assert read_file(small)[0].text == "Amy: hello"


@pytest.mark.parametrize("line", ["a\n\n", "A: b\n"])
def test_a_text_of_millions_of_tiny_turns_is_refused_in_one_line(tmp_path: Path, line: str) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(line * (MAX_LINES // line.count("\n") + 1))
    with pytest.raises(BadInputError, match="too large: .* lines, over the limit") as caught:
        read_file(path)
    assert "\n" not in str(caught.value)
