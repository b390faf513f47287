"""``qualcode encrypt`` interrupted or failing leaves nothing in plaintext that a second run does
not fix (issue 14, item 5).

A worker (tests/encrypt_worker.py) encrypts a project with two backups and is killed with
SIGKILL right after the file it reports converted; partial copies of an interrupted backup are
left in the backup folder as a killed ``backups create`` leaves them. Running ``qualcode
encrypt`` again must end with every file encrypted, no partial file left, and the project's
codings intact. A stray file in the backup folder is reported and does not stop the work; a
passphrase change encrypts a plaintext backup instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.store import cipher
from qualcode.store.backups import backup, backup_folder

from .conftest import REPO, run_cli
from .test_encryption import PASS, dump

pytest.importorskip("sqlcipher3", reason="the encryption extra (sqlcipher3) is not installed")
WORKER = Path(__file__).with_name("encrypt_worker.py")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(cipher.PASSPHRASE_ENV, PASS)
    path = tmp_path / "study.qualcode"
    with Project.create(path, actor="ann") as opened:
        opened.add_code("Bus")
        (tmp_path / "t.txt").write_text("Amy: I came by bus to the group.\n")
        opened.import_files([tmp_path / "t.txt"])
        opened.apply_code(document="t", code="Bus", coder="ann", quote="by bus")
    backup(path, "first")
    backup(path, "second")
    return path


def _plain_files(folder: Path) -> list[str]:
    """Every file under ``folder`` that is a plaintext SQLite database, or a partial copy."""
    found = []
    for path in folder.rglob("*"):
        if not path.is_file() or path.suffix == ".txt":
            continue
        with path.open("rb") as handle:
            plain = handle.read(16) == cipher.SQLITE_MAGIC
        if plain or path.name.startswith("."):
            found.append(path.name)
    return sorted(found)


def _interrupted_backup(path: Path) -> None:
    """What a ``backups create`` killed mid-copy leaves: a hidden plaintext partial copy and
    its journal."""
    folder = backup_folder(path)
    partial = folder / ".20260101T000000Z-manual.qualcode.partial"
    shutil.copy(path, partial)
    Path(f"{partial}-journal").write_bytes(b"\0" * 512)


@pytest.mark.parametrize("kill_after", [1, 2, 3])
def test_a_killed_encryption_is_finished_by_running_it_again(
    project: Path, kill_after: int, capsys: pytest.CaptureFixture[str]
) -> None:
    original = dump(project, None)
    worker = subprocess.Popen(
        [sys.executable, str(WORKER), str(project), PASS],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert worker.stdin is not None and worker.stdout is not None
    try:
        for step in range(1, kill_after + 1):
            line = worker.stdout.readline()
            assert line.startswith("converted "), line
            if step < kill_after:
                worker.stdin.write("\n")
                worker.stdin.flush()
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=60)
    _interrupted_backup(project)
    assert _plain_files(project.parent)  # something is left in plaintext

    code, out, err = run_cli(capsys, "encrypt", str(project))
    assert code == 0, err
    assert out.startswith(("encrypted", "finished encrypting")), out
    assert _plain_files(project.parent) == []
    assert cipher.is_encrypted(project)
    assert len(list(backup_folder(project).iterdir())) == 2
    for file in backup_folder(project).iterdir():
        cipher.check_passphrase(file, PASS)
    assert dump(project, PASS) == original
    code, _, err = run_cli(capsys, "encrypt", str(project))
    assert code == 1 and err.endswith("already encrypted\n")


def test_a_stray_file_in_the_backup_folder_does_not_stop_encryption(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stray = backup_folder(project) / "00-notes.bin"  # sorted before the backups
    stray.write_bytes(b"not a database, not qualcode's\n" * 10)
    code, out, err = run_cli(capsys, "encrypt", str(project))
    assert code == 0, err
    assert out == f"encrypted {project} and 2 backups\n"
    assert f"{stray}: not a database" in err and err.count("\n") == 1
    assert _plain_files(project.parent) == []
    assert stray.read_bytes().startswith(b"not a database")


def test_a_passphrase_change_encrypts_a_plaintext_backup(project: Path) -> None:
    plain_copy = backup_folder(project) / "20260101T000000Z-copied-by-hand.qualcode"
    shutil.copy(project, plain_copy)
    cipher.encrypt_file(project, PASS)
    # A plaintext copy that reappeared (put back by hand, or left by an older qualcode).
    shutil.copy(backup_folder(project).parent / "t.txt", backup_folder(project) / "x.txt")
    Project.create(backup_folder(project) / "20260102T000000Z-plain.qualcode").close()
    done = cipher.change_passphrase(project, PASS, "a new one")
    assert backup_folder(project) / "20260102T000000Z-plain.qualcode" in done.backups
    assert [why for _, why in done.skipped] == [
        "not a database (nothing qualcode wrote); move or delete it"
    ]
    for file in backup_folder(project).glob("*.qualcode"):
        cipher.check_passphrase(file, "a new one")
