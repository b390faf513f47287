"""Nothing from a project reaches a terminal as an escape sequence (issue 14, item 8).

A transcript, a code, a memo and a coder name carrying an OSC 52 clipboard write, a window title
and a bell are printed by ``show``, ``codings``, ``memo list``, ``coders list`` and ``log`` on a
real pseudo-terminal: the terminal receives none of the control characters, only a visible
replacement; newlines and tabs stay. A pipe still gets the stored text exactly. New coder names
with control characters and documents with a NUL are refused in one line.
"""

from __future__ import annotations

import os
import pty
import select
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.errors import QualcodeError
from qualcode.terminal import terminal_safe

from .conftest import run_cli

REPO = Path(__file__).resolve().parents[1]
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"
TITLE = "\x1b]0;pwned\x07"
HOSTILE = f"{CLIPBOARD}{TITLE}\x9b2J"


def on_terminal(*args: str) -> bytes:
    """Run ``qualcode ARGS`` with stdout and stderr on a pseudo-terminal; all it showed."""
    parent, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "qualcode", *args],
        stdin=subprocess.DEVNULL,
        stdout=child,
        stderr=child,
        cwd=REPO,
        close_fds=True,
    )
    os.close(child)
    seen = b""
    try:
        while True:
            ready, _, _ = select.select([parent], [], [], 120)
            assert ready, "the command printed nothing for 120 s"
            try:
                chunk = os.read(parent, 65536)
            except OSError:  # the command exited and closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    finally:
        process.wait(timeout=120)
        os.close(parent)
    assert process.returncode == 0, seen
    return seen


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("escapes")
    source = folder / "int.txt"
    source.write_text(f"Amy: I came by bus {HOSTILE} to the group.\n\tIndented line.\n")
    path = folder / "study.qualcode"
    with Project.create(path, actor="tester") as opened:
        assert opened.import_files([source])[0].error is None
        opened.add_code(f"Bus{TITLE}")
        text = opened.document_text("int")
        opened.apply_code(
            document="int", code=f"Bus{TITLE}", coder="ann", start=5, end=text.index(" to the")
        )
        opened.add_memo(f"memo {CLIPBOARD} here", coder="ann")
    # A coder name from before names were checked (or from another tool's file).
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE coders SET name = ? WHERE name = 'ann'", (f"ann{TITLE}",))
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["show", "{p}", "int"],
        ["show", "{p}", "int", "--turns"],
        ["codings", "{p}"],
        ["memo", "list", "{p}"],
        ["coders", "list", "{p}"],
        ["log", "{p}", "--limit", "0"],
        ["codebook", "show", "{p}"],
    ],
)
def test_no_control_character_reaches_the_terminal(project: Path, command: list[str]) -> None:
    shown = on_terminal(*[part.format(p=project) for part in command])
    text = shown.decode("utf-8")
    controls = {c for c in text if (ord(c) < 32 and c not in "\n\r\t") or 0x7F <= ord(c) <= 0x9F}
    assert controls == set(), f"{command[0]} sent {controls!r} to the terminal"
    assert "]52;c;" in text or "pwned" in text


def test_show_keeps_the_layout_and_a_pipe_gets_the_stored_text(project: Path) -> None:
    shown = on_terminal("show", str(project), "int").decode("utf-8")
    assert "\tIndented line." in shown and "\ufffd" in shown
    piped = subprocess.run(
        [sys.executable, "-m", "qualcode", "show", str(project), "int"],
        capture_output=True,
        cwd=REPO,
        check=True,
    )
    assert HOSTILE.encode() in piped.stdout


def test_terminal_safe_keeps_newlines_and_tabs() -> None:
    assert terminal_safe("a\tb\nc\x1b[2Jd\x07\x9b\x7f") == "a\tb\nc\ufffd[2Jd\ufffd\ufffd\ufffd"


def test_coder_names_with_control_characters_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.qualcode"
    with Project.create(path, actor="tester") as opened:
        with pytest.raises(QualcodeError, match="holds control characters"):
            opened.add_coder(f"eve{TITLE}")
        opened.add_code("Bus")
        with pytest.raises(QualcodeError, match="holds control characters"):
            opened.add_memo("x", coder="eve\x07")
    code, _, err = run_cli(capsys, "coders", "add", str(path), f"eve{CLIPBOARD}")
    assert code == 1 and err.count("\n") == 1 and "holds control characters" in err
    assert "\x1b" not in err


def test_a_document_with_a_nul_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "nul.txt"
    source.write_text("Amy: hello\nBen: a NUL \x00 here\n")
    path = tmp_path / "p.qualcode"
    Project.create(path, actor="tester").close()
    code, _, err = run_cli(capsys, "import", str(path), str(source))
    assert code == 1 and err.count("\n") == 1
    assert f"{source}: line 2: contains NUL characters" in err
    with Project.open(path) as opened:
        assert opened.documents() == []
