"""Roles on a PostgreSQL team project, enforced by the library and by the server itself: a coder
cannot alter another coder's codings or the codebook, even with SQL of their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from qualcode import Project
from qualcode.codebook import load_codebook
from qualcode.errors import NotAllowed
from qualcode.teams.access import add_member, setup_access

from .conftest import REPO

SAMPLE = REPO / "transcripts_sample" / "p01-amy.txt"
CODEBOOK = REPO / "codebooks" / "dussk.yaml"


def as_user(url: str, name: str) -> str:
    return make_url(url).set(username=name).render_as_string(hide_password=False)


@pytest.fixture
def team(pg_url: str) -> Iterator[str]:
    with Project.create(pg_url, actor="owner") as project:
        project.import_codebook(load_codebook(CODEBOOK))
        project.import_files([SAMPLE])
        setup_access(project)
        setup_access(project)  # idempotent
        add_member(project, "sue", supervisor=True)
        add_member(project, "alice")
        add_member(project, "bob")
    yield pg_url


def spans(url: str, user: str, n: int) -> list[tuple[int, int]]:
    with Project.open(url) as project:
        return [(t.body_start, t.end) for t in project.turns("p01-amy")[1 : 1 + n]]


def test_a_coder_cannot_touch_another_coders_work(team: str) -> None:
    alice, bob, sue = (as_user(team, n) for n in ("alice", "bob", "sue"))
    (a_start, a_end), (b_start, b_end) = spans(team, "owner", 2)
    with Project.open(alice) as project:  # the login names the coder
        assert project.actor == "alice" and project.role() == "coder"
        project.apply_code(
            document="p01-amy", code="Travel support", coder="alice", start=a_start, end=a_end
        )
    with Project.open(bob) as project:
        mine = project.apply_code(
            document="p01-amy", code="Travel support", coder="bob", start=b_start, end=b_end
        )

    # The library refuses, with one line.
    with Project.open(alice) as project:
        with pytest.raises(NotAllowed, match="alice may not change the codings of bob"):
            project.remove_coding(mine.uuid)
        with pytest.raises(NotAllowed, match="only a supervisor may change the codebook"):
            project.update_code("Travel support", definition="mine now")
        # Claiming to be the supervisor gets past the library, not past the server.
        project.actor = "sue"
        with pytest.raises(NotAllowed, match="the database refused"):
            project.remove_coding(mine.uuid)
        with pytest.raises(NotAllowed, match="the database refused"):
            project.apply_code(
                document="p01-amy", code="Travel support", coder="bob", start=a_start, end=a_end
            )

    # Plain SQL as alice: bob's rows and the codebook are out of reach.
    engine = create_engine(alice)
    with engine.begin() as connection:
        changed = connection.execute(
            text(
                "UPDATE codings SET deleted_at = now() WHERE coder_id = "
                "(SELECT id FROM coders WHERE name = 'bob')"
            )
        ).rowcount
        assert changed == 0
    for statement in (
        "UPDATE codes SET definition = 'x' WHERE name = 'Travel support'",
        "DELETE FROM codings",
        "INSERT INTO coders (uuid, name, role, created_at) "
        "VALUES ('x', 'mallory', 'supervisor', now())",
        "UPDATE coders SET role = 'supervisor' WHERE name = 'alice'",
    ):
        with pytest.raises(DBAPIError), engine.begin() as connection:
            result = connection.execute(text(statement))
            if result.rowcount == 0:  # an UPDATE hidden by row security changes nothing
                raise DBAPIError(statement, None, Exception("refused by row security"))
    engine.dispose()

    # The supervisor may do all of it; bob's coding is still there until then.
    with Project.open(sue) as project:
        assert [c.uuid for c in project.codings(coder="bob")] == [mine.uuid]
        project.update_code("Travel support", definition="Agreed wording")
        project.remove_coding(mine.uuid)
        assert project.codings(coder="bob") == []
        assert project.code("Travel support").definition == "Agreed wording"


def test_roles_in_a_project_file_are_the_librarys(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "team.qualcode"
    with Project.create(path, actor="lead") as project:
        project.import_codebook(load_codebook(CODEBOOK))
        project.import_files([SAMPLE])
        project.add_coder("sue", role="supervisor")  # from now on, roles count
        with pytest.raises(NotAllowed, match="only a supervisor may add coders"):
            project.add_coder("eve")
    with Project.open(path, actor="alice") as project:
        made = project.apply_code(
            document="p01-amy", code="Travel support", coder="alice", quote="bus fare"
        )
        with pytest.raises(NotAllowed, match="alice may not code in the name of bob"):
            project.apply_code(
                document="p01-amy", code="Travel support", coder="bob", quote="bus fare"
            )
    with Project.open(path, actor="bob") as project:
        with pytest.raises(NotAllowed):
            project.set_favourite(made.uuid)
        with pytest.raises(NotAllowed, match="only a supervisor may reconcile"):
            project.record_decision(
                code="Travel support",
                document="p01-amy",
                start=0,
                end=10,
                choice="neither",
                excerpts=[],
                coders=["alice", "bob"],
                supervisor="bob",
            )
    with Project.open(path, actor="sue") as project:
        project.set_favourite(made.uuid)
        project.merge_codes("Travel support", "Lunch and food at the group")


def test_blind_coding_until_a_supervisor_unblinds(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    from qualcode.agreement.report import agreement_report
    from qualcode.reports import build

    from .conftest import run_cli

    path = Path(str(tmp_path)) / "blind.qualcode"
    with Project.create(path, actor="lead") as project:
        project.import_codebook(load_codebook(CODEBOOK))
        project.import_files([SAMPLE])
    code, _out, err = run_cli(capsys, "team", "blind", str(path), "--coder", "lead")
    assert code == 1 and "blind coding needs a supervisor" in err
    with Project.open(path, actor="lead") as project:
        project.add_coder("sue", role="supervisor")
    for coder, quote in (("alice", "bus fare"), ("bob", "dinner")):
        assert (
            run_cli(
                capsys,
                "code",
                str(path),
                "--coder",
                coder,
                "--document",
                "p01-amy",
                "--code",
                "Travel support",
                "--quote",
                quote,
            )[0]
            == 0
        )
    code, _out, err = run_cli(capsys, "team", "blind", str(path), "--coder", "alice")
    assert code == 1 and "only a supervisor may blind or unblind the coders" in err
    assert run_cli(capsys, "team", "blind", str(path), "--coder", "sue")[0] == 0

    with Project.open(path, actor="alice") as project:
        assert {c.coder for c in project.codings()} == {"alice"}
        assert project.codings(coder="bob") == []
        with pytest.raises(NotAllowed, match="coding is blind"):
            agreement_report(project, coders=["alice", "bob"], unit="turn")
        with pytest.raises(NotAllowed, match="coding is blind"):
            build(project, "frequencies")
    with Project.open(path, actor="sue") as project:
        assert {c.coder for c in project.codings()} == {"alice", "bob"}
        agreement_report(project, coders=["alice", "bob"], unit="turn", n_boot=10)
    assert run_cli(capsys, "team", "unblind", str(path), "--coder", "sue")[0] == 0
    with Project.open(path, actor="alice") as project:
        assert {c.coder for c in project.codings()} == {"alice", "bob"}
        assert [e.action for e in project.log(action="project.")][:2] == [
            "project.unblind",
            "project.blind",
        ]
