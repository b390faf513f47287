"""Shared fixtures: fresh projects on real SQLite files, the small test codebook and transcript."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualcode import Project

DATA = Path(__file__).parent / "data"
PROJECT_DATA = DATA / "project"
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


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
