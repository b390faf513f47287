"""The security review's attacks on a team project on PostgreSQL, made as a member would make
them: their own SQL over their own login, as psql sends it (one statement per transaction).

Each must fail: a temporary ``coders`` table standing in for the real one (row security
bypassed), audit entries in someone else's name or rewritten, rows deleted without a trace,
other coders' suggestions changed, passwords in messages and logs, and two active copies of one
coding from coders applying the same spans at once.
"""

from __future__ import annotations

import multiprocessing
import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from qualcode import Project
from qualcode.codebook import load_codebook
from qualcode.errors import ConflictError, QualcodeError
from qualcode.teams.access import add_member, setup_access

from .conftest import REPO
from .pg_cluster import PASSWORD_USER
from .terminal import _read

psycopg = pytest.importorskip("psycopg")

SAMPLE = REPO / "transcripts_sample" / "p01-amy.txt"
CODEBOOK = REPO / "codebooks" / "dussk.yaml"
SECRET = "Tr0ub4dor-and-3-horses"


def as_user(url: str, name: str) -> str:
    return make_url(url).set(username=name).render_as_string(hide_password=False)


@contextmanager
def psql(url: str, user: str) -> Iterator[Any]:
    """A member's own session, as psql opens it: their login, autocommit."""
    conninfo = make_url(url).set(drivername="postgresql", username=user)
    with psycopg.connect(conninfo.render_as_string(hide_password=False), autocommit=True) as c:
        yield c


@pytest.fixture
def team(pg_url: str) -> Iterator[str]:
    with Project.create(pg_url, actor="owner") as project:
        project.import_codebook(load_codebook(CODEBOOK))
        project.import_files([SAMPLE])
        project.add_case("P01")
        project.set_case_attributes("P01", {"group": "participant", "site": "Outreach hub"})
        setup_access(project)
        setup_access(project)  # idempotent
        add_member(project, "sue", supervisor=True)
        add_member(project, "alice")
        add_member(project, "bob")
    yield pg_url


def bobs_coding(url: str) -> str:
    with Project.open(as_user(url, "bob")) as project:
        turn = project.turns("p01-amy")[1]
        made = project.apply_code(
            document="p01-amy",
            code="Travel support",
            coder="bob",
            start=turn.body_start,
            end=turn.end,
        )
        project.add_memo("bob's note", coder="bob", target_type="coding", target=made.uuid)
        return made.uuid


def test_a_temporary_coders_table_does_not_make_alice_bob(team: str) -> None:
    mine = bobs_coding(team)
    with psql(team, "alice") as alice:
        bob = alice.execute("SELECT id FROM coders WHERE name = 'bob'").fetchone()[0]
        document, code = alice.execute(
            "SELECT (SELECT id FROM documents LIMIT 1), (SELECT id FROM codes LIMIT 1)"
        ).fetchone()
        # The review's attack, word for word.
        alice.execute("CREATE TEMP TABLE coders (id int, name text)")
        alice.execute("INSERT INTO pg_temp.coders VALUES (%s, current_user)", (bob,))
        changed = alice.execute(
            "UPDATE public.codings SET deleted_at = now() WHERE coder_id = %s", (bob,)
        ).rowcount
        assert changed == 0
        for statement, values in (
            (
                'INSERT INTO public.codings (uuid, document_id, code_id, coder_id, start, "end", '
                "origin, created_at) VALUES ('forged-coding', %s, %s, %s, 0, 5, 'manual', now())",
                (document, code, bob),
            ),
            (
                "INSERT INTO public.memos (uuid, coder_id, text, created_at, updated_at) "
                "VALUES ('forged-memo', %s, 'by bob, honest', now(), now())",
                (bob,),
            ),
            ("UPDATE public.memos SET text = 'changed' WHERE coder_id = %s", (bob,)),
        ):
            try:
                result = alice.execute(statement, values)
            except psycopg.errors.InsufficientPrivilege:
                continue
            assert result.rowcount == 0, statement
    with Project.open(team, actor="owner") as project:
        [kept] = project.codings(coder="bob")
        assert kept.uuid == mine and kept.deleted_at is None
        assert [m.text for m in project.memos(coder="bob")] == ["bob's note"]
        assert {e.actor for e in project.log(action="coding.")} == {"bob"}


def test_audit_entries_name_the_login_and_cannot_be_changed(team: str) -> None:
    with psql(team, "alice") as alice:
        stored = alice.execute(
            "INSERT INTO audit_events (id, at, actor, action, entity_type, payload) VALUES "
            "(999999, now() - interval '1 year', 'sue', 'code.update', 'code', '{}') "
            "RETURNING id, actor, at > now() - interval '1 day'"
        ).fetchone()
        assert stored[1:] == ("alice", True) and stored[0] < 999999
    for member in ("alice", "sue"):
        with psql(team, member) as session:
            for statement in (
                "UPDATE audit_events SET actor = 'mallory'",
                "DELETE FROM audit_events",
                "TRUNCATE audit_events",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    session.execute(statement)
    with Project.open(team, actor="owner") as project:
        entries = project.log(action="code.update")
        assert [(e.actor, e.action) for e in entries] == [("alice", "code.update")]
        assert max(e.id for e in project.log()) == entries[0].id  # live updates still see it


def test_nobody_but_the_owner_deletes_and_every_deletion_is_audited(team: str) -> None:
    bobs_coding(team)
    with psql(team, "sue") as sue:
        for table in ("codings", "memos", "documents", "codes", "cases", "coders", "turns"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                sue.execute(f"DELETE FROM {table}")
        # The one deletion the library makes: a supervisor clears a case's attribute value.
        cleared = sue.execute(
            "DELETE FROM attribute_values WHERE case_id = (SELECT id FROM cases WHERE name = 'P01')"
        ).rowcount
        assert cleared > 0
    with Project.open(team, actor="owner") as project:
        deletions = project.log(action="row.delete")
        assert len(deletions) == cleared
        assert {(e.actor, e.entity_type) for e in deletions} == {("sue", "attribute_values")}


def test_suggestions_are_under_row_security(team: str) -> None:
    with psql(team, "bob") as bob:
        bob.execute(
            'INSERT INTO suggestions (uuid, document_id, code_id, start, "end", engine, score, '
            "explanation, status, for_coder_id, decided_by_id, decided_at, created_at) "
            "SELECT 'bobs-decision', (SELECT id FROM documents LIMIT 1), "
            "(SELECT id FROM codes LIMIT 1), 0, 5, 'terms', 0.5, '', 'rejected', c.id, c.id, "
            "now(), now() FROM coders c WHERE c.name = 'bob'"
        )
    with psql(team, "alice") as alice:
        assert alice.execute("UPDATE suggestions SET status = 'accepted'").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            alice.execute("DELETE FROM suggestions")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            alice.execute(
                'INSERT INTO suggestions (uuid, document_id, code_id, start, "end", engine, '
                "score, explanation, status, for_coder_id, created_at) SELECT 'for-bob', "
                "document_id, code_id, 0, 5, 'terms', 0.9, '', 'pending', for_coder_id, now() "
                "FROM suggestions"
            )
    with psql(team, "bob") as bob:
        assert bob.execute("SELECT status FROM suggestions").fetchall() == [("rejected",)]
        assert bob.execute("UPDATE suggestions SET status = 'pending'").rowcount == 1


def _server_log(admin_url: str) -> Path | None:
    """The throwaway cluster's log (tests/pg_cluster.py); None for a server given from outside."""
    if os.environ.get("QUALCODE_TEST_PG_URL"):
        return None
    engine = create_engine(admin_url)
    with engine.connect() as connection:
        data = connection.execute(text("SHOW data_directory")).scalar()
    engine.dispose()
    log = Path(str(data)).parent / "server.log"
    return log if log.is_file() else None


def answer(command: list[str], prompts: list[tuple[bytes, str]]) -> tuple[int, str]:
    """Run ``command`` on a pseudo-terminal and answer each prompt in turn, as a person would."""
    parent, child = pty.openpty()
    process = subprocess.Popen(
        command,
        stdin=child,
        stdout=child,
        stderr=child,
        cwd=REPO,
        env=os.environ.copy(),
        close_fds=True,
    )
    os.close(child)
    seen = b""
    try:
        for prompt, reply in prompts:
            while prompt.lower() not in seen.lower():
                seen += _read(parent)
            seen = seen[seen.lower().index(prompt.lower()) + len(prompt) :]
            os.write(parent, reply.encode() + b"\n")
        while chunk := _read(parent):
            seen += chunk
    finally:
        process.wait(timeout=60)
        os.close(parent)
    return process.returncode, seen.decode("utf-8", "replace")


def test_member_passwords_never_reach_a_statement_a_message_or_a_log(
    team: str, pg_admin_url: str
) -> None:
    # A member the server refuses: one line, no password, no statement.
    with Project.open(team, actor="owner") as project, pytest.raises(QualcodeError) as refused:
        add_member(project, "pg_reserved_name", password=SECRET)
    message = str(refused.value)
    assert "reserved" in message and SECRET not in message and "CREATE ROLE" not in message
    assert len(message.splitlines()) == 1
    # Through the command line, typed at the prompt: the login then works with it.
    admin = create_engine(team, isolation_level="AUTOCOMMIT")
    try:
        code, output = answer(
            [sys.executable, "-m", "qualcode", "team", "add", team, PASSWORD_USER, "--password"],
            [(b"password for", SECRET), (b"confirmation", SECRET)],
        )
        assert code == 0, output
        with admin.connect() as connection:
            stored = connection.execute(
                text("SELECT rolpassword FROM pg_authid WHERE rolname = :n"), {"n": PASSWORD_USER}
            ).scalar()
        assert str(stored).startswith("SCRAM-SHA-256$") and SECRET not in str(stored)
        login = make_url(as_user(team, PASSWORD_USER)).set(drivername="postgresql")
        with psycopg.connect(login.set(password=SECRET).render_as_string(hide_password=False)):
            pass
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(login.set(password="wrong").render_as_string(hide_password=False))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP OWNED BY {PASSWORD_USER}"))
            connection.execute(text(f"DROP ROLE IF EXISTS {PASSWORD_USER}"))
        admin.dispose()
    log = _server_log(pg_admin_url)
    if log is not None:
        assert SECRET not in log.read_text(encoding="utf-8", errors="replace")


# -- the same span, the same coder, three processes at once --------------------------------------
def _apply_all(url: str, spans: list[tuple[int, int]], barrier: Any, results: Any) -> None:
    """One process: wait for the others, then apply every span; report what happened."""
    applied, refused = 0, []
    try:
        with Project.open(url, actor="ann") as project:
            barrier.wait(timeout=120)
            for start, end in spans:
                try:
                    project.apply_code(
                        document="p01-amy", code="Travel support", coder="ann", start=start, end=end
                    )
                    applied += 1
                except ConflictError as exc:
                    refused.append(str(exc))
    except BaseException:  # noqa: BLE001 - reported to the test, which fails on it
        import traceback

        results.put(("error", traceback.format_exc()))
        return
    results.put((applied, refused))


@pytest.mark.slow
def test_three_processes_coding_the_same_spans_leave_one_active_coding_each(
    pg_url: str,
) -> None:
    with Project.create(pg_url, actor="ann") as project:
        project.import_codebook(load_codebook(CODEBOOK))
        project.import_files([SAMPLE])
        project.add_coder("ann")
        turns = project.turns("p01-amy")
        spans = [(t.body_start, t.end) for t in turns] + [(t.start, t.end) for t in turns]
    spans = sorted(set(spans))[:120]
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(3), context.Queue()
    workers = [
        context.Process(target=_apply_all, args=(pg_url, spans, barrier, results)) for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert all(first != "error" for first, _ in outcomes), outcomes
    assert sum(applied for applied, _ in outcomes) == len(spans)
    refusals = [message for _, refused in outcomes for message in refused]
    assert len(refusals) == 2 * len(spans)
    assert all("is already coded at" in m and len(m.splitlines()) == 1 for m in refusals)
    with Project.open(pg_url) as project:
        active = [(c.start, c.end) for c in project.codings(coder="ann")]
        assert sorted(active) == sorted(spans)
        assert len(project.log(action="coding.apply")) == len(spans)


def test_the_database_refuses_a_second_active_coding(pg_url: str) -> None:
    with Project.create(pg_url, actor="ann") as project:
        project.import_codebook(load_codebook(CODEBOOK))
        project.import_files([SAMPLE])
        made = project.apply_code(
            document="p01-amy", code="Travel support", coder="ann", quote="bus fare"
        )
    copy = (
        'INSERT INTO codings (uuid, document_id, code_id, coder_id, start, "end", origin, '
        "favourite, created_at, deleted_at) SELECT :uuid, document_id, code_id, coder_id, "
        'start, "end", origin, favourite, created_at, {deleted} FROM codings '
        "WHERE uuid = :made"
    )
    engine = create_engine(pg_url)
    with engine.begin() as connection:  # a removed copy is history, and allowed
        connection.execute(text(copy.format(deleted="now()")), {"uuid": "gone", "made": made.uuid})
    with pytest.raises(Exception, match="uq_codings_active"), engine.begin() as connection:
        connection.execute(text(copy.format(deleted="NULL")), {"uuid": "twin", "made": made.uuid})
    engine.dispose()


def test_the_upgrade_fixes_a_server_set_up_by_an_older_qualcode(team: str) -> None:
    mine = bobs_coding(team)
    owner = create_engine(team)
    with owner.begin() as connection:  # as an older `team setup` left it, at schema 0003
        for statement in (
            "ALTER FUNCTION qualcode_is_me(integer) RESET search_path",
            "CREATE OR REPLACE FUNCTION qualcode_is_me(coder integer) RETURNS boolean "
            "LANGUAGE sql STABLE AS $$ SELECT EXISTS (SELECT 1 FROM coders "
            "WHERE id = coder AND name = current_user) $$",
            "DROP INDEX uq_codings_active",
            "UPDATE alembic_version SET version_num = '0003'",
        ):
            connection.execute(text(statement))
    owner.dispose()
    with Project.open(team, actor="owner") as project:  # the owner opens it first: upgraded
        assert project.migration is not None and project.migration.before == "0003"
    with psql(team, "alice") as alice:
        bob = alice.execute("SELECT id FROM coders WHERE name = 'bob'").fetchone()[0]
        alice.execute("CREATE TEMP TABLE coders (id int, name text)")
        alice.execute("INSERT INTO pg_temp.coders VALUES (%s, current_user)", (bob,))
        assert (
            alice.execute(
                "UPDATE public.codings SET deleted_at = now() WHERE coder_id = %s", (bob,)
            ).rowcount
            == 0
        )
    with Project.open(team) as project:
        assert [c.uuid for c in project.codings(coder="bob")] == [mine]
