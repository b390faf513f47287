"""Held-out evaluation: how well each engine would have suggested the coder's own codings.

The documents the coder has coded are split into folds (one document per fold by default: each
document is held out in turn). For each fold the engines learn from the codings of the other
documents only, then score the held-out documents' sentences. At sentence level, the *gold* of
a code is the set of sentences its codings overlap in the held-out document; a sentence counts
as *suggested* when the engine's score reaches its threshold (:data:`THRESHOLDS`). Counts are
summed over folds into precision, recall and F1 per code, then micro (pooled counts) and macro
(mean over the codes with gold sentences; an undefined precision counts as 0) overall.

Codes evaluated: those with at least one coding by the coder. Engines reported: ``keywords``
(the baseline: code name and keywords as lower-case whole words), ``terms``, ``similar``,
``learned`` and ``combined`` (what ``suggest`` ranks by).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from ...errors import QualcodeError
from ...store.models import Setting
from .base import CorpusStats
from .baseline import KeywordBaseline
from .corpus import load_corpus
from .engines import THRESHOLDS, build_engines
from .progress import Steps
from .records import Cancelled, Progress
from .run import evaluation_key
from .terms import TermsEngine

if TYPE_CHECKING:
    from ...project import Project

REPORTED = ("keywords", "terms", "similar", "learned", "combined")


def _ratios(tp: int, fp: int, fn: int) -> dict[str, Any]:
    return {
        "gold": tp + fn,
        "suggested": tp + fp,
        "correct": tp,
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None,
    }


def _summary(counts: np.ndarray, paths: list[str]) -> dict[str, Any]:
    """``counts``: codes x (tp, fp, fn)."""
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

    ``documents`` limits the evaluation to some of the coded documents; ``save`` stores each
    code's held-out precision of the combined engine in the project, for suggestions to show.
    """
    started = time.perf_counter()
    corpus = load_corpus(project, coder)
    coded = corpus.coded_documents()
    if documents is not None:
        unknown = sorted(set(documents) - set(corpus.documents))
        if unknown:
            raise QualcodeError(f"no document named '{unknown[0]}' (see: qualcode documents)")
        coded = [d for d in coded if d in set(documents)]
    who = f"coder '{coder}'" if coder else "the coders"
    if len(coded) < 2:
        raise QualcodeError(
            f"an evaluation needs codings by {who} in at least two documents (found {len(coded)})"
        )
    groups = folds_of(coded, folds)
    used = sorted({c.code for c in corpus.codings if c.document in set(coded)})
    paths = [corpus.codes[i].path for i in used]
    steps = Steps(len(coded) * 2 + 1, progress, cancelled)
    for name in coded:
        corpus.analysis(name)
        steps.step(f"reading {name}")
    stats = CorpusStats.of(corpus.analysis(n) for n in coded)
    terms = TermsEngine(corpus.codes, stats)
    baseline = KeywordBaseline(corpus.codes)
    steps.step("codebook terms")
    counts = {name: np.zeros((len(used), 3), dtype=np.int64) for name in REPORTED}
    learned_codes: list[int] = []
    sentences = 0
    by_document = corpus.codings_by_document()
    for held_out in groups:
        training = [c for c in corpus.codings if c.document in set(coded) - set(held_out)]
        engines = build_engines(corpus, training, coded, seed=seed, terms=terms)
        learned_codes.append(len(engines.learned.trained))
        for name in held_out:
            view = engines.view(name)
            sentences += len(view.analysis)
            scores, combined = engines.score(view)
            matrices = {e: scores[e].matrix for e in ("terms", "similar", "learned")}
            matrices["combined"] = combined
            matrices["keywords"] = baseline.score(view, corpus.documents[name].text).matrix
            gold = corpus.labels(name, by_document.get(name, []))[:, used]
            for engine, matrix in matrices.items():
                predicted = matrix[:, used] >= THRESHOLDS[engine]
                counts[engine][:, 0] += (predicted & gold).sum(axis=0)
                counts[engine][:, 1] += (predicted & ~gold).sum(axis=0)
                counts[engine][:, 2] += (~predicted & gold).sum(axis=0)
            steps.step(f"held out {name}")
    report: dict[str, Any] = {
        "coder": coder,
        "unit": "sentence",
        "documents": len(coded),
        "folds": len(groups),
        "sentences": sentences,
        "codes": paths,
        "codes_learned": {"min": min(learned_codes), "max": max(learned_codes)},
        "thresholds": {e: THRESHOLDS[e] for e in REPORTED},
        "engines": {e: _summary(counts[e], paths) for e in REPORTED},
        "seconds": round(time.perf_counter() - started, 2),
    }
    if save:
        _save(project, coder, report, {corpus.codes[i].path: corpus.codes[i].uuid for i in used})
    return report


def _save(
    project: Project, coder: str | None, report: dict[str, Any], uuids: dict[str, str]
) -> None:
    """Keep each code's held-out precision (combined engine) in the project's settings."""
    combined = report["engines"]["combined"]["per_code"]
    value = {
        "at": datetime.now(UTC).isoformat(),
        "coder": coder,
        "precision": {uuids[path]: entry["precision"] for path, entry in combined.items()},
        "f1": report["engines"]["combined"]["micro"]["f1"],
    }
    key = evaluation_key(coder)
    with project._write() as session:
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=json.dumps(value)))
        else:
            row.value = json.dumps(value)
        project._audit(
            session, "suggest.evaluate", "project", None,
            coder=coder, documents=report["documents"], folds=report["folds"],
            f1=value["f1"],
        )  # fmt: skip
