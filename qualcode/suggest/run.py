"""``suggest``: ranked excerpt suggestions for a project, a document or a code.

Every document's sentences are scored by the three engines and the combination; the review
queue (:mod:`.queue`) turns the combined score into a calibrated probability of being right and
shows a sentence for a code when that reaches ``min_score`` (default: the stored setting,
:func:`queue_setting`, 0.5 until an evaluation measured one), at most a few codes
per sentence, no content-free or interviewer sentences unless the coder codes them, and never a
code the coder (every coder, when none is named) already coded on an overlapping span or whose
suggestion there was rejected. The list is ranked by that probability (then document and
position); the TUI groups it per document or per code as it likes.

The calibration comes from a held-out evaluation of the coder's codings, stored in the project
(``suggest.evaluation:<coder>``); ``suggest`` runs one itself (5 folds) when there is none or
the codings grew by a quarter since. What a run found is kept in the project too
(``suggest.cache:<coder>``, so inside the encryption of an encrypted project), keyed by a
fingerprint of everything it depends on: the codebook, the documents' texts, the codings,
the decisions and the calibration. The next run in any process with the same fingerprint reads
it back without parsing or training; any new coding, decision or edit changes the fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import Hint, NotFoundError, QualcodeError
from .baseline import NameBaseline
from .corpus import Corpus, load_corpus, mark_overlaps, training_coder
from .cues import CUE_ENGINE, CueWords, Sample, reviewed_samples
from .engines import CONTRIBUTES, build_engines, contributions
from .keys import cache_key, evaluation_key
from .parts import for_evaluation
from .progress import Steps
from .queue import (
    CALIBRATION_VERSION,
    LANE_THRESHOLDS,
    NAME_ENGINE,
    OWN_CURVES,
    Calibration,
    Gate,
    NameRecord,
    Rates,
    Setting,
    TermRecord,
    habits_of,
    name_lane,
    select,
    sentence_flags,
)
from .records import Cancelled, Progress, SuggestionInfo

if TYPE_CHECKING:
    from ..project import Project

MIN_DECISIONS = 5
"""Decided suggestions of a code needed before its precision comes from them."""
CACHE_VERSION = 8
"""Raised whenever what a run computes changes, so old caches are not read."""
CACHE_FLOOR = 0.1
"""A run keeps every suggestion at least this likely (the cap per sentence does not depend on
the threshold), so asking again with another ``min_score`` above it reads the same cache."""
LANE_FLOOR = min(LANE_THRESHOLDS)
"""A run keeps every suggestion a lane alone makes at least this likely, whatever the stored
setting's lanes (a setting's own lane thresholds filter them, as ``min_score`` does scores)."""
REEVALUATE = 0.25
"""Share by which the training codings must grow before the calibration is measured again."""


def _json_object(raw: str | None) -> dict[str, Any]:
    """A stored JSON object, or {} when there is none or it is damaged (computed again)."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def stored_evaluation(project: Project, coder: str | None) -> dict[str, Any]:
    return _json_object(project.setting(evaluation_key(coder)))


def measured_precision(corpus: Corpus, evaluation: dict[str, Any]) -> dict[int, float | None]:
    """Per code index: precision from decisions (>= MIN_DECISIONS), else the held-out precision
    of the queue in the last stored evaluation, else None."""
    stored = evaluation.get("precision", {}) or {}
    out: dict[int, float | None] = {}
    for code in corpus.codes:
        accepted, rejected = corpus.decisions.get(code.index, (0, 0))
        if accepted + rejected >= MIN_DECISIONS:
            out[code.index] = accepted / (accepted + rejected)
        else:
            out[code.index] = stored.get(code.uuid)
    return out


def project_key(project: Project) -> str:
    return project.setting("project_uuid") or project.name


def prepare(
    project: Project,
    *,
    coder: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    seed: int = 0,
) -> None:
    """Parse the coded documents, measure the queue's calibration when it is missing or stale,
    and train (or refresh) the learned model now, so that the next :func:`suggest` for this
    coder is quick: for a worker to run after codings changed. Does nothing the caches already
    hold (the model is retrained only when the codings changed by 5% or more)."""
    corpus = load_corpus(project, coder)
    _calibrated(project, corpus, corpus.coder, seed, progress, cancelled)
    coded = corpus.learned_documents()
    steps = Steps(len(coded) + 3, progress, cancelled)
    for name in coded:
        corpus.analysis(name)
        steps.step(f"reading {name}")
    build_engines(
        corpus,
        corpus.codings,
        coded,
        seed=seed,
        cache_key=(project_key(project), coder, seed),
        step=steps.step,
    )


def suggest(
    project: Project,
    *,
    document: str | None = None,
    code: str | None = None,
    coder: str | None = None,
    min_score: float | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    seed: int = 0,
) -> list[SuggestionInfo]:
    """Suggested excerpts, most likely right first, learning from ``coder``'s codings (all
    coders' when None). ``document`` and ``code`` narrow what is suggested, not what is learned
    from; ``min_score`` is the lowest calibrated probability shown. Without it, the queue's
    setting the evaluation chose for this coder (:func:`queue_setting`; before any, 0.5).
    Raises :class:`~qualcode.suggest.SuggestionsCancelled` when ``cancelled()`` is true."""
    if min_score is not None and not 0.0 <= min_score <= 1.0:
        raise QualcodeError(f"the minimum score must be between 0 and 1, not {min_score}")
    Steps(1, None, cancelled).check()
    corpus = load_corpus(project, coder)
    coder = corpus.coder  # while coding is blind, the actor's own (no one else's calibration)
    if document is not None and document not in corpus.documents:
        raise NotFoundError(f"no document named '{document}'", Hint("documents"))
    wanted_code = None
    if code is not None:
        info = project.code(code)
        wanted_code = next((c.index for c in corpus.codes if c.uuid == info.uuid), None)
        if wanted_code is None:
            state = "archived" if info.archived else "not codable"
            raise QualcodeError(f"code '{info.path}' is {state}, so nothing is suggested for it")
    targets = [document] if document is not None else sorted(corpus.documents)
    evaluation = _calibrated(project, corpus, coder, seed, progress, cancelled)
    setting = _setting(evaluation) if min_score is None else Setting(min_score, False)
    floor = min(setting.threshold, CACHE_FLOOR)
    key = fingerprint(corpus, evaluation, floor, seed)
    cache = _read_cache(project, coder, key)
    missing = [name for name in targets if name not in cache]
    if missing:
        cache.update(
            _compute(project, corpus, missing, evaluation, floor, seed, progress, cancelled)
        )
        _write_cache(project, coder, key, cache)
    out = [
        SuggestionInfo.from_json(item)
        for name in targets
        for item in cache[name]
        if setting.shows(item["score"], item["engines"], item.get("lanes"))
    ]
    if wanted_code is not None:
        out = [s for s in out if s.code_uuid == corpus.codes[wanted_code].uuid]
    out.sort(key=lambda s: (-s.score, s.document, s.start, s.code))
    return out[:limit] if limit is not None else out


def _setting(evaluation: dict[str, Any]) -> Setting:
    return Calibration.from_json(evaluation.get("calibration")).setting or Setting()


def queue_setting(project: Project, coder: str | None = None) -> Setting:
    """How the review queue chooses for this coder: the setting the last evaluation chose on
    their held-out codings (:class:`~.queue.Setting`), the default before any."""
    return _setting(stored_evaluation(project, training_coder(project, coder)))


def _calibrated(
    project: Project,
    corpus: Corpus,
    coder: str | None,
    seed: int,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> dict[str, Any]:
    """The stored evaluation, measured again first when there is none with a calibration of
    this version (:data:`~.queue.CALIBRATION_VERSION`) or the codings grew by
    :data:`REEVALUATE` since (and two documents or more are coded)."""
    from .evaluate import CALIBRATION_FOLDS, evaluate

    evaluation = stored_evaluation(project, coder)
    codings = len(corpus.codings)
    stored = evaluation.get("calibration")
    current = isinstance(stored, dict) and stored.get("version") == CALIBRATION_VERSION
    before = int(evaluation.get("codings", 0) or 0) if current else 0
    stale = not before or codings >= before * (1 + REEVALUATE) + 1
    if stale and for_evaluation(corpus) is not None:
        evaluate(
            project,
            coder,
            folds=CALIBRATION_FOLDS,
            progress=progress,
            cancelled=cancelled,
            seed=seed,
            save=True,
        )
        evaluation = stored_evaluation(project, coder)
    return evaluation


def fingerprint(corpus: Corpus, evaluation: dict[str, Any], threshold: float, seed: int) -> str:
    """A hash of everything a run's suggestions depend on."""
    digest = hashlib.sha256()
    parts: list[Any] = [CACHE_VERSION, corpus.coder, threshold, seed, evaluation]
    parts.append(
        [
            (c.uuid, c.path, c.definition, c.inclusion, c.exclusion, c.example, c.keywords)
            for c in corpus.codes
        ]
    )
    parts.append(sorted((d.name, d.sha256, d.turns, d.speakers) for d in corpus.documents.values()))
    parts.append([(c.document, c.code, c.start, c.end, c.coder) for c in corpus.codings])
    parts.append(sorted((k, sorted(v)) for k, v in corpus.rejected.items()))
    parts.append(sorted(corpus.decisions.items()))
    digest.update(json.dumps(parts, sort_keys=True, default=str).encode("utf-8"))
    return digest.hexdigest()


def _read_cache(project: Project, coder: str | None, key: str) -> dict[str, list[dict[str, Any]]]:
    value = _json_object(project.cached(cache_key(coder)))
    if value.get("key") != key:
        return {}
    documents = value.get("documents")
    if not isinstance(documents, dict):
        return {}
    try:  # a damaged cache is computed again, never trusted
        for items in documents.values():
            for item in items:
                SuggestionInfo.from_json(item)
    except (TypeError, ValueError, KeyError, AttributeError):
        return {}
    return dict(documents)


def _write_cache(
    project: Project, coder: str | None, key: str, documents: dict[str, list[dict[str, Any]]]
) -> None:
    """Keep what was found in the project (a setting: no new table, encrypted with it). A
    project the actor may not write to simply keeps no cache."""
    value = json.dumps({"key": key, "documents": documents}, separators=(",", ":"))
    project.keep_cached(cache_key(coder), value)


def _compute(
    project: Project,
    corpus: Corpus,
    targets: list[str],
    evaluation: dict[str, Any],
    threshold: float,
    seed: int,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> dict[str, list[dict[str, Any]]]:
    """The queue of each target document, as JSON-ready dictionaries."""
    coded = corpus.coded_documents()
    to_read = sorted(set(targets) | set(corpus.learned_documents()))
    steps = Steps(len(to_read) + 3 + len(targets), progress, cancelled)
    for name in to_read:
        corpus.analysis(name)
        steps.step(f"reading {name}")
    engines = build_engines(
        corpus,
        corpus.codings,
        to_read,
        seed=seed,
        cache_key=(project_key(project), corpus.coder, seed),
        step=steps.step,
    )
    precision = measured_precision(corpus, evaluation)
    calibration = Calibration.from_json(evaluation.get("calibration"))
    uuids = [c.uuid for c in corpus.codes]
    factors = calibration.factors(uuids, corpus.decisions)
    own = dict((calibration.setting or Setting()).lanes)

    def shown_at(laned: tuple[tuple[str, float], ...]) -> list[float]:
        """The probabilities by which the stored setting's lanes show a suggestion: it is
        ranked, and said to be likely right, by the higher of these and its own."""
        return [p for lane_name, p in laned if p >= own.get(lane_name, 2.0)]

    habits = habits_of(corpus, corpus.codings)
    helper = engines.helper_weights
    by_document = corpus.codings_by_document()
    gate = decided(corpus, len(uuids))
    names = NameBaseline(corpus.codes)
    record = TermRecord.empty(len(uuids))
    name_record = NameRecord.empty(len(uuids))
    rates = Rates.empty(len(uuids))
    samples: list[Sample] = []
    for name in coded:
        empty, asking = sentence_flags(corpus, name)
        view = engines.view(name)
        gold = corpus.labels(name, by_document[name])
        samples.append((view.analysis, gold, ~empty & ~asking, None))
        terms = engines.terms.score(view).matrix
        record = record + TermRecord.of(terms, gold, ~empty & ~asking)
        found = names.score(view, corpus.documents[name].text).matrix
        name_record = name_record + NameRecord.of(found, gold, ~empty & ~asking)
        rates = rates + Rates.of(gold)
    samples.extend(reviewed_samples(corpus, by_document).values())
    in_lane = name_record.in_lane() & gate.in_lane()
    cues = CueWords.learn(samples, len(uuids)) if calibration.cues is not None else None
    out: dict[str, list[dict[str, Any]]] = {}
    for name in targets:
        view = engines.view(name)
        analysis = view.analysis
        scores, combined = engines.score(view)
        blocked = corpus.labels(name, by_document.get(name, []))
        mark_overlaps(blocked, analysis, corpus.rejected.get(name, []))
        terms = scores["terms"].matrix
        probability = calibration.probability(combined, factors)
        probability = record.raise_(probability, terms)
        named = names.score(view, corpus.documents[name].text).matrix
        probability = name_record.raise_(probability, named)
        cued = cues.score(analysis) if cues is not None else None
        by_cue = (
            calibration.cue_probability(cued.matrix)
            if cued is not None
            else np.zeros_like(probability)
        )
        by_engines = probability
        probability = gate.apply(np.maximum(probability, by_cue))
        allowed = habits.allowed(*sentence_flags(corpus, name))
        limits = rates.limits(len(analysis))
        chosen = select(probability, allowed, blocked, threshold=threshold, limits=limits)
        lane = name_lane(named, allowed, blocked, in_lane)
        chosen |= lane
        # The lanes: cue words, a code's own words and its name, each on its own calibration.
        # (Each own curve's score is raised by its record, as in the evaluation.)
        own_scores = {"terms": (terms, record), "names": (named, name_record)}
        by_lane = {"cues": by_cue}
        for lane_name in OWN_CURVES:
            if lane_name in calibration.own:
                matrix, its_record = own_scores[lane_name]
                alone = calibration.own_probability(lane_name, matrix, uuids, corpus.decisions)
                by_lane[lane_name] = its_record.raise_(alone, matrix)
        lanes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for lane_name, alone in by_lane.items():
            p = gate.apply(alone)
            in_this = select(p, allowed, blocked, threshold=LANE_FLOOR, limits=limits)
            lanes[lane_name] = (p, in_this)
            chosen |= in_this
        text = corpus.documents[name].text
        found_here: list[dict[str, Any]] = []
        rows, cols = np.nonzero(chosen)
        for sentence, index in zip(rows.tolist(), cols.tolist(), strict=True):
            entry = corpus.codes[index]
            found = contributions(scores, sentence, index, float(helper[index]))
            reasons = [scores[e].explain(sentence, index) for e, _score in found]
            laned = tuple(
                (lane_name, round(float(p[sentence, index]), 4))
                for lane_name, (p, in_this) in lanes.items()
                if in_this[sentence, index]
            )
            if lane[sentence, index]:
                found.append((NAME_ENGINE, 1.0))
            holds_name = lane[sentence, index] or "names" in dict(laned)
            if holds_name and not any("(code name" in r for r in reasons):
                reasons.insert(0, names.explain(index))
            if cued is not None and by_cue[sentence, index] >= CONTRIBUTES:
                # First when the cue is what made the suggestion likely, else last.
                first = by_cue[sentence, index] > by_engines[sentence, index]
                at = 0 if first else len(found)
                found.insert(at, (CUE_ENGINE, float(cued.matrix[sentence, index])))
                reasons.insert(0 if first else len(reasons), cued.explain(sentence, index))
            if not found:
                continue
            start, end = analysis.spans[sentence]
            if "similar" not in {e for e, _s in found}:
                reasons.append(scores["similar"].explain(sentence, index))
            explanation = "; ".join(r for r in reasons if r) or (
                f"scored like the sentences you coded {entry.name}"
            )
            found_here.append(
                SuggestionInfo(
                    document=name,
                    code=entry.path,
                    start=start,
                    end=end,
                    text=text[start:end],
                    score=round(max([float(probability[sentence, index]), *shown_at(laned)]), 4),
                    engine=found[0][0],
                    explanation=explanation,
                    engines=tuple(e for e, _s in found),
                    precision=precision.get(index),
                    code_uuid=entry.uuid,
                    scores=(
                        ("combined", round(float(combined[sentence, index]), 4)),
                        *((e, round(s, 4)) for e, s in found),
                    ),
                    lanes=laned,
                ).to_json()
            )
        out[name] = found_here
        steps.step(f"scored {name}")
    return out


def decided(corpus: Corpus, codes: int) -> Gate:
    """The coder's decisions on suggestions, counted as suggestions the queue showed: an
    accepted one right, a rejected one wrong."""
    gate = Gate.empty(codes)
    for code, (accepted, rejected) in corpus.decisions.items():
        gate.shown[code] += accepted + rejected
        gate.right[code] += accepted
    return gate
