"""The library API: importing, codes by path, coding by offsets and quotes, cases, memos, audit."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode import Project
from qualcode.errors import BadInputError, ConflictError, NotFoundError, QualcodeError
from qualcode.project.coding import find_quote

from .conftest import PROJECT_DATA


def test_import_counts_words_turns_and_speakers(project: Project) -> None:
    [doc] = project.documents()
    text = project.document_text("interview")
    assert text == (PROJECT_DATA / "interview.txt").read_text(encoding="utf-8")
    assert (doc.name, doc.kind, doc.turns, doc.speakers) == ("interview", "interview", 7, 2)
    labels = 6  # three "Interviewer:" and three "P01:" are not spoken words
    assert doc.words == len(text.split()) - labels
    turns = project.turns("interview")
    assert [t.speaker for t in turns] == [None] + ["Interviewer", "P01"] * 3
    assert text[turns[4].body_start : turns[4].end] == (
        "Lunch helped. I'd not eaten since Tuesday 😅, you know.\nAnd the café was warm."
    )
    roles = {s.label: s.role for s in project.speakers("interview")}
    assert roles == {"Interviewer": "interviewer", "P01": "participant"}
    [event] = project.log(action="document.import")
    assert event.payload["turns"] == 7 and event.entity_uuid == doc.uuid


def test_code_by_quote_and_offsets_with_non_ascii_text(project: Project) -> None:
    text = project.document_text("interview")
    by_quote = project.apply_code(
        document="interview", code="Barriers/Food", coder="ann", quote="Tuesday 😅, you know"
    )
    assert by_quote.start == text.index("Tuesday 😅")
    assert by_quote.end - by_quote.start == len("Tuesday 😅, you know")
    assert by_quote.text == "Tuesday 😅, you know"
    start = text.index("信頼")
    by_offsets = project.apply_code(
        document="interview", code="Safety/Women-only", coder="ann", start=start, end=start + 2
    )
    assert by_offsets.text == "信頼"
    stored = {(c.start, c.end, c.text) for c in project.codings()}
    assert stored == {(by_quote.start, by_quote.end, by_quote.text), (start, start + 2, "信頼")}


def test_quote_matching_forgives_whitespace_case_and_typography(project: Project) -> None:
    coding = project.apply_code(
        document="interview",
        code="Barriers/Travel",
        coder="ann",
        quote="the bus  fare was PAID, which - honestly",
    )
    assert coding.text == "The bus fare was paid, which — honestly"
    with pytest.raises(NotFoundError, match="does not contain"):
        project.apply_code(document="interview", code="Safety", coder="ann", quote="helicopter")


def test_combining_accents_and_astral_offsets_survive_reopen(tmp_path: Path) -> None:
    source = tmp_path / "accents.txt"
    body = "Cafe\u0301 and 👩🏽‍⚕️ nurse, 漢字 too."
    source.write_text(f"Interviewer: Hello.\n\nP02: {body}\n", encoding="utf-8")
    target = tmp_path / "a.qualcode"
    with Project.create(target) as project:
        project.add_code("Care")
        project.import_files([source])
        text = project.document_text("accents")
        start = text.index("👩")
        end = text.index(" nurse")
        project.apply_code(document="accents", code="Care", coder="bo", start=start, end=end)
    with Project.open(target) as reopened:
        [coding] = reopened.codings()
        assert coding.text == "👩🏽‍⚕️" and (coding.start, coding.end) == (start, end)
        assert reopened.document_text("accents")[coding.start : coding.end] == coding.text


def test_code_references(project: Project) -> None:
    assert project.code("Barriers/Travel").path == "Barriers/Travel"
    assert project.code("Safety / Travel").path == "Safety/Travel"
    assert project.code("barriers/food").path == "Barriers/Food"
    assert project.code("Arc<T>/Rc<T>").names == ("Arc<T>/Rc<T>",)
    assert project.code("If it compiles, it works").depth == 0
    assert project.code("Note: colon").name == "Note: colon"
    assert project.code("Leaf").path == "Grouping only/Leaf"
    with pytest.raises(ConflictError, match="'Barriers/Travel', 'Safety/Travel'"):
        project.code("Travel")
    with pytest.raises(NotFoundError, match="did you mean 'Barriers/Food'"):
        project.code("Barriers/Fod")


def test_a_name_containing_a_slash_and_a_path_are_told_apart(fresh_project: Project) -> None:
    fresh_project.add_code("A")
    child = fresh_project.add_code("B", parent="A")
    named = fresh_project.add_code("A/B")
    with pytest.raises(ConflictError) as caught:
        fresh_project.code("A/B")
    message = str(caught.value)
    assert "code 'A/B' is ambiguous" in message and "\n" not in message
    assert f"'/A\\/B' (uuid {named.uuid})" in message and f"'/A/B' (uuid {child.uuid})" in message
    assert fresh_project.code("/A\\/B").names == ("A/B",)
    assert fresh_project.code("/A/B").names == ("A", "B")
    assert fresh_project.code(named.uuid).names == ("A/B",)
    assert fresh_project.code("B").names == ("A", "B")
    assert fresh_project.code("/a/b").names == ("A", "B")  # case is forgiven as elsewhere
    weird = fresh_project.add_code("x\\y/z")  # a backslash in a name is escaped too
    assert fresh_project.code("/x\\\\y\\/z").uuid == weird.uuid


def test_apply_remove_restore_and_conflicts(project: Project) -> None:
    args = {"document": "interview", "code": "Barriers/Travel", "coder": "ann", "quote": "bus"}
    coding = project.apply_code(**args)
    with pytest.raises(ConflictError, match="already coded"):
        project.apply_code(**args)
    removed = project.remove_code(**args)
    assert removed.uuid == coding.uuid
    assert project.codings() == []
    [gone] = project.codings(include_deleted=True)
    assert gone.deleted_at is not None
    with pytest.raises(NotFoundError, match="has no coding"):
        project.remove_code(**args)
    project.restore_coding(coding.uuid)
    assert [c.uuid for c in project.codings()] == [coding.uuid]
    actions = [e.action for e in project.log(action="coding.")]
    assert actions == ["coding.restore", "coding.remove", "coding.apply"]
    assert {e.actor for e in project.log(action="coding.")} == {"ann"}


def test_coding_refuses_bad_spans_and_codes(project: Project) -> None:
    length = len(project.document_text("interview"))
    for start, end in ((-1, 3), (5, 5), (9, 2), (0, length + 1)):
        with pytest.raises(QualcodeError, match="not inside document"):
            project.apply_code(document="interview", code="Safety", coder="a", start=start, end=end)
    with pytest.raises(QualcodeError, match="not codable"):
        project.apply_code(document="interview", code="Grouping only", coder="a", start=0, end=3)
    with pytest.raises(NotFoundError, match="no document named 'nope'"):
        project.apply_code(document="nope", code="Safety", coder="a", start=0, end=3)
    assert project.codings() == []


def test_codings_json_shape(project: Project) -> None:
    project.apply_code(document="interview", code="Barriers/Food", coder="ann", quote="Lunch")
    [row] = [c.to_json() for c in project.codings()]
    assert {"document", "code", "coder", "start", "end", "text", "origin"} <= set(row)
    assert (row["document"], row["code"], row["coder"], row["text"], row["origin"]) == (
        "interview",
        "Barriers/Food",
        "ann",
        "Lunch",
        "manual",
    )


def test_bad_file_leaves_nothing_and_good_files_still_import(
    project: Project, tmp_path: Path
) -> None:
    good = tmp_path / "second.txt"
    good.write_text("Interviewer: Hi.\n\nP02: Hello there.\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02\xff" * 100)
    events = len(project.log())
    outcomes = project.import_files([empty, good, binary, tmp_path / "missing.txt"])
    assert [o.error is None for o in outcomes] == [False, True, False, False]
    for outcome in outcomes:
        if outcome.error:
            assert outcome.path in outcome.error and "\n" not in outcome.error
    assert sorted(d.name for d in project.documents()) == ["interview", "second"]
    assert len(project.log()) == events + 1


def test_duplicate_names_are_refused_whole_same_texts_import(
    project: Project, tmp_path: Path
) -> None:
    again = tmp_path / "again" / "interview.txt"
    again.parent.mkdir()
    again.write_text("Interviewer: Other text.\n\nP09: Yes.\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="already in the project"):
        project.import_file(again)
    copy = tmp_path / "copy.txt"
    copy.write_bytes((PROJECT_DATA / "interview.txt").read_bytes())
    [(twin, warnings)] = project.import_file(copy)
    assert twin.name == "copy" and any("same text as 'interview'" in w for w in warnings)
    renamed = project.import_file(again, name="interview 2")
    assert renamed[0][0].name == "interview 2"
    assert len(project.documents()) == 3


def test_import_codings_is_all_or_nothing(project: Project, tmp_path: Path) -> None:
    sheet = tmp_path / "codings.csv"
    sheet.write_text(
        "document,code,coder,start,end,quote\n"
        "interview,Barriers/Travel,ann,,,the bus\n"
        "interview,Barriers/Food,bo,,,Lunch helped\n"
        "interview,Nope/Missing,bo,,,Lunch\n",
        encoding="utf-8",
    )
    with pytest.raises(
        BadInputError, match=r"line 4: no code 'Nope/Missing'.*nothing was imported"
    ):
        project.import_codings(sheet)
    assert project.codings() == []
    sheet.write_text(
        "document,code,coder,start,end\ninterview,Barriers/Travel,ann,0,5\n"
        "interview,Safety,bo,10,20\ninterview,Safety,bo,10,20\n",
        encoding="utf-8",
    )
    result = project.import_codings(sheet)
    assert (result.applied, result.duplicates) == (2, 1)
    assert {c.origin for c in project.codings()} == {"imported"}
    assert project.import_codings(sheet).applied == 0


def test_cases_with_typed_attributes(project: Project) -> None:
    counts = project.import_cases(PROJECT_DATA / "cases.csv")
    assert counts == {"cases": 1, "documents": 1, "speakers": 0}
    case = project.case("P01")
    assert case.attributes == {
        "age": 34,
        "group": "participant",
        "screened": "yes",
        "site": "Clinic",
    }
    assert case.documents == ("interview",)
    assert {a.name: a.type for a in project.attributes()}["age"] == "integer"
    with pytest.raises(QualcodeError, match="'age' is integer"):
        project.set_case_attributes("P01", {"age": "thirty"})
    project.define_attribute("joined", "date")
    project.set_case_attributes("P01", {"joined": "2024-03-05", "site": ""})
    assert project.case("P01").attributes["joined"] == "2024-03-05"
    assert "site" not in project.case("P01").attributes
    project.set_speaker("interview", "P01", case="P01", role="staff")
    assert project.case("P01").speakers == ("interview: P01",)
    actions = {e.action for e in project.log()}
    assert {"case.create", "attribute.create", "case.attributes", "cases.import"} <= actions
    [speaker_event] = project.log(action="speaker.update")
    assert speaker_event.payload["changes"]["role"] == ["participant", "staff"]


def test_memos_on_every_target(project: Project) -> None:
    coding = project.apply_code(document="interview", code="Safety", coder="ann", quote="safe")
    project.add_case("P01")
    targets = [
        ("project", None),
        ("document", "interview"),
        ("code", "Safety"),
        ("coding", coding.uuid),
        ("case", "P01"),
    ]
    for kind, target in targets:
        project.add_memo(f"on {kind}", coder="ann", target_type=kind, target=target)
    memos = project.memos()
    assert [(m.target_type, m.text) for m in memos] == [(k, f"on {k}") for k, _ in targets]
    code_memo = project.memos(target_type="code")[0]
    assert code_memo.target == "Safety"
    edited = project.edit_memo(code_memo.uuid, "better", coder="ann")
    assert edited.text == "better"
    project.delete_memo(code_memo.uuid, coder="ann")
    assert len(project.memos()) == 4
    with pytest.raises(NotFoundError):
        project.add_memo("x", coder="ann", target_type="document", target="missing")
    actions = [e.action for e in project.log(action="memo.")]
    assert actions.count("memo.create") == 5 and "memo.update" in actions


def test_codebook_round_trip_through_a_project(project: Project) -> None:
    from qualcode.codebook import load_codebook

    original = load_codebook(PROJECT_DATA / "codebook.yaml")
    exported = project.export_codebook()
    assert exported.codes == original.codes
    again = project.import_codebook(exported)
    assert again == {"added": 0, "updated": 0, "unchanged": original.count()}


def test_update_code_is_audited_with_old_and_new(project: Project) -> None:
    project.update_code("Barriers/Food", name="Food and lunch", definition="Hunger.")
    assert project.code("Barriers/Food and lunch").definition == "Hunger."
    [event] = project.log(action="code.update")
    assert event.payload["changes"]["name"] == ["Food", "Food and lunch"]


def test_everything_survives_reopening(project: Project, project_path: Path) -> None:
    project.apply_code(document="interview", code="Safety", coder="ann", quote="Women only")
    project.add_memo("note", coder="ann")
    before = (project.documents(), project.codes(), project.codings(), project.memos())
    project.close()
    with Project.open(project_path) as reopened:
        after = (reopened.documents(), reopened.codes(), reopened.codings(), reopened.memos())
    assert after == before


@given(text=st.text(min_size=1, max_size=60), data=st.data())
def test_find_quote_finds_the_first_exact_occurrence(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    if not quote.strip() or quote != quote.strip():
        return
    found = find_quote(text, quote)
    assert found is not None
    assert text[found[0] : found[1]] == quote
    assert found[0] == text.index(quote)


_unicode_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=3, max_size=80
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=_unicode_text, cut=st.tuples(st.floats(0, 1), st.floats(0, 1)))
def test_offsets_are_code_points_of_the_stored_text(
    fresh_project: Project, tmp_path: Path, body: str, cut: tuple[float, float]
) -> None:
    if not body.strip():
        return
    source = tmp_path / f"doc{abs(hash(body))}.txt"
    source.write_text(f"P01: {body}\n", encoding="utf-8")
    if not fresh_project.codes():
        fresh_project.add_code("C")
    outcome = fresh_project.import_files([source])[0]
    if not outcome.documents:  # the same file twice: skipped; offsets are what this is about
        return
    name = outcome.documents[0].name
    text = fresh_project.document_text(name)
    low, high = sorted(cut)
    start = min(int(low * len(text)), len(text) - 1)
    end = max(start + 1, min(int(high * len(text)), len(text)))
    coding = fresh_project.apply_code(document=name, code="C", coder="h", start=start, end=end)
    assert coding.text == text[start:end]
    stored = fresh_project.codings(document=name)
    assert [(c.start, c.end, c.text) for c in stored] == [(start, end, text[start:end])]
