"""The security review's findings for project files: the audit trail against REPLACE and against
a restore, roles in the library for memos and imported codings, one active coding per span
(and what the upgrade does with old duplicates), and no SQL parameters in errors or the crash
log, which only its owner can read."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.codebook import load_codebook
from qualcode.errors import NotAllowed
from qualcode.store.backups import backup, list_backups

from .conftest import REPO, run_cli

SAMPLE = REPO / "transcripts_sample" / "p01-amy.txt"
CODEBOOK = REPO / "codebooks" / "dussk.yaml"


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.qualcode"
    with Project.create(path, actor="lead") as project:
        project.import_codebook(load_codebook(CODEBOOK))
        project.import_files([SAMPLE])
    return path


def test_replace_cannot_overwrite_the_audit_trail(study: Path) -> None:
    connection = sqlite3.connect(study)
    first = connection.execute("SELECT * FROM audit_events WHERE id = 1").fetchone()
    for verb in ("REPLACE", "INSERT OR REPLACE"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute(
                f"{verb} INTO audit_events (id, at, actor, action, entity_type, payload) "
                "VALUES (1, '2020-01-01 00:00:00', 'mallory', 'code.update', 'code', '{}')"
            )
    connection.commit()
    assert connection.execute("SELECT * FROM audit_events WHERE id = 1").fetchone() == first
    connection.close()
    with Project.open(study) as project:  # new entries are still written as before
        project.add_memo("still works", coder="lead")
        assert project.log(limit=1)[0].action == "memo.create"


def test_a_restore_is_recorded_and_keeps_the_trail_of_what_it_undid(
    study: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    made = backup(study, "before-ben")
    with Project.open(study, actor="ben") as project:
        coding = project.apply_code(
            document="p01-amy", code="Travel support", coder="ben", quote="bus fare"
        )
        project.add_memo("why the bus fare matters", coder="ben")
        project.remove_coding(coding.uuid)
        done = [(e.actor, e.action, e.at) for e in project.log()[:4]]  # and coder.create
    monkeypatch.setenv("QUALCODE_USER", "lead")
    code, _out, err = run_cli(capsys, "backups", "restore", str(study), made.name)
    assert code == 0, err
    with Project.open(study) as project:
        assert project.codings(include_deleted=True) == [] and project.memos() == []
        log = project.log()
        restored, *undone = log[:5]
        assert (restored.actor, restored.action) == ("lead", "project.restore")
        assert restored.payload["backup"] == made.name and restored.payload["undone"] == 4
        kept = list_backups(study)[-1].path
        assert restored.payload["before_restore"] == kept.name
        assert [(e.actor, e.action, e.at) for e in undone] == [
            (actor, "undone." + action, at) for actor, action, at in done
        ]
        assert all(e.payload["undone_by_restore"] == made.name for e in undone)
        assert undone[1].payload["text"] == "why the bus fare matters"
    # Restoring the copy made before the restore brings the work back, and both restores
    # stay in the trail.
    code, _out, err = run_cli(capsys, "backups", "restore", str(study), str(kept))
    assert code == 0, err
    with Project.open(study) as project:
        assert len(project.codings(include_deleted=True)) == 1
        actions = [e.action for e in project.log()]
        assert actions[0] == "project.restore" and "undone.project.restore" in actions


def team_file(tmp_path: Path) -> Path:
    path = tmp_path / "team.qualcode"
    with Project.create(path, actor="lead") as project:
        project.import_codebook(load_codebook(CODEBOOK))
        project.import_files([SAMPLE])
        project.add_coder("ben")
        project.add_coder("sue", role="supervisor")
    return path


def test_memos_and_imported_codings_follow_the_roles(tmp_path: Path) -> None:
    path = team_file(tmp_path)
    with Project.open(path, actor="ben") as project:
        his = project.add_memo("ben's own", coder="ben")
        project.delete_memo(his.uuid)
    with Project.open(path, actor="alice") as project:
        with pytest.raises(NotAllowed, match="alice may not write memos in the name of ben"):
            project.add_memo("words put in ben's mouth", coder="ben")
        with pytest.raises(NotAllowed, match="alice may not restore the memos of ben"):
            project.restore_memo(his.uuid)
        own_memo = project.add_memo("alice's own", coder="alice")
        with pytest.raises(NotAllowed, match="alice may not act in the name of ben"):
            project.delete_memo(own_memo.uuid, coder="ben")  # audited as ben
        project.delete_memo(own_memo.uuid, coder="alice")
        for other in ("ben", "consensus"):
            table = tmp_path / f"{other}.csv"
            table.write_text(
                "document,code,coder,quote\n"
                "p01-amy,Travel support,alice,bus fare\n"
                f"p01-amy,Travel support,{other},dinner\n",
                encoding="utf-8",
            )
            with pytest.raises(
                NotAllowed, match=f"line 3: alice may not code in the name of {other}"
            ):
                project.import_codings(table)
        assert project.codings() == [] and project.memos() == []
        own = tmp_path / "own.csv"
        own.write_text(
            "document,code,coder,quote\np01-amy,Travel support,alice,bus fare\n", encoding="utf-8"
        )
        assert project.import_codings(own).applied == 1
    with Project.open(path, actor="sue") as project:  # a supervisor may do both
        project.add_memo("for ben", coder="ben")
        project.import_codings(tmp_path / "consensus.csv")
        assert {c.coder for c in project.codings()} == {"alice", "consensus"}


def test_suggestion_decisions_follow_the_roles(tmp_path: Path) -> None:
    from qualcode.suggest.decisions import reject, reopen
    from qualcode.suggest.records import SuggestionInfo

    path = team_file(tmp_path)
    fares = SuggestionInfo(
        document="p01-amy",
        code="Travel support",
        start=0,
        end=10,
        text="",
        score=0.5,
        engine="terms",
        explanation="",
        engines=("terms",),
        precision=None,
    )
    with Project.open(path, actor="ben") as project:
        his = reject(project, fares, "ben")
    with Project.open(path, actor="alice") as project:
        with pytest.raises(NotAllowed, match="alice may not decide suggestions in the name of ben"):
            reject(project, fares, "ben")
        with pytest.raises(NotAllowed, match="alice may not reopen the suggestions of ben"):
            reopen(project, his)
        reject(project, fares, "alice")
    with Project.open(path, actor="sue") as project:
        reopen(project, his)


def test_the_file_refuses_a_second_active_coding(study: Path) -> None:
    with Project.open(study, actor="ann") as project:
        made = project.apply_code(
            document="p01-amy", code="Travel support", coder="ann", quote="bus fare"
        )
    connection = sqlite3.connect(study)
    copy = (
        'INSERT INTO codings (uuid, document_id, code_id, coder_id, start, "end", origin, '
        "favourite, created_at, deleted_at) SELECT ?, document_id, code_id, coder_id, start, "
        '"end", origin, favourite, created_at, {} FROM codings WHERE uuid = ?'
    )
    connection.execute(copy.format("CURRENT_TIMESTAMP"), ("gone", made.uuid))  # history is fine
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        connection.execute(copy.format("NULL"), ("twin", made.uuid))
    connection.close()


def test_the_upgrade_removes_old_duplicates_without_losing_them(study: Path) -> None:
    with Project.open(study, actor="ann") as project:
        made = project.apply_code(
            document="p01-amy", code="Travel support", coder="ann", quote="bus fare"
        )
    # An older project with the same coding twice, a memo and a favourite mark on the twin.
    connection = sqlite3.connect(study)
    connection.executescript(
        "DROP INDEX uq_codings_active; DROP TRIGGER audit_events_no_replace;"
        "UPDATE alembic_version SET version_num = '0003';"
    )
    connection.execute(
        'INSERT INTO codings (uuid, document_id, code_id, coder_id, start, "end", origin, '
        "favourite, created_at) SELECT 'twin', document_id, code_id, coder_id, start, \"end\", "
        "origin, 1, created_at FROM codings WHERE uuid = ?",
        (made.uuid,),
    )
    connection.execute(
        "INSERT INTO memos (uuid, coder_id, coding_id, text, created_at, updated_at) "
        "SELECT 'memo-on-twin', coder_id, id, 'a note', created_at, created_at FROM codings "
        "WHERE uuid = 'twin'"
    )
    connection.commit()
    connection.close()
    with Project.open(study) as project:
        assert project.migration is not None and project.migration.backup is not None
        [active] = project.codings()
        assert active.uuid == made.uuid and active.favourite
        removed = [c for c in project.codings(include_deleted=True) if c.deleted_at]
        assert [c.uuid for c in removed] == ["twin"]
        [memo] = project.memos(target_type="coding")
        assert memo.target == made.uuid and memo.text == "a note"
        [entry] = project.log(action="coding.remove")
        assert (entry.actor, entry.entity_uuid) == ("qualcode", "twin")
        assert entry.payload == {"reason": "duplicate", "kept": made.uuid, "schema": "0004"}


def test_internal_errors_leave_out_sql_parameters_and_the_log_is_private(
    study: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "she told me about the night in the hostel"
    connection = sqlite3.connect(study)  # some fault the program does not expect
    connection.execute(
        "CREATE TRIGGER fault BEFORE INSERT ON memos BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
    )
    connection.commit()
    connection.close()
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    previous = os.umask(0o022)  # the usual umask, under which files were made 0644
    try:
        code, out, err = run_cli(capsys, "memo", "add", str(study), "--coder", "ann", secret)
    finally:
        os.umask(previous)
    assert code == 70 and out == ""
    assert len(err.splitlines()) == 1 and "disk says no" in err
    assert secret not in err and "INSERT INTO" not in err
    [log] = (tmp_path / "state").rglob("qualcode.log")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    written = log.read_text(encoding="utf-8")
    assert "disk says no" in written and "Traceback" in written and secret not in written
    with Project.open(study) as project:
        assert project.memos() == []
        assert json.dumps([e.payload for e in project.log()]).count(secret) == 0
