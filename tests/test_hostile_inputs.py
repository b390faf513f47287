"""Hostile input for every importer and the REFI-QDA reader: a corpus of broken files
(tests/data/bad, rebuilt by make_bad.py) and hypothesis fuzzing of random and mutated files.

The promises under test: nothing but a ``QualcodeError`` with a one-line message naming the file
ever escapes; a refused file leaves every table of the project exactly as it was; no entity is
expanded and no local file (/etc/passwd) is read; hostile characters in valid text are kept.
Run with ``-s`` to see how many inputs were tried per target.
"""

from __future__ import annotations

import importlib.util
import io
import os
import sqlite3
import struct
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode import Project
from qualcode.cli import main
from qualcode.errors import QualcodeError
from qualcode.importers import read_file
from qualcode.importers.validate import turn_problems
from qualcode.interop import import_qdc, import_qdpx, read_qdpx
from qualcode.interop.qdc import read_qdc

from .conftest import DATA

BAD = DATA / "bad"
PASSWD = Path("/etc/passwd")
LEAK_MARKERS = ("root:x:", "root:*:", "/bin/sh", "/usr/sbin/nologin")
"""Strings of /etc/passwd that no transcript here contains."""

MUST_IMPORT = {"controls.txt", "utf16le_nobom.txt"}
"""Hostile-looking but valid: they import, every character kept."""
MAY_IMPORT = {"traversal.docx", "xxe_dtd.qdc", "xxe_path.qdpx"}
"""Harmless once defused: the ``..`` member is never extracted, the external DTD never loaded,
the ``file://`` source never read. Importing them is fine as long as nothing leaks."""

TRIED: Counter[str] = Counter()
"""Inputs tried per target, printed by the last test."""
READ: Counter[str] = Counter()
"""Of those, how many were read without error (the rest were refused with one line)."""


def _load_make_bad() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_bad", BAD / "make_bad.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_bad = _load_make_bad()
CORPUS = sorted(p.name for p in BAD.iterdir() if p.is_file() and p.suffix != ".py")


# -- helpers -----------------------------------------------------------------------------------
def table_counts(project: Project) -> dict[str, int]:
    """Rows in every table of the project file (documents, turns, codes, codings, audit...)."""
    assert project.sqlite_path is not None
    with sqlite3.connect(f"file:{project.sqlite_path}?mode=ro", uri=True) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def project_dump(project: Project) -> str:
    """Every value in every table, as one string to search for leaked text."""
    assert project.sqlite_path is not None
    parts: list[str] = []
    with sqlite3.connect(f"file:{project.sqlite_path}?mode=ro", uri=True) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):
                parts.extend(str(value) for value in row)
    return "\n".join(parts)


def assert_no_leak(text: str) -> None:
    if not PASSWD.is_file():
        return
    for marker in LEAK_MARKERS:
        if marker in PASSWD.read_text(errors="replace"):
            assert marker not in text, f"/etc/passwd leaked ({marker!r})"


def assert_one_line(message: str, path: Path) -> None:
    assert "\n" not in message and "\r" not in message, repr(message)
    assert str(path) in message, f"the message does not name {path}: {message!r}"
    assert "Traceback" not in message


def import_any(project: Project, path: Path) -> str | None:
    """Import ``path`` the way a user would; the error message, or None when it imported."""
    if path.suffix == ".qdc":
        try:
            import_qdc(project, path)
        except QualcodeError as exc:
            return str(exc)
        return None
    if path.suffix == ".qdpx":
        try:
            import_qdpx(project, path)
        except QualcodeError as exc:
            return str(exc)
        return None
    (outcome,) = project.import_files([path])
    return outcome.error


# -- the corpus --------------------------------------------------------------------------------
def test_corpus_is_current_and_small() -> None:
    """The committed files are exactly what make_bad.py writes, and small."""
    expected = {
        **make_bad.corpus(),
        "controls.txt": make_bad.CONTROLS_TEXT.encode("utf-8"),
        "utf16le_nobom.txt": make_bad.UTF16_TEXT.encode("utf-16-le"),
    }
    assert set(CORPUS) == set(expected)
    for name, content in expected.items():
        if not content.startswith(b"PK"):  # zips depend on the zlib version; their text does not
            assert (BAD / name).read_bytes() == content, f"{name} is stale: run make_bad.py"
    assert sum((BAD / name).stat().st_size for name in CORPUS) < 200_000


@pytest.mark.parametrize("name", CORPUS)
def test_corpus_file(name: str, fresh_project: Project, tmp_path: Path) -> None:
    path = BAD / name
    before = table_counts(fresh_project)
    TRIED["corpus"] += 1
    error = import_any(fresh_project, path)
    after = table_counts(fresh_project)
    assert_no_leak(project_dump(fresh_project) + (error or ""))
    if name in MUST_IMPORT:
        assert error is None, error
        assert after["documents"] == before["documents"] + 1
    elif name in MAY_IMPORT:
        if error is not None:
            assert_one_line(error, path)
            assert after == before
    else:
        assert error is not None, f"{name} was imported"
        assert_one_line(error, path)
        assert after == before, "a refused file changed the project"
    for base in (BAD, Path.cwd(), tmp_path):
        assert not (base / "../../evil").resolve().exists()


def test_control_characters_are_kept(fresh_project: Project) -> None:
    (outcome,) = fresh_project.import_files([BAD / "controls.txt"])
    assert outcome.error is None, outcome.error
    text = fresh_project.document_text("controls")
    assert text == make_bad.CONTROLS_TEXT
    for char in ("\x1b[31m", "\u202e", "\u2066", "\u200b", "\x07", "\x7f", "\x85"):
        assert char in text
    assert [t.speaker for t in fresh_project.turns("controls")] == ["Interviewer", "P01"]


def test_xxe_reads_nothing_local(fresh_project: Project) -> None:
    for name in ("xxe.qdc", "xxe.qdpx", "xxe_dtd.qdc", "xxe_path.qdpx"):
        error = import_any(fresh_project, BAD / name)
        assert_no_leak(project_dump(fresh_project) + (error or ""))
    refi = read_qdpx(BAD / "xxe_path.qdpx")
    assert not refi.sources


def test_cli_prints_one_line_per_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = str(tmp_path / "cli.qualcode")
    assert run(capsys, "init", project)[0] == 0
    refused = [BAD / n for n in CORPUS if n not in MUST_IMPORT | MAY_IMPORT and n[-4:] != ".qdc"]
    refused = [p for p in refused if p.suffix != ".qdpx"]
    for path in refused:
        TRIED["cli"] += 1
        code, out, err = run(capsys, "import", project, str(path))
        assert code == 1, (path, out, err)
        assert "Traceback" not in out + err
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"qualcode: error: {path}"), err
    code, out, err = run(capsys, "import", project, *map(str, refused[:3]))
    assert code == 1 and len(err.splitlines()) == 3 and "Traceback" not in err


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- regressions found by the fuzzing below ---------------------------------------------------
def test_xml_error_with_trailing_newline_is_one_line(tmp_path: Path) -> None:
    """libxml2 ended some messages (a NUL in UTF-16-looking input) with a newline."""
    path = tmp_path / "nul.qdc"
    path.write_bytes(b"<\x00")
    with pytest.raises(QualcodeError) as caught:
        read_qdc(path)
    assert_one_line(str(caught.value), path)


def test_damaged_deflate_stream_in_qdpx_is_refused(tmp_path: Path) -> None:
    """A member whose compressed data is not deflate raised zlib.error, a traceback."""
    data = bytearray(_qdpx())
    name_length, extra_length = struct.unpack_from("<HH", data, 26)
    data[30 + name_length + extra_length] = 0x07  # final block of the reserved type 3
    path = tmp_path / "damaged.qdpx"
    path.write_bytes(bytes(data))
    with pytest.raises(QualcodeError) as caught:
        read_qdpx(path)
    assert_one_line(str(caught.value), path)
    assert "damaged" in str(caught.value)


# -- a million tiny turns ----------------------------------------------------------------------
def test_a_million_tiny_turns(fresh_project: Project, tmp_path: Path) -> None:
    path = tmp_path / "million.txt"
    path.write_text("A: x\n" * 1_000_000, encoding="utf-8")
    TRIED["million turns"] += 1
    started = time.perf_counter()
    (outcome,) = fresh_project.import_files([path])
    elapsed = time.perf_counter() - started
    print(f"\n10^6 tiny turns: imported in {elapsed:.1f} s")
    if outcome.error is not None:  # a size limit is an acceptable answer, if it says so
        assert_one_line(outcome.error, path)
        assert "too large" in outcome.error or "limit" in outcome.error
        assert table_counts(fresh_project)["documents"] == 0
        return
    (document,) = outcome.documents
    assert document.turns == 1_000_000 and document.speakers == 1
    # How long it takes is measured by benchmarks/bench_import.py, not asserted here: a busy
    # machine must not fail a correctness test.


# -- fuzzing -----------------------------------------------------------------------------------
TRANSCRIPT = "Interviewer: How was it?\n\nP01: Fine \u2014 thanks. \u202eodd\u202c\n"
VTT = (
    "WEBVTT\n\nNOTE a note\n\n1\n00:00:01.000 --> 00:00:02.000\n<v Ann>Hello there.</v>\n\n"
    "00:00:02.500 --> 00:00:04.000 align:start\n<v Ben>Hi <i>Ann</i>.</v>\n"
)
SRT = (
    "1\n00:00:01,000 --> 00:00:02,000\nAnn: Hello.\n\n2\n00:00:02,500 --> 00:00:04,000\nBen: Hi.\n"
)
CSV = 'speaker,text,time\nAnn,Hello there,00:01\nBen,"Hi, Ann",00:02\n'
PROJECT_NS = "urn:QDA-XML:project:1.0"
CODE = "c0000000-0000-4000-8000-00000000000{}"
CODEBOOK = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Fuzz 1.0"><Codes>'
    f'<Code guid="{CODE.format(1)}" name="Access" isCodable="true" color="#FF0000">'
    "<Description>Getting there</Description>"
    f'<Code guid="{CODE.format(2)}" name="Bus" isCodable="true"/></Code>'
    f'</Codes><Sets><Set guid="{CODE.format(3)}" name="S"><MemberCode targetGUID="{CODE.format(2)}"'
    "/></Set></Sets></CodeBook>"
)
QDE = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    f'<Project xmlns="{PROJECT_NS}" name="fuzz" origin="Fuzz 1.0" '
    'creatingUserGUID="e0000000-0000-4000-8000-000000000001">'
    '<Users><User guid="e0000000-0000-4000-8000-000000000001" name="ann"/></Users>'
    f'<CodeBook><Codes><Code guid="{CODE.format(1)}" name="Access" isCodable="true"/></Codes>'
    "</CodeBook><Sources>"
    '<TextSource guid="d0000000-0000-4000-8000-000000000001" name="talk">'
    "<PlainTextContent>Ann: I take the bus.\nBen: Me too.</PlainTextContent>"
    '<PlainTextSelection guid="f0000000-0000-4000-8000-000000000001" startPosition="5" '
    'endPosition="20" creatingUser="e0000000-0000-4000-8000-000000000001">'
    f'<Coding guid="f0000000-0000-4000-8000-000000000002"><CodeRef targetGUID="{CODE.format(1)}"/>'
    "</Coding></PlainTextSelection></TextSource>"
    '<TextSource guid="d0000000-0000-4000-8000-000000000002" name="file" '
    'plainTextPath="internal://two.txt"/></Sources>'
    '<Notes><Note guid="a0000000-0000-4000-8000-000000000001" name="memo">'
    "<PlainTextContent>A memo.</PlainTextContent></Note></Notes></Project>"
)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (("speaker", "text"), ("Ann", "Hello there"), ("Ben", "Hi, Ann"), ("Ann", 3.5)):
        sheet.append(row)
    workbook.create_sheet("other").append(("x",))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _qdpx(qde: bytes = QDE.encode()) -> bytes:
    return _zip({"project.qde": qde, "sources/two.txt": b"Cy: Second text.\n"})


SEEDS: dict[str, bytes] = {
    ".txt": TRANSCRIPT.encode(),
    ".md": (b"**Interviewer:** Hello?\n\n**P01:** Hi.\n"),
    ".docx": make_bad.minimal_docx("Interviewer: How was it?", "P01: Fine.", "No label here."),
    ".vtt": VTT.encode(),
    ".srt": SRT.encode(),
    ".nlp": (DATA / "rev8.nlp").read_bytes(),
    ".csv": CSV.encode(),
    ".tsv": CSV.replace(",", "\t").encode(),
    ".xlsx": _xlsx(),
    ".qdc": CODEBOOK.encode(),
    ".qdpx": _qdpx(),
}
ZIPPED = (".docx", ".xlsx", ".qdpx")


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with a few bytes flipped, inserted, deleted or duplicated, or cut short."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(("flip", "insert", "delete", "duplicate", "truncate")))
        if op == "flip" and at < len(data):
            data[at] ^= draw(st.integers(1, 255))
        elif op == "insert":
            data[at:at] = draw(
                st.one_of(
                    st.binary(min_size=1, max_size=16),
                    st.sampled_from(
                        (
                            b"\x00",
                            b"<",
                            b"&",
                            b'"',
                            b"\n",
                            b"\r",
                            b"\xff\xfe",
                            "\u202e".encode(),
                            b"-->",
                            b":",
                            b"]]>",
                            b"<!ENTITY",
                        )
                    ),
                )
            )
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 32))]
        elif op == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 64))]
        elif op == "truncate":
            del data[at:]
    return bytes(data)


@st.composite
def mutated_member(draw: st.DrawFn, seed: bytes) -> bytes:
    """A zip (docx, xlsx, qdpx) whose archive is sound but one member's content is mutated."""
    with zipfile.ZipFile(io.BytesIO(seed)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    name = draw(st.sampled_from(sorted(members)))
    members[name] = draw(mutated(members[name]))
    return _zip(members)


HOSTILE_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("AB: \n\r\t-->0123456789.,<>&\"'\x00\x07\x1b\u202e\u2066\u200b\ufeff"),
        st.characters(codec="utf-8"),
    ),
    max_size=300,
)


def inputs(suffix: str) -> st.SearchStrategy[bytes]:
    seed = SEEDS[suffix]
    options = [st.binary(max_size=2048), mutated(seed)]
    if suffix in ZIPPED:
        options.append(mutated_member(seed))
    else:
        options.append(HOSTILE_TEXT.map(lambda text: text.encode("utf-8")))
        options.append(HOSTILE_TEXT.map(lambda text: seed + text.encode("utf-8")))
    return st.one_of(options)


def reader_for(suffix: str) -> Callable[[Path], Any]:
    if suffix == ".qdc":
        return read_qdc
    if suffix == ".qdpx":
        return read_qdpx
    return read_file


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("fuzz")


def check(suffix: str, data: bytes, folder: Path, target: str) -> None:
    """Read ``data`` saved with ``suffix``: a result or a one-line ``QualcodeError``, no leak."""
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    TRIED[target] += 1
    try:
        result = reader_for(suffix)(path)
    except QualcodeError as exc:
        assert_one_line(str(exc), path)
        assert_no_leak(str(exc))
        return
    READ[target] += 1
    if isinstance(result, list):
        for document in result:
            assert turn_problems(document) == [], document.turns
            assert_no_leak(document.text)


def test_valid_seeds_read(fuzz_dir: Path) -> None:
    """The mutations start from files that are valid, so they probe deep into each reader."""
    for suffix, data in SEEDS.items():
        path = fuzz_dir / f"seed{suffix}"
        path.write_bytes(data)
        assert reader_for(suffix)(path)


FUZZ = settings(
    # QUALCODE_FUZZ_EXAMPLES=20000 for a long soak by hand; CI runs the default
    max_examples=int(os.environ.get("QUALCODE_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("suffix", sorted(SEEDS))
@FUZZ
@given(data=st.data())
def test_fuzz_reader(suffix: str, data: st.DataObject, fuzz_dir: Path) -> None:
    check(suffix, data.draw(inputs(suffix)), fuzz_dir, suffix)


@FUZZ
@given(qde=mutated(QDE.encode()))
def test_fuzz_project_qde_inside_qdpx(qde: bytes, fuzz_dir: Path) -> None:
    check(".qdpx", _qdpx(qde), fuzz_dir, "project.qde in .qdpx")


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(raw=st.one_of(mutated(b"A: x\n" * 50), HOSTILE_TEXT.map(str.encode)))
def test_fuzz_import_is_all_or_nothing(
    raw: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Through ``Project.import_files``: a refused file changes no table; an imported one adds
    exactly one document."""
    folder = tmp_path_factory.mktemp("whole")
    path = folder / "input.txt"
    path.write_bytes(raw)
    TRIED["import_files .txt"] += 1
    with Project.create(folder / "p.qualcode", actor="fuzz") as project:
        before = table_counts(project)
        (outcome,) = project.import_files([path])
        after = table_counts(project)
    if outcome.error is not None:
        assert_one_line(outcome.error, path)
        assert after == before
    else:
        assert after["documents"] == before["documents"] + 1


def test_zz_report_inputs_tried() -> None:
    """Runs last (by name and position): prints what was tried, for the issue's report."""
    lines = [
        f"  {target}: {count:,}" + (f" ({READ[target]:,} read)" if target in READ else "")
        for target, count in sorted(TRIED.items())
    ]
    print("\nhostile inputs tried:\n" + "\n".join(lines) + f"\n  total: {sum(TRIED.values()):,}")
    assert sum(TRIED.values()) > 0
