"""Editing the codebook in a project (move, merge, archive), changing codings, and progress."""

from __future__ import annotations

import pytest

from qualcode import Project
from qualcode.errors import CodebookError, ConflictError, QualcodeError


def test_move_code_keeps_codings_and_is_audited(project: Project) -> None:
    project.apply_code(document="interview", code="Barriers/Food", coder="ann", quote="Lunch")
    moved = project.move_code("Barriers/Food", "Safety")
    assert moved.path == "Safety/Food"
    assert [c.code for c in project.codings()] == ["Safety/Food"]
    with pytest.raises(CodebookError, match="under itself"):
        project.move_code("Safety", "Safety/Food")
    with pytest.raises(ConflictError, match="already exists under Safety"):
        project.move_code("Barriers/Travel", "Safety")
    assert project.move_code("Safety/Food", None).path == "Food"
    [latest, first] = project.log(action="code.move")
    assert (first.payload["old"], first.payload["new"]) == ("Barriers/Food", "Safety/Food")
    assert latest.payload["new"] == "Food"


def test_merge_moves_codings_and_archives_the_source(project: Project) -> None:
    project.apply_code(document="interview", code="Barriers/Food", coder="ann", quote="Lunch")
    project.apply_code(document="interview", code="Barriers/Travel", coder="ann", quote="bus")
    project.apply_code(document="interview", code="Barriers/Travel", coder="bo", quote="Lunch")
    project.apply_code(document="interview", code="Barriers/Food", coder="bo", quote="Lunch")
    target = project.merge_codes("Barriers/Travel", "Barriers/Food")
    assert target.path == "Barriers/Food"
    active = project.codings()
    assert sorted((c.coder, c.text) for c in active) == [
        ("ann", "Lunch"),
        ("ann", "bus"),
        ("bo", "Lunch"),
    ]
    assert {c.code for c in active} == {"Barriers/Food"}
    assert len(project.codings(include_deleted=True)) == 4, "the duplicate is kept as deleted"
    assert project.code("Barriers/Travel").archived
    [event] = project.log(action="code.merge")
    assert (event.payload["codings_moved"], event.payload["duplicates_removed"]) == (2, 1)
    with pytest.raises(CodebookError, match="into itself"):
        project.merge_codes("Barriers", "Barriers/Food")
    # A bulk change: the file was backed up first, holding the codings as they were.
    from qualcode.store.backups import list_backups

    [made] = [b for b in list_backups(project.sqlite_path) if b.reason == "before-code-merge"][:1]
    with Project.open(made.path) as before:
        assert {c.code for c in before.codings()} == {"Barriers/Food", "Barriers/Travel"}


def test_archived_codes_cannot_be_applied_until_restored(project: Project) -> None:
    project.archive_code("Safety")
    with pytest.raises(QualcodeError, match="archived"):
        project.apply_code(document="interview", code="Safety", coder="ann", quote="safe")
    assert "Safety" not in [c.path for c in project.codes(include_archived=False)]
    assert "Safety" not in [c.name for c in project.export_codebook().codes]
    project.archive_code("Safety", archived=False)
    project.apply_code(document="interview", code="Safety", coder="ann", quote="safe")
    assert [e.action for e in project.log(action="code.")][:2] == ["code.unarchive", "code.archive"]


def test_change_coding_replaces_code_and_span_in_one_step(project: Project) -> None:
    first = project.apply_code(document="interview", code="Safety", coder="ann", quote="safe")
    changed = project.change_coding(first.uuid, code="Safety/Women-only", end=first.end + 4)
    assert (changed.code, changed.start, changed.end) == (
        "Safety/Women-only",
        first.start,
        first.end + 4,
    )
    assert [c.uuid for c in project.codings()] == [changed.uuid]
    project.remove_coding(changed.uuid)
    project.restore_coding(first.uuid)
    assert [c.code for c in project.codings()] == ["Safety"]


def test_progress_is_the_share_of_turns_a_coder_touched(project: Project) -> None:
    assert project.progress("ann") == {"interview": 0.0}
    project.apply_code(document="interview", code="Safety", coder="ann", quote="Women only")
    project.apply_code(document="interview", code="Safety", coder="ann", quote="Did you feel safe")
    project.apply_code(document="interview", code="Barriers", coder="bo", quote="bus")
    turns = len(project.turns("interview"))
    assert project.progress("ann")["interview"] == pytest.approx(2 / turns)
    assert project.progress("bo")["interview"] == pytest.approx(1 / turns)


def test_code_counts_for_one_coder(project: Project) -> None:
    project.apply_code(document="interview", code="Safety", coder="ann", quote="safe")
    project.apply_code(document="interview", code="Safety", coder="bo", quote="safe")
    counts = {c.path: c.codings for c in project.codes(coder="ann")}
    assert counts["Safety"] == 1
    assert {c.path: c.codings for c in project.codes()}["Safety"] == 2


def test_codes_are_found_by_uuid_and_report_their_codings(project: Project) -> None:
    project.apply_code(document="interview", code="Safety", coder="ann", quote="safe")
    uuid = project.code("Safety").uuid
    assert project.code(uuid).path == "Safety"
    assert project.archive_code(uuid).codings == 1
    assert project.move_code("Safety", "Barriers").codings == 1


def test_memos_follow_a_changed_coding_and_its_undo(project: Project) -> None:
    first = project.apply_code(document="interview", code="Safety", coder="ann", quote="safe")
    project.add_memo("why safe", coder="ann", target_type="coding", target=first.uuid)
    changed = project.change_coding(first.uuid, code="Safety/Women-only")
    [memo] = project.memos(target_type="coding")
    assert memo.target == changed.uuid
    gone, back = project.swap_codings(changed.uuid, first.uuid)
    assert gone.deleted_at is not None and back.uuid == first.uuid
    assert [c.uuid for c in project.codings()] == [first.uuid]
    assert project.memos(target_type="coding", target=first.uuid)[0].text == "why safe"
