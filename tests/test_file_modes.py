"""Project files, their write-ahead logs, backups and pseudonym keys are their owner's alone
(issue 14, item 10): created 0600 whatever the usual umask (0022 gives others read access to
ordinary files), narrowed further by a stricter umask; and exporting from an encrypted project
says once that the export is a plain file."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.privacy import keyfile
from qualcode.privacy.pseudonymise import Entity, Plan
from qualcode.store import backups, cipher

from .conftest import run_cli

needs_cipher = pytest.mark.skipif(not cipher.available(), reason="SQLCipher not installed")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _coded(path: Path, passphrase: str | None = None) -> Project:
    project = Project.create(path, actor="ann", passphrase=passphrase)
    project.add_code("Bus")
    return project


def test_a_new_project_its_wal_and_backups_are_private(tmp_path: Path, umask: None) -> None:
    path = tmp_path / "study.qualcode"
    with _coded(path) as project:
        assert mode(path) == 0o600
        assert Path(f"{path}-wal").exists() and mode(Path(f"{path}-wal")) == 0o600
        made = backups.backup(path, "manual")
        assert mode(made) == 0o600
        project.add_code("Food")
    kept = backups.restore(path, made)
    assert kept is not None and mode(kept) == 0o600 and mode(path) == 0o600


def test_a_stricter_umask_is_respected(tmp_path: Path) -> None:
    old = os.umask(0o277)
    try:
        path = tmp_path / "study.qualcode"
        _coded(path).close()
        assert mode(path) == 0o400
    finally:
        os.umask(old)


def test_the_plain_pseudonym_key_is_private(tmp_path: Path, umask: None) -> None:
    entity = Entity(
        key="amy", original="Amy", kind="person", source="list", replacement="[P1]", selected=True
    )
    key = keyfile.default_key_path(tmp_path / "study.qualcode")
    keyfile.save_key(key, Plan(entities={"amy": entity}, findings=[]))
    assert mode(key) == 0o600


@needs_cipher
def test_encrypting_and_encrypted_projects_are_private(tmp_path: Path, umask: None) -> None:
    plain, secret = tmp_path / "plain.qualcode", tmp_path / "secret.qualcode"
    _coded(plain).close()
    os.chmod(plain, 0o644)  # a project made by an older qualcode
    cipher.encrypt_file(plain, "pass phrase")
    assert mode(plain) == 0o600
    _coded(secret, "pass phrase").close()
    assert mode(secret) == 0o600
    assert mode(backups.backup(secret, "manual", passphrase="pass phrase")) == 0o600


@needs_cipher
def test_an_export_from_an_encrypted_project_says_it_is_plain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret, plain = tmp_path / "secret.qualcode", tmp_path / "plain.qualcode"
    _coded(secret, "pass phrase").close()
    _coded(plain).close()
    monkeypatch.setenv(cipher.PASSPHRASE_ENV, "pass phrase")
    out = tmp_path / "codebook.xlsx"
    for args in (
        ["export", "codebook", str(secret), "-o", str(out)],
        ["codebook", "export", str(secret), "-o", str(tmp_path / "book.yaml")],
        ["export-qdpx", str(secret), "-o", str(tmp_path / "p.qdpx")],
    ):
        code, _, err = run_cli(capsys, *args)
        assert code == 0, err
        assert err.count("is not encrypted (only the project is)") == 1, (args, err)
    code, _, err = run_cli(capsys, "export", "codebook", str(plain), "-o", str(out))
    assert code == 0 and "not encrypted" not in err
