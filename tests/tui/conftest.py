"""Fixtures for the TUI tests: the demo project and a small one, each a fresh copy per test, and
a private settings folder so no test reads or writes the user's own settings."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.codebook import load_codebook

DATA = Path(__file__).resolve().parents[1] / "data" / "project"

SMALL_TRANSCRIPT = (
    "Interviewer: Tell me about the bus.\n\n"
    "P01: The bus \x1b[31mred\x1b[0m was late. Then \u202eevil\u202c text here! "
    "Tabs\tand bells\x07 too.\n\n"
    "Interviewer: And lunch?\n\n"
    "P01: Lunch helped. I'd not eaten since Tuesday, you know. The café was warm.\n"
)


@pytest.fixture(autouse=True)
def config_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings (the remembered coder) go to a folder of this test's own."""
    folder = tmp_path / "config"
    monkeypatch.setenv("QUALCODE_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from qualcode.demo import build_demo

    path, _report = build_demo(tmp_path_factory.mktemp("demo-template"), echo=lambda s: None)
    return path


@pytest.fixture
def demo_path(tmp_path: Path, _demo_template: Path) -> Path:
    """The demo project (nine documents, the DUSSK codebook, codings by ann and ben)."""
    target = tmp_path / "demo" / _demo_template.name
    target.parent.mkdir()
    shutil.copy(_demo_template, target)
    return target


@pytest.fixture
def small_path(tmp_path: Path) -> Iterator[Path]:
    """The test codebook and one short interview ('evil') holding an escape sequence, a bidi
    override, a tab and a bell."""
    source = tmp_path / "evil.txt"
    source.write_text(SMALL_TRANSCRIPT, encoding="utf-8")
    path = tmp_path / "small.qualcode"
    with Project.create(path, actor="tester") as project:
        project.import_codebook(load_codebook(DATA / "codebook.yaml"))
        outcome = project.import_files([source])[0]
        assert outcome.error is None, outcome.error
    yield path
