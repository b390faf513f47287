"""Coverage of the agreement report's 95% interval for alpha, by simulation.

    python benchmarks/bench_agreement_coverage.py [--reps 200] [--boot 500] [--raw]

Two coders mark a code present or absent on ``n`` units (30, 100, 300). Each unit's truth is
drawn with the code's prevalence ``p`` (.1, .3, .5); with probability ``r`` both coders report
the same draw, otherwise each draws on their own, so the population alpha is known exactly.

* ``independent``: every unit its own document (document units); the interval resamples units.
* ``clustered``: units sit 10 to a document (sentences of documents); each document has its own
  prevalence (Beta with mean ``p``, concentration 10), so units of a document are alike; the
  interval resamples whole documents. Population alpha: ``1 - (1 - r) c / (c + 1)``.

For each cell it prints how often an interval is shown, and among those the share covering the
true alpha (goal .93-.97). ``--raw`` also prints the coverage with no withholding rule, which
is what the report did before. Each cell's standard error is about ``sqrt(.95 * .05 / shown)``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qualcode.agreement import bootstrap as boot  # noqa: E402

CONCENTRATION = 10.0
PER_DOCUMENT = 10


def simulate(
    rng: np.random.Generator, n: int, p: float, alpha: float, clustered: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """A 2 x n presence table, and the document of each unit (None: independent units)."""
    if clustered:
        c = CONCENTRATION
        r = 1.0 - (1.0 - alpha) * (c + 1.0) / c
        documents = n // PER_DOCUMENT
        prevalence = rng.beta(p * c, (1.0 - p) * c, size=documents)
        labels = np.repeat(np.arange(documents), PER_DOCUMENT)
        unit_p = prevalence[labels]
    else:
        r, labels, unit_p = alpha, None, np.full(n, p)
    shared = rng.random(n) < unit_p
    together = rng.random(n) < r
    first = np.where(together, shared, rng.random(n) < unit_p)
    second = np.where(together, shared, rng.random(n) < unit_p)
    return np.vstack([first, second]).astype(np.int8), labels


def raw_interval(
    presence: np.ndarray, labels: np.ndarray | None, n_boot: int, seed: int
) -> tuple[float, float] | None:
    """The interval with no withholding rule (only resamples where alpha is defined)."""
    saved = boot.MIN_CARRYING, boot.MIN_CLUSTERS, boot.MAX_DROPPED
    boot.MIN_CARRYING, boot.MIN_CLUSTERS, boot.MAX_DROPPED = 0, 0, 1.0
    try:
        found = boot.alpha_interval(presence, labels, n_boot=n_boot, seed=seed)
    except Exception:
        return None
    finally:
        boot.MIN_CARRYING, boot.MIN_CLUSTERS, boot.MAX_DROPPED = saved
    return None if found.low is None else (found.low, found.high)  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--boot", type=int, default=500)
    parser.add_argument("--raw", action="store_true", help="also show coverage without the rule")
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    print(
        f"{args.reps} runs per cell, {args.boot} resamples; rule: code in >= "
        f"{boot.MIN_CARRYING} units/documents, >= {boot.MIN_CLUSTERS} documents, "
        f"<= {boot.MAX_DROPPED:.0%} undefined resamples"
    )
    header = f"{'design':<12}{'n':>5}{'p':>5}{'alpha':>7}{'shown':>8}{'coverage':>10}"
    print(header + ("   raw coverage" if args.raw else ""))
    shown_all = covered_all = 0
    for clustered in (False, True):
        for n in (30, 100, 300):
            for p in (0.1, 0.3, 0.5):
                for alpha in (0.6, 0.8):
                    shown = covered = raw_shown = raw_covered = 0
                    for rep in range(args.reps):
                        presence, labels = simulate(rng, n, p, alpha, clustered)
                        if presence.max() == presence.min():
                            continue
                        found = boot.alpha_interval(presence, labels, n_boot=args.boot, seed=rep)
                        if found.low is not None:
                            shown += 1
                            covered += found.low <= alpha <= found.high  # type: ignore[operator]
                        if args.raw:
                            raw = raw_interval(presence, labels, args.boot, rep)
                            if raw is not None:
                                raw_shown += 1
                                raw_covered += raw[0] <= alpha <= raw[1]
                    shown_all += shown
                    covered_all += covered
                    design = "clustered" if clustered else "independent"
                    coverage = f"{covered / shown:.3f}" if shown else "-"
                    line = f"{design:<12}{n:>5}{p:>5}{alpha:>7}{shown / args.reps:>8.0%}"
                    line += f"{coverage:>10}"
                    if args.raw:
                        line += f"{raw_covered / raw_shown:>15.3f}" if raw_shown else "   -"
                    print(line, flush=True)
    print(f"overall coverage where shown: {covered_all / max(shown_all, 1):.3f}")


if __name__ == "__main__":
    main()
