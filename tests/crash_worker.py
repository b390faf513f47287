"""The program tests/test_crash_safety.py kills: coding actions on a project, each reported done.

Run as ``python tests/crash_worker.py PROJECT``. It imports qualcode once, then for each line
``run START`` read from stdin forks a child that opens the project and performs actions START,
START+1, ... up to ``ACTIONS``, printing one line per action (and flushing) only after the call
has returned. The test sends the child SIGKILL at a random moment; the parent reaps it and
prints ``reaped STATUS``. Forking spares each run the second it takes to import qualcode, so
fifty kills fit in a few seconds; the parent itself never opens the project.

Action ``k`` is fixed by ``k`` alone, so a run can resume where a killed one stopped: every third
action removes the coding made by the action before it, the others code the span
``[k, k + SPAN)`` of the document ``doc`` with the code ``theme`` as coder ``ann``.
"""

from __future__ import annotations

import os
import sys
import time

ACTIONS = 1000
SPAN = 7
DOCUMENT, CODE, CODER = "doc", "theme", "ann"


def is_removal(k: int) -> bool:
    return k % 3 == 2


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _run(path: str, start: int) -> None:
    from qualcode import Project

    with Project.open(path) as project:
        by_start = {c.start: c for c in project.codings(document=DOCUMENT, include_deleted=True)}
        _say(f"open {os.getpid()}")
        for k in range(start, ACTIONS):
            if is_removal(k):
                target = by_start[k - 1]
                if k == start and target.deleted_at is not None:
                    # Committed by the killed run just before it could say so.
                    _say(f"remove {k} {target.uuid} resumed")
                    continue
                project.remove_coding(target.uuid)
                _say(f"remove {k} {target.uuid}")
            else:
                done = by_start.get(k) if k == start else None
                if done is None:
                    done = project.apply_code(
                        document=DOCUMENT, code=CODE, coder=CODER, start=k, end=k + SPAN
                    )
                    by_start[k] = done
                    _say(f"apply {k} {done.uuid}")
                else:
                    _say(f"apply {k} {done.uuid} resumed")
        _say("finished")
    # Wait for the kill, so that the test never signals a process id already reused.
    time.sleep(5)


def main(path: str) -> None:
    from qualcode import Project  # noqa: F401  (imported once here, before any fork)

    _say("ready")
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command != "run":
            break
        child = os.fork()
        if child == 0:
            code = 0
            try:
                _run(path, int(argument))
            except BaseException as exc:  # report it to the test rather than die silently
                _say(f"error {type(exc).__name__}: {exc}")
                code = 1
            finally:
                os._exit(code)
        _, status = os.waitpid(child, 0)
        _say(f"reaped {status}")


if __name__ == "__main__":
    main(sys.argv[1])
