"""Broken and hostile REFI-QDA files: each refused with one line naming the file, never a
traceback, and the project left exactly as it was."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.cli.hints import error_line
from qualcode.errors import BadInputError, QualcodeError
from qualcode.interop import import_qdc, import_qdpx, import_qdpx_new, read_qdpx

from .test_refi_support import project_xml, write_qdpx, zip_bytes

CODES = (
    '<CodeBook><Codes><Code guid="c0000000-0000-4000-8000-000000000001" name="A" '
    'isCodable="true"/></Codes></CodeBook>'
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n'
    '<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;"/>'
)
XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    '<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Sources><TextSource '
    'guid="d0000000-0000-4000-8000-000000000001" name="t"><PlainTextContent>&xxe;'
    "</PlainTextContent></TextSource></Sources></Project>"
)


def refused(path: Path, *fragments: str) -> str:
    with pytest.raises(BadInputError) as caught:
        read_qdpx(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_empty_and_not_zip_and_truncated(tmp_path: Path) -> None:
    empty = tmp_path / "empty.qdpx"
    empty.write_bytes(b"")
    refused(empty, "empty")
    text = tmp_path / "notes.qdpx"
    text.write_text("just some notes", encoding="utf-8")
    refused(text, "not a .qdpx or .qde REFI-QDA project (neither a zip archive nor XML)")
    whole = zip_bytes({"project.qde": project_xml(CODES)})
    cut = tmp_path / "cut.qdpx"
    cut.write_bytes(whole[: len(whole) // 2])
    refused(cut, "not a valid .qdpx")
    refused(tmp_path / "absent.qdpx", "no such file")


def test_zip_without_project_qde(tmp_path: Path) -> None:
    path = write_qdpx(tmp_path / "x.qdpx", {"sources/a.txt": "hello"})
    refused(path, "no project.qde")
    several = write_qdpx(tmp_path / "y.qdpx", {"a.qde": project_xml(""), "b.qde": project_xml("")})
    refused(several, "2 .qde files")
    # A single .qde under another name (ATLAS.ti 26 names it after the project) is fine.
    one = write_qdpx(tmp_path / "z.qdpx", {"Trial.qde": project_xml(CODES)})
    assert read_qdpx(one).codebook.count() == 1


def test_malformed_xml(tmp_path: Path) -> None:
    path = write_qdpx(tmp_path / "x.qdpx", {"project.qde": "<Project><Users></Project>"})
    refused(path, "not well-formed XML")
    codebook = tmp_path / "x.qdc"
    codebook.write_text("<CodeBook><Codes>", encoding="utf-8")
    with pytest.raises(BadInputError, match="not well-formed XML"):
        import_qdc(None, codebook)  # type: ignore[arg-type]


def test_wrong_root_elements(tmp_path: Path) -> None:
    path = write_qdpx(tmp_path / "x.qdpx", {"project.qde": "<html><body/></html>"})
    refused(path, "not a REFI-QDA project")
    codebook = write_qdpx(
        tmp_path / "c.qdpx",
        {"project.qde": '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>'},
    )
    refused(codebook, "is a REFI-QDA codebook (.qdc), not a project")
    # The way out is the CLI's to word (issue 17: the library says what is wrong).
    with pytest.raises(BadInputError) as caught:
        read_qdpx(codebook)
    assert "qualcode codebook import" in error_line(caught.value)


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    path = write_qdpx(tmp_path / "laughs.qdpx", {"project.qde": BILLION_LAUGHS})
    refused(path, "declares entities")
    bare = tmp_path / "laughs.qdc"
    bare.write_text(BILLION_LAUGHS.replace("Project", "CodeBook"), encoding="utf-8")
    with pytest.raises(BadInputError, match="declares entities"):
        import_qdc(None, bare)  # type: ignore[arg-type]


def test_billion_laughs_in_utf16_is_refused(tmp_path: Path) -> None:
    data = BILLION_LAUGHS.replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    path = write_qdpx(tmp_path / "laughs16.qdpx", {"project.qde": data.encode("utf-16")})
    refused(path, "declares entities")


def test_external_entities_never_read_local_files(tmp_path: Path) -> None:
    path = write_qdpx(tmp_path / "xxe.qdpx", {"project.qde": XXE})
    message = refused(path, "declares entities")
    assert "root:" not in message


def test_an_external_dtd_is_not_loaded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.dtd"
    secret.write_text('<!ENTITY leak "SECRET">', encoding="utf-8")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE Project SYSTEM "{secret.as_uri()}">'
        + project_xml(CODES).split("?>", 1)[1]
    )
    path = write_qdpx(tmp_path / "dtd.qdpx", {"project.qde": xml})
    parsed = read_qdpx(path)
    assert parsed.codebook.count() == 1


@pytest.mark.parametrize(
    ("member", "problem"),
    [
        ("../evil.txt", "points outside the archive"),
        ("sources/../../evil.txt", "points outside the archive"),
        ("/etc/evil.txt", "absolute path"),
        ("C:/evil.txt", "absolute path"),
    ],
)
def test_path_traversal_members(tmp_path: Path, member: str, problem: str) -> None:
    path = tmp_path / "trav.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", project_xml(CODES))
        archive.writestr(zipfile.ZipInfo(member), b"x")
    refused(path, problem)


def test_symlink_members(tmp_path: Path) -> None:
    path = tmp_path / "link.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", project_xml(CODES))
        link = zipfile.ZipInfo("sources/a.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    refused(path, "symbolic link")


def test_zip_bomb(tmp_path: Path) -> None:
    path = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_xml(CODES))
        archive.writestr("sources/zeros.txt", b"\0" * (30 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    refused(path, "zip bomb")


def test_too_many_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qualcode.interop import zipsafe

    monkeypatch.setattr(zipsafe, "MAX_MEMBERS", 5)
    members = {"project.qde": project_xml(CODES)} | {f"sources/{i}.txt": "x" for i in range(6)}
    refused(write_qdpx(tmp_path / "many.qdpx", members), "7 members")


def test_source_paths_never_leave_the_archive_or_folder(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("SECRET", encoding="utf-8")
    sources = "".join(
        f'<TextSource guid="d0000000-0000-4000-8000-00000000000{i}" name="s{i}" '
        f'plainTextPath="{p}"/>'
        for i, p in enumerate(
            ["../secret.txt", f"absolute://{tmp_path / 'secret.txt'}", "relative://../secret.txt"]
        )
    )
    xml = project_xml(CODES + f"<Sources>{sources}</Sources>")
    inner = tmp_path / "inner"
    inner.mkdir()
    bare = inner / "project.qde"
    bare.write_text(xml, encoding="utf-8")
    for path in (bare, write_qdpx(tmp_path / "p.qdpx", {"project.qde": xml})):
        parsed = read_qdpx(path)
        assert parsed.sources == []
        assert len(parsed.skipped) >= 1 and "SECRET" not in " ".join(parsed.skipped)


SELECTIONS = (
    '<Sources><TextSource guid="d0000000-0000-4000-8000-000000000001" name="doc">'
    "<PlainTextContent>Hello world, this is short.</PlainTextContent>"
    '<PlainTextSelection guid="f0000000-0000-4000-8000-000000000001" startPosition="0" '
    'endPosition="5"><Coding guid="f1000000-0000-4000-8000-000000000001">'
    '<CodeRef targetGUID="c0000000-0000-4000-8000-000000000001"/></Coding></PlainTextSelection>'
    '<PlainTextSelection guid="f0000000-0000-4000-8000-000000000002" startPosition="6" '
    'endPosition="900"><Coding guid="f1000000-0000-4000-8000-000000000002">'
    '<CodeRef targetGUID="c0000000-0000-4000-8000-000000000001"/></Coding></PlainTextSelection>'
    '<PlainTextSelection guid="f0000000-0000-4000-8000-000000000003" startPosition="6" '
    'endPosition="11"><Coding guid="f1000000-0000-4000-8000-000000000003">'
    '<CodeRef targetGUID="c0000000-0000-4000-8000-0000000000ff"/></Coding></PlainTextSelection>'
    '<PlainTextSelection guid="f0000000-0000-4000-8000-000000000004" startPosition="x" '
    'endPosition="11"><Coding guid="f1000000-0000-4000-8000-000000000004">'
    '<CodeRef targetGUID="c0000000-0000-4000-8000-000000000001"/></Coding></PlainTextSelection>'
    "</TextSource></Sources>"
)


def test_bad_selections_are_skipped_with_a_reason(fresh_project: Project, tmp_path: Path) -> None:
    path = write_qdpx(tmp_path / "sel.qdpx", {"project.qde": project_xml(CODES + SELECTIONS)})
    summary = import_qdpx(fresh_project, path)
    assert summary.added["codings"] == 1
    assert [(c.start, c.end, c.text) for c in fresh_project.codings()] == [(0, 5, "Hello")]
    skipped = " | ".join(summary.skipped)
    assert "1 codings on selections beyond the end of the text" in skipped
    assert "1 codings of a code GUID that is not in the codebook" in skipped
    assert "1 codings on selections without readable positions" in skipped


def test_a_failure_while_storing_leaves_the_project_unchanged(
    fresh_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualcode.project import refi_writer as store_project

    path = write_qdpx(tmp_path / "ok.qdpx", {"project.qde": project_xml(CODES + SELECTIONS)})
    before = (fresh_project.codes(), fresh_project.documents(), fresh_project.coders())
    log_before = len(fresh_project.log())

    def boom(*_args: object, **_kwargs: object) -> None:
        raise QualcodeError("disk full")

    monkeypatch.setattr(store_project.MemoWriter, "write", boom)
    with pytest.raises(QualcodeError, match="disk full"):
        import_qdpx(fresh_project, path)
    assert (fresh_project.codes(), fresh_project.documents(), fresh_project.coders()) == before
    assert len(fresh_project.log()) == log_before


def test_a_new_project_is_created_only_after_the_file_was_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualcode.project import refi_writer as store_project

    bad = write_qdpx(tmp_path / "bad.qdpx", {"project.qde": "<Project>"})
    target = tmp_path / "new.qualcode"
    with pytest.raises(BadInputError):
        import_qdpx_new(bad, target)
    assert not target.exists()
    good = write_qdpx(tmp_path / "good.qdpx", {"project.qde": project_xml(CODES + SELECTIONS)})
    monkeypatch.setattr(
        store_project._Writer, "_codings", lambda *_a: (_ for _ in ()).throw(OSError("gone"))
    )
    with pytest.raises(OSError):
        import_qdpx_new(good, target)
    assert list(tmp_path.glob("new.qualcode*")) == []
