"""Encryption at rest (SQLCipher): nothing readable in any file qualcode writes, one-line errors
for a wrong or missing passphrase or a missing extra, and conversions that lose nothing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.errors import QualcodeError
from qualcode.store import cipher
from qualcode.store.backups import list_backups, restore

from .conftest import REPO, run_cli
from .terminal import in_terminal

pytest.importorskip("sqlcipher3", reason="the encryption extra (sqlcipher3) is not installed")

PASS = "correct horse 'battery' \"staple\" é"
SAMPLE = REPO / "transcripts_sample"
CODEBOOK = REPO / "codebooks" / "dussk.yaml"
CODER = "Zebedee Quillfeather"
MEMO = "Quillfeather's memo about the minibus"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private config folder and TMPDIR (both scanned), and the passphrase in the environment."""
    for name in ("config", "tmp"):
        (tmp_path / name).mkdir()
    monkeypatch.setenv("QUALCODE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    monkeypatch.setenv(cipher.PASSPHRASE_ENV, PASS)
    return tmp_path


def sentences() -> list[str]:
    """Whole sentences of the sample transcripts, long enough not to occur by chance."""
    found: list[str] = []
    for path in sorted(SAMPLE.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        found += [s for s in re.split(r"(?<=[.?!])\s+", text) if len(s) > 40][:15]
    assert len(found) > 40
    return found


def readable(folder: Path, needles: list[str]) -> dict[str, list[str]]:
    """Every file under ``folder`` in which one of ``needles`` appears in UTF-8 or UTF-16."""
    hits: dict[str, list[str]] = {}
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for needle in needles:
            if any(needle.encode(e) in data for e in ("utf-8", "utf-16-le")):
                hits.setdefault(str(path.relative_to(folder)), []).append(needle)
    return hits


def encrypted_project(env: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = env / "study" / "study.qualcode"
    path.parent.mkdir()
    code, _out, err = run_cli(capsys, "init", str(path), "--encrypt", "--codebook", str(CODEBOOK))
    assert code == 0, err
    code, _out, err = run_cli(capsys, "import", str(path), *map(str, sorted(SAMPLE.glob("*.txt"))))
    assert code == 0, err
    return path


def test_nothing_readable_in_any_file_written(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = encrypted_project(env, capsys)
    with Project.open(path, actor=CODER, passphrase=PASS) as project:
        names = [c.name for c in project.codes()]
        document = project.documents()[0].name
        text = project.document_text(document)
        for index, turn in enumerate(project.turns(document)[1:40:3]):
            code = project.codes()[index % len(names)].path
            project.apply_code(
                document=document, code=code, coder=CODER, start=turn.body_start, end=turn.end
            )
        project.add_memo(MEMO, coder=CODER)
        project.backup("manual")
        needles = sentences() + [n for n in names if len(n) > 12] + [CODER, MEMO, PASS]
        assert text[project.turns(document)[1].body_start :][:40] in text
        # While the project is open its write-ahead log holds the latest pages: encrypted too.
        assert Path(f"{path}-wal").exists()
        assert readable(env, needles) == {}
    run_cli(capsys, "backups", "create", str(path))
    run_cli(capsys, "codings", str(path))
    assert readable(env, needles) == {}
    assert len(list_backups(path)) == 2
    assert all(cipher.is_encrypted(b.path) for b in list_backups(path))
    # The check is a real one: the same scan finds the text once the file is decrypted.
    assert run_cli(capsys, "decrypt", str(path))[0] == 0
    assert CODER in readable(env, needles).get("study/study.qualcode", [])


def test_wrong_missing_passphrase_and_missing_extra_are_one_line(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = encrypted_project(env, capsys)
    before = path.read_bytes()
    monkeypatch.setenv(cipher.PASSPHRASE_ENV, "not it")
    code, out, err = run_cli(capsys, "documents", str(path))
    assert code == 1 and out == ""
    assert (
        err == f"qualcode: error: {path}: wrong passphrase, or not an encrypted qualcode project\n"
    )
    monkeypatch.delenv(cipher.PASSPHRASE_ENV)
    code, _out, err = run_cli(capsys, "codings", str(path))  # stdin is not a terminal here
    assert code == 1 and len(err.splitlines()) == 1 and "QUALCODE_PASSPHRASE" in err
    with pytest.raises(cipher.EncryptionError, match="encrypted"):
        Project.open(path)
    assert path.read_bytes() == before

    monkeypatch.setitem(sys.modules, "sqlcipher3", None)  # as if the extra were not installed
    monkeypatch.setenv(cipher.PASSPHRASE_ENV, PASS)
    for args in (["documents", str(path)], ["init", str(env / "new.qualcode"), "--encrypt"]):
        code, _out, err = run_cli(capsys, *args)
        assert code == 1
        assert err == (
            "qualcode: error: encrypted projects need SQLCipher; install the encryption extra: "
            "pip install 'qualcode[encryption]'\n"
        )
    assert not (env / "new.qualcode").exists()


def dump(path: Path, passphrase: str | None) -> list[dict[str, object]]:
    with Project.open(path, passphrase=passphrase) as project:
        return [c.to_json() for c in project.codings(include_deleted=True)] + [
            {"log": len(project.log())}
        ]


def test_encrypt_decrypt_and_change_keep_everything(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(cipher.PASSPHRASE_ENV)
    path = env / "plain.qualcode"
    assert run_cli(capsys, "init", str(path), "--codebook", str(CODEBOOK))[0] == 0
    assert run_cli(capsys, "import", str(path), str(SAMPLE / "p01-amy.txt"))[0] == 0
    assert (
        run_cli(
            capsys,
            "code",
            str(path),
            "--coder",
            "ann",
            "--document",
            "p01-amy",
            "--code",
            "Travel support",
            "--quote",
            "bus",
        )[0]
        == 0
    )
    assert run_cli(capsys, "backups", "create", str(path))[0] == 0
    original = dump(path, None)

    monkeypatch.setenv(cipher.PASSPHRASE_ENV, PASS)
    code, out, _err = run_cli(capsys, "encrypt", str(path))
    assert (code, out) == (0, f"encrypted {path} and 1 backup\n")
    assert cipher.is_encrypted(path) and all(
        cipher.is_encrypted(b.path) for b in list_backups(path)
    )
    assert dump(path, PASS) == original
    assert run_cli(capsys, "encrypt", str(path))[2].endswith("already encrypted\n")

    # A backup of the encrypted project restores (it is encrypted with the same passphrase).
    with Project.open(path, passphrase=PASS, actor="ann") as project:
        project.add_memo("after the backup", coder="ann")
    restore(path, list_backups(path)[0].path, passphrase=PASS)
    restored = dump(path, PASS)  # the trail keeps the undone memo and the restore itself
    assert restored == [*original[:-1], {"log": original[-1]["log"] + 2}]  # type: ignore[operator]

    cipher.change_passphrase(path, PASS, "another one")
    with pytest.raises(cipher.EncryptionError, match="wrong passphrase"):
        Project.open(path, passphrase=PASS)
    assert dump(path, "another one") == restored
    monkeypatch.setenv(cipher.PASSPHRASE_ENV, "another one")
    assert run_cli(capsys, "decrypt", str(path))[0] == 0
    assert not cipher.is_encrypted(path)
    assert dump(path, None) == restored
    assert not list(env.rglob("*.converting")) and not list(env.rglob("*.partial"))


def test_a_project_open_elsewhere_is_not_converted(env: Path) -> None:
    path = env / "busy.qualcode"
    with Project.create(path, actor="ann") as project:
        project.add_memo("busy", coder="ann")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from qualcode import Project; "
            f"p = Project.open({str(path)!r}); p.memos(); print('open', flush=True); "
            "sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        with pytest.raises(QualcodeError, match="open in another program|in use"):
            cipher.encrypt_file(path, PASS)
    finally:
        holder.communicate("", timeout=60)
    assert not cipher.is_encrypted(path)
    cipher.encrypt_file(path, PASS)
    with Project.open(path, passphrase=PASS) as project:
        assert [m.text for m in project.memos()] == ["busy"]


def test_the_prompt_does_not_echo_the_passphrase(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = encrypted_project(env, capsys)
    monkeypatch.delenv(cipher.PASSPHRASE_ENV)
    code, output = in_terminal(
        [sys.executable, "-m", "qualcode", "documents", str(path)], b"passphrase", PASS
    )
    assert code == 0, output
    assert "p01-amy" in output
    assert PASS not in output and "battery" not in output


def test_only_an_encrypted_project_looks_encrypted(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = encrypted_project(env, capsys)
    assert cipher.is_encrypted(path)
    others = {
        "text.qualcode": b"Interviewer: hello\n" * 200,
        "page_of_text.qualcode": b"a" * 4096,  # a whole number of pages, but text
        "odd_size.qualcode": path.read_bytes()[:-1],  # random bytes, not whole pages
        "empty.qualcode": b"",
    }
    for name, data in others.items():
        (env / name).write_bytes(data)
        assert not cipher.is_encrypted(env / name), name
        code, _out, err = run_cli(capsys, "documents", str(env / name))
        assert code == 1 and "passphrase" not in err and len(err.splitlines()) == 1
