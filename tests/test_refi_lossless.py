"""REFI-QDA: nothing dropped without saying so. Identical texts stay apart, what is not read is
listed as skipped, and round trips keep what the producing tool needs."""

from __future__ import annotations

from pathlib import Path

from qualcode import Project
from qualcode.interop import export_qdpx, import_qdpx, import_qdpx_new, read_qdpx

from .test_refi_support import project_xml, write_qdpx

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
