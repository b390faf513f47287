"""What every engine takes and gives: a document's sentences in, a scores matrix out."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from ..nlp.pipeline import Analysis


@dataclass(frozen=True)
class DocumentView:
    """One document as the engines see it: its sentences and the speaker of each."""

    name: str
    analysis: Analysis
    speakers: tuple[str, ...]
    """Per sentence: the speaker label in lower case (with ``role:<role>``), or ""."""


@dataclass(frozen=True)
class EngineScores:
    """An engine's verdict on one document."""

    matrix: np.ndarray
    """``sentences x codes`` scores in [0, 1] (float32)."""
    explain: Callable[[int, int], str]
    """``explain(sentence, code)``: why, in words (only called for what is shown)."""


@dataclass(frozen=True)
class CorpusStats:
    """How common each lemma and word form is in the documents at hand."""

    sentences: int
    lemma_sentences: Counter[str]
    """Lemma -> number of sentences it occurs in."""
    words: Counter[str]
    """Lower-case word form -> number of occurrences."""

    @classmethod
    def of(cls, analyses: Iterable[Analysis]) -> CorpusStats:
        count = 0
        lemma_sentences: Counter[str] = Counter()
        words: Counter[str] = Counter()
        for analysis in analyses:
            count += len(analysis)
            for text in analysis.lemma_texts:
                lemma_sentences.update(set(text.split()))
            words.update(analysis.words)
        return cls(count, lemma_sentences, words)

    def phrase_rarity(self, lemmas: Iterable[str]) -> float:
        """A phrase is at least as rare as its rarest word."""
        return max((self.rarity(lemma) for lemma in lemmas), default=1.0)

    def rarity(self, lemma: str) -> float:
        """In (0, 1]: 1 for a lemma in no sentence, falling as it gets common (scaled IDF)."""
        if self.sentences <= 1:
            return 1.0
        df = self.lemma_sentences.get(lemma, 0)
        return max(0.05, math.log((self.sentences + 1) / (df + 1)) / math.log(self.sentences + 1))


def shorten(text: str, width: int = 90) -> str:
    """One line of at most ``width`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"
