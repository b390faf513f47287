"""How fast the TUI's screens come up: reopening a project to the home screen, going back to it
from a document, and opening the codebook editor (goal <= 1 s each), driven headless by Pilot.

    python benchmarks/bench_screens.py [--rounds 5] [--words 100000] [--codings 50000]

Measured on the demo project and on the long project ``bench_tui.py`` builds (a 100,000-word
interview with 50,000 codings). Each round runs the app in a new process, as a researcher
starting ``qualcode tui PROJECT`` would; the best of the rounds is printed with its ratio to
the goal, and beside it the CPU the process spent (``time.process_time``), which a busy
machine inflates far less than the wall clock:
- reopen: from starting the process until the home screen shows the documents and the codebook,
- back to home: Escape on a document until the home screen is shown again with fresh numbers,
- codebook editor: ``e`` on the home screen until the code tree and the first code's form show.
"Shown" is polled for directly (the rows and nodes are there, as ``bench_tui`` polls for
``view.marks``) and then one frame is drawn.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
GOAL = 1.0


async def _shown(pilot: Any, condition: Callable[[], bool]) -> None:
    """Wait until ``condition`` holds, then until the screen has handled its messages and drawn
    a frame (``pause(0)`` does both without Pilot's 20 ms idle probe)."""
    while not condition():
        await asyncio.sleep(0.002)
    await pilot.pause(0)


async def _child(path: Path, coder: str, document: str, launched: float) -> dict[str, float]:
    """One round in this process: reopen, open a document, back to home, codebook editor."""
    from textual.widgets import DataTable, Tree

    from qualcode.tui import make_app
    from qualcode.tui.screens.codebook import CodebookScreen
    from qualcode.tui.screens.coding import CodingScreen
    from qualcode.tui.screens.home import HomeScreen

    out: dict[str, float] = {}
    app = make_app(path, coder=coder)

    def home_shown() -> bool:
        screen = app.screen
        if not isinstance(screen, HomeScreen) or not screen.is_mounted:
            return False
        table = screen.query_one("#documents", DataTable)
        return table.row_count > 0 and bool(screen.query_one("#codebook", Tree).root.children)

    async with app.run_test(size=(120, 40)) as pilot:
        await _shown(pilot, home_shown)
        out["reopen"] = time.time() - launched  # the parent's clock when it started this process
        out["reopen_cpu"] = time.process_time()

        # A document is opened (not measured here: bench_tui does), then Escape goes back.
        table = app.screen.query_one("#documents", DataTable)
        table.move_cursor(row=table.get_row_index(document))
        await pilot.press("enter")
        await _shown(
            pilot, lambda: isinstance(app.screen, CodingScreen) and bool(app.screen.view.marks)
        )
        await app.workers.wait_for_complete()
        await pilot.pause()
        cpu, started = time.process_time(), time.perf_counter()
        await pilot.press("escape")
        await _shown(pilot, home_shown)
        out["home"] = time.perf_counter() - started
        out["home_cpu"] = time.process_time() - cpu

        def editor_shown() -> bool:
            screen = app.screen
            if not isinstance(screen, CodebookScreen) or not screen.is_mounted:
                return False
            tree = screen.query_one("#codebook-tree", Tree)
            return bool(tree.root.children) and screen.current is not None

        await pilot.pause()
        cpu, started = time.process_time(), time.perf_counter()
        await pilot.press("e")
        await _shown(pilot, editor_shown)
        out["codebook"] = time.perf_counter() - started
        out["codebook_cpu"] = time.process_time() - cpu
    return out


def _round(path: Path, coder: str, document: str) -> dict[str, float]:
    argv = [sys.executable, __file__, "--child", str(path), coder, document, repr(time.time())]
    done = subprocess.run(argv, check=True, cwd=REPO, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _projects(folder: Path, words: int, codings: int) -> dict[str, tuple[Path, str, str]]:
    """name -> (project, coder, document to open)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    sys.path.insert(0, str(REPO))
    from bench_tui import build

    from qualcode import Project

    demo_folder = folder / "demo"
    subprocess.run(
        [sys.executable, "-m", "qualcode", "demo", "--no-ui", "--dir", str(demo_folder)],
        check=True,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )
    demo = demo_folder / "demo.qualcode"
    with Project.open(demo) as project:
        coder = sorted(c.name for c in project.coders())[0]
        document = max(project.documents(), key=lambda d: d.words).name
    (folder / "big").mkdir()
    big = build(folder / "big", words, codings)
    return {
        "demo": (demo, coder, document),
        f"{words // 1000}k words, {codings:,} codings": (big, "bench", "long-interview"),
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        path, coder, document = Path(sys.argv[2]), sys.argv[3], sys.argv[4]
        print(json.dumps(asyncio.run(_child(path, coder, document, float(sys.argv[5])))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--codings", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        projects = _projects(Path(tmp), args.words, args.codings)
        for target in projects.values():  # warm the bytecode and the file cache
            _round(*target)
        best: dict[str, dict[str, float]] = {name: {} for name in projects}
        for _ in range(args.rounds):  # interleaved, so a passing load touches both alike
            for name, target in projects.items():
                for key, value in _round(*target).items():
                    best[name][key] = min(best[name].get(key, float("inf")), value)
    print(f"best of {args.rounds} rounds, each in a new process (goal {GOAL:.2f} s each)")
    labels = {
        "reopen": "reopen to the home screen",
        "home": "back to home from a document",
        "codebook": "open the codebook editor",
    }
    for name, figures in best.items():
        for key, label in labels.items():
            print(
                f"{name}: {label}: {figures[key]:.2f} s ({figures[key] / GOAL:.2f}x the goal; "
                f"CPU {figures[key + '_cpu']:.2f} s)"
            )


if __name__ == "__main__":
    main()
