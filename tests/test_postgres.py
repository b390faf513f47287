"""A project on a PostgreSQL server: the same commands and migrations as a file, the audit trail
append-only there too, passwords never echoed or stored, and connections that drop."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from qualcode import Project
from qualcode.codebook import load_codebook

from .conftest import REPO, run_cli
from .pg_cluster import PASSWORD_USER
from .terminal import in_terminal

SAMPLE = sorted((REPO / "transcripts_sample").glob("*.txt"))
EVERY = [
    p
    for p in sorted((REPO / "transcripts_sample").iterdir())
    if p.suffix in (".txt", ".md", ".vtt", ".docx") and p.name != "README.md"
]
CODEBOOK = REPO / "codebooks" / "dussk.yaml"


def test_every_command_takes_a_url(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def ok(*args: str) -> str:
        code, out, err = run_cli(capsys, *args)
        assert code == 0, err
        return out

    ok("init", pg_url, "--codebook", str(CODEBOOK))
    assert "imported p01-amy" in ok("import", pg_url, *map(str, EVERY))
    ok("cases", "import", pg_url, str(REPO / "transcripts_sample" / "cases.csv"))
    for coder, quote in (("ann", "bus fare"), ("ben", "bus fare"), ("ann", "dinner")):
        ok(
            "code",
            pg_url,
            "--coder",
            coder,
            "--document",
            "p01-amy",
            "--code",
            "Travel support",
            "--quote",
            quote,
        )
    codings = json.loads(ok("codings", pg_url, "--json"))
    assert sorted((c["coder"], c["text"]) for c in codings) == [
        ("ann", "bus fare"),
        ("ann", "dinner"),
        ("ben", "bus fare"),
    ]
    ok("memo", "add", pg_url, "--coder", "ann", "--document", "p01-amy", "A memo on the server")
    assert "Travel support" in ok("agreement", pg_url, "--coders", "ann,ben", "--unit", "turn")
    ok("export", "frequencies", pg_url, "-o", str(tmp_path / "f.csv"), "--by", "group")
    ok("export-qdpx", pg_url, "-o", str(tmp_path / "p.qdpx"))
    assert "memo.create" in ok("log", pg_url)
    # What only a file can have is refused in one line.
    code, _out, err = run_cli(capsys, "backups", "create", pg_url)
    assert code == 1 and "back up a database server with its own tools" in err
    code, _out, err = run_cli(capsys, "init", pg_url + "x", "--encrypt")
    assert code == 1 and len(err.splitlines()) == 1
    # The round trip through REFI-QDA into a file project keeps every coding.
    ok("import-qdpx", str(tmp_path / "p.qdpx"), "-o", str(tmp_path / "copy.qualcode"))
    assert len(json.loads(ok("codings", str(tmp_path / "copy.qualcode"), "--json"))) == 3


def test_same_schema_on_both_backends(pg_url: str, tmp_path: Path) -> None:
    Project.create(pg_url).close()
    Project.create(tmp_path / "file.qualcode").close()
    shapes = []
    for url in (pg_url, f"sqlite:///{tmp_path / 'file.qualcode'}"):
        engine = create_engine(url)
        found = inspect(engine)
        shapes.append(
            {t: sorted(c["name"] for c in found.get_columns(t)) for t in found.get_table_names()}
        )
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        shapes[-1]["alembic"] = [version]
        engine.dispose()
    assert shapes[0] == shapes[1]


def test_audit_trail_is_append_only_on_the_server(pg_url: str) -> None:
    with Project.create(pg_url, actor="ann") as project:
        project.add_memo("x", coder="ann")
    engine = create_engine(pg_url)
    for statement in ("UPDATE audit_events SET actor = 'mallory'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    engine.dispose()
    with Project.open(pg_url) as project:
        assert {e.actor for e in project.log()} == {"ann"}


def test_a_dropped_connection_is_reconnected_and_a_retry_is_safe(pg_url: str) -> None:
    with Project.create(pg_url, actor="ann") as project:
        project.import_codebook(load_codebook(CODEBOOK))
        project.import_files(SAMPLE[:1])
        document = project.documents()[0].name
        first, second = project.turns(document)[1:3]
        span = {"document": document, "code": "Travel support", "coder": "ann"}
        project.apply_code(**span, start=first.body_start, end=first.end)
        admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:  # the network drops: every other session is cut
            cut = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar()
        admin.dispose()
        assert cut and cut >= 1
        # The pool notices the dead connection and the next action simply works.
        project.apply_code(**span, start=second.body_start, end=second.end)
        # A retry of an action that did commit (its answer lost) is refused, not doubled.
        with pytest.raises(Exception, match="already coded"):
            project.apply_code(**span, start=second.body_start, end=second.end)
        assert len(project.codings()) == 2


def test_passwords_are_asked_never_echoed_never_stored(
    pg_url: str,
    pg_admin_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "s3cret-Pa55"
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP ROLE IF EXISTS {PASSWORD_USER}"))
        connection.execute(text(f"CREATE ROLE {PASSWORD_USER} LOGIN SUPERUSER PASSWORD '{secret}'"))
    admin.dispose()
    url = make_url(pg_url).set(username=PASSWORD_USER).render_as_string(hide_password=False)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    code, out, err = run_cli(capsys, "init", url)  # no terminal to ask in
    assert code == 1 and out == ""
    assert err == (
        f"qualcode: error: {url}: the server wants a password (set PGPASSWORD, "
        "or type it when asked)\n"
    )
    monkeypatch.setenv("PGPASSWORD", "wrong")
    assert run_cli(capsys, "init", url)[0] == 1
    monkeypatch.setenv("PGPASSWORD", secret)
    assert run_cli(capsys, "init", url, "--codebook", str(CODEBOOK))[0] == 0
    monkeypatch.delenv("PGPASSWORD")
    code, output = in_terminal(
        [sys.executable, "-m", "qualcode", "codebook", "show", url], b"password", secret
    )
    assert code == 0, output
    assert "Travel support" in output and secret not in output
    with Project.open(url, password=secret) as project:
        stored = json.dumps([project.setting(k) for k in ("app", "created_at")])
        stored += json.dumps([e.payload for e in project.log()])
        assert project.name == url  # the URL as given, which holds no password
    assert secret not in stored


def test_conflicts_a_team_hits(pg_url: str) -> None:
    with Project.create(pg_url, actor="lead") as lead:
        lead.import_codebook(load_codebook(CODEBOOK))
        lead.import_files(SAMPLE[:1])
        document = lead.documents()[0].name
        turns = lead.turns(document)[1:4]
    with Project.open(pg_url, actor="ann") as ann, Project.open(pg_url, actor="ben") as ben:
        # Two people edit one definition: the last write wins, both versions are audited.
        ann.update_code("Travel support", definition="Ann's wording")
        ben.update_code("Travel support", definition="Ben's wording")
        assert ann.code("Travel support").definition == "Ben's wording"
        edits = [e.payload["changes"]["definition"][1] for e in ann.log(action="code.update")]
        assert sorted(edits) == ["Ann's wording", "Ben's wording"]
        # A code merged away while ann codes with it: her codings follow; the old code is
        # refused with a clear message, nothing lost.
        made = ann.apply_code(
            document=document,
            code="Travel support",
            coder="ann",
            start=turns[0].body_start,
            end=turns[0].end,
        )
        ben.merge_codes("Travel support", "Lunch and food at the group")
        [moved] = [c for c in ann.codings(coder="ann") if c.uuid == made.uuid]
        assert moved.code.endswith("Lunch and food at the group")
        with pytest.raises(Exception, match="is archived; restore it to use it"):
            ann.apply_code(
                document=document,
                code="Travel support",
                coder="ann",
                start=turns[1].body_start,
                end=turns[1].end,
            )


def test_a_connection_cut_mid_action_reports_not_saved_and_the_retry_saves_once(
    pg_url: str,
) -> None:
    import threading
    import time

    from qualcode.errors import QualcodeError

    with Project.create(pg_url, actor="ann") as project:
        project.import_codebook(load_codebook(CODEBOOK))
        project.import_files(SAMPLE[:1])
        document = project.documents()[0].name
        turn = project.turns(document)[1]
        span = {
            "document": document,
            "code": "Travel support",
            "coder": "ann",
            "start": turn.body_start,
            "end": turn.end,
        }
        admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:  # every new coding now takes a few seconds
            connection.execute(
                text(
                    "CREATE FUNCTION qc_slow() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN PERFORM pg_sleep(30); RETURN NEW; END $$"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER qc_slow BEFORE INSERT ON codings FOR EACH ROW EXECUTE "
                    "FUNCTION qc_slow()"
                )
            )
        outcome: list[BaseException | None] = []

        def code() -> None:
            try:
                project.apply_code(**span)
                outcome.append(None)
            except BaseException as exc:  # noqa: BLE001 - reported to the test below
                outcome.append(exc)

        worker = threading.Thread(target=code)
        worker.start()
        with admin.connect() as connection:
            for _ in range(500):  # wait until the insert is inside the server, then cut it
                cut = connection.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE query LIKE 'INSERT INTO codings%' AND state = 'active'"
                    )
                ).scalar()
                if cut:
                    break
                time.sleep(0.05)
            connection.execute(text("DROP TRIGGER qc_slow ON codings"))
        worker.join(timeout=60)
        admin.dispose()
        [error] = outcome
        assert isinstance(error, QualcodeError) and "the action was not saved" in str(error)
        assert len(str(error).splitlines()) == 1
        assert project.codings() == []  # not done, as reported
        project.apply_code(**span)  # the retry
        assert len(project.codings()) == 1
        assert [e.action for e in project.log(action="coding.")] == ["coding.apply"]
