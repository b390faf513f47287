"""Agreement speed: our Krippendorff's alpha against the ``krippendorff`` package, and a whole
sentence-unit report on the demo project.

    python benchmarks/bench_agreement.py [--units 100000] [--coders 5] [--missing 0.1]

1. Alpha on a random table (default 100,000 units x 5 coders, 10% missing, 5 categories) at each
   level, ours and the package's, in the same run: the values (must be equal) and the times
   (goal: ours <= 2x the package's), best of several rounds.
2. ``agreement_report`` with sentence units for two coders (ann, ben) over the demo project
   (goal <= 1 s), with and without the bootstrap interval; then character units, and the
   reconcile queue of every code for three coders (what the supervisor's Enter opens).
Needs the test extra: ``pip install -e '.[test]'``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import best_of  # noqa: E402  (benchmarks/timing.py)

from qualcode.agreement import krippendorff_alpha  # noqa: E402


def alpha_race(units: int, coders: int, missing: float, rounds: int) -> None:
    import krippendorff

    rng = np.random.default_rng(1)
    truth = rng.integers(1, 6, size=units)
    table = np.where(rng.random((coders, units)) < 0.7, truth, rng.integers(1, 6, (coders, units)))
    table = table.astype(float)
    table[rng.random((coders, units)) < missing] = np.nan
    print(f"alpha on {units:,} units x {coders} coders, {missing:.0%} missing, 5 categories")
    for level in ("nominal", "ordinal", "interval", "ratio"):
        ours_t, ours = best_of(rounds, lambda lv=level: krippendorff_alpha(table, level=lv))
        theirs_t, theirs = best_of(
            rounds,
            lambda lv=level: krippendorff.alpha(reliability_data=table, level_of_measurement=lv),
        )
        same = abs(ours - theirs) < 1e-9
        print(f"  {level:<8} ours {ours:.6f} in {ours_t * 1000:6.1f} ms | package {theirs:.6f} "
              f"in {theirs_t * 1000:6.1f} ms | ratio {ours_t / theirs_t:.2f}x "
              f"| {'same value' if same else 'DIFFERENT VALUE'}")  # fmt: skip


def demo_report(rounds: int) -> None:
    from qualcode import Project
    from qualcode.agreement.report import agreement_report
    from qualcode.demo import build_demo

    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        path, _ = build_demo(Path(tmp), echo=lambda _line: None)
        with Project.open(path) as project:
            words = sum(d.words for d in project.documents())
            for ci in (True, False):
                seconds, report = best_of(
                    rounds,
                    lambda ci=ci: agreement_report(
                        project, coders=["ann", "ben"], unit="sentence", ci=ci
                    ),
                )
                units = report["overall"]["units"]
                state = "on" if ci else "off"
                print(f"sentence report, ann vs ben, demo ({words:,} words, {units:,} pooled "
                      f"units), CI {state}: {seconds:.3f} s (goal 1 s)")  # fmt: skip
            seconds, report = best_of(
                1, lambda: agreement_report(project, coders=["ann", "ben"], unit="character")
            )
            print(f"character report, ann vs ben, demo ({report['overall']['units']:,} pooled "
                  f"units, no CI): {seconds:.3f} s")  # fmt: skip
            reconcile_queues(project, rounds)


def reconcile_queues(project, rounds: int) -> None:  # type: ignore[no-untyped-def]
    """Opening the reconcile queue of each code, as the supervisor's Enter does."""
    from qualcode.agreement.reconcile import reconcile_queue

    codes = [c.path for c in project.codes() if c.codable]
    coders = ["ann", "ben", "cat"]
    timings = []
    items = 0
    for code in codes:
        seconds, queue = best_of(
            rounds, lambda code=code: reconcile_queue(project, code=code, coders=coders)
        )
        timings.append(seconds)
        items += len(queue.items)
    timings.sort()
    median, slowest = timings[len(timings) // 2] * 1000, timings[-1] * 1000
    print(f"reconcile queue, 3 coders, {len(codes)} codes ({items} disagreements): "
          f"median {median:.0f} ms, slowest {slowest:.0f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--coders", type=int, default=5)
    parser.add_argument("--missing", type=float, default=0.1)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    alpha_race(args.units, args.coders, args.missing, args.rounds)
    demo_report(3)


if __name__ == "__main__":
    main()
