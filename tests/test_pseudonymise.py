"""Pseudonymisation: what is found, consistent labels, codings carried over to exactly the same
words, the key kept apart, nothing left behind in the file, and no name in any export."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode import Project
from qualcode.demo import build_demo
from qualcode.errors import QualcodeError
from qualcode.privacy import keyfile
from qualcode.privacy.names import NameEntry, load_names
from qualcode.privacy.pseudonymise import (
    build_plan,
    plan_for,
    replace_spellings,
    rewrite,
)
from qualcode.store import cipher

from .conftest import REPO, run_cli

NAMES = REPO / "transcripts_sample" / "names.csv"
LISTED = [n for e in load_names(NAMES) for n in e.spellings]


@pytest.fixture(scope="module")
def _demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _report = build_demo(tmp_path_factory.mktemp("demo"), echo=lambda _line: None)
    return path


@pytest.fixture
def demo(_demo: Path, tmp_path: Path) -> Path:
    target = tmp_path / "study" / "demo.qualcode"
    target.parent.mkdir()
    shutil.copy(_demo, target)
    return target


def leaked(text: str, names: list[str] = LISTED) -> list[str]:
    return [n for n in names if re.search(rf"(?<![^\W_]){re.escape(n)}(?![^\W_])", text, re.I)]


# -- offsets -----------------------------------------------------------------------------------
@st.composite
def rewrites(draw: st.DrawFn) -> tuple[str, list[tuple[int, int, str]], int, int]:
    text = draw(st.text(alphabet="ab \n😀é", min_size=1, max_size=60))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)))
    spans = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        if start < end:
            spans.append((start, end, draw(st.text(alphabet="[XY 3]", max_size=7))))
    s = draw(st.integers(0, len(text)))
    e = draw(st.integers(s, len(text)))
    return text, spans, s, e


@given(rewrites())
def test_offsets_cover_the_same_words(
    case: tuple[str, list[tuple[int, int, str]], int, int],
) -> None:
    """A span that does not cut a replaced span covers exactly the rewritten words; one that
    cuts it grows to cover the whole label (never half a label)."""
    text, spans, s, e = case
    new, offsets = rewrite(text, spans)
    ns, ne = offsets.start(s), offsets.end(e)
    assert 0 <= ns <= ne <= len(new)
    cut = [(a, b, r) for a, b, r in spans if a < s < b or a < e < b]
    if not cut:
        inside = [(a - s, b - s, r) for a, b, r in spans if s <= a and b <= e]
        expected, _ = rewrite(text[s:e], inside)
        assert new[ns:ne] == expected
    for a, b, r in spans:
        if a < s < b or a < e < b:
            label_start = offsets.start(a)
            assert ns <= label_start and label_start + len(r) <= ne or s >= b or e <= a


# -- finding -----------------------------------------------------------------------------------
def test_sources_patterns_fuzzy_and_candidates() -> None:
    text = (
        "Interviewer: So how did you meet Claire?\n"
        "Amy: Clare from the van, yeah. I hope she's OK. Write to amy.b@example.org or ring "
        "07700 900123, or 0161 496 0000. I was at Hope House, M1 1AE, see www.hopehouse.org.uk. "
        "I was born on 3 March 1985. We met on 4 March 2023. Ask Zebedee in Kettleby.\n"
    )
    names = [NameEntry("Claire"), NameEntry("Hope House", "place", "[Hostel A]")]
    plan = build_plan(
        {"d": text},
        names,
        [("Amy", "participant"), ("Interviewer", "interviewer")],
        key={},
        confirm=["Zebedee"],
    )
    found = {e.original: (e.kind, e.source, e.replacement, e.selected) for e in plan.rows()}
    assert found["Claire"] == ("person", "list", "[Person 1]", True)
    assert "Clare" in plan.entities["claire"].spellings  # a misspelt variant, same label
    assert found["Amy"] == ("person", "speaker", "[Participant 1]", True)
    assert found["Hope House"] == ("place", "list", "[Hostel A]", True)
    assert found["amy.b@example.org"][:3] == ("email", "pattern", "[email]")
    assert found["07700 900123"][0] == found["0161 496 0000"][0] == "phone"
    assert found["M1 1AE"][0] == "postcode"
    assert found["www.hopehouse.org.uk"][0] == "url"
    assert found["3 March 1985"][0] == "date" and "4 March 2023" not in found
    assert found["Zebedee"][:2] == ("other", "candidate") and found["Zebedee"][3]  # confirmed
    assert {found["Zebedee"][2], found["Kettleby"][2]} == {"[Name 1]", "[Name 2]"}
    assert found["Kettleby"][3] is False  # a candidate not confirmed stays
    assert "Interviewer" not in found and "OK" not in found
    new, _ = rewrite(text, [(f.start, f.end, plan.replacement(f)) for f in plan.chosen()])
    assert "I hope she's OK" in new  # 'hope' the word is not 'Hope' of Hope House
    assert "[Participant 1]: [Person 1] from the van" in new
    assert "at [Hostel A], [postcode], see [URL]" in new
    assert "born on [date of birth]. We met on 4 March 2023" in new
    assert "in Kettleby" in new and "Zebedee" not in new


def test_labels_continue_from_the_key() -> None:
    key = {"claire": ("Claire", "person", "[Person 4]")}
    plan = build_plan(
        {"d": "Claire met Rachel and Dawn."},
        [NameEntry("Rachel"), NameEntry("Claire"), NameEntry("Dawn", replacement="[Person 1]")],
        [],
        key=key,
    )
    labels = {e.original: e.replacement for e in plan.rows()}
    assert labels == {"Claire": "[Person 4]", "Dawn": "[Person 1]", "Rachel": "[Person 2]"}


# -- applying to a project ---------------------------------------------------------------------
def test_codings_cover_the_same_words_and_nothing_is_left(demo: Path) -> None:
    with Project.open(demo, actor="tester") as project:
        before = {c.uuid: c for c in project.codings(include_deleted=True)}
        documents = {d.name: d for d in project.documents()}
        plan = plan_for(project, load_names(NAMES), key=project.pseudonym_key(), confirm=["NHS"])
        result = project.pseudonymise(plan)
        after = {c.uuid: c for c in project.codings(include_deleted=True)}
        spellings = plan.spellings()
        assert len(before) == len(after) == result.codings > 100
        for uuid, coding in before.items():
            assert after[uuid].text == replace_spellings(coding.text, spellings), coding
            assert after[uuid].code == coding.code and after[uuid].coder == coding.coder
        renamed = {d.name: d for d in project.documents()}
        assert set(renamed) == {result.renamed.get(n, n) for n in documents}
        for name, info in renamed.items():
            assert not leaked(project.document_text(name)), name
            assert info.words > 0 and info.uuid not in {d.uuid for d in documents.values()}
        assert not leaked(" ".join(s.label for s in project.speakers()))
        events = [e for e in project.log() if e.action == "document.pseudonymise"]
        assert len(events) == 9 and not any(leaked(str(e.payload)) for e in events)
        assert "Participant 1" in project.document_text("p01-participant-1")
        # A second run finds nothing left to replace from the list.
        again = plan_for(project, load_names(NAMES), key=project.pseudonym_key())
        assert not [f for f in again.chosen() if again.entities[f.key].source == "list"]
    assert result.backup is not None and result.backup.exists()
    assert result.key == demo.with_name("demo.qualcode-key") and result.key.exists()
    key = keyfile.load_key(result.key)
    assert key["amy"] == ("Amy", "person", "[Participant 1]") and len(key) == 13
    # The old text is gone from the file and its log, not just unreachable (secure_delete).
    data = demo.read_bytes() + (
        Path(f"{demo}-wal").read_bytes() if Path(f"{demo}-wal").exists() else b""
    )
    assert b"It was Claire, off the van" not in data
    assert b"It was Claire, off the van" in result.backup.read_bytes()


def test_encrypted_project_keeps_key_and_backup_encrypted(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("sqlcipher3", reason="the encryption extra is not installed")
    cipher.encrypt_file(demo, "pass phrase")
    with Project.open(demo, passphrase="pass phrase") as project:
        result = project.pseudonymise(plan_for(project, load_names(NAMES)))
    assert result.key is not None and result.backup is not None
    assert cipher.is_encrypted(result.key) and cipher.is_encrypted(result.backup)
    assert keyfile.load_key(result.key, "pass phrase")["claire"][2] == "[Person 1]"
    with pytest.raises(QualcodeError, match="encrypted"):
        keyfile.load_key(result.key)


EXPORTS = [
    ("quotes", ".docx"),
    ("quotes", ".md"),
    ("quotes", ".csv"),
    ("quotes", ".xlsx"),
    ("matrix", ".xlsx"),
    ("codebook", ".md"),
    ("codebook", ".docx"),
    ("saturation", ".csv"),
    ("all", ".xlsx"),
    ("qdpx", ".qdpx"),
]


def readable_text(path: Path) -> str:
    if path.suffix in (".docx", ".xlsx", ".qdpx"):
        with zipfile.ZipFile(path) as archive:
            return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("report", "suffix"), EXPORTS)
def test_no_listed_name_in_a_pseudonymised_export(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], report: str, suffix: str
) -> None:
    extra = ["--cells", "text"] if report == "matrix" else []
    plain, shared = tmp_path / f"plain{suffix}", tmp_path / f"shared{suffix}"
    code, _out, err = run_cli(capsys, "export", report, str(demo), "-o", str(plain), *extra)
    assert code == 0, err
    assert leaked(readable_text(plain))  # the check can fail: the plain export names people
    code, _out, err = run_cli(
        capsys, "export", report, str(demo), "-o", str(shared), *extra, "--pseudonymise", str(NAMES)
    )
    assert code == 0, err
    assert leaked(readable_text(shared)) == []
    assert "[Participant" in readable_text(shared) or report in ("saturation", "codebook")
    assert not demo.with_name("demo.qualcode-key").exists()  # an export writes no key


def test_cli_review_then_apply(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run_cli(capsys, "pseudonymise", str(demo), "--names", str(NAMES), "--dry-run")
    assert code == 0 and "[x] Amy" in out and "[ ] NHS" in out and "nothing changed" in out
    # One rule for labels, said in the plan with the renames: Dee speaks as P04 in p04-dee.
    assert "labels: a person with one known role -> [Participant n]" in out
    assert re.search(r"\[x\] Dee .* \[Participant 4\]", out)
    assert "rename document p04-dee -> p04-participant-4" in out
    with Project.open(demo) as project:
        assert "Amy" in project.document_text("p01-amy")
    code, _out, err = run_cli(capsys, "pseudonymise", str(demo), "--names", str(NAMES))
    assert code == 1 and "--yes" in err  # no terminal to ask in
    code, out, err = run_cli(capsys, "pseudonymise", str(demo), "--names", str(NAMES), "--yes")
    assert code == 0, err
    assert "pseudonymised 9 documents" in out and "renamed p01-amy -> p01-participant-1" in out


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "the names file is empty"),
        (b"\x00\x01\x02binary\xff" * 50, "binary"),
        (b"who,kind\nAmy,person\n", "no 'name' column"),
        (b"name,kind\nAmy,alien\n", "row 2: unknown kind 'alien'"),
        (b"name\nA\n", "too short"),
    ],
)
def test_bad_names_file_is_one_line_and_changes_nothing(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, problem: str
) -> None:
    names = tmp_path / "names.csv"
    names.write_bytes(content)
    before = demo.read_bytes()
    code, out, err = run_cli(capsys, "pseudonymise", str(demo), "--names", str(names), "--yes")
    assert code == 1 and out == ""
    assert err.startswith(f"qualcode: error: {names}: ") and problem in err
    assert len(err.splitlines()) == 1
    assert demo.read_bytes() == before


def test_a_full_name_and_its_parts_are_one_person() -> None:
    texts = {
        "a": "Bekah Hawrot Weigel: Hi, I'm Bekah.\nDan Ott: And I'm Dan. Weigel said so.\n",
        "b": "Bekah: Welcome back.\nDan: Thanks, Bekah.\n",
    }
    labels = [
        ("Bekah Hawrot Weigel", "participant"),
        ("Dan Ott", "participant"),
        ("Bekah", "participant"),
        ("Dan", "participant"),
    ]
    plan = build_plan(texts, [], labels, key={})
    speakers = [e for e in plan.rows() if e.source == "speaker"]
    assert sorted(e.original for e in speakers) == ["Bekah Hawrot Weigel", "Dan Ott"]
    bekah = plan.entities["bekah hawrot weigel"]
    assert {"Bekah", "Weigel"} <= bekah.spellings and bekah.count == 5
    new, _ = rewrite(
        texts["b"],
        [(f.start, f.end, plan.replacement(f)) for f in plan.chosen() if f.document == "b"],
    )
    assert (
        new == f"{bekah.replacement}: Welcome back.\n{plan.entities['dan ott'].replacement}: "
        f"Thanks, {bekah.replacement}.\n"
    )
