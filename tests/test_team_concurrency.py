"""Four coders at once on one PostgreSQL project: 4 processes x 5,000 coding actions.

Afterwards every action reported done is present exactly once (as a coding row and as an audit
event), nothing else is, and the agreement of the four coders equals the agreement computed on
a project built serially from the same actions.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.agreement.report import agreement_report
from qualcode.codebook import load_codebook

from .conftest import REPO

CODERS = 4
ACTIONS = 5000
SAMPLE = sorted((REPO / "transcripts_sample").glob("*.txt"))
CODEBOOK = REPO / "codebooks" / "dussk.yaml"


Action = tuple[str, str, int, int, str]


def replay(log: Path) -> tuple[list[Action], set[tuple[str, int, int, str]]]:
    """The actions in a worker's log, in order, and the codings they leave."""
    done: list[Action] = []
    held: set[tuple[str, int, int, str]] = set()
    for expected, line in enumerate(log.read_text(encoding="utf-8").splitlines()):
        n, op, document, start, end, code = line.split(" ", 5)
        assert int(n) == expected, "actions are logged in order, none twice"
        key = (document, int(start), int(end), code)
        (held.add if op == "apply" else held.remove)(key)
        done.append((op, document, int(start), int(end), code))
    return done, held


@pytest.mark.slow
def test_four_coders_at_once_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    with Project.create(pg_url, actor="lead") as project:
        project.import_codebook(load_codebook(CODEBOOK))
        assert all(o.error is None for o in project.import_files(SAMPLE))
    logs = [tmp_path / f"c{i}.log" for i in range(CODERS)]
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.team_worker",
                pg_url,
                f"c{i}",
                str(ACTIONS),
                str(i),
                str(logs[i]),
            ],
            cwd=REPO,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(CODERS)
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=900)
        assert worker.returncode == 0, err[-2000:]

    expected: set[tuple[str, str, int, int, str]] = set()
    applies: Counter[str] = Counter()
    removes: Counter[str] = Counter()
    for i, log in enumerate(logs):
        done, held = replay(log)
        assert len(done) == ACTIONS
        coder = f"c{i}"
        expected |= {(coder, *key) for key in held}
        applies[coder] = sum(op == "apply" for op, *_ in done)
        removes[coder] = ACTIONS - applies[coder]

    with Project.open(pg_url) as project:
        every = project.codings(include_deleted=True)
        active = {(c.coder, c.document, c.start, c.end, c.code) for c in every if not c.deleted_at}
        assert active == expected
        # Each apply made exactly one row; each remove marked exactly one row removed.
        assert Counter(c.coder for c in every) == applies
        assert Counter(c.coder for c in every if c.deleted_at) == removes
        log = project.log(action="coding.")
        assert Counter(e.actor for e in log if e.action == "coding.apply") == applies
        assert Counter(e.actor for e in log if e.action == "coding.remove") == removes
        coders = [f"c{i}" for i in range(CODERS)]
        online = agreement_report(project, coders=coders, unit="turn", n_boot=50)

    # The same final codings, built serially in a project file, give the same agreement.
    table = tmp_path / "final.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["document", "code", "coder", "start", "end"])
        for coder, document, start, end, code in sorted(expected):
            writer.writerow([document, code, coder, start, end])
    with Project.create(tmp_path / "serial.qualcode", actor="lead") as serial:
        serial.import_codebook(load_codebook(CODEBOOK))
        serial.import_files(SAMPLE)
        assert serial.import_codings(table).applied == len(expected)
        offline = agreement_report(serial, coders=coders, unit="turn", n_boot=50)
    assert online == offline
    assert online["overall"]["units"] > 100
