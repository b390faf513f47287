"""Run a command on a pseudo-terminal and answer its first prompt, as a person would: the tests
of prompts that must not echo what is typed (passphrases, server passwords)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def in_terminal(command: list[str], prompt: bytes, answer: str) -> tuple[int, str]:
    """Start ``command``, wait for ``prompt`` (case-insensitive), type ``answer`` and Enter;
    return the exit status and everything the terminal showed."""
    parent, child = pty.openpty()
    process = subprocess.Popen(
        command,
        stdin=child,
        stdout=child,
        stderr=child,
        cwd=REPO,
        env=os.environ.copy(),
        close_fds=True,
    )
    os.close(child)
    seen = b""
    try:
        while prompt.lower() not in seen.lower():
            seen += _read(parent)
        os.write(parent, answer.encode() + b"\n")
        while chunk := _read(parent):
            seen += chunk
    finally:
        process.wait(timeout=60)
        os.close(parent)
    return process.returncode, seen.decode("utf-8", "replace")


def _read(fd: int) -> bytes:
    ready, _, _ = select.select([fd], [], [], 60)
    if not ready:
        raise AssertionError("the command printed nothing for 60 s")
    try:
        return os.read(fd, 4096)
    except OSError:  # the child closed the terminal
        return b""
