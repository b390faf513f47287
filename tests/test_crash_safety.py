"""Killing qualcode mid-action never loses an action it reported done, nor damages the file.

``tests/crash_worker.py`` codes and uncodes spans of one document, printing a line after each call
returns. It is killed with SIGKILL right after it reports a random (seeded) number of actions, 1 to
4, while it is already on the next one, again and again on the same project, each run resuming
where the last one stopped. After every kill the project must open, pass
``PRAGMA integrity_check``, and hold every action reported before the kill.

The kill follows a reported action, not a delay, so the test does the same on a busy machine as on
an idle one (a timed kill could land before the first action when the machine is slow).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qualcode import Project

from .crash_worker import ACTIONS, CODE, DOCUMENT, SPAN, is_removal

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="needs fork and SIGKILL (POSIX only)"
)

WORKER = Path(__file__).with_name("crash_worker.py")
KILLS = 60
SEED = 20261125


def _project(tmp_path: Path) -> Path:
    text = " ".join(["The participant spoke about the clinic and the long wait."] * 20)
    assert len(text) >= ACTIONS + SPAN
    source = tmp_path / f"{DOCUMENT}.txt"
    source.write_text(text + "\n", encoding="utf-8")
    path = tmp_path / "crash.qualcode"
    with Project.create(path, actor="tester") as project:
        project.add_code(CODE)
        project.import_files([source])
    return path


def _check(path: Path, applied: dict[int, str], removed: set[str], attempted: int) -> None:
    """The project opens, is intact and holds every action reported done."""
    with Project.open(path) as project:
        codings = {c.uuid: c for c in project.codings(document=DOCUMENT, include_deleted=True)}
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        connection.close()
    for k, uuid in applied.items():
        assert uuid in codings, f"action {k} (apply) was reported done but is missing"
        assert (codings[uuid].start, codings[uuid].end) == (k, k + SPAN)
    for uuid in removed:
        assert codings[uuid].deleted_at is not None, f"removal of {uuid} reported but not saved"
    # At most the one action under way when killed may be saved without having been reported.
    assert len(codings) <= len([k for k in range(attempted + 1) if not is_removal(k)])


def test_sigkill_never_loses_a_reported_action(tmp_path: Path) -> None:
    path = _project(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    worker = subprocess.Popen(
        [sys.executable, str(WORKER), str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert worker.stdin is not None and worker.stdout is not None
    rng = random.Random(SEED)
    applied: dict[int, str] = {}
    removed: set[str] = set()
    done = kills = 0
    began = time.monotonic()
    try:
        assert worker.stdout.readline() == "ready\n"
        while kills < KILLS and done < ACTIONS:
            worker.stdin.write(f"run {done}\n")
            worker.stdin.flush()
            opened = worker.stdout.readline().split()
            assert opened[:1] == ["open"], opened
            wait_for = rng.randint(1, 4)
            seen = 0
            killed = False
            while not (line := worker.stdout.readline()).startswith("reaped"):
                assert line, "the worker died"
                kind, k, uuid, *_ = line.split() + ["", "", ""]
                if kind == "apply":
                    applied[int(k)] = uuid
                elif kind == "remove":
                    removed.add(uuid)
                else:
                    assert kind == "finished", line
                if kind != "finished":
                    assert int(k) == done, line
                    done += 1
                    seen += 1
                if not killed and (seen >= wait_for or kind == "finished"):
                    # The child is already on its next action (or waits for this when finished).
                    os.kill(int(opened[1]), signal.SIGKILL)
                    killed = True
            status = int(line.split()[1])
            if os.WIFSIGNALED(status):
                assert os.WTERMSIG(status) == signal.SIGKILL
                kills += 1
            _check(path, applied, removed, done)
    finally:
        worker.stdin.close()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        worker.stdout.close()
    elapsed = time.monotonic() - began
    print(
        f"\ncrash test: {kills} kills, {done} actions checked ({len(applied)} codings, "
        f"{len(removed)} removals) in {elapsed:.1f} s"
    )
    assert kills >= 50 or done == ACTIONS
    assert done > kills  # the kills came while actions were being saved, not only before
