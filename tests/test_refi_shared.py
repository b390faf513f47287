"""Real files exported by NVivo, ATLAS.ti, MAXQDA, Taguette, qc and the standard's example
(../shared/interop, see its SOURCES.md): what each imports, its warnings, and that codings
land on the words the other tool showed. Skipped when the folder is absent (the files' licences
keep them out of this repository). The expected counts were checked against SOURCES.md and by
reading the files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.interop import export_qdc, export_qdpx, import_qdc, import_qdpx_new
from qualcode.interop.offsets import boundary_score

from .test_refi_support import INTEROP, needs_interop, schema

pytestmark = needs_interop

PROJECTS = {
    # file: (codes, documents, coders, codings, memos, warning fragment, skipped fragment)
    "qdpx/nvivo-win-12.6_oltas.qdpx": (
        60,
        1,
        2,
        97,
        0,
        None,
        "1 rich-text versions of sources (.docx",
    ),
    "qdpx/nvivo-mac-12.7.0_OltasSzkepticizmus_17June.qdpx": (
        152,
        2,
        2,
        297,
        0,
        None,
        "2 rich-text versions of sources",
    ),
    "qdpx/nvivo-mac-15.0.0_nvivo_project.qdpx": (262, 0, 2, 0, 0, None, "2 sources with no text"),
    "qdpx/qc-1.3.2_demo.qdpx": (
        262,
        2,
        1,
        205,
        0,
        "sources without a name",
        "158 names of selections",
    ),
    "qdpx/atlasti-win-23.2.3_blank-atlas-project.qdpx": (0, 0, 2, 0, 0, "upper-case GUIDs", None),
    "qdpx/atlasti-win-23.2.3_target-atlas-project.qdpx": (3, 0, 2, 0, 0, "upper-case GUIDs", None),
    "qde/maxqda-24.7.0_paper_themes_project.qde": (
        307,
        0,
        1,
        0,
        0,
        "upper-case GUIDs",
        "10 sources whose text file is missing",
    ),
}
CODEBOOKS = {
    # file: (codes, memos from sets, warning fragment)
    "qdc/atlasti-win-9.0.19_portableQDA_Atlasti.qdc": (5, 4, "namespace urn:QDA-XML:codebook:0:4"),
    "qdc/portableqda_doorstop-core-tests-files-exported.qdc": (8, 8, "'description' attributes"),
    "qdc/refi-qda-1.5-spec-example_REFI-QDA-1-5.qdc": (6, 0, "an empty <Sets/>"),
    "qdc/taguette-1.4.1_uto_tag_codebook.qdc": (3, 0, "an empty <Sets/>"),
}


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_projects_import_with_the_counts_they_hold(name: str, tmp_path: Path) -> None:
    codes, documents, coders, codings, memos, warning, skipped = PROJECTS[name]
    target = tmp_path / "p.qualcode"
    summary = import_qdpx_new(INTEROP / name, target, actor="tester")
    assert [summary.added[k] for k in ("codes", "documents", "coders", "codings", "memos")] == [
        codes,
        documents,
        coders,
        codings,
        memos,
    ]
    assert summary.added["cases"] == 0
    if warning:
        assert any(warning in w for w in summary.warnings), summary.warnings
    else:
        assert summary.warnings == []
    if skipped:
        assert any(skipped in s for s in summary.skipped), summary.skipped
    else:
        assert summary.skipped == []
    # Whatever came in goes out again as a valid project.
    from lxml import etree

    out = tmp_path / "again.qdpx"
    with Project.open(target) as project:
        export_qdpx(project, out)
    validator = schema("Project-mrt2019.xsd")
    assert validator.validate(etree.fromstring(zipfile.ZipFile(out).read("project.qde")))


@pytest.mark.parametrize(
    ("name", "spans", "at_word_edges"),
    [
        ("qdpx/nvivo-win-12.6_oltas.qdpx", 20, 1.0),
        ("qdpx/nvivo-mac-12.7.0_OltasSzkepticizmus_17June.qdpx", 187, 0.98),
        ("qdpx/qc-1.3.2_demo.qdpx", None, 1.0),
    ],
)
def test_codings_cover_whole_words(
    name: str, spans: int | None, at_word_edges: float, tmp_path: Path
) -> None:
    """NVivo counts UTF-16 units (and, on Windows, CRLF as two after a BOM): converted, the
    codings start and end between words, as the coder selected them."""
    target = tmp_path / "p.qualcode"
    import_qdpx_new(INTEROP / name, target, actor="tester")
    with Project.open(target) as project:
        found = set()
        for document in project.documents():
            text = project.document_text(document.name)
            assert "\r" not in text and not text.startswith("\ufeff")
            mine = sorted({(c.start, c.end) for c in project.codings(document=document.name)})
            found.update((document.name, *s) for s in mine)
            if mine:
                assert boundary_score(text, mine) >= at_word_edges
    if spans is not None:
        assert len(found) == spans


def test_nvivo_windows_first_coding_text(tmp_path: Path) -> None:
    target = tmp_path / "p.qualcode"
    import_qdpx_new(INTEROP / "qdpx/nvivo-win-12.6_oltas.qdpx", target, actor="tester")
    with Project.open(target) as project:
        first = project.codings()[0]
        assert first.text.startswith("Na mi van? Nem mertétek kötelezővé tenni?")
        assert first.text.endswith("hogy nem haltok meg covidban.")
        assert {c.coder for c in project.codings()} == {"floriansipos"}


@pytest.mark.parametrize("name", sorted(CODEBOOKS))
def test_codebooks_import(name: str, fresh_project: Project, tmp_path: Path) -> None:
    from lxml import etree

    codes, memos, warning = CODEBOOKS[name]
    summary = import_qdc(fresh_project, INTEROP / name, coder="ann")
    assert summary.added["codes"] == codes and summary.added["memos"] == memos
    assert any(warning in w for w in summary.warnings), summary.warnings
    out = tmp_path / "out.qdc"
    export_qdc(fresh_project, out, include_archived=True)
    validator = schema("Codebook.xsd")
    assert validator.validate(etree.parse(str(out))), validator.error_log.last_error


def test_the_spec_example_keeps_colours_and_flags(fresh_project: Project) -> None:
    import_qdc(fresh_project, INTEROP / "qdc/refi-qda-1.5-spec-example_REFI-QDA-1-5.qdc")
    codes = {c.path: c for c in fresh_project.codes()}
    assert codes["Topics"].codable is False and codes["Values"].codable is False
    assert codes["Economy"].color == "#FFFF00"
    assert codes["Economy"].definition == "Anything about jobs or taxes or business"
    assert codes["Topics"].uuid == "5215cc69-b628-4e02-afb9-9beeaee55808"
