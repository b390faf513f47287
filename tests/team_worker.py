"""One coder's stream of coding actions against a shared project, run as its own process by the
concurrency test and the team benchmark::

    python -m tests.team_worker URL CODER ACTIONS SEED LOG

Each action codes or uncodes one (document, turn, code) for this coder, chosen by a seeded
generator, so the stream is the same whatever the other coders do (a coder only ever touches
their own codings). Every action reported done by the library is appended to LOG, one line each
(``n apply|remove document start end code``), before the next starts.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

from qualcode import Project

CODES = 12
"""How many codes the stream uses: few, so that removals happen often."""
TURNS = 40
"""Turns per document used."""


def plan(project: Project, seed: int, actions: int) -> list[tuple[str, str, int, int, str]]:
    """The stream of actions: (op, document, start, end, code); op toggles the coding."""
    codes = [c.path for c in project.codes() if c.codable][:CODES]
    turns = {
        d.name: [(t.body_start, t.end) for t in project.turns(d.name)[:TURNS]]
        for d in project.documents()
    }
    rng = random.Random(seed)
    documents = sorted(turns)
    held: set[tuple[str, int, int, str]] = set()
    out = []
    for _ in range(actions):
        document = rng.choice(documents)
        start, end = rng.choice(turns[document])
        code = rng.choice(codes)
        key = (document, start, end, code)
        op = "remove" if key in held else "apply"
        held.symmetric_difference_update({key})
        out.append((op, document, start, end, code))
    return out


def run(url: str, coder: str, actions: int, seed: int, log: Path) -> None:
    with Project.open(url, actor=coder) as project:
        stream = plan(project, seed, actions)
        handle = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for n, (op, document, start, end, code) in enumerate(stream):
                action = project.apply_code if op == "apply" else project.remove_code
                action(document=document, code=code, coder=coder, start=start, end=end)
                os.write(handle, f"{n} {op} {document} {start} {end} {code}\n".encode())
        finally:
            os.close(handle)


if __name__ == "__main__":
    url, coder, count, seed, log = sys.argv[1:6]
    run(url, coder, int(count), int(seed), Path(log))
