"""``suggest``: ranked excerpt suggestions for a project, a document or a code.

Every document's sentences are scored by the three engines and the combination; a sentence is
suggested for a code when the combined score reaches ``min_score``, unless the coder (every
coder, when none is named) already coded that code on an overlapping span or a suggestion of
that code overlapping it was rejected. The list is ranked by score (then document and
position); the TUI groups it per document or per code as it likes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np

from ...errors import NotFoundError, QualcodeError
from .corpus import Corpus, load_corpus, mark_overlaps
from .engines import THRESHOLDS, build_engines, contributions
from .progress import Steps
from .records import Cancelled, Progress, SuggestionInfo

if TYPE_CHECKING:
    from ...project import Project

MIN_DECISIONS = 5
"""Decided suggestions of a code needed before its precision comes from them."""
EVALUATION_SETTING = "suggest.evaluation"


def evaluation_key(coder: str | None) -> str:
    return f"{EVALUATION_SETTING}:{coder or '*'}"


def measured_precision(project: Project, corpus: Corpus) -> dict[int, float | None]:
    """Per code index: precision from decisions (>= MIN_DECISIONS), else from the last stored
    evaluation of the combined engine, else None."""
    stored: dict[str, float | None] = {}
    raw = project.setting(evaluation_key(corpus.coder))
    if raw:
        try:
            stored = json.loads(raw).get("precision", {})
        except (ValueError, AttributeError):
            stored = {}
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
    """Parse the coded documents and train (or refresh) the learned model now, so that the next
    :func:`suggest` for this coder is quick: for a worker to run after codings changed. Does
    nothing the cache already holds (the model is retrained only when the codings changed by
    5% or more)."""
    corpus = load_corpus(project, coder)
    coded = corpus.coded_documents()
    steps = Steps(len(coded) + 3, progress, cancelled)
    for name in coded:
        corpus.analysis(name)
        steps.step(f"reading {name}")
    build_engines(
        corpus, corpus.codings, coded, seed=seed,
        cache_key=(project_key(project), coder, seed), step=steps.step,
    )  # fmt: skip


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
    """Suggested excerpts, best first, learning from ``coder``'s codings (all coders' when
    None). ``document`` and ``code`` narrow what is suggested, not what is learned from.
    Raises :class:`~qualcode.nlp.suggest.SuggestionsCancelled` when ``cancelled()`` is true."""
    threshold = THRESHOLDS["combined"] if min_score is None else min_score
    if not 0.0 <= threshold <= 1.0:
        raise QualcodeError(f"the minimum score must be between 0 and 1, not {threshold}")
    corpus = load_corpus(project, coder)
    if document is not None and document not in corpus.documents:
        raise NotFoundError(f"no document named '{document}' (see: qualcode documents)")
    wanted_code = None
    if code is not None:
        info = project.code(code)
        wanted_code = next((c.index for c in corpus.codes if c.uuid == info.uuid), None)
        if wanted_code is None:
            state = "archived" if info.archived else "not codable"
            raise QualcodeError(f"code '{info.path}' is {state}, so nothing is suggested for it")
    targets = [document] if document is not None else sorted(corpus.documents)
    coded = corpus.coded_documents()
    to_read = sorted(set(targets) | set(coded))
    steps = Steps(len(to_read) + 3 + len(targets), progress, cancelled)
    for name in to_read:
        corpus.analysis(name)
        steps.step(f"reading {name}")
    engines = build_engines(
        corpus, corpus.codings, to_read, seed=seed,
        cache_key=(project_key(project), coder, seed), step=steps.step,
    )  # fmt: skip
    precision = measured_precision(project, corpus)
    helper = engines.helper_weights
    by_document = corpus.codings_by_document()
    out: list[SuggestionInfo] = []
    for name in targets:
        view = engines.view(name)
        analysis = view.analysis
        scores, combined = engines.score(view)
        blocked = np.zeros_like(combined, dtype=bool)
        blocked |= corpus.labels(name, by_document.get(name, []))
        mark_overlaps(blocked, analysis, corpus.rejected.get(name, []))
        if wanted_code is not None:
            keep = np.zeros(len(corpus.codes), dtype=bool)
            keep[wanted_code] = True
            blocked |= ~keep[None, :]
        text = corpus.documents[name].text
        rows, cols = np.nonzero((combined >= threshold) & ~blocked)
        for sentence, index in zip(rows.tolist(), cols.tolist(), strict=True):
            entry = corpus.codes[index]
            found = contributions(scores, sentence, index, float(helper[index]))
            if not found:
                continue
            explanations = [scores[e].explain(sentence, index) for e, _score in found]
            start, end = analysis.spans[sentence]
            out.append(
                SuggestionInfo(
                    document=name, code=entry.path, start=start, end=end,
                    text=text[start:end], score=round(float(combined[sentence, index]), 4),
                    engine=found[0][0], explanation="; ".join(e for e in explanations if e),
                    engines=tuple(e for e, _s in found), precision=precision.get(index),
                    code_uuid=entry.uuid,
                    scores=tuple((e, round(s, 4)) for e, s in found),
                )
            )  # fmt: skip
        steps.step(f"scored {name}")
    out.sort(key=lambda s: (-s.score, s.document, s.start, s.code))
    return out[:limit] if limit is not None else out
