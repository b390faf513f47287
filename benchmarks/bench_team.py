"""Coding actions per second on one PostgreSQL project with 1, 2 and 4 coders at once.

Run from the repository root: ``python benchmarks/bench_team.py [--actions N] [--url URL]``.
Without ``--url`` it starts a throwaway cluster (tests/pg_cluster.py; PostgreSQL must be
installed). Each coder is its own process running tests/team_worker.py: N actions, each a
committed transaction (apply or remove a coding), against a fresh database per round.
For comparison the same single-coder stream runs on a project file.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualcode import Project  # noqa: E402
from qualcode.codebook import load_codebook  # noqa: E402
from tests import pg_cluster  # noqa: E402

SAMPLE = sorted((ROOT / "transcripts_sample").glob("*.txt"))


def fresh_project(target: str) -> None:
    with Project.create(target, actor="lead") as project:
        project.import_codebook(load_codebook(ROOT / "codebooks" / "dussk.yaml"))
        project.import_files(SAMPLE)


def round_(target: str, coders: int, actions: int, folder: Path) -> float:
    """Seconds for ``coders`` processes to finish ``actions`` each (from the first start)."""
    started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.team_worker",
                target,
                f"c{i}",
                str(actions),
                str(i),
                str(folder / f"{uuid.uuid4().hex}.log"),
            ],
            cwd=ROOT,
        )
        for i in range(coders)
    ]
    for worker in workers:
        if worker.wait() != 0:
            raise SystemExit("a worker failed")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actions", type=int, default=2000)
    parser.add_argument("--url", help="A PostgreSQL superuser URL (default: start a cluster).")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qualcode-bench-team-"))
    cluster = Path(tempfile.mkdtemp(prefix="qualcode-pg-"))
    admin_url = args.url or pg_cluster.start(cluster)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    print(f"{args.actions:,} actions per coder; each action one committed transaction")
    print("(worker start-up, about 1 s per process, is included)")
    try:
        file_target = str(folder / "one.qualcode")
        fresh_project(file_target)
        took = round_(file_target, 1, args.actions, folder)
        print(f"  project file, 1 coder : {took:6.1f} s  {args.actions / took:7.0f} actions/s")
        base = None
        for coders in (1, 2, 4):
            name = f"bench_{uuid.uuid4().hex[:8]}"
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            target = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
            fresh_project(target)
            took = round_(target, coders, args.actions, folder)
            rate = coders * args.actions / took
            base = base or rate
            print(
                f"  PostgreSQL, {coders} coder{'s' if coders > 1 else ' '}: {took:6.1f} s  "
                f"{rate:7.0f} actions/s  ({rate / base:.2f}x one coder)"
            )
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
        if not args.url:
            pg_cluster.stop(cluster)


if __name__ == "__main__":
    main()
