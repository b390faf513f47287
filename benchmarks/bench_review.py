"""What reviewing suggestions teaches the queue: a coder reviews the suggestions of some
documents, and the queue of the next documents is measured with and without the rejections
taught to the engines (``qualcode.suggest.engines.COUNTER_EXAMPLES``).

    python benchmarks/bench_review.py [--data ../shared/coded_data] [--transcripts 40]

On each real set of ``eval_real.py`` (games-as-art, AnnoMI; skipped when absent), in
``--rounds`` rounds: every third coded document (offset by the round) is held out and its
codings removed. Half of those documents are *reviewed*: the coder accepts each suggestion
there that one of their own codings of that code overlaps, and rejects the others, through the
same functions the TUI calls. The queue of the other half is then measured, sentence by
sentence, against the coder's own codings there: before the review, after it with rejections
only capping their code (the queue before this change), and after it with rejections also
teaching the engines. Each variant runs on its own copy of the reviewed project, through
:func:`qualcode.suggest.suggest` as a user's ``qualcode suggest`` does.

Prints precision, recall, F1 and the number of suggestions per variant, and the ratios.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_real import CODER, DATA, build_annomi, build_games  # noqa: E402

from qualcode import Project  # noqa: E402
from qualcode.suggest import SuggestionInfo, suggest  # noqa: E402
from qualcode.suggest.corpus import load_corpus, mark_overlaps  # noqa: E402
from qualcode.suggest.decisions import accept, reject  # noqa: E402

MIN_SCORE: float | None = None
"""The queue's threshold (``--min-score``); None: the setting the evaluation chose."""

Truth = dict[str, list[tuple[str, int, int]]]
"""Per document: ``(code uuid, start, end)`` of the coder's own codings."""


def hold_out(path: Path, offset: int) -> tuple[list[str], list[str], Truth]:
    """Remove the codings of every third coded document from ``offset``; return the reviewed
    and the measured halves and the removed codings."""
    truth: Truth = {}
    with Project.open(path, actor="bench") as project:
        codes = {c.path: c.uuid for c in project.codes()}
        coded = sorted({c.document for c in project.codings(coder=CODER)})
        held = coded[offset::3]
        for coding in project.codings(coder=CODER):
            if coding.document in held:
                truth.setdefault(coding.document, []).append(
                    (codes[coding.code], coding.start, coding.end)
                )
                project.remove_coding(coding.uuid)
    half = len(held) // 2
    return held[:half], held[half:], truth


def queue_of(project: Project, documents: list[str]) -> list[SuggestionInfo]:
    """What ``qualcode suggest`` shows the coder in ``documents``."""
    shown = suggest(project, coder=CODER, min_score=MIN_SCORE)
    return [s for s in shown if s.document in set(documents)]


def overlaps(truth: Truth, document: str, uuid: str, start: int, end: int) -> bool:
    return any(u == uuid and s < end and start < e for u, s, e in truth.get(document, []))


def measure(path: Path, documents: list[str], truth: Truth) -> tuple[int, int, int]:
    """(right, wrong, missed) of the queue on ``documents``, per sentence and code."""
    with Project.open(path, actor="bench") as project:
        found = queue_of(project, documents)
        corpus = load_corpus(project, CODER)
    index = {c.uuid: c.index for c in corpus.codes}
    right = wrong = missed = 0
    for name in documents:
        analysis = corpus.analysis(name)
        gold = np.zeros((len(analysis), len(corpus.codes)), dtype=bool)
        mark_overlaps(
            gold, analysis, [(index[u], s, e) for u, s, e in truth.get(name, []) if u in index]
        )
        shown = np.zeros_like(gold)
        spans = [(s.code_uuid, s.start, s.end) for s in found if s.document == name]
        mark_overlaps(shown, analysis, [(index[u], s, e) for u, s, e in spans if u in index])
        right += int((shown & gold).sum())
        wrong += int((shown & ~gold).sum())
        missed += int((~shown & gold).sum())
    return right, wrong, missed


def review(path: Path, documents: list[str], truth: Truth) -> tuple[int, int]:
    """Accept the suggestions in ``documents`` the coder's codings confirm, reject the rest."""
    accepted = rejected = 0
    with Project.open(path, actor="bench") as project:
        found = queue_of(project, documents)
        for item in found:
            if overlaps(truth, item.document, item.code_uuid, item.start, item.end):
                accept(project, item, CODER)
                accepted += 1
            else:
                reject(project, item, CODER)
                rejected += 1
    return accepted, rejected


def ratios(right: int, wrong: int, missed: int) -> tuple[float, float, float]:
    p = right / (right + wrong) if right + wrong else 0.0
    r = right / (right + missed) if right + missed else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run_set(label: str, built: Path, rounds: int, folder: Path) -> None:
    totals = {k: np.zeros(3, dtype=np.int64) for k in ("before", "after")}
    decided = np.zeros(2, dtype=np.int64)
    started = time.perf_counter()
    for offset in range(rounds):
        path = folder / f"{label}-{offset}.qualcode"
        shutil.copy(built, path)
        reviewed, measured, truth = hold_out(path, offset)
        totals["before"] += measure(path, measured, truth)
        decided += review(path, reviewed, truth)
        totals["after"] += measure(path, measured, truth)
    seconds = time.perf_counter() - started
    print(f"\n{label}: {rounds} rounds, {int(decided[0])} accepted and {int(decided[1])} rejected")
    print(f"  {'queue on the next documents':34} {'P':>6} {'R':>6} {'F1':>6} {'shown':>6}")
    base = ratios(*totals["before"])
    for variant, counts in totals.items():
        p, r, f = ratios(*counts)
        shown = int(counts[0] + counts[1])
        print(f"  {variant:34} {p:6.3f} {r:6.3f} {f:6.3f} {shown:6d}")
    after = ratios(*totals["after"])
    print(
        f"  after / before: precision x{after[0] / max(base[0], 1e-9):.2f}, "
        f"recall x{after[1] / max(base[1], 1e-9):.2f}, F1 x{after[2] / max(base[2], 1e-9):.2f} "
        f"({seconds:.0f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--transcripts", type=int, default=40, help="AnnoMI transcripts")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=("games", "annomi"))
    parser.add_argument("--min-score", type=float, help="the queue's threshold, for both")
    args = parser.parse_args()
    global MIN_SCORE
    MIN_SCORE = args.min_score
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sets = []
        if args.only in (None, "games"):
            (folder / "games").mkdir()
            sets.append(
                ("games", build_games(folder / "games", args.data / "games-as-art-llmcode"))
            )
        if args.only in (None, "annomi"):
            (folder / "annomi").mkdir()
            sets.append(
                ("annomi", build_annomi(folder / "annomi", args.data / "annomi", args.transcripts))
            )
        for label, built in sets:
            if built is None:
                print(f"{label}: data not found, skipped")
                continue
            run_set(label, built, args.rounds, folder)


if __name__ == "__main__":
    main()
