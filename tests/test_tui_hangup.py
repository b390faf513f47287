"""The terminal UI ends when its terminal goes away without SIGHUP (issue 14, item 14).

``qualcode open`` runs on a pseudo-terminal that is not its controlling terminal, so closing
the terminal's master side sends no SIGHUP: the app only sees the hang-up on its file
descriptors. Before the fix its input thread read end-of-file in a loop at full CPU forever.
Nothing is timed: the test waits for the first screen, closes the terminal and waits (with a
generous bound) for the process to end.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from qualcode import Project

REPO = Path(__file__).resolve().parents[1]


def test_the_app_exits_when_its_terminal_closes(tmp_path: Path) -> None:
    path = tmp_path / "study.qualcode"
    Project.create(path, actor="ann").close()
    env = dict(
        os.environ,
        TERM="xterm-256color",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        HOME=str(tmp_path),
    )
    parent, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "qualcode", "open", str(path), "--coder", "ann"],
        stdin=child,
        stdout=child,
        stderr=child,
        cwd=REPO,
        env=env,
        close_fds=True,
    )
    os.close(child)
    try:
        seen = b""
        while b"coder: ann" not in seen:  # the first screen is drawn
            ready, _, _ = select.select([parent], [], [], 120)
            assert ready, f"the app drew nothing for 120 s: {seen[-300:]!r}"
            seen += os.read(parent, 65536)
    finally:
        os.close(parent)  # the terminal goes away; no SIGHUP is sent
    try:
        process.wait(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError("the app kept running after its terminal closed") from None
    with Project.open(path) as project:  # closed cleanly: the project opens
        assert project.setting("app") == "qualcode"
