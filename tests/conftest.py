"""Shared fixtures: fresh projects on real SQLite files, the small test codebook and transcript."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from qualcode import Project

# CI runs hypothesis with fixed seeds (QUALCODE_HYPOTHESIS=ci in .ci/run), so that main stays
# green on what was tested; runs by hand draw new inputs each time and find new cases.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("QUALCODE_HYPOTHESIS", "default"))

DATA = Path(__file__).parent / "data"
PROJECT_DATA = DATA / "project"
REPO = Path(__file__).resolve().parents[1]


def run_python(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``python -c ARGS`` in a new process, run from the repository with it on the path: what
    a fresh process imports and does, nothing loaded by this one (text output captured)."""
    return subprocess.run(
        [sys.executable, "-c", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=check,
    )


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "study.qualcode"


@pytest.fixture
def fresh_project(project_path: Path) -> Iterator[Project]:
    """An empty project (no codebook, no documents)."""
    with Project.create(project_path, actor="tester") as project:
        yield project


@pytest.fixture
def project(project_path: Path, tmp_path: Path) -> Iterator[Project]:
    """A project with the test codebook and one imported interview ('interview')."""
    from qualcode.codebook import load_codebook

    source = tmp_path / "interview.txt"
    shutil.copy(PROJECT_DATA / "interview.txt", source)
    with Project.create(project_path, actor="tester") as created:
        created.import_codebook(load_codebook(PROJECT_DATA / "codebook.yaml"))
        outcome = created.import_files([source])[0]
        assert outcome.error is None, outcome.error
        yield created


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``qualcode ARGS`` in this process as the console script does: (exit code, stdout,
    stderr)."""
    from qualcode.cli import main

    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- PostgreSQL --------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """A PostgreSQL superuser URL: $QUALCODE_TEST_PG_URL, else a throwaway cluster started here
    (tests/pg_cluster.py). Without a server the tests skip, saying why, except where
    $QUALCODE_REQUIRE_PG is set (CI), where they fail."""
    import os
    import subprocess
    import tempfile

    from . import pg_cluster

    def unavailable(reason: str) -> None:
        if os.environ.get("QUALCODE_REQUIRE_PG"):
            pytest.fail(f"PostgreSQL is required here (QUALCODE_REQUIRE_PG) but {reason}")
        pytest.skip(f"no PostgreSQL server: {reason}")

    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("the driver psycopg is not installed (pip install -e '.[test]')")
    given = os.environ.get("QUALCODE_TEST_PG_URL")
    if given:
        yield given
        return
    folder = Path(tempfile.mkdtemp(prefix="qualcode-pg-"))
    try:
        url = pg_cluster.start(folder)
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        shutil.rmtree(folder, ignore_errors=True)
        unavailable(f"none could be started ({' '.join(str(detail).split())[:200]})")
    try:
        yield url
    finally:
        pg_cluster.stop(folder)


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A new, empty database on the test server for one test, dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"qc_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
