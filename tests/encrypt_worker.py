"""The program tests/test_encrypt_resume.py kills in the middle of ``encrypt_file``.

Run as ``python tests/encrypt_worker.py PROJECT PASSPHRASE``. Each time a file has been
converted (the real conversion has returned) it prints ``converted PATH`` and waits for a line
on stdin before going on, so the test can send SIGKILL at exactly that point: not after a
guessed delay. It prints ``finished`` at the end.
"""

from __future__ import annotations

import sys
from pathlib import Path

from qualcode.store import cipher

_convert = cipher.convert


def _reporting(source: Path, target: Path, old: str | None, new: str | None) -> None:
    _convert(source, target, old, new)
    sys.stdout.write(f"converted {target}\n")
    sys.stdout.flush()
    sys.stdin.readline()


cipher.convert = _reporting  # type: ignore[assignment]
cipher.encrypt_file(sys.argv[1], sys.argv[2])
sys.stdout.write("finished\n")
sys.stdout.flush()
