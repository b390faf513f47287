"""Engine 3, learned: a multi-label classifier trained on this project's own codings.

scikit-learn, not spaCy's ``textcat_multilabel``: TF-IDF features and one logistic regression
per code (one-vs-rest, liblinear). On this machine it trains in a fraction of a second and
scores 100,000 sentences in about a second, and with few examples it ranked better than spaCy's
bag-of-words or ensemble text classifiers, which also train 10-100 times slower
(../shared/notes/nlp-measurements.md, section 6; our own numbers in docs/suggestions.md).

Training examples are the sentences of the documents the coder has coded (a document with at
least one training coding); a sentence is a positive example of a code when a coding of that
code overlaps it, a negative one otherwise. In a document where the coder has only decided on
suggestions (``Corpus.reviewed``), only the decided sentences are examples: an accepted one for
every code, a rejected one as a counter-example of the code rejected. The others were never
looked at, so they are not counter-examples. Only codes with at least :data:`MIN_EXAMPLES`
codings get a model. Features: lemma unigrams and bigrams of the sentence (stop words and
punctuation kept: "?" and "you" matter for some codes), and its speaker's label and role.
When the coder codes whole turns (at least :data:`WHOLE_TURNS` of the training codings cover
90% or more of one turn's body), a sentence also gets the lemmas of the rest of its turn
(``turn:`` features): the code belongs to the turn, so its other sentences are evidence. On
AnnoMI (utterance-level codes) this lifted the learned engine's F1 from 0.58 to 0.66; on
excerpt-level coding (the synthetic benchmark, games-as-art) it lowered it, hence the switch.
The score is the regression's probability; the explanation names the content words (no stop
words, punctuation, speaker or role features) whose features pushed this sentence's score up
most, those of its turn marked as such, or else the sentence's own content words.

Models are cached in memory per project and coder, keyed by the set of training codings, and
retrained only when that set has changed by at least :data:`RETRAIN_SHARE` (or the codes that
have enough examples changed): a few new codings do not cost a retrain on every keystroke.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..nlp.pipeline import Analysis
from .base import DocumentView, EngineScores

MIN_EXAMPLES = 8
"""Codings a code needs before it gets a model."""
RETRAIN_SHARE = 0.05
"""Share of the training codings that must change (added or removed) before retraining."""
C = 4.0
"""Inverse regularisation strength of each logistic regression."""
WHOLE_TURNS = 0.7
CLASS_WEIGHT: str | None = None
_SEPARATOR = " \x1f "


def feature_text(lemma_text: str, speaker: str, context: str = "") -> str:
    """One sentence as the learner's input: its lemmas, its speaker, its turn's other lemmas."""
    return f"{lemma_text}{_SEPARATOR}{speaker}{_SEPARATOR}{context}"


def feature_texts(analysis: Analysis, speakers: Sequence[str], context: bool) -> list[str]:
    """:func:`feature_text` of every sentence of a document; with ``context``, each sentence
    also gets the lemmas of the other sentences of its turn."""
    if not context:
        return [feature_text(t, s) for t, s in zip(analysis.lemma_texts, speakers, strict=True)]
    by_turn: dict[int, list[int]] = {}
    for i, turn in enumerate(analysis.turn.tolist()):
        by_turn.setdefault(turn if turn >= 0 else -1 - i, []).append(i)
    out = []
    for i, (text, speaker) in enumerate(zip(analysis.lemma_texts, speakers, strict=True)):
        turn = int(analysis.turn[i])
        others = by_turn[turn if turn >= 0 else -1 - i]
        around = " ".join(analysis.lemma_texts[j] for j in others if j != i)
        out.append(feature_text(text, speaker, around))
    return out


def is_content(word: str) -> bool:
    """A word worth showing a researcher: two letters or more, not a stop word."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return (
        len(word) >= 2
        and any(ch.isalpha() for ch in word)
        and word not in STOP_WORDS
        and all(ch.isalnum() or ch in "-'’" for ch in word)
    )


def readable(feature: str) -> tuple[list[str], bool]:
    """The content words of a learned feature, and whether they come from the sentence's turn
    (``turn:`` features). Speaker and role features give none: they are not words of the text."""
    if feature.startswith(("speaker:", "role:")):
        return [], False
    in_turn = feature.startswith("turn:")
    words = feature.removeprefix("turn:").split()
    return [w for w in words if is_content(w)], in_turn


def analyzer(text: str) -> list[str]:
    words, _sep, rest = text.partition(_SEPARATOR)
    speaker, _sep, context = rest.partition(_SEPARATOR)
    tokens = words.split()
    features = tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
    for part in speaker.split():
        features.append(part if part.startswith("role:") else f"speaker:{part}")
    features.extend(f"turn:{t}" for t in set(context.split()))
    return features


@dataclass
class LearnedModel:
    """One logistic regression per code with enough examples, over shared TF-IDF features."""

    codes: int
    trained: np.ndarray
    """Indices of the codes that have a model."""
    examples: dict[int, int] = field(default_factory=dict)
    """Training codings per code index."""
    vectorizer: object | None = None
    weights: np.ndarray | None = None
    """``features x trained codes``."""
    intercepts: np.ndarray | None = None
    names: np.ndarray | None = None
    sentences: int = 0
    context: bool = False
    """Whether sentences carry their turn's other words (the coder codes whole turns)."""

    def score(self, view: DocumentView) -> EngineScores:
        analysis = view.analysis
        matrix = np.zeros((len(analysis), self.codes), dtype=np.float32)
        if self.vectorizer is None or self.weights is None or not len(analysis):
            return EngineScores(matrix, lambda _s, _c: "")
        texts = feature_texts(analysis, view.speakers, self.context)
        features = self.vectorizer.transform(texts)  # type: ignore[attr-defined]
        logits = features @ self.weights + self.intercepts
        matrix[:, self.trained] = 1.0 / (1.0 + np.exp(-np.asarray(logits)))
        column = {int(code): i for i, code in enumerate(self.trained)}

        def explain(sentence: int, code: int) -> str:
            if code not in column or self.names is None or self.weights is None:
                return ""
            row = features[sentence]
            contributions = row.data * self.weights[row.indices, column[code]]
            own: list[str] = []
            around: list[str] = []
            for i in np.argsort(-contributions).tolist():
                if contributions[i] <= 0 or len(own) + len(around) >= 4:
                    break
                words, in_turn = readable(str(self.names[row.indices[i]]))
                target = around if in_turn else own
                target.extend(w for w in words if w not in own and w not in around)
            if not own and not around:
                # No content word raised the score on its own: name the sentence's own.
                words = [
                    w
                    for w in dict.fromkeys(analysis.content_texts[sentence].split())
                    if is_content(w)
                ][:3]
                listed = ", ".join(f'"{w}"' for w in words)
                return "learned from your codings, from the sentence as a whole" + (
                    f": {listed}" if words else ""
                )
            quoted = ", ".join(f'"{w}"' for w in own[:3])
            nearby = ", ".join(f'"{w}"' for w in around[:3])
            if own and around:
                return f"learned from your codings: {quoted}, and {nearby} in the rest of its turn"
            if around:
                return f"learned from your codings: {nearby} in the rest of its turn"
            return f"learned from your codings: {quoted}"

        return EngineScores(matrix, explain)


def train(
    texts: Sequence[str],
    labels: np.ndarray,
    examples: dict[int, int],
    *,
    seed: int = 0,
    min_examples: int = MIN_EXAMPLES,
    context: bool = False,
    known: np.ndarray | None = None,
) -> LearnedModel:
    """Fit the model: ``texts`` from :func:`feature_text`, ``labels`` sentences x codes;
    ``known`` (sentences x codes, all true when None) says which sentences each code learns
    from (a sentence whose suggestion of one code was rejected says nothing of the others)."""
    codes = labels.shape[1]
    if known is None:
        positives, counted = labels.sum(axis=0), np.full(codes, len(texts))
    else:
        positives, counted = (labels & known).sum(axis=0), known.sum(axis=0)
    trained = np.array(
        [
            k
            for k in range(codes)
            if examples.get(k, 0) >= min_examples and 0 < positives[k] < counted[k]
        ],
        dtype=np.int64,
    )
    model = LearnedModel(codes=codes, trained=trained, examples=dict(examples), context=context)
    if not len(trained):
        return model
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, dtype=np.float32)
    features = vectorizer.fit_transform(texts)
    weights = np.zeros((features.shape[1], len(trained)), dtype=np.float32)
    intercepts = np.zeros(len(trained), dtype=np.float32)
    for column, code in enumerate(trained):
        regression = LogisticRegression(
            solver="liblinear", C=C, class_weight=CLASS_WEIGHT, random_state=seed
        )
        if known is None or known[:, code].all():
            regression.fit(features, labels[:, code])
        else:
            rows = known[:, code]
            regression.fit(features[rows], labels[rows, code])
        weights[:, column] = regression.coef_[0]
        intercepts[column] = regression.intercept_[0]
    model.vectorizer = vectorizer
    model.weights = weights
    model.intercepts = intercepts
    model.names = vectorizer.get_feature_names_out()
    model.sentences = len(texts)
    return model


class ModelCache:
    """The last model per (project, coder), reused until the training codings change enough.

    ``signature`` stands for what the model's columns mean (the codebook's codes and which of
    them have a model); a different signature always retrains."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._models: dict[Hashable, tuple[frozenset[Hashable], Hashable, LearnedModel]]
        self._models = {}

    def get(
        self, key: Hashable, codings: frozenset[Hashable], signature: Hashable
    ) -> LearnedModel | None:
        """The cached model if it is still good enough for these training codings."""
        with self._lock:
            found = self._models.get(key)
        if found is None:
            return None
        old_codings, old_signature, model = found
        if old_signature != signature:
            return None
        changed = len(old_codings ^ codings)
        if changed and changed >= max(1.0, RETRAIN_SHARE * len(old_codings)):
            return None
        return model

    def put(
        self,
        key: Hashable,
        codings: frozenset[Hashable],
        signature: Hashable,
        model: LearnedModel,
    ) -> None:
        with self._lock:
            self._models[key] = (codings, signature, model)

    def clear(self) -> None:
        with self._lock:
            self._models.clear()


MODELS = ModelCache()
