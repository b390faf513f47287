"""Building the three engines from a corpus and scoring a document with all of them.

The engines' scores are combined per sentence and code as a noisy-OR, ``1 - product of
(1 - w * score)``: evidence from several engines adds up, and one strong engine suffices. For a
code without a learned model (fewer than 8 codings) terms and similarity count fully. For a
code with one, the learned score counts fully and the other two with the weight
``min(0.5, 3 / sqrt(codings))``: 0.5 up to 36 codings, 0.19 at 256, 0.09 at 1,000. The more
of the coder's own decisions the model has seen, the better it knows how far the codebook's
words and the nearest excerpt go, and the more their scores only add noise near the threshold.
The weight's shape and the thresholds were chosen on the held-out evaluations of
docs/suggestions.md (AnnoMI, games-as-art and the synthetic benchmark); see that page.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .base import CorpusStats, DocumentView, EngineScores
from .corpus import CodingEntry, Corpus
from .learned import MODELS, WHOLE_TURNS, LearnedModel, feature_texts, train
from .records import ENGINES
from .similar import SimilarEngine, definitions, exemplars
from .terms import TermsEngine

THRESHOLDS = {
    "names": 0.5,
    "keywords": 0.5,
    "terms": 0.3,
    "similar": 0.3,
    "learned": 0.3,
    "cues": 0.3,
    "combined": 0.3,
}
"""Raw score from which a sentence counts as suggested by one engine alone, in the evaluation
(the review queue has its own threshold, :data:`.queue.QUEUE_THRESHOLD`, on a calibrated
probability). See docs/suggestions.md."""
HELPER_WEIGHT = 0.5
"""Weight of terms and similarity for a code with a model of few codings, ..."""
HELPER_DECAY = 3.0
"""... falling as ``HELPER_DECAY / sqrt(codings)`` once that is smaller."""
CONTRIBUTES = 0.1
"""An engine with at least this score is named among a suggestion's engines."""


@dataclass
class Engines:
    corpus: Corpus
    terms: TermsEngine
    similar: SimilarEngine
    learned: LearnedModel

    def view(self, name: str) -> DocumentView:
        return DocumentView(name, self.corpus.analysis(name), tuple(self.corpus.speakers(name)))

    def score(self, view: DocumentView) -> tuple[dict[str, EngineScores], np.ndarray]:
        """Each engine's scores of a document and their combination."""
        scores = {
            "terms": self.terms.score(view),
            "similar": self.similar.score(view),
            "learned": self.learned.score(view),
        }
        return scores, combine(scores, self.helper_weights)

    @property
    def helper_weights(self) -> np.ndarray:
        """Per code: the weight of terms and similarity in the combination (see above)."""
        return helper_weights(len(self.corpus.codes), self.learned.trained, self.learned.examples)


def helper_weights(codes: int, trained: np.ndarray, examples: dict[int, int]) -> np.ndarray:
    out = np.ones(codes, dtype=np.float32)
    for code in trained.tolist():
        out[code] = min(HELPER_WEIGHT, HELPER_DECAY / max(1, examples.get(code, 1)) ** 0.5)
    return out


def combine(scores: dict[str, EngineScores], helper: np.ndarray) -> np.ndarray:
    """Noisy-OR of the engines; ``helper`` is each code's weight of terms and similarity."""
    terms = scores["terms"].matrix
    similar = scores["similar"].matrix
    learned = scores["learned"].matrix
    w = helper[None, :]
    return (1.0 - (1.0 - learned) * (1.0 - w * terms) * (1.0 - w * similar)).astype(np.float32)


def contributions(
    scores: dict[str, EngineScores], sentence: int, code: int, helper: float
) -> list[tuple[str, float]]:
    """``(engine, score)`` of the engines that contributed, strongest (weighted) first."""
    weight = {"terms": helper, "similar": helper, "learned": 1.0}
    found = [
        (name, float(scores[name].matrix[sentence, code]))
        for name in ENGINES
        if scores[name].matrix[sentence, code] >= CONTRIBUTES
    ]
    found.sort(key=lambda item: -item[1] * weight[item[0]])
    return found


def build_engines(
    corpus: Corpus,
    training: Sequence[CodingEntry],
    documents: Iterable[str],
    *,
    seed: int = 0,
    cache_key: Hashable | None = None,
    step: Callable[[str], None] | None = None,
    terms: TermsEngine | None = None,
) -> Engines:
    """The engines for one run: terms over ``documents``' vocabulary, similarity to the
    ``training`` codings, a classifier trained on them (reused from the cache under
    ``cache_key`` while the training codings have changed too little). A ``terms`` engine
    built before (it learns nothing from codings) is reused as it is."""
    names = sorted(set(documents) | {c.document for c in training})
    analyses = [corpus.analysis(n) for n in names]
    stats = CorpusStats.of(analyses)
    if step:
        step("codebook terms")
    if terms is None:
        terms = TermsEngine(corpus.codes, stats)
    if step:
        step("similar excerpts")
    background = [t for a in analyses for t in a.content_texts]
    similar = SimilarEngine(
        len(corpus.codes),
        exemplars(corpus, corpus.codes, training),
        background,
        definitions(corpus.codes),
    )
    if step:
        step("learning from codings")
    learned = _learned(corpus, training, seed=seed, cache_key=cache_key)
    return Engines(corpus, terms, similar, learned)


def _learned(
    corpus: Corpus, training: Sequence[CodingEntry], *, seed: int, cache_key: Hashable | None
) -> LearnedModel:
    from .learned import MIN_EXAMPLES

    examples: dict[int, int] = {}
    for coding in training:
        examples[coding.code] = examples.get(coding.code, 0) + 1
    trainable = tuple(sorted(k for k, n in examples.items() if n >= MIN_EXAMPLES))
    # A model is only reused for the same codebook (code indices) and the same trainable codes.
    signature = (tuple(c.uuid for c in corpus.codes), trainable)
    reviewed = sorted(corpus.reviewed)
    fingerprint = frozenset(
        [(c.document, c.code, c.start, c.end, c.coder) for c in training]
        + [(n, *span, "rejected") for n in reviewed for span in corpus.rejected.get(n, [])]
    )
    if cache_key is not None:
        cached = MODELS.get(cache_key, fingerprint, signature)
        if cached is not None:
            return cached
    texts: list[str] = []
    blocks: list[np.ndarray] = []
    masks: list[np.ndarray | None] = []
    by_document: dict[str, list[CodingEntry]] = {}
    for coding in training:
        by_document.setdefault(coding.document, []).append(coding)
    context = whole_turns(corpus, training)
    if trainable:
        for name in sorted(set(by_document) | set(reviewed)):
            analysis = corpus.analysis(name)
            speakers = corpus.speakers(name)
            features = feature_texts(analysis, speakers, context)
            labels = corpus.labels(name, by_document.get(name, []))
            known: np.ndarray | None = None
            if name in corpus.reviewed:
                # Only what the coder decided there is known.
                known = corpus.decided(name, labels)
                rows = known.any(axis=1)
                features = [f for f, k in zip(features, rows.tolist(), strict=True) if k]
                labels, known = labels[rows], known[rows]
            texts.extend(features)
            blocks.append(labels)
            masks.append(known)
    shape = (0, len(corpus.codes))
    labels = np.vstack(blocks) if blocks else np.zeros(shape, dtype=bool)
    # Every sentence is known to every code unless a reviewed document took part.
    known = None
    if any(m is not None for m in masks):
        known = np.vstack(
            [np.ones_like(b) if m is None else m for b, m in zip(blocks, masks, strict=True)]
        )
    model = train(texts, labels, examples, seed=seed, context=context, known=known)
    if cache_key is not None:
        MODELS.put(cache_key, fingerprint, signature, model)
    return model


def whole_turns(corpus: Corpus, codings: Sequence[CodingEntry]) -> bool:
    """Whether the coder codes whole turns: at least :data:`WHOLE_TURNS` of the codings cover
    90% or more of the body of the turn they start in."""
    if not codings:
        return False
    whole = 0
    bodies: dict[str, list[int]] = {}
    for coding in codings:
        turns = corpus.documents[coding.document].turns
        if not turns:
            continue
        starts = bodies.setdefault(coding.document, [t[1] for t in turns])
        index = max(0, bisect_right(starts, coding.start) - 1)
        _start, body, end = turns[index]
        covered = min(end, coding.end) - max(body, coding.start)
        whole += covered >= 0.9 * max(1, end - body)
    return whole >= WHOLE_TURNS * len(codings)
