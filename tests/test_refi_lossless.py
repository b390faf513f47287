"""REFI-QDA: nothing dropped without saying so. Identical texts stay apart, what is not read is
listed as skipped, and round trips keep what the producing tool needs."""

from __future__ import annotations

import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qualcode import Project
from qualcode.interop import export_qdpx, import_qdpx, import_qdpx_new, read_qdpx
from qualcode.interop.qdc import read_qdc

from .conftest import REPO
from .test_refi_support import INTEROP, project_xml, schema, write_qdpx

USER = "11111111-1111-4111-8111-111111111111"
CODE = "22222222-2222-4222-8222-222222222222"
SRC1 = "33333333-3333-4333-8333-333333333331"
SRC2 = "33333333-3333-4333-8333-333333333332"
CASE1 = "44444444-4444-4444-8444-444444444441"
CASE2 = "44444444-4444-4444-8444-444444444442"


def twins(tmp_path: Path) -> Path:
    """Two respondents, two cases, one answer: "Not sure"."""
    sources = "".join(
        f'<TextSource guid="{guid}" name="{name}" plainTextPath="internal://{guid}.txt">'
        f'<PlainTextSelection guid="5555555{i}-5555-4555-8555-555555555555" startPosition="0" '
        f'endPosition="8" creatingUser="{USER}"><Coding guid="6666666{i}-6666-4666-8666-'
        f'666666666666" creatingUser="{USER}"><CodeRef targetGUID="{CODE}"/></Coding>'
        "</PlainTextSelection></TextSource>"
        for i, (guid, name) in enumerate([(SRC1, "R_1"), (SRC2, "R_2")])
    )
    xml = project_xml(
        f'<Users><User guid="{USER}" name="ann"/></Users><CodeBook><Codes><Code guid="{CODE}" '
        f'name="Unsure" isCodable="true"/></Codes></CodeBook><Cases>'
        f'<Case guid="{CASE1}" name="P1"><SourceRef targetGUID="{SRC1}"/></Case>'
        f'<Case guid="{CASE2}" name="P2"><SourceRef targetGUID="{SRC2}"/></Case></Cases>'
        f"<Sources>{sources}</Sources>",
        origin="Survey Tool 1.0",
    )
    return write_qdpx(
        tmp_path / "twins.qdpx",
        {"project.qde": xml, f"sources/{SRC1}.txt": "Not sure", f"sources/{SRC2}.txt": "Not sure"},
    )


def test_two_sources_with_one_text_are_two_documents_and_round_trip(tmp_path: Path) -> None:
    summary = import_qdpx_new(twins(tmp_path), tmp_path / "a.qualcode", actor="t")
    assert summary.added["documents"] == 2 and summary.added["codings"] == 2
    with Project.open(tmp_path / "a.qualcode") as project:
        docs = {d.name: (d.uuid, d.case) for d in project.documents()}
        assert docs == {"R_1": (SRC1, "P1"), "R_2": (SRC2, "P2")}
        assert sorted(c.document for c in project.codings()) == ["R_1", "R_2"]
        export_qdpx(project, tmp_path / "a.qdpx")
    back = read_qdpx(tmp_path / "a.qdpx")
    assert sorted((s.guid, s.name, s.text) for s in back.sources) == [
        (SRC1, "R_1", "Not sure"),
        (SRC2, "R_2", "Not sure"),
    ]
    assert {c.name: c.sources for c in back.cases} == {"P1": [SRC1], "P2": [SRC2]}
    # Importing the export again into the same project matches both by GUID: nothing added.
    with Project.open(tmp_path / "a.qualcode") as project:
        again = import_qdpx(project, tmp_path / "a.qdpx")
        assert again.matched["documents"] == 2 and again.added["documents"] == 0
        assert len(project.documents()) == 2 and len(project.codings()) == 2


# -- 1. a codebook-namespace CodeBook; anything not read is listed --------------------------------
def odd_project(tmp_path: Path) -> Path:
    """ATLAS.ti-style: the CodeBook in the codebook namespace inside a project file, plus
    elements the reader does not read (a vendor extension, a note's selections)."""
    xml = project_xml(
        f'<Users><User guid="{USER}" name="ann"/></Users>'
        '<CodeBook xmlns="urn:QDA-XML:codebook:0:4"><Codes>'
        f'<Code guid="{CODE}" name="Theme" isCodable="true"><Description>Big.</Description>'
        '<Code guid="22222222-2222-4222-8222-222222222223" name="Sub" isCodable="true"/>'
        "</Code></Codes></CodeBook>"
        f'<Sources><TextSource guid="{SRC1}" name="doc" plainTextPath="internal://{SRC1}.txt">'
        '<PlainTextSelection guid="55555555-5555-4555-8555-555555555555" startPosition="0" '
        f'endPosition="5"><Coding guid="66666666-6666-4666-8666-666666666666" '
        f'creatingUser="{USER}"><CodeRef targetGUID="22222222-2222-4222-8222-222222222223"/>'
        f'<CodeRef targetGUID="{CODE}"/></Coding></PlainTextSelection>'
        "<Extra>vendor data</Extra></TextSource></Sources>"
        '<Notes><Note guid="77777777-7777-4777-8777-777777777777" name="n">'
        "<PlainTextContent>A note.</PlainTextContent>"
        '<PlainTextSelection guid="77777777-7777-4777-8777-777777777778" startPosition="0" '
        'endPosition="1"/></Note></Notes>'
        '<Links><Link guid="aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa" name="causes" '
        f'originGUID="{CODE}" targetGUID="{SRC1}"/></Links>'
        '<x:Layout xmlns:x="urn:vendor">window 3</x:Layout>',
        origin="ATLAS.ti 23",
    )
    return write_qdpx(
        tmp_path / "odd.qdpx", {"project.qde": xml, f"sources/{SRC1}.txt": "Hello there."}
    )


def test_a_codebook_namespace_codebook_is_read_and_the_unread_is_listed(tmp_path: Path) -> None:
    summary = import_qdpx_new(odd_project(tmp_path), tmp_path / "o.qualcode", actor="t")
    assert summary.added["codes"] == 2 and summary.added["codings"] == 1
    skipped = " | ".join(summary.skipped)
    assert "<Extra> elements in <TextSource> (not read)" in skipped
    assert "<PlainTextSelection> elements in <Note> (not read)" in skipped
    assert "<{urn:vendor}Layout> elements in <Project> (not read)" in skipped
    assert "1 links that are not from a note (not modelled): 'causes'" in skipped
    assert "1 extra code references of codings (a Coding has one; the first is read)" in skipped
    assert any("urn:QDA-XML:codebook:0:4" in w for w in summary.warnings)
    with Project.open(tmp_path / "o.qualcode") as project:
        assert [c.path for c in project.codes()] == ["Theme", "Theme/Sub"]
        assert [c.text for c in project.codings()] == ["Hello"]


def test_the_real_files_list_nothing_as_unread(tmp_path: Path) -> None:
    """The elements the producers we know write are all read (or skipped with a reason)."""
    if not (INTEROP / "SOURCES.md").is_file():
        pytest.skip("../shared/interop is not here")
    for path in [*sorted((INTEROP / "qdpx").glob("*.qdpx")), *(INTEROP / "qde").glob("*.qde")]:
        skipped = read_qdpx(path).skipped
        assert not [s for s in skipped if "(not read)" in s], (path.name, skipped)
    for path in sorted((INTEROP / "qdc").glob("*.qdc")):
        assert read_qdc(path).skipped == [], path.name


def test_a_qdc_lists_what_it_does_not_read(tmp_path: Path) -> None:
    qdc = tmp_path / "book.qdc"
    qdc.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="'
        f'{CODE}" name="A" isCodable="true"><Memo>kept elsewhere</Memo></Code>'
        "</Codes></CodeBook>",
        encoding="utf-8",
    )
    assert read_qdc(qdc).skipped == ["1 <Memo> elements in <Code> (not read)"]


# -- 2. descriptions ----------------------------------------------------------------------------
def described(tmp_path: Path) -> Path:
    xml = project_xml(
        f'<Users><User guid="{USER}" name="ann"/></Users>'
        f'<Sources><TextSource guid="{SRC1}" name="R_1" plainTextPath="internal://{SRC1}.txt">'
        "<Description>Recorded in the café.</Description></TextSource></Sources>"
        "<Description>A study of travel.</Description>",
        origin="MAXQDA 24",
    )
    return write_qdpx(
        tmp_path / "described.qdpx", {"project.qde": xml, f"sources/{SRC1}.txt": "Some answer."}
    )


def test_descriptions_become_memos_and_go_back_as_descriptions(tmp_path: Path) -> None:
    import_qdpx_new(described(tmp_path), tmp_path / "d.qualcode", actor="t")
    with Project.open(tmp_path / "d.qualcode") as project:
        memos = sorted((m.target_type, m.target, m.coder, m.text) for m in project.memos())
        assert memos == [
            ("document", "R_1", "ann", "Recorded in the café."),
            ("project", None, "ann", "A study of travel."),
        ]
        export_qdpx(project, tmp_path / "d.qdpx")
    qde = etree.fromstring(zipfile.ZipFile(tmp_path / "d.qdpx").read("project.qde"))
    if (INTEROP / "schemas").is_dir():
        assert schema("Project-mrt2019.xsd").validate(qde)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    assert qde.xpath("q:Sources/q:TextSource/q:Description/text()", namespaces=ns) == [
        "Recorded in the café."
    ]
    assert qde.xpath("q:Description/text()", namespaces=ns) == ["A study of travel."]
    assert (
        qde.xpath("q:Notes", namespaces=ns) == [] and qde.xpath("//q:NoteRef", namespaces=ns) == []
    )
    # and back again: the same two memos, still descriptions
    import_qdpx_new(tmp_path / "d.qdpx", tmp_path / "e.qualcode", actor="t")
    with Project.open(tmp_path / "e.qualcode") as project:
        assert sorted(m.text for m in project.memos()) == [
            "A study of travel.",
            "Recorded in the café.",
        ]
        export_qdpx(project, tmp_path / "e.qdpx")
    again = etree.fromstring(zipfile.ZipFile(tmp_path / "e.qdpx").read("project.qde"))
    assert again.xpath("q:Description/text()", namespaces=ns) == ["A study of travel."]


# -- 3. Sources/ beside a bare project.qde -------------------------------------------------------
def test_a_bare_qde_finds_a_capital_sources_folder(tmp_path: Path) -> None:
    folder = tmp_path / "unzipped"
    (folder / "Sources").mkdir(parents=True)
    (folder / "Sources" / f"{SRC1}.txt").write_text("Some answer.", encoding="utf-8")
    (folder / "project.qde").write_text(
        project_xml(
            f'<Sources><TextSource guid="{SRC1}" name="R_1" '
            f'plainTextPath="internal://{SRC1}.txt"/></Sources>',
            origin="NVivo for Windows 12.6",
        ),
        encoding="utf-8",
    )
    parsed = read_qdpx(folder / "project.qde")
    assert [(s.name, s.text) for s in parsed.sources] == [("R_1", "Some answer.")]
    assert parsed.skipped == []


# -- 4. an import into a new project is never left half-made -------------------------------------
KILLER = """
import os, signal, sys
from qualcode.interop import import_qdpx_new

def progress(done, total, what):
    if what.startswith("storing"):
        os.kill(os.getpid(), signal.SIGKILL)

import_qdpx_new(sys.argv[1], sys.argv[2], actor="t", progress=progress)
"""


def test_a_killed_import_leaves_no_project(tmp_path: Path) -> None:
    source = twins(tmp_path)
    target = tmp_path / "new.qualcode"
    done = subprocess.run(
        [sys.executable, "-c", KILLER, str(source), str(target)],
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL
    assert not target.exists()
    assert not list(tmp_path.glob("new.qualcode*"))
    killed = set(tmp_path.glob(".new.qualcode.*.importing*"))  # the killed run's, named so
    # and a finished one is renamed into place, with no temporary files of its own left
    import_qdpx_new(source, target, actor="t")
    assert target.is_file() and set(tmp_path.glob(".new.qualcode.*.importing*")) == killed
    assert not list(tmp_path.glob("new.qualcode-*"))
    with Project.open(target) as project:
        assert len(project.documents()) == 2


# -- 5, 6. a deeply nested qualcode.json; two users with one GUID -------------------------------
def test_a_deeply_nested_qualcode_json_is_ignored(tmp_path: Path) -> None:
    xml = project_xml(f'<Users><User guid="{USER}" name="ann"/></Users>', origin="qualcode 9")
    deep = "[" * 200_000 + "]" * 200_000
    path = write_qdpx(tmp_path / "deep.qdpx", {"project.qde": xml, "qualcode.json": deep})
    summary = import_qdpx_new(path, tmp_path / "deep.qualcode", actor="t")
    assert "qualcode.json ignored: nested too deeply to be qualcode's" in summary.warnings
    assert summary.added["coders"] == 1


def test_two_users_with_one_guid_are_listed(tmp_path: Path) -> None:
    xml = project_xml(
        f'<Users><User guid="{USER}" name="ann"/><User guid="{USER}" name="bo"/></Users>'
    )
    path = write_qdpx(tmp_path / "users.qdpx", {"project.qde": xml})
    summary = import_qdpx_new(path, tmp_path / "u.qualcode", actor="t")
    assert any("users whose GUID another user has" in s and "'bo'" in s for s in summary.skipped)


# -- 7. round trips back to the producing tool ---------------------------------------------------
NOTE = "77777777-7777-4777-8777-777777777777"
SPAN_NOTE = "77777777-7777-4777-8777-777777777779"
SET = "88888888-8888-4888-8888-888888888888"
SELECTION = "99999999-9999-4999-8999-999999999999"
BARE = "99999999-9999-4999-8999-99999999999a"
LONG_NOTE = "77777777-7777-4777-8777-77777777777a"
LONG_TITLE = "A title that runs on well past the fifty characters of a made-up name"


def tool_project(tmp_path: Path) -> Path:
    """What another tool writes: one user and no creatingUserGUID (MAXQDA), a titled note, a
    note on a selection without a coding, a set, an untitled project name."""
    xml = project_xml(
        f'<Users><User guid="{USER}" name="johnb"/></Users><CodeBook><Codes>'
        f'<Code guid="{CODE}" name="Travel" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{SRC1}" name="R_1" plainTextPath="internal://{SRC1}.txt">'
        f'<PlainTextSelection guid="{SELECTION}" startPosition="0" endPosition="7">'
        f'<Coding guid="66666666-6666-4666-8666-666666666666" creatingUser="{USER}">'
        f'<CodeRef targetGUID="{CODE}"/></Coding></PlainTextSelection>'
        f'<PlainTextSelection guid="{BARE}" startPosition="8" endPosition="12">'
        f'<NoteRef targetGUID="{SPAN_NOTE}"/></PlainTextSelection>'
        f'<NoteRef targetGUID="{NOTE}"/></TextSource></Sources>'
        f'<Notes><Note guid="{NOTE}" name="Field note" creatingUser="{USER}">'
        "<PlainTextContent>It rained.</PlainTextContent></Note>"
        f'<Note guid="{SPAN_NOTE}" name="" creatingUser="{USER}">'
        "<PlainTextContent>Check this.</PlainTextContent></Note>"
        f'<Note guid="{LONG_NOTE}" name="{LONG_TITLE}" creatingUser="{USER}">'
        f"<PlainTextContent>{LONG_TITLE} is the first line.</PlainTextContent></Note></Notes>"
        f'<Sets><Set guid="{SET}" name="Practical"><Description>Help.</Description>'
        f'<MemberCode targetGUID="{CODE}"/><MemberSource targetGUID="{SRC1}"/></Set></Sets>',
        origin="MAXQDA 24 (Release 24.7.0)",
        name="Untitled",
    )
    text = "Bus fare paid, yes."
    return write_qdpx(tmp_path / "tool.qdpx", {"project.qde": xml, f"sources/{SRC1}.txt": text})


def test_a_round_trip_gives_the_tool_back_what_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUALCODE_USER", "root")
    import_qdpx_new(tool_project(tmp_path), tmp_path / "a.qualcode")
    with Project.open(tmp_path / "a.qualcode") as project:
        # The file's only user wrote what it names no user for; no login-name coder.
        assert sorted(c.name for c in project.coders()) == ["consensus", "johnb"]
        memos = {m.text: (m.target_type, m.target) for m in project.memos()}
        assert memos["Field note\n\nIt rained."] == ("document", "R_1")
        assert memos["Check this."] == ("document", "R_1")
        export_qdpx(project, tmp_path / "a.qdpx")
    ns = {"q": "urn:QDA-XML:project:1.0"}
    qde = etree.fromstring(zipfile.ZipFile(tmp_path / "a.qdpx").read("project.qde"))
    if (INTEROP / "schemas").is_dir():
        assert schema("Project-mrt2019.xsd").validate(qde)
    assert qde.get("name") == "Untitled"
    assert qde.xpath("q:Users/q:User/@name", namespaces=ns) == ["johnb"]  # no unused consensus
    selections = {
        s.get("guid"): (
            s.get("startPosition"),
            s.get("endPosition"),
            s.xpath("q:NoteRef/@targetGUID", namespaces=ns),
        )
        for s in qde.xpath("//q:PlainTextSelection", namespaces=ns)
    }
    assert selections == {SELECTION: ("0", "7", []), BARE: ("8", "12", [SPAN_NOTE])}
    notes = {
        n.get("guid"): (n.get("name"), "".join(n.xpath("q:PlainTextContent/text()", namespaces=ns)))
        for n in qde.xpath("q:Notes/q:Note", namespaces=ns)
    }
    assert notes[NOTE] == ("Field note", "It rained.")
    assert notes[LONG_NOTE] == (LONG_TITLE, f"{LONG_TITLE} is the first line.")
    assert notes[SPAN_NOTE][1] == "Check this."
    [set_] = qde.xpath("q:Sets/q:Set", namespaces=ns)
    assert (set_.get("guid"), set_.get("name")) == (SET, "Practical")
    assert set_.xpath("q:MemberCode/@targetGUID", namespaces=ns) == [CODE]
    assert set_.xpath("q:MemberSource/@targetGUID", namespaces=ns) == [SRC1]
    # The set's memos are the set: not written again as notes.
    assert not [n for n in notes.values() if n[1].startswith("Set: ")]
    # Back into qualcode: the same project again.
    import_qdpx_new(tmp_path / "a.qdpx", tmp_path / "b.qualcode")
    with Project.open(tmp_path / "a.qualcode") as a, Project.open(tmp_path / "b.qualcode") as b:
        assert sorted(m.text for m in a.memos()) == sorted(m.text for m in b.memos())
        export_qdpx(b, tmp_path / "b.qdpx")
    again = zipfile.ZipFile(tmp_path / "b.qdpx").read("project.qde")
    first = zipfile.ZipFile(tmp_path / "a.qdpx").read("project.qde")
    assert again.split(b'modifiedDateTime="')[0] == first.split(b'modifiedDateTime="')[0]


def test_the_export_summary_lists_what_the_file_does_not_hold(tmp_path: Path) -> None:
    import_qdpx_new(twins(tmp_path), tmp_path / "a.qualcode", actor="t")
    with Project.open(tmp_path / "a.qualcode") as project:
        project.add_case("P3")
        project.add_memo("About P3.", coder="ann", target_type="case", target="P3")
        [coding] = project.codings(document="R_1")
        project.remove_coding(coding.uuid)
        summary = export_qdpx(project, tmp_path / "a.qdpx")
    lost = " | ".join(summary.lost)
    assert "1 removed codings and 0 removed memos" in lost
    assert "1 memos on cases: Notes linked to their case by a Link" in lost
    assert "the consensus coder, who has no codings or memos" in lost
    assert "the audit trail" in lost
    assert all(f"not in the file: {x}" in summary.lines() for x in summary.lost)


def test_the_export_counts_removed_memos_and_reconcile_decisions(tmp_path: Path) -> None:
    import_qdpx_new(twins(tmp_path), tmp_path / "a.qualcode", actor="t")
    with Project.open(tmp_path / "a.qualcode") as project:
        memo = project.add_memo("Gone.", coder="ann")
        project.delete_memo(memo.uuid)
        [coding] = project.codings(document="R_1")
        project.record_decision(
            code=coding.code,
            document="R_1",
            start=0,
            end=8,
            choice="neither",
            excerpts=[],
            coders=[coding.coder],
            supervisor="t",
        )
        summary = export_qdpx(project, tmp_path / "a.qdpx")
    assert "0 removed codings and 1 removed memos (only current ones are exported)" in summary.lost
    assert "0 suggestions and 1 reconcile decisions (no REFI equivalent)" in summary.lost


# -- 8. --strict ---------------------------------------------------------------------------------
def cli(*args: str) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "qualcode", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def test_strict_refuses_a_file_with_skips_and_writes_nothing(tmp_path: Path) -> None:
    odd = odd_project(tmp_path)
    target = tmp_path / "s.qualcode"
    code, _out, err = cli("import-qdpx", str(odd), "-o", str(target), "--strict")
    assert code == 3
    assert "qualcode: skipped: " in err and "(not read)" in err
    assert err.strip().splitlines()[-1].startswith(f"qualcode: error: {odd}: refused (--strict)")
    assert not target.exists() and not list(tmp_path.glob(".s.qualcode*"))
    code, _out, err = cli("import-qdpx", str(odd), "-o", str(target))  # lenient by default
    assert code == 0 and "qualcode: skipped: " in err and target.exists()
    code, _out, _err = cli("import-qdpx", str(twins(tmp_path)), "-o", str(target), "--strict")
    assert code == 0  # nothing skipped: strict imports as usual


# -- 9. messages that name the format found and the command to use ---------------------------------
def test_messages_name_the_format_and_the_command(tmp_path: Path) -> None:
    project = tmp_path / "p.qualcode"
    Project.create(project, actor="t").close()
    qde = tmp_path / "project.qde"
    qde.write_text(project_xml(""), encoding="utf-8")
    code, _out, err = cli("codebook", "import", str(project), str(qde))
    assert code == 1 and "is a REFI-QDA project (.qde), not a .qdc codebook" in err
    assert f"use: qualcode import-qdpx {qde} -o PROJECT" in err and "YAML" not in err
    renamed = tmp_path / "export.qdc"
    renamed.write_bytes(twins(tmp_path).read_bytes())
    code, _out, err = cli("codebook", "import", str(project), str(renamed))
    assert code == 1 and "is a zip archive (a .qdpx REFI-QDA project?)" in err
    assert "Start tag" not in err and len(err.strip().splitlines()) == 1
    qdc = tmp_path / "book.qdc"
    qdc.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', "utf-8")
    code, _out, err = cli("import-qdpx", str(qdc), "-o", str(tmp_path / "n.qualcode"))
    assert code == 1 and f"use: qualcode codebook import PROJECT {qdc}" in err
    yaml_book = tmp_path / "book.qdpx"
    yaml_book.write_text("codes:\n  - name: Travel\n", encoding="utf-8")
    code, _out, err = cli("import-qdpx", str(yaml_book), "-o", str(tmp_path / "n.qualcode"))
    assert code == 1 and "is a YAML codebook, not a REFI-QDA project" in err


# -- real files ----------------------------------------------------------------------------------
def test_real_files_keep_selection_guids_names_and_users(tmp_path: Path) -> None:
    if not (INTEROP / "SOURCES.md").is_file():
        pytest.skip("../shared/interop is not here")
    nvivo = INTEROP / "qdpx" / "nvivo-win-12.6_oltas.qdpx"
    import_qdpx_new(nvivo, tmp_path / "n.qualcode", actor="root")
    with Project.open(tmp_path / "n.qualcode") as project:
        export_qdpx(project, tmp_path / "n.qdpx")
    ns = {"q": "urn:QDA-XML:project:1.0"}
    original = etree.fromstring(zipfile.ZipFile(nvivo).read("project.qde"))
    exported = etree.fromstring(zipfile.ZipFile(tmp_path / "n.qdpx").read("project.qde"))
    guids = "//q:PlainTextSelection/@guid"
    assert len(original.xpath(guids, namespaces=ns)) == 97
    assert sorted(original.xpath(guids, namespaces=ns)) == sorted(
        exported.xpath(guids, namespaces=ns)
    )
    assert exported.get("name") == original.get("name") == "Untitled"
    maxqda = INTEROP / "qde" / "maxqda-24.7.0_paper_themes_project.qde"
    import_qdpx_new(maxqda, tmp_path / "m.qualcode", actor="root")
    with Project.open(tmp_path / "m.qualcode") as project:
        assert "root" not in {c.name for c in project.coders()}


def test_a_selection_guid_on_two_spans_keeps_both_spans(tmp_path: Path) -> None:
    """A file that reuses a selection GUID (or a coding moved since): no coding loses its span."""
    selections = "".join(
        f'<PlainTextSelection guid="{SELECTION}" startPosition="{a}" endPosition="{b}">'
        f'<Coding guid="6666666{i}-6666-4666-8666-666666666666" creatingUser="{USER}">'
        f'<CodeRef targetGUID="{CODE}"/></Coding></PlainTextSelection>'
        for i, (a, b) in enumerate([(0, 3), (4, 8)])
    )
    xml = project_xml(
        f'<Users><User guid="{USER}" name="ann"/></Users><CodeBook><Codes><Code guid="{CODE}" '
        f'name="C" isCodable="true"/></Codes></CodeBook><Sources><TextSource guid="{SRC1}" '
        f'name="d" plainTextPath="internal://{SRC1}.txt">{selections}</TextSource></Sources>'
    )
    path = write_qdpx(
        tmp_path / "reuse.qdpx", {"project.qde": xml, f"sources/{SRC1}.txt": "Bus fare paid."}
    )
    import_qdpx_new(path, tmp_path / "a.qualcode", actor="t")
    with Project.open(tmp_path / "a.qualcode") as project:
        export_qdpx(project, tmp_path / "a.qdpx")
    back = read_qdpx(tmp_path / "a.qdpx")
    assert sorted((c.start, c.end) for c in back.sources[0].codings) == [(0, 3), (4, 8)]
    assert [c.selection for c in back.sources[0].codings].count(SELECTION) == 1
