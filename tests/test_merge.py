"""Merging coders' project files (qualcode.teams, ``qualcode merge``): what matches what, the
conflict rules, nothing dropped, bad inputs in one line, and (hypothesis) a merge that does not
depend on the order of its inputs and adds nothing when merged again with one of them.

Outputs are compared with :func:`dump`, read with plain SQL (not with the merge's own reader),
row ids included: the merge gives even those in a canonical order. Only the audit trail is left
out of the dump, since it records when the merge ran.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import shutil
import sqlite3
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

import qualcode.teams as teams
from qualcode import Project
from qualcode.codebook import load_codebook
from qualcode.errors import ConflictError, QualcodeError
from qualcode.store.models import Base
from qualcode.teams.merge import merge_projects
from qualcode.teams.merge_report import render_markdown, write_report

from .conftest import PROJECT_DATA, run_cli

CODEBOOK = load_codebook(PROJECT_DATA / "codebook.yaml")
INTERVIEW = PROJECT_DATA / "interview.txt"
TEXTS = (
    "Interviewer: How did you get there?\n\nP01: The bus fare was paid, which helped a lot.\n",
    "Interviewer: And lunch?\n\nP02: Lunch helped. The café was warm and the tea was free.\n",
    "Interviewer: Did you feel safe?\n\nP03: Yes. Women only, that mattered to me, honestly.\n",
)
LEAVES = ("Barriers/Travel", "Barriers/Food", "Safety/Women-only", "Safety/Travel", "Note: colon")
NODES = ("Barriers", "Safety", "Safety/Travel", "Barriers/Food", "Note: colon")
"""Codes the generated projects rename and move (a code moved away is simply not found)."""


# -- helpers -------------------------------------------------------------------------------------
def dump(path: Path, passphrase: str | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Everything the project holds but its audit trail (and the version that wrote it), row
    ids included: a merge writes its rows in a canonical order, so even those must agree."""
    queries = {
        "settings": "SELECT key, value FROM settings WHERE key != 'created_by_version'",
        "documents": "SELECT d.id, d.uuid, d.name, d.kind, d.text, d.sha256, d.words, "
        "d.source_name, d.source_format, d.imported_at, c.name FROM documents d "
        "LEFT JOIN cases c ON c.id = d.case_id",
        "speakers": "SELECT s.id, s.uuid, d.name, s.label, s.role, c.name FROM speakers s "
        "JOIN documents d ON d.id = s.document_id LEFT JOIN cases c ON c.id = s.case_id",
        "turns": 'SELECT t.id, d.name, t.ordinal, s.label, t.start, t.body_start, t."end", '
        "t.ts_start, t.ts_end FROM turns t JOIN documents d ON d.id = t.document_id "
        "LEFT JOIN speakers s ON s.id = t.speaker_id",
        "codes": "SELECT id, uuid, parent_id, name, definition, inclusion, exclusion, example, "
        "keywords, color, codable, position, archived, created_at FROM codes",
        "coders": "SELECT id, uuid, name, role, created_at FROM coders",
        "codings": 'SELECT g.id, g.uuid, d.name, g.code_id, c.name, g.start, g."end", g.origin, '
        "g.favourite, g.created_at, g.deleted_at FROM codings g "
        "JOIN documents d ON d.id = g.document_id JOIN coders c ON c.id = g.coder_id",
        "memos": "SELECT m.id, m.uuid, c.name, m.document_id, m.code_id, m.coding_id, m.case_id, "
        "m.text, m.created_at, m.updated_at, m.deleted_at FROM memos m "
        "JOIN coders c ON c.id = m.coder_id",
        "cases": "SELECT id, uuid, name, description, created_at FROM cases",
        "attributes": "SELECT id, uuid, name, type, description FROM attributes",
        "values": "SELECT c.name, a.name, v.value FROM attribute_values v "
        "JOIN cases c ON c.id = v.case_id JOIN attributes a ON a.id = v.attribute_id",
    }
    with Project.open(path, passphrase=passphrase) as project, project.engine.connect() as db:
        return {
            table: sorted(tuple(row) for row in db.execute(text(sql)))
            for table, sql in queries.items()
        }


def coding_keys(path: Path) -> set[tuple[str, str, str, int, int, bool]]:
    """(text hash, code path, coder, start, end, current) of every coding, removed ones too."""
    with Project.open(path) as project:
        sha = {d.name: d.sha256 for d in project.documents()}
        return {
            (sha[c.document], c.code, c.coder, c.start, c.end, c.deleted_at is None)
            for c in project.codings(include_deleted=True)
        }


def make(path: Path, *texts: tuple[str, str], codebook: bool = True) -> Project:
    """A new project with the test codebook and the (name, text) documents, left open."""
    project = Project.create(path, actor="tester")
    if codebook:
        project.import_codebook(CODEBOOK)
    for name, body in texts:
        source = path.with_name(f"{name}-{len(body)}.txt")
        source.write_text(body, encoding="utf-8")
        outcome = project.import_files([source], name=name)[0]
        assert outcome.error is None, outcome.error
    return project


def copy(source: Path, target: Path) -> Path:
    shutil.copy(source, target)
    return target


@pytest.fixture
def interview(tmp_path: Path) -> Path:
    """A closed project: the test codebook and 'interview', with alice's two codings."""
    path = tmp_path / "a.qualcode"
    with make(path, ("interview", INTERVIEW.read_text(encoding="utf-8"))) as project:
        project.apply_code(
            document="interview", code="Barriers/Travel", coder="alice", quote="the bus fare"
        )
        project.apply_code(
            document="interview", code="Barriers/Food", coder="alice", quote="Lunch helped"
        )
    return path


# -- matching ------------------------------------------------------------------------------------
def test_the_same_transcript_imported_in_two_projects_is_one_document(tmp_path: Path) -> None:
    """Copies set up apart (each coder imported the same file): matched by name and text."""
    body = INTERVIEW.read_text(encoding="utf-8")
    with make(tmp_path / "a.qualcode", ("interview", body)) as a:
        a.apply_code(document="interview", code="Barriers/Travel", coder="alice", start=10, end=30)
    with make(tmp_path / "b.qualcode", ("interview", body)) as b:
        b.apply_code(document="interview", code="Barriers/Travel", coder="bob", start=10, end=30)
        b.set_speaker("interview", "P01", role="other")
        later = b.document("interview").uuid
    result = merge_projects([tmp_path / "b.qualcode", tmp_path / "a.qualcode"], tmp_path / "m")
    with Project.open(tmp_path / "m") as merged:
        (document,) = merged.documents()
        assert document.name == "interview"
        assert {(c.document, c.coder) for c in merged.codings()} == {
            ("interview", "alice"),
            ("interview", "bob"),
        }
        turns = [(t.start, t.body_start, t.end, t.speaker) for t in merged.turns("interview")]
        assert [s.role for s in merged.speakers() if s.label == "P01"] == ["other"]
    with Project.open(tmp_path / "a.qualcode") as a:  # the turns came with the document
        assert turns == [(t.start, t.body_start, t.end, t.speaker) for t in a.turns("interview")]
        assert document.uuid == min(a.document("interview").uuid, later)
    assert result.matched["documents"] == 1


def test_one_text_under_two_names_is_two_documents(tmp_path: Path) -> None:
    """A document is who it is, not what it says: two respondents who gave one answer."""
    with make(tmp_path / "a.qualcode", ("R_1", "Not sure"), ("R_2", "Not sure")) as a:
        a.apply_code(document="R_1", code="Barriers/Travel", coder="alice", start=0, end=3)
        uuids = {d.name: d.uuid for d in a.documents()}
    copy(tmp_path / "a.qualcode", tmp_path / "b.qualcode")
    with Project.open(tmp_path / "b.qualcode") as b:
        b.apply_code(document="R_2", code="Barriers/Food", coder="bob", start=4, end=8)
    with make(tmp_path / "c.qualcode", ("R_3", "Not sure")) as c:
        c.apply_code(document="R_3", code="Barriers/Food", coder="carol", start=0, end=8)
    inputs = [tmp_path / "a.qualcode", tmp_path / "b.qualcode", tmp_path / "c.qualcode"]
    result = merge_projects(inputs, tmp_path / "m")
    with Project.open(tmp_path / "m") as merged:
        docs = {d.name: d.uuid for d in merged.documents()}
        assert sorted(docs) == ["R_1", "R_2", "R_3"]
        assert docs["R_1"] == uuids["R_1"] and docs["R_2"] == uuids["R_2"]
        assert sorted((c.document, c.coder) for c in merged.codings()) == [
            ("R_1", "alice"),
            ("R_2", "bob"),
            ("R_3", "carol"),
        ]
    assert result.matched["documents"] == 2
    assert not [c for c in result.conflicts if c.kind.startswith("document")]
    merge_projects([tmp_path / "m", tmp_path / "c.qualcode"], tmp_path / "m2")  # idempotent
    assert dump(tmp_path / "m2") == dump(tmp_path / "m")
    merge_projects(list(reversed(inputs)), tmp_path / "m3")  # and order-free
    assert dump(tmp_path / "m3") == dump(tmp_path / "m")


def test_one_uuid_with_two_texts_is_checked_and_kept_apart(tmp_path: Path) -> None:
    with make(tmp_path / "a.qualcode", ("interview", TEXTS[0])) as a:
        a.apply_code(document="interview", code="Barriers/Travel", coder="alice", start=0, end=9)
        uuid = a.document("interview").uuid
    copy(tmp_path / "a.qualcode", tmp_path / "b.qualcode")
    db = sqlite3.connect(tmp_path / "b.qualcode")  # a copy edited outside qualcode
    db.execute(
        "UPDATE documents SET text = ?, sha256 = 'x' || sha256, imported_at = "
        "'2999-01-01 00:00:00'",
        (TEXTS[1],),
    )
    db.commit()
    db.close()
    result = merge_projects([tmp_path / "b.qualcode", tmp_path / "a.qualcode"], tmp_path / "m")
    with Project.open(tmp_path / "m") as merged:
        docs = {d.name: (d.uuid, merged.document_text(d.name)) for d in merged.documents()}
        assert docs["interview"] == (uuid, TEXTS[0])
        assert docs["interview (2)"][1] == TEXTS[1] and docs["interview (2)"][0] != uuid
        assert sorted(c.document for c in merged.codings()) == ["interview", "interview (2)"]
    assert [c.kind for c in result.conflicts if c.kind.startswith("document")] == [
        "document identity",
        "document name",
    ]
    merge_projects([tmp_path / "m", tmp_path / "b.qualcode"], tmp_path / "m2")
    assert dump(tmp_path / "m2") == dump(tmp_path / "m")


def test_codes_are_matched_by_uuid_then_by_path(tmp_path: Path, interview: Path) -> None:
    renamed = copy(interview, tmp_path / "b.qualcode")
    with Project.open(renamed) as b:
        food = b.code("Barriers/Food").uuid
        b.update_code("Barriers/Food", name="Meals")
        b.apply_code(document="interview", code="Barriers/Meals", coder="bob", quote="café")
    with make(tmp_path / "c.qualcode", ("interview", INTERVIEW.read_text(encoding="utf-8"))) as c:
        uuids_c = {x.path: x.uuid for x in c.codes()}
        c.apply_code(document="interview", code="Safety/Travel", coder="carol", quote="safe")
    result = merge_projects([interview, renamed, tmp_path / "c.qualcode"], tmp_path / "m")
    with Project.open(tmp_path / "m") as merged:
        codes = {x.path: x for x in merged.codes()}
    assert set(codes) == CODEBOOK_PATHS  # no code twice, none lost
    assert codes["Barriers/Food"].uuid == min(food, uuids_c["Barriers/Food"])
    assert codes["Barriers/Food"].codings == 2  # alice's (same UUID) and bob's (renamed copy)
    assert codes["Safety/Travel"].codings == 1  # carol's, matched by path
    assert result.matched["codes by path"] == len(CODEBOOK_PATHS)
    (placement,) = [c for c in result.conflicts if c.kind == "code placement"]
    assert [v.value for v in placement.versions] == ["Barriers/Food", "Barriers/Meals"]


def test_conflicts_are_reported_and_nothing_is_dropped(tmp_path: Path, interview: Path) -> None:
    other = TEXTS[0]
    with make(tmp_path / "b.qualcode", ("interview", other)) as b:
        b.update_code("Barriers/Travel", definition="About transport.")
        b.apply_code(document="interview", code="Barriers/Travel", coder="bob", quote="bus fare")
    inputs = [tmp_path / "b.qualcode", interview]
    result = merge_projects(inputs, tmp_path / "m.qualcode")
    with Project.open(tmp_path / "m.qualcode") as merged:
        documents = {d.name: d.sha256 for d in merged.documents()}
        definition = merged.code("Barriers/Travel").definition
    assert documents == {"interview": _sha(interview), "interview (2)": _sha(inputs[0])}
    assert definition == "About transport."  # the filled-in text that sorts first
    kinds = result.conflict_kinds()
    assert kinds["document name"] == 1 and kinds["code definition"] == 1
    report = render_markdown(result)
    assert "Getting to the group." in report and "About transport." in report
    assert "interview (2)" in report
    ins = set().union(*(_named_keys(p) for p in inputs))
    assert _named_keys(tmp_path / "m.qualcode") == ins and len(ins) == 3


def test_coders_are_kept_apart_and_duplicates_counted_once(tmp_path: Path, interview: Path) -> None:
    second = copy(interview, tmp_path / "b.qualcode")
    with Project.open(second) as b:
        b.apply_code(
            document="interview", code="Barriers/Travel", coder="bob", quote="the bus fare"
        )
        b.add_coder("supervisor sam", role="supervisor")
    merge_projects([interview, second], tmp_path / "m")
    with Project.open(tmp_path / "m") as merged:
        codings = merged.codings(code="Barriers/Travel")
        assert sorted(c.coder for c in codings) == ["alice", "bob"]  # same span, two layers
        assert len(merged.codings(coder="alice")) == 2  # in both inputs, merged once
        assert {(c.name, c.role) for c in merged.coders()} == {
            ("alice", "coder"),
            ("bob", "coder"),
            ("consensus", "consensus"),
            ("supervisor sam", "supervisor"),
        }


def test_a_removal_and_a_later_new_coding_the_latest_event_wins(
    tmp_path: Path, interview: Path
) -> None:
    removed = copy(interview, tmp_path / "b.qualcode")
    with Project.open(removed) as b:
        b.remove_code(
            document="interview", code="Barriers/Food", coder="alice", quote="Lunch helped"
        )
    result = merge_projects([interview, removed], tmp_path / "m1")
    with Project.open(tmp_path / "m1") as merged:
        assert [c.code for c in merged.codings()] == ["Barriers/Travel"]
        assert len(merged.codings(include_deleted=True)) == 2  # the removed one is kept
    assert result.conflict_kinds()["coding removed"] == 1
    with Project.open(interview) as a:  # coded again after the removal: current wins
        a.remove_code(
            document="interview", code="Barriers/Food", coder="alice", quote="Lunch helped"
        )
        a.apply_code(
            document="interview", code="Barriers/Food", coder="alice", quote="Lunch helped"
        )
    merge_projects([removed, interview], tmp_path / "m2")
    with Project.open(tmp_path / "m2") as merged:
        assert sorted(c.code for c in merged.codings()) == ["Barriers/Food", "Barriers/Travel"]


def test_memos_cases_and_attributes_are_merged(tmp_path: Path, interview: Path) -> None:
    second = copy(interview, tmp_path / "b.qualcode")
    with Project.open(interview) as a:
        coding = a.codings()[0].uuid
        note = a.add_memo("first thoughts", coder="alice", target_type="coding", target=coding)
        a.add_case("P01", {"age": "34", "site": "Clinic"})
        a.assign_document("interview", "P01")
    with Project.open(second) as b:
        b.add_memo("on travel", coder="bob", target_type="code", target="Barriers/Travel")
        b.define_attribute("age", "text")
        b.add_case("P01", {"age": "35", "group": "women"}, description="the first participant")
        b.add_case("P02", {"age": "not given"})
    with Project.open(interview) as a:
        a.edit_memo(note.uuid, "second thoughts")  # later than b's copy of nothing
    result = merge_projects([second, interview], tmp_path / "m")
    with Project.open(tmp_path / "m") as merged:
        memos = {m.text: (m.target_type, m.target) for m in merged.memos()}
        assert memos == {
            "second thoughts": ("coding", coding),
            "on travel": ("code", "Barriers/Travel"),
        }
        cases = {c.name: c for c in merged.cases()}
        assert cases["P01"].attributes == {"age": "34", "group": "women", "site": "Clinic"}
        assert cases["P01"].description == "the first participant"
        assert cases["P01"].documents == ("interview",)
        assert {a.name: a.type for a in merged.attributes()}["age"] == "text"
    kinds = result.conflict_kinds()
    assert kinds["attribute type"] == 1 and kinds["case attribute"] == 1


def test_an_input_holding_two_codes_at_one_path_keeps_both(tmp_path: Path, interview: Path) -> None:
    second = copy(interview, tmp_path / "b.qualcode")
    with Project.open(second) as b:  # b renames Food and makes a new code called Food
        b.update_code("Barriers/Food", name="Meals")
        b.add_code("Food", parent="Barriers")
        b.apply_code(document="interview", code="Barriers/Food", coder="bob", quote="café")
    output = tmp_path / "m.qualcode"
    result = merge_projects([interview, second], output)
    with Project.open(output) as merged:
        counts = {c.path: c.codings for c in merged.codes() if c.path.startswith("Barriers/F")}
    assert counts == {"Barriers/Food": 1, "Barriers/Food (2)": 1}  # alice's and bob's
    assert result.conflict_kinds()["code name"] == 1
    merge_projects([output, second], tmp_path / "again.qualcode")
    assert dump(tmp_path / "again.qualcode") == dump(output)


def test_a_code_merged_in_one_copy_keeps_both_codings(tmp_path: Path, interview: Path) -> None:
    second = copy(interview, tmp_path / "b.qualcode")
    with Project.open(second) as b:
        b.merge_codes("Barriers/Food", "Barriers/Travel")  # moves alice's coding (same UUID)
    result = merge_projects([interview, second], tmp_path / "m")
    with Project.open(tmp_path / "m") as merged:
        codings = merged.codings()
        assert sorted(c.code for c in codings) == [
            "Barriers/Food",
            "Barriers/Travel",
            "Barriers/Travel",
        ]
        assert len({c.uuid for c in codings}) == 3
        assert merged.code("Barriers/Food").archived
    assert result.conflict_kinds()["coding identity"] == 1


def test_the_output_records_one_merge_event_and_the_report_lists_what_is_left_out(
    tmp_path: Path, interview: Path
) -> None:
    calls: list[tuple[int, int, str]] = []
    result = merge_projects([interview], tmp_path / "m", progress=lambda *a: calls.append(a))
    assert [c[:2] for c in calls] == [(1, 3), (2, 3), (3, 3)] and calls[0][2] == str(interview)
    with Project.open(tmp_path / "m") as merged:
        events = merged.log(action="project.merge")
    assert len(events) == 1 and events[0].payload["inputs"] == [str(interview)]
    assert events[0].payload["codings"] == 2
    write_report(result, tmp_path / "merge.md")
    report = (tmp_path / "merge.md").read_text(encoding="utf-8")
    assert "## Not merged" in report and "reconcile decisions" in report
    assert "audit events" in report and "None: every input agreed" in report


def test_every_column_is_merged_or_left_out_on_purpose() -> None:
    """A new table or column must be merged (qualcode/teams) or named as left out here."""
    merged = {
        "settings": "key value",
        "cases": "id uuid name description created_at",
        "attributes": "id uuid name type description",
        "attribute_values": "case_id attribute_id value",
        "documents": "id uuid name kind text sha256 words source_name source_format "
        "imported_at case_id",
        "speakers": "id uuid document_id label role case_id",
        "turns": "id document_id ordinal speaker_id start body_start end ts_start ts_end",
        "codes": "id uuid parent_id name definition inclusion exclusion example keywords color "
        "codable position archived created_at",
        "coders": "id uuid name role created_at",
        "codings": "id uuid document_id code_id coder_id start end origin favourite created_at "
        "deleted_at",
        "memos": "id uuid coder_id document_id code_id coding_id case_id text created_at "
        "updated_at deleted_at",
    }
    left_out = {"suggestions", "reconcile_decisions", "audit_events"}
    assert teams.merge_projects is merge_projects  # the package's names load on first use
    tables = {t.name: {c.name for c in t.columns} for t in Base.metadata.sorted_tables}
    assert set(tables) == set(merged) | left_out
    assert {name: tables[name] for name in merged} == {n: set(c.split()) for n, c in merged.items()}


# -- the command line ----------------------------------------------------------------------------
def test_cli_merge_prints_a_summary_and_writes_the_report(
    tmp_path: Path, interview: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    second = copy(interview, tmp_path / "b.qualcode")
    with Project.open(second) as b:
        b.update_code("Barriers/Travel", definition="About transport.")
    out, report = tmp_path / "team.qualcode", tmp_path / "merge.md"
    code, stdout, stderr = run_cli(
        capsys, "merge", str(interview), str(second), "-o", str(out), "--report", str(report)
    )
    assert code == 0, stderr
    assert stdout.startswith(f"merged 2 projects into {out}: 1 documents, 11 codes")
    assert f"1 conflicts (1 code definition); details in {report}" in stdout
    assert "About transport." in report.read_text(encoding="utf-8")
    code, stdout, _ = run_cli(capsys, "merge", str(interview), "-o", str(tmp_path / "j"), "--json")
    data = json.loads(stdout)
    assert code == 0 and data["counts"]["codings"] == 2 and data["conflicts"] == []
    assert [i["path"] for i in data["inputs"]] == [str(interview)]


def _newer(path: Path) -> None:
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999_future'")
    raw.close()


@pytest.mark.parametrize(
    ("make_bad", "problem"),
    [
        (lambda p: None, "no such project"),
        (lambda p: p.write_text("not a project\n" * 10), "not an SQLite database"),
        (lambda p: p.write_bytes(b""), "not a qualcode project"),
        (_newer, "written by a newer qualcode"),
    ],
    ids=["missing", "text-file", "empty-file", "newer-schema"],
)
def test_a_bad_input_is_one_line_and_leaves_no_output(
    tmp_path: Path,
    interview: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    make_bad: Any,
    problem: str,
) -> None:
    monkeypatch.delenv("QUALCODE_PASSPHRASE", raising=False)  # nobody to ask, nothing set
    bad = copy(interview, tmp_path / "bad.qualcode") if make_bad is _newer else tmp_path / "bad"
    make_bad(bad)
    out = tmp_path / "team.qualcode"
    code, stdout, stderr = run_cli(capsys, "merge", str(interview), str(bad), "-o", str(out))
    assert code == 1 and stdout == ""
    assert stderr.startswith(f"qualcode: error: {bad}: ") and problem in stderr
    assert stderr.count("\n") == 1
    assert list(tmp_path.glob("team*")) == []


def test_an_existing_output_is_refused_and_kept(
    tmp_path: Path, interview: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, stderr = run_cli(capsys, "merge", str(interview), "-o", str(interview))
    assert code == 1 and stderr == (
        f"qualcode: error: {interview}: already exists; merge writes a new project "
        "(choose another name)\n"
    )
    with pytest.raises(ConflictError):
        merge_projects([interview], interview)
    assert len(coding_keys(interview)) == 2  # untouched


def test_a_failed_write_removes_the_output(tmp_path: Path, interview: Path) -> None:
    """An input edited outside qualcode (a coding that ends before it starts) makes the output's
    checks fail mid-transaction: the error names the output, and no file is left."""
    with sqlite3.connect(interview) as raw:
        raw.execute("PRAGMA ignore_check_constraints = ON")
        raw.execute('UPDATE codings SET "end" = start - 1 WHERE id = 1')
    raw.close()
    out = tmp_path / "team.qualcode"
    with pytest.raises(QualcodeError, match="team.qualcode: could not be written"):
        merge_projects([interview], out)
    assert list(tmp_path.glob("team*")) == []


def test_encrypted_inputs_give_an_encrypted_output(tmp_path: Path, interview: Path) -> None:
    pytest.importorskip("sqlcipher3", reason="the encryption extra is not installed")
    from qualcode.store import cipher

    secret = tmp_path / "secret.qualcode"
    with Project.create(secret, passphrase="correct horse") as project:
        project.import_codebook(CODEBOOK)
        project.add_code("Only here")
    with pytest.raises(cipher.EncryptionError, match="secret.qualcode: encrypted"):
        merge_projects([interview, secret], tmp_path / "m")
    assert not (tmp_path / "m").exists()
    merge_projects([interview, secret], tmp_path / "m", passphrase="correct horse")
    assert cipher.is_encrypted(tmp_path / "m")
    assert len(dump(tmp_path / "m", "correct horse")["codes"]) == 12  # 11 matched by path


def test_export_coder_holds_one_layer_that_merge_folds_back(
    tmp_path: Path, interview: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Project.open(interview) as team:  # the team's project: two documents, no bob yet
        source = tmp_path / "second.txt"
        source.write_text(TEXTS[1], encoding="utf-8")
        team.import_files([source])
    work = copy(interview, tmp_path / "bob.qualcode")
    with Project.open(work) as bob:  # bob codes in his copy
        coding = bob.apply_code(
            document="interview", code="Safety/Travel", coder="bob", quote="Did you feel safe?"
        )
        bob.add_memo("why safety", coder="bob", target_type="coding", target=coding.uuid)
        bob.add_memo(
            "on alice's",
            coder="bob",
            target_type="coding",
            target=bob.codings(coder="alice")[0].uuid,
        )
    layer = tmp_path / "bob-layer.qualcode"
    code, out, err = run_cli(capsys, "export-coder", str(work), "--coder", "bob", "-o", str(layer))
    assert code == 0, err
    assert out.splitlines() == [
        f"wrote bob's layer of {work} to {layer}: 1 codings on 1 documents, 1 memos, 11 codes",
        "note: 1 of bob's memos are on other coders' codings and were left out",
    ]
    with Project.open(layer) as only:
        assert [(c.coder, c.code) for c in only.codings()] == [("bob", "Safety/Travel")]
        assert [d.name for d in only.documents()] == ["interview"]
        assert {c.name for c in only.coders()} == {"bob", "consensus"}
    merge_projects([interview, layer], tmp_path / "m1")
    merge_projects([interview, work], tmp_path / "m2")
    with Project.open(tmp_path / "m1") as m1, Project.open(tmp_path / "m2") as m2:
        assert [(c.coder, c.code, c.uuid) for c in m1.codings()] == [
            (c.coder, c.code, c.uuid) for c in m2.codings()
        ]
        assert len(m1.documents()) == 2
    merge_projects([tmp_path / "m1", layer], tmp_path / "m3")
    assert dump(tmp_path / "m3") == dump(tmp_path / "m1")  # folding it in again adds nothing
    code, _out, err = run_cli(
        capsys, "export-coder", str(work), "--coder", "carol", "-o", str(tmp_path / "c.qualcode")
    )
    assert code == 1 and err == (
        f"qualcode: error: {work}: no coder named 'carol' (see: qualcode coders list)\n"
    )
    assert not (tmp_path / "c.qualcode").exists()


def _sha(path: Path) -> str:
    with Project.open(path) as project:
        return project.documents()[0].sha256


def _codes_per_span(path: Path) -> Counter[tuple[str, str, int, int]]:
    """Per (text, coder, start, end): how many different codes, removed codings included."""
    return Counter((sha, coder, s, e) for sha, _code, coder, s, e in _named_keys(path))


def _named_keys(path: Path) -> set[tuple[str, str, str, int, int]]:
    return {(sha, code, coder, s, e) for sha, code, coder, s, e, _current in coding_keys(path)}


CODEBOOK_PATHS = {"/".join(path) for path, _spec in CODEBOOK.walk()}


# -- properties ----------------------------------------------------------------------------------
OPS = st.one_of(
    st.tuples(st.just("import"), st.integers(0, 2), st.sampled_from(["t1", "t2", "t3"])),
    st.tuples(
        st.just("code"),
        st.integers(0, 5),
        st.sampled_from(LEAVES),
        st.sampled_from(["alice", "bob"]),
        st.integers(0, 60),
        st.integers(1, 25),
    ),
    st.tuples(st.just("remove"), st.integers(0, 9)),
    st.tuples(st.just("favourite"), st.integers(0, 9)),
    st.tuples(
        st.just("memo"),
        st.sampled_from(["project", "document", "code", "coding", "case"]),
        st.sampled_from(["alice", "bob"]),
        st.sampled_from(["a note", "another note"]),
    ),
    st.tuples(st.just("define"), st.sampled_from(LEAVES), st.sampled_from(["", "one", "two"])),
    st.tuples(
        st.just("add code"), st.sampled_from([None, "Barriers"]), st.sampled_from(["New", "Other"])
    ),
    st.tuples(st.just("rename"), st.sampled_from(NODES), st.sampled_from(["Food", "Renamed"])),
    st.tuples(st.just("move"), st.sampled_from(NODES), st.sampled_from([None, *NODES[:3]])),
    st.tuples(st.just("case"), st.sampled_from(["P01", "P02"]), st.sampled_from(["18", "x"])),
)
RECIPE = st.tuples(st.integers(0, 1), st.lists(OPS, max_size=8))
"""A project: a copy of one of two templates (made apart: their UUIDs differ), then up to eight
changes; a change the project refuses (a duplicate coding, a code moved under itself) is
skipped."""


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("templates")
    made = []
    for index in range(2):
        path = folder / f"template{index}.qualcode"
        make(path, ("t1", TEXTS[0])).close()
        made.append(path)
    return made


def build(templates: list[Path], recipe: tuple[int, list[Any]], path: Path) -> Path:
    """Apply the recipe; changes the project refuses (a duplicate coding, ...) are skipped."""
    shutil.copy(templates[recipe[0]], path)
    with Project.open(path, actor="tester") as project:
        for op in recipe[1]:
            with contextlib.suppress(QualcodeError):
                _apply(project, op, path)
    return path


def _apply(project: Project, op: tuple[Any, ...], path: Path) -> None:
    kind = op[0]
    documents = [d.name for d in project.documents()]
    codings = project.codings(include_deleted=True)
    if kind == "import":
        source = path.with_name(f"{path.stem}-{op[1]}.txt")
        source.write_text(TEXTS[op[1]], encoding="utf-8")
        project.import_file(source, name=op[2])
    elif kind == "code":
        name = documents[op[1] % len(documents)]
        length = len(project.document_text(name))
        start = op[4] % (length - 1)
        project.apply_code(
            document=name, code=op[2], coder=op[3], start=start, end=min(length, start + op[5])
        )
    elif kind in ("remove", "favourite") and codings:
        coding = codings[op[1] % len(codings)]
        if kind == "remove":
            project.remove_coding(coding.uuid)
        else:
            project.set_favourite(coding.uuid, not coding.favourite)
    elif kind == "memo":
        cases = [c.name for c in project.cases()]
        targets = {
            "project": None,
            "document": documents[0],
            "code": "Barriers/Travel",
            "coding": codings[0].uuid if codings else None,
            "case": cases[0] if cases else None,
        }
        if op[1] == "project" or targets[op[1]]:
            project.add_memo(op[3], coder=op[2], target_type=op[1], target=targets[op[1]])
    elif kind == "define":
        project.update_code(op[1], definition=op[2])
    elif kind == "rename":
        project.update_code(op[1], name=op[2])
    elif kind == "move":
        project.move_code(op[1], op[2])
    elif kind == "add code":
        project.add_code(op[2], parent=op[1])
    elif kind == "case":
        if any(c.name == op[1] for c in project.cases()):
            project.set_case_attributes(op[1], {"age": op[2]})
        else:
            project.add_case(op[1], {"age": op[2]})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recipes=st.lists(RECIPE, min_size=2, max_size=3), data=st.data())
def test_the_order_of_the_inputs_does_not_matter(
    templates: list[Path], recipes: list[tuple[int, list[Any]]], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        inputs = [
            build(templates, r, Path(folder, f"in{i}.qualcode")) for i, r in enumerate(recipes)
        ]
        shuffled = data.draw(st.permutations(inputs))
        first = merge_projects(inputs, Path(folder, "first.qualcode"))
        second = merge_projects(shuffled, Path(folder, "second.qualcode"))
        assert dump(Path(folder, "first.qualcode")) == dump(Path(folder, "second.qualcode"))
        assert first.conflicts == second.conflicts
        out = _codes_per_span(Path(folder, "first.qualcode"))
        for path in inputs:  # nothing dropped: distinct codes of one input stay distinct
            assert all(out[span] >= n for span, n in _codes_per_span(path).items())


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=RECIPE, b=RECIPE)
def test_merging_again_with_an_input_adds_nothing(
    templates: list[Path], a: tuple[int, list[Any]], b: tuple[int, list[Any]]
) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        first, second = build(templates, a, folder / "a"), build(templates, b, folder / "b")

        def merged(*inputs: Path) -> dict[str, list[tuple[Any, ...]]]:
            output = folder / f"m{next(count)}"
            merge_projects(list(inputs), output)
            return dump(output)

        count = itertools.count()
        assert merged(first, first) == merged(first)
        both = merged(first, second)  # m2
        assert merged(folder / "m2", second) == both
        assert merged(first, folder / "m2") == both
        assert merged(folder / "m2") == both
