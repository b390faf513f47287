"""The command line end to end, in a temporary folder: every command, JSON shapes, exit codes,
one-line errors without tracebacks, and a cheap ``--help``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from qualcode.cli import main

from .conftest import PROJECT_DATA, run_python


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> object:
        return json.loads(self.out)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUALCODE_USER", "cli-tester")

    def invoke(*args: str) -> Result:
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def study(run, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    shutil.copy(PROJECT_DATA / "interview.txt", tmp_path / "interview.txt")
    result = run("init", "study.qualcode", "--codebook", str(PROJECT_DATA / "codebook.yaml"))
    assert result.code == 0, result.err
    assert "created study.qualcode with 11 codes" in result.out
    result = run("import", "study.qualcode", "interview.txt")
    assert result.code == 0, result.err
    return "study.qualcode"


def test_init_import_and_documents(run, study: str) -> None:  # type: ignore[no-untyped-def]
    listed = run("documents", study, "--json").json()
    assert [(d["name"], d["turns"], d["speakers"]) for d in listed] == [("interview", 7, 2)]
    assert {"name", "words", "turns", "speakers"} <= set(listed[0])
    table = run("documents", study)
    assert "interview" in table.out and table.code == 0
    assert run("show", study, "interview").out.startswith("FICTIONAL TRANSCRIPT")
    turns = run("show", study, "interview", "--turns").out.splitlines()
    assert len(turns) == 7 and "P01" in turns[2]


def test_import_reports_each_file_and_fails_only_the_bad_ones(
    run, study: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "good.txt").write_text("Interviewer: Hi.\n\nP05: Hello.\n", encoding="utf-8")
    (tmp_path / "old.doc").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    result = run("import", study, "good.txt", "old.doc", "--kind", "interview")
    assert result.code == 1
    assert "imported good: 2 words, 2 turns, 2 speakers" in result.out
    [error] = result.err.strip().splitlines()
    assert error.startswith("qualcode: error: old.doc: ") and "Traceback" not in result.err
    names = [d["name"] for d in run("documents", study, "--json").json()]
    assert names == ["good", "interview"]


def test_code_codings_remove_and_log(run, study: str) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "code",
        study,
        "--coder",
        "ann",
        "--document",
        "interview",
        "--code",
        "Barriers/Travel",
        "--quote",
        "the bus",
    )
    assert result.code == 0 and "coded interview" in result.out
    run(
        "code",
        study,
        "--coder",
        "bo",
        "--document",
        "interview",
        "--code",
        "Safety",
        "--start",
        "0",
        "--end",
        "10",
    )
    rows = run("codings", study, "--json").json()
    assert [(r["coder"], r["code"]) for r in rows] == [("bo", "Safety"), ("ann", "Barriers/Travel")]
    assert set(rows[0]) >= {"document", "code", "coder", "start", "end", "text", "origin"}
    assert rows[1]["text"].lower() == "the bus"
    removed = run(
        "code",
        study,
        "--coder",
        "ann",
        "--document",
        "interview",
        "--code",
        "Barriers/Travel",
        "--quote",
        "the bus",
        "--remove",
    )
    assert removed.code == 0 and "removed" in removed.out
    assert len(run("codings", study, "--json").json()) == 1
    log = run("log", study, "--json", "--action", "coding.").json()
    assert [e["action"] for e in log] == ["coding.remove", "coding.apply", "coding.apply"]
    assert run("log", study).code == 0


def test_errors_are_one_line_with_exit_status(run, study: str) -> None:  # type: ignore[no-untyped-def]
    cases = [
        (
            "code",
            study,
            "--coder",
            "a",
            "--document",
            "interview",
            "--code",
            "Travel",
            "--quote",
            "bus",
        ),
        ("code", study, "--coder", "a", "--document", "nope", "--code", "Safety", "--quote", "bus"),
        ("code", study, "--coder", "a", "--document", "interview", "--code", "Safety"),
        ("documents", "missing.qualcode"),
        ("import", study, "nothing-here.txt"),
        ("codebook", "import", study, "nothing.yaml"),
    ]
    for args in cases:
        result = run(*args)
        assert result.code != 0, args
        lines = result.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("qualcode: error: "), (args, result.err)
    assert run("codings", study, "--bogus-flag").code == 2


def test_codebook_show_export_import_add(run, study: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shown = run("codebook", "show", study).out
    assert "Barriers (0)" in shown and "  Travel (0)" in shown
    exported = tmp_path / "out.yaml"
    assert run("codebook", "export", study, "-o", str(exported)).code == 0
    assert run("codebook", "validate", str(exported)).out.strip().endswith("11 codes")
    assert (
        run(
            "codebook",
            "add",
            study,
            "Childcare",
            "--parent",
            "Barriers",
            "--keyword",
            "kids",
            "--color",
            "#123",
        ).code
        == 0
    )
    codes = {c["path"]: c for c in run("codebook", "show", study, "--json").json()}
    assert codes["Barriers/Childcare"]["color"] == "#112233"
    result = run("codebook", "import", study, str(exported))
    assert "0 codes added, 0 updated, 11 unchanged" in result.out


def test_cases_speakers_coders_memos(run, study: str) -> None:  # type: ignore[no-untyped-def]
    assert run("cases", "import", study, str(PROJECT_DATA / "cases.csv")).code == 0
    assert run("cases", "add", study, "S01", "group=staff", "site=Hub").code == 0
    assert run("cases", "set", study, "S01", "years=4").code == 0
    assert (
        run(
            "cases", "assign", study, "S01", "--document", "interview", "--speaker", "Interviewer"
        ).code
        == 0
    )
    listed = {c["name"]: c for c in run("cases", "list", study, "--json").json()}
    assert listed["S01"]["attributes"] == {"group": "staff", "site": "Hub", "years": 4}
    assert listed["S01"]["speakers"] == ["interview: Interviewer"]
    assert listed["P01"]["documents"] == ["interview"]
    assert run("speakers", "set", study, "interview", "Interviewer", "--role", "staff").code == 0
    speakers = run("speakers", "list", study, "--json").json()
    assert {s["label"]: s["role"] for s in speakers} == {
        "Interviewer": "staff",
        "P01": "participant",
    }
    assert run("coders", "add", study, "sue", "--role", "supervisor").code == 0
    assert "sue (supervisor)" in run("coders", "list", study).out
    added = run("memo", "add", study, "Think about travel", "--coder", "ann", "--code", "Barriers")
    assert added.code == 0
    memos = run("memo", "list", study, "--json").json()
    assert [(m["target_type"], m["target"], m["text"]) for m in memos] == [
        ("code", "Barriers", "Think about travel")
    ]
    uuid = memos[0]["uuid"]
    # With a supervisor the project is a team project: a memo is changed by its author only.
    refused = run("memo", "edit", study, uuid, "Changed", "--coder", "bo")
    assert refused.code == 1 and "bo may not edit the memos of ann" in refused.err
    assert run("memo", "edit", study, uuid, "Changed", "--coder", "ann").code == 0
    assert run("memo", "delete", study, uuid, "--coder", "sue").code == 0
    assert run("memo", "list", study, "--json").json() == []


def test_import_codings_command(run, study: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "codings.csv"
    sheet.write_text(
        "document,code,coder,quote\ninterview,Safety,ann,Women only\n", encoding="utf-8"
    )
    result = run("import-codings", study, str(sheet))
    assert result.code == 0 and "1 codings applied" in result.out
    sheet.write_text("document,code,coder,quote\ninterview,Nope,ann,x\n", encoding="utf-8")
    bad = run("import-codings", study, str(sheet))
    assert bad.code == 1 and "nothing was imported" in bad.err


def test_every_command_has_help(run) -> None:  # type: ignore[no-untyped-def]
    from qualcode.cli import cli

    context = click.Context(cli)

    def walk(group, prefix):  # type: ignore[no-untyped-def]
        for name in group.list_commands(context):  # click's API: loads lazy commands too
            command = group.get_command(context, name)
            yield [*prefix, name]
            if isinstance(command, click.Group):
                yield from walk(command, [*prefix, name])

    paths = list(walk(cli, []))
    assert len(paths) > 20
    for path in paths:
        result = run(*path, "--help")
        assert result.code == 0 and "Usage:" in result.out, path


def test_help_imports_neither_spacy_nor_textual() -> None:
    code = (
        "import sys\n"
        "from qualcode.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('spacy', 'textual', 'sqlalchemy') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = run_python(code)
    assert "Usage:" in out.stdout
    assert "HEAVY []" in out.stdout


def test_console_script_runs_from_a_shell(tmp_path: Path) -> None:
    """The installed entry point, as a user types it (no in-process shortcuts)."""
    beside = Path(sys.executable).with_name("qualcode")
    exe = str(beside) if beside.exists() else shutil.which("qualcode")
    if exe is None:
        pytest.skip("the qualcode command is not installed (pip install -e .)")
    out = subprocess.run(
        [exe, "init", str(tmp_path / "s.qualcode")], capture_output=True, text=True
    )
    assert out.returncode == 0 and "created" in out.stdout
    missing = subprocess.run(
        [exe, "documents", str(tmp_path / "nope.qualcode")], capture_output=True, text=True
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("qualcode: error: ") and "Traceback" not in missing.stderr
