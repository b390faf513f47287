"""Cue words: the words a coder codes with a code most of the times they appear.

With a few codings per code, a classifier learns little, and the words that signal a code are
mostly not in its name or definition. But a coder who codes "music" with *audio* in four of
the five sentences where it appears has told us something a search can use. Per code and
content lemma no negation governs, in the ordinary sentences (neither content-free nor an
interviewer's) of the coder's coded documents: how many hold the lemma (``seen``) and how
many of those the coder coded with the code (``coded``). A lemma coded with a code in
:data:`MIN_CODED` sentences or more is a cue for it, with the record
``(coded + CUE_PRIOR * rate) / (seen + CUE_PRIOR)``, ``rate`` the share of ordinary
sentences coded with the code. A sentence's score for a code is its best cue's record.

That record is measured on the documents the cue was found in, so it says more than a new
document will bear out: the review queue calibrates the score on held-out documents, like
every engine's, before it counts (:mod:`.queue`, :mod:`.evaluate`). It is the name record of
the queue (a code's name hits, :class:`.queue.NameRecord`) for words the coder's codings
chose rather than the codebook.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..nlp.pipeline import Analysis
from .base import EngineScores
from .corpus import CodingEntry, Corpus
from .queue import sentence_flags

CUE_ENGINE = "cues"
"""The engine name a suggestion a cue word made likely carries in ``SuggestionInfo.engines``."""
MIN_CODED = 2
"""Sentences coded with a code a lemma must have been in to be a cue for it."""
CUE_PRIOR = 3.0
"""Pseudo-count pulling a cue's record towards the code's rate of coded sentences."""


_LEMMAS: weakref.WeakKeyDictionary[Analysis, list[frozenset[str]]] = weakref.WeakKeyDictionary()
""":func:`sentence_lemmas` per analysis while it lives: an evaluation learns cues from the
same documents in every fold."""


def sentence_lemmas(analysis: Analysis) -> list[frozenset[str]]:
    """Per sentence: its content lemmas that no negation governs ("not the music" says
    nothing for *audio*)."""
    found = _LEMMAS.get(analysis)
    if found is None:
        found = _LEMMAS[analysis] = _sentence_lemmas(analysis)
    return found


def _sentence_lemmas(analysis: Analysis) -> list[frozenset[str]]:
    out: list[frozenset[str]] = []
    for i in range(len(analysis)):
        start, end = int(analysis.bounds[i]), int(analysis.bounds[i + 1])
        out.append(
            frozenset(
                analysis.lemmas[j]
                for j in range(start, end)
                if analysis.content[j] and not analysis.negated[j]
            )
        )
    return out


Sample = tuple[Analysis, np.ndarray, np.ndarray, "np.ndarray | None"]
"""A document to learn from: analysis, gold, ordinary sentences, what is known (None: all)."""


def reviewed_samples(
    corpus: Corpus, by_document: dict[str, list[CodingEntry]]
) -> dict[str, Sample]:
    """What each reviewed document teaches (:meth:`.corpus.Corpus.decided`), by name."""
    out: dict[str, Sample] = {}
    for name in sorted(corpus.reviewed):
        empty, asking = sentence_flags(corpus, name)
        gold = corpus.labels(name, by_document.get(name, []))
        out[name] = (corpus.analysis(name), gold, ~empty & ~asking, corpus.decided(name, gold))
    return out


@dataclass(frozen=True)
class CueWords:
    """The cue words of one coder's coded documents (see the module docstring)."""

    index: dict[str, int]
    """Cue lemma -> row of :attr:`record`."""
    coded: np.ndarray
    """``cues x codes``: sentences holding the lemma that the coder coded with the code."""
    seen: np.ndarray
    """``cues x codes``: ordinary sentences holding it (in a reviewed document, only those
    decided for the code)."""
    record: np.ndarray
    """``cues x codes``: the record, 0 where the lemma is no cue for the code."""

    @classmethod
    def learn(cls, samples: Iterable[Sample], codes: int) -> CueWords:
        """``samples``: per coded document, its analysis, its gold (``sentences x codes``),
        which sentences are ordinary and None; per reviewed document the same with what the
        coder decided there (:meth:`.corpus.Corpus.decided`): only a decided sentence and code
        counts, so an accepted suggestion teaches its words and a rejected one counts as seen
        and not coded for the code rejected."""
        seen: dict[str, int] = {}
        seen_for: dict[str, np.ndarray] = {}
        coded: dict[str, np.ndarray] = {}
        sentences = 0
        per_code = np.zeros(codes, dtype=np.int64)
        for analysis, gold, ordinary, known in samples:
            per_sentence = sentence_lemmas(analysis)
            rows = ordinary if known is None else ordinary & known.any(axis=1)
            for i in np.nonzero(rows)[0].tolist():
                row = gold[i] if known is None else gold[i] & known[i]
                if known is None:
                    sentences += 1
                    per_code += row
                for lemma in per_sentence[i]:
                    if known is None:
                        seen[lemma] = seen.get(lemma, 0) + 1
                    else:
                        partly = seen_for.get(lemma)
                        if partly is None:
                            partly = seen_for[lemma] = np.zeros(codes, dtype=np.int64)
                        partly += known[i]
                    if row.any():
                        counts = coded.get(lemma)
                        if counts is None:
                            counts = coded[lemma] = np.zeros(codes, dtype=np.int64)
                        counts += row
        cues = sorted(k for k, v in coded.items() if v.max() >= MIN_CODED)
        index = {lemma: k for k, lemma in enumerate(cues)}
        shape = (len(cues), codes)
        coded_matrix = np.array([coded[c] for c in cues], dtype=np.int64).reshape(shape)
        seen_matrix = np.array(
            [seen.get(c, 0) + seen_for.get(c, np.zeros(codes, dtype=np.int64)) for c in cues],
            dtype=np.int64,
        ).reshape(shape)
        rate = per_code / sentences if sentences else np.zeros(codes)
        record = (coded_matrix + CUE_PRIOR * rate[None, :]) / (seen_matrix + CUE_PRIOR)
        record = np.where(coded_matrix >= MIN_CODED, record, 0.0).astype(np.float32)
        return cls(index, coded_matrix, seen_matrix, record)

    @classmethod
    def none(cls, codes: int) -> CueWords:
        empty = np.zeros((0, codes), np.int64)
        return cls({}, empty, empty, np.zeros((0, codes), np.float32))

    def __len__(self) -> int:
        return len(self.index)

    def score(self, analysis: Analysis) -> EngineScores:
        """Per sentence and code: the best record among the sentence's cue lemmas; the reason
        names that lemma and its counts."""
        codes = self.record.shape[1]
        matrix = np.zeros((len(analysis), codes), dtype=np.float32)
        words = sorted(self.index, key=self.index.__getitem__)
        found: list[list[int]] = []
        for i, lemmas in enumerate(sentence_lemmas(analysis)):
            rows = sorted({self.index[w] for w in lemmas if w in self.index})
            found.append(rows)
            if rows:
                matrix[i] = self.record[rows].max(axis=0)

        def explain(sentence: int, code: int) -> str:
            rows = found[sentence]
            if not rows:
                return ""
            best = max(rows, key=lambda r: self.record[r, code])
            if self.record[best, code] <= 0:
                return ""
            lemma = words[best]
            coded, seen = int(self.coded[best, code]), int(self.seen[best, code])
            return f'you coded {coded} of the {seen} sentences holding "{lemma}" with it'

        return EngineScores(matrix, explain)
