"""Held-out evaluation: how well each engine would have suggested the coder's own codings.

The documents the coder has coded are split into folds (one document per fold by default: each
document is held out in turn). A document where the coder has only accepted suggestions is
never held out (nothing says the rest of it holds nothing), but what was accepted there is
learned from in every fold. For each fold the engines learn from the codings of the other
documents only, then score the held-out documents' sentences. At sentence level, the *gold* of
a code is the set of sentences its codings overlap in the held-out document; a sentence counts
as *suggested* when the engine's score reaches its threshold (:data:`THRESHOLDS`). Counts are
summed over folds into precision, recall and F1 per code, then micro (pooled counts) and macro
(mean over the codes with gold sentences; an undefined precision counts as 0) overall.

Codes evaluated: those with at least one coding by the coder. Reported, under ``engines``:
``names`` (the text-search baseline: a sentence holds every content word of the code's name),
``keywords`` (name or keywords as lower-case whole words), and ``terms``, ``similar``,
``learned`` and ``combined`` each at its raw threshold (:data:`THRESHOLDS`). Under ``queue``:
what the review queue shows (:mod:`.queue`) from each engine's score and from the combination:
calibrated per code, capped per sentence, content-free and interviewer sentences left out
unless the coder codes them, name hits raised to the code's record, each code limited by how
often the coder uses it. The calibration a held-out document is judged with comes from the
*other* folds' held-out suggestions (its own are subtracted), so no document grades itself.
The combined queue's setting (a threshold, with or without the name lane, and with or without
each lane of :data:`~.queue.LANES` at each of :data:`~.queue.LANE_THRESHOLDS`:
:class:`~.queue.Setting`) is chosen the same way: each fold is
judged with the setting :func:`~.queue.choose` picks on the other folds (``settings_nested``),
and ``setting``, chosen on every fold, is what is stored for :func:`~.run.suggest`.
``queue_fixed`` is the combined queue at 0.5 alone; ``queue_names`` the name record alone
through the queue; ``queue_unlimited`` the combined queue at 0.5 without the limit per code.
Every entry also gives the suggestions per 1,000 words of the held-out documents.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import Hint, QualcodeError
from .base import CorpusStats, DocumentView
from .baseline import KeywordBaseline, NameBaseline
from .corpus import load_corpus
from .cues import CueWords, Sample, reviewed_samples
from .engines import THRESHOLDS, build_engines
from .keys import evaluation_key
from .parts import for_evaluation
from .progress import Steps
from .queue import (
    LANE_THRESHOLDS,
    LANES,
    OWN_CURVES,
    QUEUE_THRESHOLD,
    SETTINGS,
    TRIED,
    Calibration,
    NameRecord,
    Rates,
    Setting,
    Tally,
    TermRecord,
    choose,
    habits_of,
    name_lane,
    select,
    sentence_flags,
    why_chosen,
)
from .records import Cancelled, Progress
from .terms import TermsEngine

if TYPE_CHECKING:
    from ..project import Project

REPORTED = ("names", "keywords", "terms", "similar", "learned", "cues", "combined")
QUEUED = ("names", "terms", "similar", "learned", "cues", "combined")
"""Each engine through the queue; ``cues`` before ``combined``, which takes its probability."""
CALIBRATION_FOLDS = 5
"""Folds of the evaluation :func:`~.run.suggest` runs by itself to calibrate the queue."""


def _ratios(tp: int, fp: int, fn: int) -> dict[str, Any]:
    return {
        "gold": tp + fn,
        "suggested": tp + fp,
        "correct": tp,
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None,
    }


def _summary(counts: np.ndarray, paths: list[str], words: int) -> dict[str, Any]:
    """``counts``: codes x (tp, fp, fn); ``words`` in the held-out documents."""
    per_code = {path: _ratios(*(int(v) for v in counts[i])) for i, path in enumerate(paths)}
    tp, fp, fn = (int(v) for v in counts.sum(axis=0))
    with_gold = [p for p in per_code.values() if p["gold"]]

    def mean(key: str) -> float | None:
        if not with_gold:
            return None
        return float(np.mean([p[key] or 0.0 for p in with_gold]))

    return {
        "per_code": per_code,
        "micro": _ratios(tp, fp, fn),
        "macro": {"precision": mean("precision"), "recall": mean("recall"), "f1": mean("f1")},
        "per_1000_words": round(1000 * (tp + fp) / words, 2) if words else None,
    }


def folds_of(documents: list[str], folds: int | None) -> list[list[str]]:
    """One document per fold, or ``folds`` groups dealt round-robin in name order."""
    if folds is None or folds >= len(documents):
        return [[d] for d in documents]
    if folds < 2:
        raise QualcodeError("an evaluation needs at least 2 folds")
    return [documents[i::folds] for i in range(folds)]


def evaluate(
    project: Project,
    coder: str | None = None,
    *,
    folds: int | None = None,
    documents: list[str] | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    seed: int = 0,
    save: bool = True,
) -> dict[str, Any]:
    """Precision, recall and F1 per engine and code on held-out documents (module docstring).

    ``documents`` limits the evaluation to some of the coded documents; ``save`` stores the
    queue's calibration and each code's held-out precision in the project, for suggestions.
    """
    started = time.perf_counter()
    corpus = load_corpus(project, coder)
    all_codings = len(corpus.codings)
    coded = corpus.coded_documents()
    parts_of = None
    if documents is not None:
        unknown = sorted(set(documents) - set(corpus.documents))
        if unknown:
            raise QualcodeError(f"no document named '{unknown[0]}'", Hint("documents"))
        coded = [d for d in coded if d in set(documents)]
    elif len(coded) == 1:  # one coded document: hold out parts of it
        split = for_evaluation(corpus)
        if split is not None:
            parts_of, corpus = coded[0], split
            coded = corpus.coded_documents()
    who = f"coder '{coder}'" if coder else "the coders"
    if len(coded) < 2:
        raise QualcodeError(
            f"an evaluation needs codings by {who} in at least two documents, or in two parts "
            f"of one (found {len(coded)} document{'' if len(coded) == 1 else 's'})"
        )
    groups = folds_of(coded, folds)
    used = sorted({c.code for c in corpus.codings if c.document in set(coded)})
    paths = [corpus.codes[i].path for i in used]
    uuids = [c.uuid for c in corpus.codes]
    steps = Steps(len(coded) * 2 + 1, progress, cancelled)
    for name in coded:
        corpus.analysis(name)
        steps.step(f"reading {name}")
    stats = CorpusStats.of(corpus.analysis(n) for n in coded)
    terms = TermsEngine(corpus.codes, stats)
    baselines = {"keywords": KeywordBaseline(corpus.codes), "names": NameBaseline(corpus.codes)}
    steps.step("codebook terms")
    # The terms engine learns nothing from codings: its record on every coded document is
    # counted once, and a fold uses the record of its training documents.
    # The name search likewise: its record on the training documents of a fold.
    records: dict[str, TermRecord] = {}
    name_records: dict[str, NameRecord] = {}
    rates: dict[str, Rates] = {}
    by_document = corpus.codings_by_document()
    samples: dict[str, Sample] = {}
    for name in coded:
        view = DocumentView(name, corpus.analysis(name), tuple(corpus.speakers(name)))
        empty, asking = sentence_flags(corpus, name)
        gold = corpus.labels(name, by_document.get(name, []))
        samples[name] = (view.analysis, gold, ~empty & ~asking, None)
        records[name] = TermRecord.of(terms.score(view).matrix, gold, ~empty & ~asking)
        names = baselines["names"].score(view, corpus.documents[name].text).matrix
        name_records[name] = NameRecord.of(names, gold, ~empty & ~asking)
        rates[name] = Rates.of(gold)
    samples.update(reviewed_samples(corpus, by_document))  # learned from in every fold
    all_records = sum(records.values(), TermRecord.empty(len(uuids)))
    all_name_records = sum(name_records.values(), NameRecord.empty(len(uuids)))
    all_rates = sum(rates.values(), Rates.empty(len(uuids)))
    counts = {name: np.zeros((len(used), 3), dtype=np.int64) for name in REPORTED}
    learned_codes: list[int] = []
    sentences = words = 0
    # Pass 1: every held-out document scored by engines that did not see its codings.
    held: list[tuple[int, dict[str, np.ndarray], np.ndarray, np.ndarray]] = []
    fold_records: list[TermRecord] = []
    fold_name_records: list[NameRecord] = []
    fold_rates: list[Rates] = []
    tallies = {e: [Tally.empty(len(uuids)) for _g in groups] for e in QUEUED}
    for fold, held_out in enumerate(groups):
        learn_from = (set(coded) | corpus.reviewed) - set(held_out)
        training = [c for c in corpus.codings if c.document in learn_from]
        engines = build_engines(corpus, training, coded, seed=seed, terms=terms)
        habits = habits_of(corpus, training)
        cues = CueWords.learn((v for n, v in samples.items() if n not in held_out), len(uuids))
        learned_codes.append(len(engines.learned.trained))
        for name in held_out:
            view = engines.view(name)
            sentences += len(view.analysis)
            words += sum(1 for w in view.analysis.words if any(ch.isalpha() for ch in w))
            scores, combined = engines.score(view)
            matrices = {e: scores[e].matrix for e in ("terms", "similar", "learned")}
            matrices["cues"] = cues.score(view.analysis).matrix
            matrices["combined"] = combined
            text = corpus.documents[name].text
            for label, baseline in baselines.items():
                matrices[label] = baseline.score(view, text).matrix
            gold = corpus.labels(name, by_document.get(name, []))
            for engine, matrix in matrices.items():
                _count(counts[engine], matrix[:, used] >= THRESHOLDS[engine], gold[:, used])
            allowed = habits.allowed(*sentence_flags(corpus, name))
            for engine in QUEUED:
                tallies[engine][fold].add(matrices[engine], gold, allowed)
            held.append((fold, {e: matrices[e] for e in QUEUED}, gold, allowed))
            steps.step(f"held out {name}")
        fold_records.append(
            all_records - sum((records[n] for n in held_out), TermRecord.empty(len(uuids)))
        )
        fold_name_records.append(
            all_name_records
            - sum((name_records[n] for n in held_out), NameRecord.empty(len(uuids)))
        )
        fold_rates.append(all_rates - sum((rates[n] for n in held_out), Rates.empty(len(uuids))))
    # Pass 2: the queue, each document judged by the calibration of the other folds ...
    totals = {e: sum(tallies[e][1:], tallies[e][0]) for e in QUEUED}
    calibrations: dict[tuple[str, int], Calibration] = {}
    probabilities: list[dict[str, np.ndarray]] = []
    for fold, matrices, _gold, _allowed in held:
        found: dict[str, np.ndarray] = {}
        for engine in QUEUED:
            key = (engine, fold)
            if key not in calibrations:
                calibrations[key] = (totals[engine] - tallies[engine][fold]).fit(uuids)
            calibration = calibrations[key]
            if engine == "cues":  # the curve alone: a cue's record is already per code
                probability = calibration.probability(matrices[engine], np.ones(len(uuids)))
            else:
                probability = calibration.probability(matrices[engine], calibration.factors(uuids))
            if engine in ("terms", "combined"):
                probability = fold_records[fold].raise_(probability, matrices["terms"])
            if engine in ("names", "combined"):
                probability = fold_name_records[fold].raise_(probability, matrices["names"])
            if engine == "combined":
                probability = np.maximum(probability, found["cues"])
            found[engine] = probability
        probabilities.append(found)
    # ... limited per code by the training documents' rates, under each setting: per setting
    # and fold the pooled counts (what the nested choice needs), per code only where reported.
    queued = {name: np.zeros((len(used), 3), dtype=np.int64) for name in QUEUED}
    unlimited = np.zeros((len(used), 3), dtype=np.int64)
    pooled = {k: np.zeros((len(groups), 3), dtype=np.int64) for k in SETTINGS}
    at_codes = {t: np.zeros((len(used), 3), dtype=np.int64) for t in TRIED}
    baseline_folds = np.zeros((len(groups), 3), dtype=np.int64)

    parts: list[Parts] = []  # per held-out document, for the nested count below
    for (fold, matrices, gold, allowed), found in zip(held, probabilities, strict=True):
        limits = fold_rates[fold].limits(len(gold))
        for engine in QUEUED:
            chosen = select(found[engine], allowed, threshold=QUEUE_THRESHOLD, limits=limits)
            _count(queued[engine], chosen[:, used], gold[:, used])
        shown = Parts.of(
            found, matrices["names"], allowed, limits, fold_name_records[fold].in_lane(), gold, used
        )
        parts.append(shown)
        for setting in SETTINGS:
            pooled[setting][fold] += shown.pooled(setting)
        for t in TRIED:
            _count(at_codes[t], shown.at[t], shown.gold)
        baseline = matrices["names"][:, used] >= THRESHOLDS["names"]
        baseline_folds[fold] += _pooled(baseline, gold[:, used])
        chosen = select(found["combined"], allowed, threshold=QUEUE_THRESHOLD)
        _count(unlimited, chosen[:, used], gold[:, used])
    # The queue's setting for a held-out document is chosen on the other folds (nested), so
    # what is reported was not chosen on the document it is reported for.
    totals_by_setting = {k: v.sum(axis=0) for k, v in pooled.items()}
    baseline_total = baseline_folds.sum(axis=0)
    chosen_settings = [
        choose(
            {k: total - pooled[k][fold] for k, total in totals_by_setting.items()},
            baseline_total - baseline_folds[fold],
        )
        for fold in range(len(groups))
    ]
    nested = np.zeros((len(used), 3), dtype=np.int64)
    for (fold, _matrices, _gold, _allowed), shown in zip(held, parts, strict=True):
        _count(nested, shown.of_setting(chosen_settings[fold]), shown.gold)
    overall = choose(totals_by_setting, baseline_total)
    report: dict[str, Any] = {
        "coder": coder,
        "unit": "sentence",
        "documents": len(coded),
        "parts_of": parts_of,
        "folds": len(groups),
        "sentences": sentences,
        "words": words,
        "codes": paths,
        "codes_learned": {"min": min(learned_codes), "max": max(learned_codes)},
        "thresholds": {e: THRESHOLDS.get(e, 0.5) for e in REPORTED},
        "engines": {e: _summary(counts[e], paths, words) for e in REPORTED},
        "queue": {
            **{
                e: _summary(queued[e], paths, words)
                for e in QUEUED
                if e not in ("names", "combined")
            },
            "combined": _summary(nested, paths, words),
        },
        "queue_names": _summary(queued["names"], paths, words),
        "queue_threshold": QUEUE_THRESHOLD,
        "queue_at": {str(t): _summary(at_codes[t], paths, words)["micro"] for t in TRIED},
        "queue_unlimited": _summary(unlimited, paths, words)["micro"],
        "queue_fixed": _summary(queued["combined"], paths, words),
        "setting": overall.to_json(),
        "setting_why": why_chosen(overall, baseline_total),
        "settings_nested": [s.to_json() for s in chosen_settings],
        "seconds": round(time.perf_counter() - started, 2),
    }
    if save:
        calibration = totals["combined"].fit(uuids)
        calibration.setting = overall
        calibration.cues = totals["cues"].fit(uuids).curve
        calibration.own = {lane: totals[lane].fit(uuids) for lane in OWN_CURVES}
        uuid_of = {corpus.codes[i].path: corpus.codes[i].uuid for i in used}
        _save(project, corpus.coder, report, uuid_of, calibration, all_codings)
    return report


@dataclass(frozen=True)
class Parts:
    """What each part of a queue setting shows in one held-out document (the evaluated codes'
    columns), computed once: a setting shows their union (:meth:`of_setting`)."""

    at: dict[float, np.ndarray]
    """Per threshold of :data:`TRIED`: the combined probability's queue."""
    lanes: dict[tuple[str, float], np.ndarray]
    """Per lane and threshold: what that lane alone shows."""
    named: np.ndarray
    """The name lane."""
    gold: np.ndarray

    @classmethod
    def of(
        cls,
        found: dict[str, np.ndarray],
        names: np.ndarray,
        allowed: np.ndarray,
        limits: np.ndarray | None,
        in_lane: np.ndarray,
        gold: np.ndarray,
        used: list[int],
    ) -> Parts:
        """``found``: the queue's probability per engine (``combined`` and each lane's)."""

        def shown(probability: np.ndarray, threshold: float) -> np.ndarray:
            return select(probability, allowed, threshold=threshold, limits=limits)[:, used]

        return cls(
            {t: shown(found["combined"], t) for t in TRIED},
            {(n, t): shown(found[n], t) for n in LANES for t in LANE_THRESHOLDS},
            name_lane(names, allowed, codes=in_lane)[:, used],
            gold[:, used],
        )

    def of_setting(self, setting: Setting) -> np.ndarray:
        chosen = self.at.get(setting.threshold)
        if chosen is None:
            chosen = np.zeros_like(self.gold)
        if setting.names:
            chosen = chosen | self.named
        for key in setting.lanes:
            chosen = chosen | self.lanes[key]
        return chosen

    def pooled(self, setting: Setting) -> np.ndarray:
        return _pooled(self.of_setting(setting), self.gold)


def _pooled(predicted: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """tp, fp, fn over every code."""
    tp = int((predicted & gold).sum())
    return np.array([tp, int(predicted.sum()) - tp, int(gold.sum()) - tp], dtype=np.int64)


def _count(counts: np.ndarray, predicted: np.ndarray, gold: np.ndarray) -> None:
    counts[:, 0] += (predicted & gold).sum(axis=0)
    counts[:, 1] += (predicted & ~gold).sum(axis=0)
    counts[:, 2] += (~predicted & gold).sum(axis=0)


def _save(
    project: Project,
    coder: str | None,
    report: dict[str, Any],
    uuids: dict[str, str],
    calibration: Calibration,
    codings: int,
) -> None:
    """Keep the queue's calibration and each code's held-out precision (what the queue showed
    from the combined score) in the project's settings."""
    combined = report["queue"]["combined"]["per_code"]
    value = {
        "at": datetime.now(UTC).isoformat(),
        "coder": coder,
        "precision": {uuids[path]: entry["precision"] for path, entry in combined.items()},
        "f1": report["queue"]["combined"]["micro"]["f1"],
        "calibration": calibration.to_json(),
        "codings": codings,
    }
    project.keep_evaluation(
        evaluation_key(coder),
        json.dumps(value),
        coder=coder,
        documents=report["documents"],
        folds=report["folds"],
        f1=value["f1"],
    )
