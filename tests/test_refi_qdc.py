"""REFI-QDA codebooks (.qdc): import with hierarchy, colours, descriptions, codable flags and
sets; export valid against Codebook.xsd with stable GUIDs; the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode import Project
from qualcode.cli import main
from qualcode.interop import export_qdc, import_qdc
from qualcode.interop.qdc import describe, undescribe

from .test_refi_support import REFI_DATA, needs_interop, schema


def test_atlas_style_codebook(fresh_project: Project) -> None:
    summary = import_qdc(fresh_project, REFI_DATA / "atlas_style.qdc", coder="ann")
    codes = {c.path: c for c in fresh_project.codes()}
    assert list(codes) == [
        "Barriers",
        "Barriers/Travel: bus fare",
        "Barriers/Work–score–use",
        "Safety",
    ]
    assert codes["Barriers"].codable is False
    assert codes["Barriers"].uuid == "0a1b2c3d-0000-4000-8000-000000000001"
    assert codes["Safety"].color == "#E69F00"
    assert codes["Barriers/Work–score–use"].definition.startswith("The cycle of working")
    memos = {(m.target, m.text, m.coder) for m in fresh_project.memos()}
    assert memos == {
        ("Barriers/Travel: bus fare", "Set: groups::practical", "ann"),
        ("Safety", "Set: groups::practical", "ann"),
    }
    assert summary.added["codes"] == 4 and summary.added["memos"] == 2
    assert any("namespace urn:QDA-XML:codebook:0:4" in w for w in summary.warnings)
    assert any("upper-case GUIDs" in w for w in summary.warnings)
    again = import_qdc(fresh_project, REFI_DATA / "atlas_style.qdc", coder="ann")
    assert again.added["codes"] == 0 and again.matched["codes"] == 4
    assert again.added["memos"] == 0 and again.duplicates == 2


def test_deviations_are_tolerated_and_listed(fresh_project: Project) -> None:
    summary = import_qdc(fresh_project, REFI_DATA / "quirks.qdc")
    codes = {c.path: c for c in fresh_project.codes()}
    assert list(codes) == ["Topics", "Economy", "Health care", "No guid", "Economy (2)"]
    assert codes["Topics"].uuid == "6e0c9a52-1d5b-4c7e-9b1a-2f6f3d8e0001"
    assert codes["Topics"].color == "#AABBCC" and codes["Topics"].codable is False
    assert codes["Economy"].uuid == "6e0c9a52-1d5b-4c7e-9b1a-2f6f3d8e0002"
    assert codes["Economy"].definition == "Jobs, taxes\nand business"
    assert codes["Economy"].color is None and codes["Economy"].codable is True
    assert codes["No guid"].codable is False and codes["Health care"].codable is True
    text = " ".join(summary.warnings)
    for expected in (
        "namespace urn:QDA-XML:codebook:1:0",
        "'description' attributes",
        "an empty <Sets/>",
        "colours that are not #RRGGBB",
        "malformed GUIDs",
        "codes without a GUID",
        "codes without isCodable",
        "GUIDs in braces",
        "appears twice among its siblings",
        "code names with line breaks",
    ):
        assert expected in text, expected


def _codebook(project: Project) -> None:
    project.add_code("Engagement", definition="Attending or not.", codable=False)
    project.add_code(
        "Travel",
        parent="Engagement",
        definition="Getting there.",
        inclusion="Fares, buses.",
        exclusion="Moving house.",
        example="The bus fare was paid.",
        keywords=["bus", "fare"],
        color="#0072B2",
    )
    project.add_code("Lunch", parent="Engagement", keywords=["lunch"])
    project.add_code("Safety 😀", example="It was women only.")


def test_export_then_import_keeps_everything(tmp_path: Path, fresh_project: Project) -> None:
    _codebook(fresh_project)
    first = tmp_path / "one.qdc"
    assert export_qdc(fresh_project, first).counts == {"codes": 4}
    second = tmp_path / "two.qdc"
    export_qdc(fresh_project, second)
    assert first.read_bytes() == second.read_bytes()
    with Project.create(tmp_path / "copy.qualcode", actor="t") as copy:
        import_qdc(copy, first)
        assert copy.codes() == fresh_project.codes()


def test_archived_codes_are_left_out_unless_asked(tmp_path: Path, fresh_project: Project) -> None:
    _codebook(fresh_project)
    fresh_project.archive_code("Lunch")
    assert export_qdc(fresh_project, tmp_path / "a.qdc").counts["codes"] == 3
    assert export_qdc(fresh_project, tmp_path / "b.qdc", include_archived=True).counts == {
        "codes": 4
    }


def test_an_archived_theme_leaves_out_its_codes_and_order_is_kept(
    tmp_path: Path, fresh_project: Project
) -> None:
    """The export walks the tree from the top: a code under an archived theme goes with it,
    and siblings keep their codebook order, not their names' order."""
    _codebook(fresh_project)
    fresh_project.add_code("Breakfast", parent="Lunch")
    fresh_project.add_code("Arrival", parent="Engagement")
    fresh_project.archive_code("Lunch")
    assert export_qdc(fresh_project, tmp_path / "a.qdc").counts["codes"] == 4
    assert export_qdc(fresh_project, tmp_path / "b.qdc", include_archived=True).counts == {
        "codes": 6
    }
    with Project.create(tmp_path / "copy.qualcode", actor="t") as copy:
        import_qdc(copy, tmp_path / "b.qdc")
        assert (
            [c.path for c in copy.codes()]
            == [c.path for c in fresh_project.codes()]
            == [
                "Engagement",
                "Engagement/Travel",
                "Engagement/Lunch",
                "Engagement/Lunch/Breakfast",
                "Engagement/Arrival",
                "Safety 😀",
            ]
        )


def test_an_empty_codebook_is_not_exported(tmp_path: Path, fresh_project: Project) -> None:
    from qualcode.errors import CodebookError

    with pytest.raises(CodebookError, match="empty"):
        export_qdc(fresh_project, tmp_path / "x.qdc")
    assert not (tmp_path / "x.qdc").exists()


def test_a_taken_guid_gets_a_new_uuid(tmp_path: Path, fresh_project: Project) -> None:
    import_qdc(fresh_project, REFI_DATA / "atlas_style.qdc")
    clash = tmp_path / "clash.qdc"
    clash.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="Elsewhere" '
        'guid="0A1B2C3D-0000-4000-8000-000000000004" isCodable="true"/></Codes></CodeBook>',
        encoding="utf-8",
    )
    summary = import_qdc(fresh_project, clash)
    assert summary.new_guids["codes"] == 1
    elsewhere = fresh_project.code("Elsewhere")
    assert elsewhere.uuid != "0a1b2c3d-0000-4000-8000-000000000004"
    assert fresh_project.code("Safety").uuid == "0a1b2c3d-0000-4000-8000-000000000004"


@needs_interop
def test_exports_are_valid_against_the_codebook_xsd(tmp_path: Path, fresh_project: Project) -> None:
    from lxml import etree

    _codebook(fresh_project)
    import_qdc(fresh_project, REFI_DATA / "quirks.qdc")
    path = tmp_path / "book.qdc"
    export_qdc(fresh_project, path)
    validator = schema("Codebook.xsd")
    assert validator.validate(etree.parse(str(path))), validator.error_log.last_error


prose = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)


@given(prose, prose, prose, prose, st.lists(st.text("abc xyz-", min_size=1, max_size=8)))
def test_descriptions_split_back_into_fields(
    definition: str, inclusion: str, exclusion: str, example: str, keywords: list[str]
) -> None:
    keywords = [k for k in keywords if "; " not in k and not k.endswith(";")]
    fields = {
        "definition": definition,
        "inclusion": inclusion,
        "exclusion": exclusion,
        "example": example,
        "keywords": keywords,
    }
    back = undescribe(describe(fields))
    assert back.get("definition", "") == definition
    for key in ("inclusion", "exclusion", "example"):
        assert back.get(key, "") == fields[key]
    assert back.get("keywords", []) == keywords


def test_the_codebook_commands_take_qdc(
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

    assert run("init", "s.qualcode")[0] == 0
    code, out, err = run("codebook", "import", "s.qualcode", str(REFI_DATA / "atlas_style.qdc"))
    assert code == 0 and "4 codes added, 0 updated, 0 unchanged, 2 memos from code sets" in out
    assert "qualcode: warning:" in err and "0:4" in err
    code, out, _ = run("codebook", "export", "s.qualcode", "-o", "out.qdc")
    assert code == 0 and out.strip() == "wrote 4 codes to out.qdc"
    assert (tmp_path / "out.qdc").read_bytes().startswith(b"<?xml")
    code, _, err = run("codebook", "import", "s.qualcode", "missing.qdc")
    assert code == 1 and err.startswith("qualcode: error: missing.qdc: no such file")
    assert "Traceback" not in err
    code, out, _ = run("codebook", "import", "s.qualcode", "out.qdc")
    assert code == 0 and "0 codes added, 0 updated, 4 unchanged" in out
