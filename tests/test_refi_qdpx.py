"""REFI-QDA projects (.qdpx): importing what other tools write (hand-made fixtures shaped like
their files), exporting valid files with stable GUIDs, and the command line."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.cli import main
from qualcode.interop import export_qdpx, import_qdpx, import_qdpx_new, read_qdpx

from .conftest import run_python
from .test_refi_support import (
    REFI_DATA,
    needs_interop,
    project_xml,
    schema,
    snapshot,
    uuids,
    write_qdpx,
)

ANN = "8ca3a2c1-8b7a-41c3-a9dd-a8fb46caa645"
CODE_A = "3c51efbb-071f-43a7-9f32-228b89668e8d"
CODE_B = "8baf0c83-56c4-4dc8-9e5b-cf6d6073bdb5"
DOC = "56a79789-d535-4fb8-bedd-a915504c54ba"


def u16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def nvivo_windows(tmp_path: Path) -> tuple[Path, str, list[str]]:
    """A .qdpx shaped like NVivo for Windows 12.6 writes one: ``Sources/`` with a capital S, a
    UTF-8 BOM and CRLF in the text, UTF-16 positions, one selection element per coding."""
    body = (
        "Interviewer: How was it? 😀😀\r\n"
        "P1: The bus fare 🚌 was paid, so I came.\r\n"
        "Interviewer: And lunch?\r\n"
        "P1: Lunch helped 🎉 too."
    )
    words = ["The bus fare 🚌 was paid", "Lunch helped 🎉 too.", "bus fare"]
    selections = []
    for i, (word, code) in enumerate(
        [(words[0], CODE_A), (words[0], CODE_B), (words[1], CODE_A), (words[2], CODE_B)]
    ):
        at = body.index(word)
        selections.append(
            f'<PlainTextSelection guid="f0000000-0000-4000-8000-00000000000{i}" name="" '
            f'startPosition="{u16(body[:at])}" endPosition="{u16(body[: at + len(word)])}" '
            f'creatingUser="{ANN}" creationDateTime="2025-06-11T16:31:16Z"><Description />'
            f'<Coding guid="f1000000-0000-4000-8000-00000000000{i}" creatingUser="{ANN}" '
            f'creationDateTime="2025-06-08T12:42:55Z"><CodeRef targetGUID="{code}" /></Coding>'
            "</PlainTextSelection>"
        )
    xml = project_xml(
        f'<Users><User guid="{ANN}" name="Gergo" /></Users><CodeBook><Codes>'
        f'<Code guid="{CODE_A}" name="Perceived" isCodable="true"><Description>Risk.</Description>'
        f'<Code guid="{CODE_B}" name="low" isCodable="true" /></Code></Codes></CodeBook>'
        f'<Sources><TextSource guid="{DOC}" name="videos" '
        f'richTextPath="internal://{DOC}.docx" plainTextPath="internal://{DOC}.txt" '
        f'creatingUser="{ANN}"><Description />{"".join(selections)}</TextSource></Sources>'
        "<Description />",
        origin="NVivo for Windows 12.6",
    )
    path = write_qdpx(
        tmp_path / "nvivo.qdpx",
        {
            "project.qde": xml,
            f"Sources/{DOC}.txt": ("\ufeff" + body).encode("utf-8"),
            f"Sources/{DOC}.docx": b"PK not really",
        },
    )
    return path, body, words


def test_nvivo_windows_codings_cover_the_words_nvivo_showed(
    tmp_path: Path, fresh_project: Project
) -> None:
    path, body, words = nvivo_windows(tmp_path)
    summary = import_qdpx(fresh_project, path)
    assert summary.offsets is not None and "UTF-16" in summary.offsets
    assert summary.warnings == []
    docx = "1 rich-text versions of sources (.docx; their plain text is imported): 'videos'"
    assert summary.skipped == [docx]
    text = fresh_project.document_text("videos")
    assert text == body.replace("\r\n", "\n")
    codings = fresh_project.codings()
    assert sorted((c.code, c.text) for c in codings) == sorted(
        [
            ("Perceived", words[0]),
            ("Perceived/low", words[0]),
            ("Perceived", words[1]),
            ("Perceived/low", words[2]),
        ]
    )
    assert {c.coder for c in codings} == {"Gergo"}
    assert {c.origin for c in codings} == {"imported"}
    assert min(c.created_at.isoformat() for c in codings) == "2025-06-08T12:42:55+00:00"
    # Two codings on one span: the same selection, kept as two codings.
    assert len({(c.start, c.end) for c in codings}) == 3
    turns = fresh_project.turns("videos")
    assert [t.speaker for t in turns] == ["Interviewer", "P1", "Interviewer", "P1"]
    assert fresh_project.code("Perceived").definition == "Risk."
    assert fresh_project.documents()[0].uuid == DOC


def test_the_fixture_project(tmp_path: Path) -> None:
    """tests/data/refi/project.qde: every mapped part of the schema, read from a bare .qde."""
    summary = import_qdpx_new(REFI_DATA / "project.qde", tmp_path / "f.qualcode", actor="t")
    assert {k: summary.added[k] for k in summary.added} == {
        "coders": 3,
        "codes": 4,
        "attributes": 6,
        "cases": 2,
        "documents": 1,
        "codings": 5,
        "memos": 11,
    }
    skipped = " | ".join(summary.skipped)
    for expected in (
        "1 PDF sources (only text is imported): 'leaflet.pdf'",
        "1 audio sources (only text is imported): 'p01.m4a'",
        "1 sources whose text file is missing: 'missing file'",
        "1 codings on selections beyond the end of the text",
        "1 codings of a code GUID that is not in the codebook",
        "1 values that are not integer ('age'): 'S01'",
        "1 code and selection references of cases (not modelled)",
    ):
        assert expected in skipped, expected
    warnings = " | ".join(summary.warnings)
    assert "variable 'interviewed' is DateTime: kept as text" in warnings
    assert "positions read as code points" in warnings
    with Project.open(tmp_path / "f.qualcode") as project:
        assert [(c.name, c.role) for c in project.coders()][:3] == [
            ("Ann Coder", "coder"),
            ("CJ", "coder"),
            ("ben", "coder"),
        ]
        case = project.case("P01")
        assert case.attributes == {
            "age": 34,
            "group": "participant",
            "interviewed": "2024-04-02T10:00:00Z",
            "joined": "2024-03-31",
            "score": 0.25,
            "screened": True,
        }
        assert case.documents == ("p01 interview",) and case.description == "First participant."
        assert {a.name: a.type for a in project.attributes()}["joined"] == "date"
        memos = {
            (m.target_type, m.target, m.coder): m.text
            for m in project.memos()
            if m.text != "A fixture."
        }
        assert memos[("code", "Engagement", "ben")].endswith("once we have more interviews.")
        assert memos[("case", "P01", "ben")] == "Case memo: referred by outreach."
        assert memos[("project", None, "Ann Coder")] == "Loose\n\nRemember to ask about childcare."
        assert "A fixture." in {m.text for m in project.memos() if m.target_type == "project"}
        assert memos[("coding", "f1000000-0000-4000-8000-000000000003", "Ann Coder")] == (
            "Paid travel made the difference."
        )
        quoted = [m.text for m in project.memos() if m.text.startswith("“women only”")]
        assert quoted == ["“women only” (141–151): Women-only mattered."]
        sets = [m for m in project.memos() if m.text.startswith("Set: Practical help")]
        assert sorted(m.target or "" for m in sets) == [
            "Engagement/Lunch",
            "Engagement/Travel",
            "p01 interview",
        ]
        texts = {(c.code, c.coder): c.text for c in project.codings()}
        assert texts[("Engagement/Travel", "CJ")] == "The bus fare was paid, so I came."
        assert texts[("Engagement/Lunch", "Ann Coder")] == "Lunch helped too."


def test_import_into_an_existing_project_matches_what_is_there(
    tmp_path: Path, fresh_project: Project
) -> None:
    path, _body, _words = nvivo_windows(tmp_path)
    import_qdpx(fresh_project, path)
    before = snapshot(fresh_project)
    again = import_qdpx(fresh_project, path)
    assert snapshot(fresh_project) == before
    assert sum(again.added.values()) == 0
    assert again.matched["documents"] == 1 and again.matched["codes"] == 2
    assert again.duplicates == 4


def test_the_same_text_from_another_tool_lands_on_our_document(
    tmp_path: Path, fresh_project: Project
) -> None:
    """A colleague coded our transcript in NVivo: matched by name and text (NVivo kept the
    name; GUIDs are matched first when a tool keeps them)."""
    path, body, _ = nvivo_windows(tmp_path)
    source = tmp_path / "videos.txt"
    source.write_text(body.replace("\r\n", "\n"), encoding="utf-8")
    fresh_project.import_files([source])
    summary = import_qdpx(fresh_project, path)
    assert summary.matched["documents"] == 1 and summary.added["documents"] == 0
    assert {c.document for c in fresh_project.codings()} == {"videos"}


def test_the_same_text_under_another_name_is_a_document_of_its_own(
    tmp_path: Path, fresh_project: Project
) -> None:
    path, body, _ = nvivo_windows(tmp_path)
    source = tmp_path / "ours.txt"
    source.write_text(body.replace("\r\n", "\n"), encoding="utf-8")
    fresh_project.import_files([source])
    summary = import_qdpx(fresh_project, path)
    assert summary.matched["documents"] == 0 and summary.added["documents"] == 1
    assert any("same text as another document: 'videos' (as 'ours')" in w for w in summary.warnings)
    assert {c.document for c in fresh_project.codings()} == {"videos"}


def test_guids_that_are_taken_get_new_uuids(tmp_path: Path, fresh_project: Project) -> None:
    path, body, _ = nvivo_windows(tmp_path)
    import_qdpx(fresh_project, path)
    # The same GUIDs on different content (a different text, a new code path).
    xml = (
        zipfile.ZipFile(path)
        .read("project.qde")
        .decode()
        .replace('name="Perceived"', 'name="Other"')
    )
    other = write_qdpx(
        tmp_path / "other.qdpx",
        {
            "project.qde": xml,
            f"Sources/{DOC}.txt": ("\ufeff" + body + " More.").encode(),
        },
    )
    summary = import_qdpx(fresh_project, other)
    assert summary.new_guids["documents"] == 1 and summary.new_guids["codes"] == 2
    assert summary.new_guids["codings"] == 4 and summary.added["documents"] == 1
    assert "a document 'videos' exists: imported as 'videos (2)'" in summary.warnings
    assert len(fresh_project.codings()) == 8


def test_plain_paths_stored_zips_and_other_quirks(tmp_path: Path, fresh_project: Project) -> None:
    """qc writes ``plainTextPath="board.txt"`` with no scheme; NVivo for Mac stores members
    uncompressed and adds ``sources/.root``; optional attributes may be missing."""
    xml = project_xml(
        '<Users><User name="cp" guid="39633935-3331-3962-6632-373436373264" /></Users>'
        '<CodeBook><Codes><Code name="rq1" guid="34653336-3766-3235-6466-363134396437" '
        'isCodable="true"/></Codes></CodeBook><Sources><TextSource plainTextPath="board.txt" '
        'guid="33663939-3636-3632-3038-613431643463"><PlainTextSelection '
        'guid="37323865-3734-6533-3337-623138653238" name="line:2" startPosition="6" '
        'endPosition="12"><Coding guid="66323339-6466-3364-3266-616537386633" '
        'creatingUser="39633935-3331-3962-6632-373436373264"><CodeRef '
        'targetGUID="34653336-3766-3235-6466-363134396437" /></Coding></PlainTextSelection>'
        "</TextSource></Sources>",
        origin="qc 1.3.2",
    )
    path = write_qdpx(
        tmp_path / "qc.qdpx",
        {
            "project.qde": xml.split("?>", 1)[1],
            "sources/board.txt": "line1\nline2\n",
            "sources/.root": b"",
        },
        stored=True,
    )
    summary = import_qdpx(fresh_project, path)
    assert summary.added["codings"] == 1
    assert fresh_project.codings()[0].text == "line2\n"
    assert fresh_project.documents()[0].name == "board"


def test_export_is_valid_stable_and_keeps_imported_guids(
    tmp_path: Path, fresh_project: Project
) -> None:
    path, _, _ = nvivo_windows(tmp_path)
    import_qdpx(fresh_project, path)
    fresh_project.add_memo("A memo on the project.", coder="Gergo")
    one, two = tmp_path / "one.qdpx", tmp_path / "two.qdpx"
    export_qdpx(fresh_project, one)
    export_qdpx(fresh_project, two)
    qde_one = zipfile.ZipFile(one).read("project.qde").decode()
    qde_two = zipfile.ZipFile(two).read("project.qde").decode()
    strip = lambda text: text.split('modifiedDateTime="', 1)[0]  # noqa: E731
    assert strip(qde_one) == strip(qde_two)
    assert (
        qde_one.split('modifiedDateTime="', 1)[1].split('"', 1)[1]
        == (qde_two.split('modifiedDateTime="', 1)[1].split('"', 1)[1])
    )
    for guid in (DOC, CODE_A, CODE_B, ANN, "f1000000-0000-4000-8000-000000000001"):
        assert guid in qde_one
    with zipfile.ZipFile(one) as archive:
        assert archive.read(f"sources/{DOC}.txt").decode() == fresh_project.document_text("videos")
        assert json.loads(archive.read("qualcode.json"))["format"] == "qualcode-refi-extras"
    # Four codings, each in its own selection as NVivo wrote them: their GUIDs come back.
    assert qde_one.count("<PlainTextSelection ") == 4 and qde_one.count("<Coding ") == 4
    for i in range(4):
        assert f'guid="f0000000-0000-4000-8000-00000000000{i}"' in qde_one


@needs_interop
def test_exports_are_valid_against_the_project_xsd(tmp_path: Path) -> None:
    from lxml import etree

    target = tmp_path / "f.qualcode"
    import_qdpx_new(REFI_DATA / "project.qde", target, actor="t")
    validator = schema("Project-mrt2019.xsd")
    with Project.open(target) as project:
        project.add_memo("odd \x0b character", coder="ben")
        for utf16 in (False, True):
            out = tmp_path / f"f{utf16}.qdpx"
            export_qdpx(project, out, utf16=utf16)
            document = etree.fromstring(zipfile.ZipFile(out).read("project.qde"))
            assert validator.validate(document), validator.error_log.last_error


def test_utf16_export_reads_back_to_the_same_offsets(
    tmp_path: Path, fresh_project: Project
) -> None:
    path, _, _ = nvivo_windows(tmp_path)
    import_qdpx(fresh_project, path)
    out = tmp_path / "nvivo-style.qdpx"
    export_qdpx(fresh_project, out, utf16=True)
    assert "UTF-16" in (read_qdpx(out).origin or "")
    import_qdpx_new(out, tmp_path / "back.qualcode", actor="t")
    with Project.open(tmp_path / "back.qualcode") as back:
        assert snapshot(back) == snapshot(fresh_project)
        assert uuids(back) == uuids(fresh_project)


def test_the_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUALCODE_USER", "cli-tester")

    def run(*args: str) -> tuple[int, str, str]:
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out = capsys.readouterr()
        return code, out.out, out.err

    path, _, _ = nvivo_windows(tmp_path)
    code, out, err = run("import-qdpx", str(path), "-o", "new.qualcode")
    assert code == 0, err
    assert out.splitlines()[0] == "created new.qualcode"
    assert "1 document, 1 coder, 4 codings" in out
    code, out, _ = run("export-qdpx", "new.qualcode", "-o", "out.qdpx")
    assert code == 0 and out.startswith("wrote out.qdpx: 2 codes, 1 document")
    code, out, _ = run("import-qdpx", "out.qdpx", "-o", "new.qualcode", "--json")
    assert code == 0 and json.loads(out)["duplicates"] == 4
    (tmp_path / "bad.qdpx").write_text("nope", encoding="utf-8")
    code, _, err = run("import-qdpx", "bad.qdpx", "-o", "other.qualcode")
    assert code == 1 and err.startswith("qualcode: error: bad.qdpx: not a .qdpx or .qde")
    assert not (tmp_path / "other.qualcode").exists()


def test_help_does_not_import_lxml() -> None:
    code = (
        "import sys\nfrom qualcode.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('HEAVY', [m for m in ('lxml', 'sqlalchemy', 'numpy') if m in sys.modules])\n"
    )
    out = run_python(code)
    assert "import-qdpx" in out.stdout and "HEAVY []" in out.stdout
