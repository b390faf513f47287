"""How fast commands start, side by side with the floors they are measured against, in one run.

    python benchmarks/bench_startup.py [--rounds 15]

Each command runs in a new process, as a user types it, interleaved round by round so that a
passing load touches all of them alike; the best of the rounds is printed with its ratio to its
floor (goals from the speed issue):
- ``python -c "from qualcode import Project"``  <= 1.5x ``python -c "import sqlalchemy.orm"``
- ``qualcode documents`` / ``qualcode codings`` on the demo  <= 2x the same floor
- ``qualcode --help``  <= 3x ``python -c pass``
Run it on a quiet machine; the demo project is built once in a temporary folder first.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_once(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        demo = str(Path(folder) / "demo.qualcode")  # what `qualcode demo --dir` creates
        subprocess.run(
            [python, "-m", "qualcode", "demo", "--no-ui", "--dir", folder],
            check=True,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
        )
        commands = {
            "python -c pass": [python, "-c", "pass"],
            "import sqlalchemy.orm": [python, "-c", "import sqlalchemy.orm"],
            "from qualcode import Project": [python, "-c", "from qualcode import Project"],
            "qualcode --help": [python, "-m", "qualcode", "--help"],
            "qualcode documents": [python, "-m", "qualcode", "documents", demo],
            "qualcode codings": [python, "-m", "qualcode", "codings", demo],
        }
        for argv in commands.values():  # warm the bytecode and the file cache
            run_once(argv)
        best = {name: float("inf") for name in commands}
        for _ in range(rounds):
            for name, argv in commands.items():
                best[name] = min(best[name], run_once(argv))
    floors = {
        "from qualcode import Project": ("import sqlalchemy.orm", 1.5),
        "qualcode --help": ("python -c pass", 3.0),
        "qualcode documents": ("import sqlalchemy.orm", 2.0),
        "qualcode codings": ("import sqlalchemy.orm", 2.0),
    }
    print(f"best of {rounds} rounds, each command in a new process")
    for name, seconds in best.items():
        line = f"{name:30s} {seconds * 1000:7.0f} ms"
        if name in floors:
            floor, goal = floors[name]
            ratio = seconds / best[floor]
            verdict = "meets" if ratio <= goal else "MISSES"
            line += f"   {ratio:4.2f}x {floor} (goal <= {goal}x: {verdict})"
        print(line)


if __name__ == "__main__":
    main()
