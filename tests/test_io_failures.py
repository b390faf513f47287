"""Disk failures give one true line (issue 14, item 13), on real failing storage: a small tmpfs
filled to the last byte (ENOSPC), the same remounted read-only (EROFS), and a file-size limit
(RLIMIT_FSIZE, EFBIG) in a child process. Mounting needs root; without it these are skipped.

- ``export all`` to a full disk: one line, not a traceback per half-written sheet;
- an encrypted project on a full disk: "cannot be opened (disk I/O error ...)", not "wrong
  passphrase";
- ``backups create`` where the backup folder cannot be made: one line, not exit 70;
- ``encrypt`` whose write-ahead log cannot be folded in under a file-size limit: not "in use".
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.store import cipher

REPO = Path(__file__).resolve().parents[1]
PASS = "pass phrase"


def qualcode(*args: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def file_size_limit() -> None:
        if limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = dict(os.environ, **{cipher.PASSPHRASE_ENV: PASS})
    return subprocess.run(
        [sys.executable, "-m", "qualcode", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        preexec_fn=file_size_limit,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("qualcode: error: ")
    return result.stderr


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    point = tmp_path / "disk"
    point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(point)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], check=True)


def fill(disk: Path) -> None:
    with (disk / "filler").open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass
    with (disk / "filler-tail").open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0")
        except OSError:
            pass


def _project(path: Path, passphrase: str | None = None) -> Path:
    with Project.create(path, actor="ann", passphrase=passphrase) as project:
        project.add_code("Bus")
        for n in range(40):
            project.add_code(f"Code {n}", definition="words " * 40)
    return path


def test_export_all_to_a_full_disk_is_one_line(tmp_path: Path, small_disk: Path) -> None:
    project = _project(tmp_path / "study.qualcode")
    fill(small_disk)
    err = one_line(qualcode("export", "all", str(project), "-o", str(small_disk / "all.xlsx")))
    assert "No space left on device" in err and "Exception ignored" not in err
    assert not [p.name for p in small_disk.iterdir() if not p.name.startswith("filler")]


@pytest.mark.skipif(not cipher.available(), reason="SQLCipher not installed")
def test_an_encrypted_project_on_a_full_disk_is_not_a_wrong_passphrase(small_disk: Path) -> None:
    project = _project(small_disk / "secret.qualcode", PASS)
    fill(small_disk)
    err = one_line(qualcode("documents", str(project)))
    assert "wrong passphrase" not in err and "cannot be opened (disk i/o error" in err


def test_backups_on_a_read_only_disk_is_one_line(small_disk: Path) -> None:
    project = _project(small_disk / "study.qualcode")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    err = one_line(qualcode("backups", "create", str(project)))
    assert "Read-only file system" in err and "internal error" not in err


@pytest.mark.skipif(not cipher.available(), reason="SQLCipher not installed")
def test_encrypt_under_a_file_size_limit_is_not_in_use(tmp_path: Path) -> None:
    project = _project(tmp_path / "study.qualcode")
    # A writer killed after its commits leaves them in the write-ahead log.
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from qualcode import Project\n"
            f"p = Project.open({str(project)!r}, actor='ann')\n"
            "for n in range(300): p.add_memo('memo text ' * 60, coder='ann')\n"
            "print('written', flush=True); sys.stdin.read()",
        ],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdout.readline() == "written\n"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=60)
    assert Path(f"{project}-wal").stat().st_size > 0
    err = one_line(qualcode("encrypt", str(project), limit=project.stat().st_size))
    assert "in use" not in err and "a file-size limit" in err
    assert not cipher.is_encrypted(project)
    with Project.open(project) as opened:  # nothing lost
        assert len(opened.memos()) == 300


def test_pseudonymise_says_the_work_is_saved_when_the_log_cannot_be_emptied(
    tmp_path: Path,
) -> None:
    project = tmp_path / "study.qualcode"
    source = tmp_path / "p01.txt"
    source.write_text("Interviewer: Who came?\n\nAmy: Amy came, and Rachel came with Amy.\n" * 40)
    with Project.create(project, actor="ann") as opened:
        assert opened.import_files([source])[0].error is None
    names = tmp_path / "names.csv"
    names.write_text("name\nAmy\nRachel\n")
    # The commit goes to the write-ahead log; folding it into the file would grow the file
    # past the limit.
    result = qualcode(
        "pseudonymise", str(project), "--names", str(names), "--yes", limit=project.stat().st_size
    )
    err = one_line(result)
    assert "the replacements are saved" in err and "internal error" not in err
    with Project.open(project) as opened:  # saved, and the next run empties the log
        (document,) = opened.documents()
        assert "Amy" not in opened.document_text(document.name)
    assert not Path(f"{project}-wal").exists()
