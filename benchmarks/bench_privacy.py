"""What privacy costs: an encrypted project against a plain one, and pseudonymisation.

Run from the repository root: ``python benchmarks/bench_privacy.py [--actions N] [--copies K]``.

* Encryption: the same work on a plain and an SQLCipher project (open, import the sample
  transcripts, N coding actions each committed on its own, the frequency report, a backup),
  with the ratio encrypted / plain.
* Pseudonymisation: finding (cold, with the lexicon built; then warm) and applying the sample's
  names list, on the demo project and on a project holding K copies of each sample transcript.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from timing import best_of

from qualcode import Project
from qualcode.codebook import load_codebook
from qualcode.demo import build_demo
from qualcode.privacy import detect
from qualcode.privacy.names import load_names
from qualcode.privacy.pseudonymise import plan_for
from qualcode.reports import build

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "transcripts_sample"
PASS = "a passphrase for the benchmark"


def encryption(folder: Path, actions: int) -> None:
    print(f"Encryption: plain vs SQLCipher, {actions:,} coding actions each committed alone")
    files = sorted(SAMPLE.glob("*.txt"))
    rows: list[tuple[str, float, float]] = []
    timings: dict[str | None, dict[str, float]] = {}
    for passphrase in (None, PASS):
        path = folder / ("encrypted.qualcode" if passphrase else "plain.qualcode")
        took: dict[str, float] = {}
        started = time.perf_counter()
        with Project.create(path, passphrase=passphrase, actor="bench") as project:
            project.import_codebook(load_codebook(ROOT / "codebooks" / "dussk.yaml"))
            took["create + codebook"] = time.perf_counter() - started
            started = time.perf_counter()
            project.import_files(files)
            took["import 4 transcripts"] = time.perf_counter() - started
            document = project.documents()[1].name
            turns = project.turns(document)
            codes = [c.path for c in project.codes() if c.codable]
            started = time.perf_counter()
            for n in range(actions):
                turn = turns[n % len(turns)]
                project.apply_code(
                    document=document,
                    code=codes[n // len(turns) % len(codes)],
                    coder=f"c{n // (len(turns) * len(codes))}",
                    start=turn.body_start,
                    end=turn.end,
                )
            took[f"{actions:,} codings"] = time.perf_counter() - started
            took["frequency report"] = best_of(3, lambda p=project: build(p, "frequencies"))[0]
            took["backup"] = best_of(3, lambda p=project: p.backup("bench"))[0]
        took["open"] = best_of(
            5, lambda p=path, k=passphrase: Project.open(p, passphrase=k).close()
        )[0]  # noqa: E501
        timings[passphrase] = took
    for what in timings[None]:
        rows.append((what, timings[None][what], timings[PASS][what]))
    print(f"  {'':24}{'plain':>10}{'encrypted':>12}{'ratio':>8}")
    for what, plain, encrypted in rows:
        print(f"  {what:<24}{plain:>9.3f}s{encrypted:>11.3f}s{encrypted / plain:>7.2f}x")
    per = timings[PASS][f"{actions:,} codings"] / actions * 1000
    print(f"  one coding action, encrypted: {per:.2f} ms")


def pseudonymisation(folder: Path, copies: int) -> None:
    names = load_names(SAMPLE / "names.csv")
    demo, _report = build_demo(folder / "demo", echo=lambda _line: None)
    big = folder / "big.qualcode"
    with Project.create(big, actor="bench") as project:
        for n in range(copies):
            for source in sorted(SAMPLE.glob("*.txt")):
                copy = folder / f"{source.stem}-{n}.txt"
                text = source.read_text(encoding="utf-8")
                copy.write_text(f"{text}\n\nInterviewer: That was copy {n}.\n", encoding="utf-8")
                project.import_files([copy])
    print(f"Pseudonymisation with the sample's names list ({len(names)} names)")
    started = time.perf_counter()
    detect.lexicon()
    print(
        f"  lexicon built once per process: {time.perf_counter() - started:.2f} s, "
        f"{len(detect.lexicon()):,} words"
    )
    for path in (demo, big):
        with Project.open(path, actor="bench") as project:
            words = sum(d.words for d in project.documents())
            label = f"{path.name}, {len(project.documents())} documents"
            find, plan = best_of(3, lambda p=project: plan_for(p, names))
            started = time.perf_counter()
            result = project.pseudonymise(plan)
            apply = time.perf_counter() - started
        print(
            f"  {label}, {words:,} words: find {find:.2f} s ({words / find:,.0f} words/s), "
            f"apply {apply:.2f} s ({result.replacements:,} replacements, "
            f"{result.codings:,} codings carried over, backup included)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--copies", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        encryption(Path(folder), args.actions)
        pseudonymisation(Path(folder), args.copies)


if __name__ == "__main__":
    main()
