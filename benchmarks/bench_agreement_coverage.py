"""Coverage of the agreement report's 95% interval for alpha, by simulation.

    python benchmarks/bench_agreement_coverage.py [--reps 200] [--boot 500] [--raw]
    python benchmarks/bench_agreement_coverage.py --annomi ../shared/coded_data/annomi

Two coders mark a code present or absent on ``n`` units (30, 100, 300). Each unit's truth is
drawn with the code's prevalence ``p`` (.1, .3, .5); with probability ``r`` both coders report
the same draw, otherwise each draws on their own, so the population alpha is known exactly.

* ``independent``: every unit its own document (document units); the interval resamples units.
* ``clustered``: units sit 10 to a document (sentences of documents); each document has its own
  prevalence (Beta with mean ``p``, concentration 10) and its own rate ``r_d`` of reporting the
  same draw (Beta with mean ``r``, concentration 4), so units of a document are alike; the
  interval resamples whole documents. Population alpha: ``1 - (1 - r) c / (c + 1)``.

For each cell it prints how often an interval is shown, and among those the share covering the
true alpha (goal .93-.97). ``--raw`` also prints the coverage of the interval the report gave
before (plain percentile bootstrap over units, never withheld). Each cell's standard error is
about ``sqrt(.95 * .05 / shown)``.

``--annomi FOLDER`` measures the report on real human coding instead: AnnoMI's seven
counselling transcripts that all ten annotators coded (``AnnoMI-full.csv``; see the
``SOURCES.md`` beside it: not in this repository). Units are utterances, documents are
transcripts, codes are the labels (main therapist behaviour, its subtypes, client talk type),
present when an annotator gave the label. For each pair of annotators it runs
:func:`qualcode.agreement.report.table_report` and prints the figures of the first pair, then
over all 45 pairs: how many intervals are shown or withheld and why, and how much wider the
interval is when documents rather than utterances are resampled (rule switched off for that
comparison). It also prints ten-annotator Fleiss' kappa and alpha of the two label sets.
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
AGREEMENT_SPREAD = 4.0


def simulate(
    rng: np.random.Generator, n: int, p: float, alpha: float, clustered: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """A 2 x n presence table, and the document of each unit (None: independent units)."""
    if clustered:
        c = CONCENTRATION
        r = 1.0 - (1.0 - alpha) * (c + 1.0) / c
        documents = n // PER_DOCUMENT
        prevalence = rng.beta(p * c, (1.0 - p) * c, size=documents)
        # each document also has its own rate of agreement (mean r): a hard interview and an
        # easy one; alpha depends only on the mean, so the population value stays known
        together_rate = rng.beta(r * AGREEMENT_SPREAD, (1.0 - r) * AGREEMENT_SPREAD, documents)
        labels = np.repeat(np.arange(documents), PER_DOCUMENT)
        unit_p = prevalence[labels]
        r = together_rate[labels]
    else:
        r, labels, unit_p = alpha, None, np.full(n, p)
    shared = rng.random(n) < unit_p
    together = rng.random(n) < r
    first = np.where(together, shared, rng.random(n) < unit_p)
    second = np.where(together, shared, rng.random(n) < unit_p)
    return np.vstack([first, second]).astype(np.int8), labels


def raw_interval(presence: np.ndarray, n_boot: int, seed: int) -> tuple[float, float] | None:
    """The interval the report gave before issue 20: a plain 2.5-97.5 percentile bootstrap
    over units (documents ignored), no withholding, undefined resamples silently dropped."""
    m, n = presence.shape
    counts = np.bincount(presence.sum(axis=0), minlength=m + 1) / n
    draws = np.random.default_rng(seed).multinomial(n, counts, size=n_boot).astype(np.float64)
    estimates = boot._alpha_from_counts(draws, m)
    estimates = estimates[~np.isnan(estimates)]
    if not estimates.size:
        return None
    low, high = np.quantile(estimates, [0.025, 0.975])
    return float(low), float(high)


def annomi(folder: Path, n_boot: int) -> None:
    import csv
    import itertools

    from qualcode.agreement import fleiss_kappa, krippendorff_alpha
    from qualcode.agreement.report import table_report
    from qualcode.agreement.units import CodeUnits, Units, UnitTable
    from qualcode.formats import figure

    shared = {"7", "27", "55", "56", "66", "109", "130"}
    label_columns = (
        "main_therapist_behaviour",
        "question_subtype",
        "reflection_subtype",
        "therapist_input_subtype",
        "client_talk_type",
    )
    with (folder / "AnnoMI-full.csv").open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["transcript_id"] in shared]
    keys = sorted({(int(r["transcript_id"]), int(r["utterance_id"])) for r in rows})
    index = {key: i for i, key in enumerate(keys)}
    documents = np.array([t for t, _ in keys])
    names = tuple(str(t) for t in sorted(set(documents.tolist())))
    doc_index = np.searchsorted(np.array(sorted(set(documents.tolist()))), documents)
    labels = sorted({r[c] for r in rows for c in label_columns} - {"n/a", ""})
    presence = np.zeros((10, len(labels), len(keys)), dtype=np.int8)
    main = np.full((10, len(keys)), None, dtype=object)
    talk = np.full((10, len(keys)), None, dtype=object)
    for r in rows:
        a, u = int(r["annotator_id"]), index[(int(r["transcript_id"]), int(r["utterance_id"]))]
        for c in label_columns:
            if r[c] not in ("n/a", ""):
                presence[a, labels.index(r[c]), u] = 1
        if r["interlocutor"] == "therapist":
            main[a, u] = r["main_therapist_behaviour"]
        else:
            talk[a, u] = r["client_talk_type"]
    print(
        f"AnnoMI: {len(names)} transcripts, {len(keys)} utterances, 10 annotators, "
        f"{len(labels)} labels"
    )
    print(
        f"  ten annotators, Fleiss' kappa / nominal alpha: main therapist behaviour "
        f"{fleiss_kappa(main.tolist()):.4f} / {krippendorff_alpha(main.tolist()):.4f}; "
        f"client talk type {fleiss_kappa(talk.tolist()):.4f} / "
        f"{krippendorff_alpha(talk.tolist()):.4f}"
    )
    units = Units(names, doc_index, np.arange(len(keys)), np.arange(len(keys)) + 1)
    shown = withheld = 0
    reasons: dict[str, int] = {}
    ratios: list[float] = []
    for pair_number, (a, b) in enumerate(itertools.combinations(range(10), 2)):
        codes = tuple(
            CodeUnits(label, (label,), units, presence[[a, b], k]) for k, label in enumerate(labels)
        )
        table = UnitTable("turn", (f"a{a}", f"a{b}"), names, codes, True, 0.5)
        report = table_report(table, n_boot=n_boot)
        if pair_number == 0:
            print(f"  annotators {a} and {b} (utterances as turn units, documents resampled):")
            for e in [*report["codes"], {"code": "(overall)", **report["overall"]}]:
                ci = e["alpha_ci"]
                interval = f"[{ci[0]:.2f}, {ci[1]:.2f}]" if ci[0] is not None else "-"
                print(
                    f"    {e['code']:<16} %={figure(e['percent_agreement'])} "
                    f"kappa={figure(e['kappa'])} alpha={figure(e['alpha'])} "
                    f"AC1={figure(e['ac1'])} CI {interval} "
                    f"{e['alpha_ci_withheld'] or ''}"
                )
        for entry in report["codes"]:
            if entry["alpha_ci"][0] is None:
                withheld += 1
                reason = (entry["alpha_ci_withheld"] or "").split(":")[0]
                reasons[reason] = reasons.get(reason, 0) + 1
            else:
                shown += 1
        saved = boot.MIN_CARRYING, boot.MIN_CLUSTERS
        boot.MIN_CARRYING, boot.MIN_CLUSTERS = 0, 0
        try:
            for code in codes:
                by_unit = boot.alpha_interval(code.presence, n_boot=n_boot)
                by_doc = boot.alpha_interval(code.presence, doc_index, n_boot=n_boot)
                if (
                    by_unit.low is not None
                    and by_doc.low is not None
                    and by_unit.high > by_unit.low
                ):
                    ratios.append((by_doc.high - by_doc.low) / (by_unit.high - by_unit.low))
        finally:
            boot.MIN_CARRYING, boot.MIN_CLUSTERS = saved
    print(
        f"  45 pairs x {len(labels)} labels: {shown} intervals shown, {withheld} withheld "
        f"({', '.join(f'{k}: {v}' for k, v in reasons.items())})"
    )
    q = np.quantile(ratios, [0.25, 0.5, 0.75])
    print(
        f"  width of the document-resampled interval over the utterance-resampled one "
        f"(rule off): median {q[1]:.2f}, quartiles {q[0]:.2f}-{q[2]:.2f} "
        f"({len(ratios)} tables)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--boot", type=int, default=500)
    parser.add_argument("--raw", action="store_true", help="also show the old interval's coverage")
    parser.add_argument("--annomi", type=Path, help="measure on AnnoMI in this folder instead")
    args = parser.parse_args()
    if args.annomi:
        annomi(args.annomi, args.boot)
        return
    rng = np.random.default_rng(2026)
    print(
        f"{args.reps} runs per cell, {args.boot} resamples; rule: code in >= "
        f"{boot.MIN_CARRYING} units/documents, >= {boot.MIN_CLUSTERS} documents, "
        f"<= {boot.MAX_DROPPED:.0%} undefined resamples"
    )
    header = f"{'design':<12}{'n':>5}{'p':>5}{'alpha':>7}{'shown':>14}{'coverage':>10}"
    print(header + ("  old interval" if args.raw else ""))
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
                            raw = raw_interval(presence, args.boot, rep)
                            if raw is not None:
                                raw_shown += 1
                                raw_covered += raw[0] <= alpha <= raw[1]
                    shown_all += shown
                    covered_all += covered
                    design = "clustered" if clustered else "independent"
                    coverage = f"{covered / shown:.3f}" if shown else "-"
                    share = f"{shown} ({shown / args.reps:.0%})"
                    line = f"{design:<12}{n:>5}{p:>5}{alpha:>7}{share:>14}"
                    line += f"{coverage:>10}"
                    if args.raw:
                        line += f"{raw_covered / raw_shown:>15.3f}" if raw_shown else "   -"
                    print(line, flush=True)
    print(f"overall coverage where shown: {covered_all / max(shown_all, 1):.3f}")


if __name__ == "__main__":
    main()
