"""The text-search baselines the engines are measured against.

A sentence gets a code when its text, in lower case, contains the code's name or one of its
keywords as whole words: no lemmas, no fuzzy variants, no definitions. This is what a search
for the codebook's own words finds, so an engine is only worth having if it beats it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from .base import DocumentView, EngineScores
from .corpus import CodeEntry


class KeywordBaseline:
    name = "keywords"

    def __init__(self, codes: Sequence[CodeEntry]) -> None:
        self.codes = len(codes)
        self.patterns: list[tuple[int, re.Pattern[str]]] = []
        for code in codes:
            words = {w.strip().lower() for w in (code.name, *code.keywords) if w.strip()}
            if words:
                alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                self.patterns.append((code.index, re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")))

    def score(self, view: DocumentView, text: str) -> EngineScores:
        """1 where a sentence of ``text`` holds a code's name or keyword, else 0."""
        spans = view.analysis.spans
        matrix = np.zeros((len(spans), self.codes), dtype=np.float32)
        for i, (start, end) in enumerate(spans):
            sentence = text[start:end].lower()
            for code, pattern in self.patterns:
                if pattern.search(sentence):
                    matrix[i, code] = 1.0
        return EngineScores(matrix, lambda _s, _c: "")


_WORD = re.compile(r"[^\W_]+")


def name_words(name: str) -> frozenset[str]:
    """The content words of a code's name, in lower case ("rq1_definition/well_educated_adult"
    gives well, educated, adult; stop words, digits and one-letter words are left out)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = {w.lower() for w in _WORD.findall(name)}
    return frozenset(
        w for w in words if w not in STOP_WORDS and len(w) > 1 and any(ch.isalpha() for ch in w)
    )


class NameBaseline:
    """Text search on code names, the autocoding NVivo and QualCoder offer: a sentence gets a
    code when it holds every content word of the code's name as a whole word (any case)."""

    name = "names"

    def __init__(self, codes: Sequence[CodeEntry]) -> None:
        self.codes = len(codes)
        self.words = [(code.index, name_words(code.name)) for code in codes]
        self.words = [(index, words) for index, words in self.words if words]
        self.by_code = dict(self.words)

    def explain(self, code: int) -> str:
        """The reason a name hit gives, in the researcher's words."""
        words = self.by_code.get(code, frozenset())
        return "holds the code's name: " + ", ".join(f'"{w}"' for w in sorted(words))

    def score(self, view: DocumentView, text: str) -> EngineScores:
        """1 where a sentence holds every content word of a code's name, else 0."""
        spans = view.analysis.spans
        matrix = np.zeros((len(spans), self.codes), dtype=np.float32)
        for i, (start, end) in enumerate(spans):
            found = {w.lower() for w in _WORD.findall(text[start:end])}
            for code, words in self.words:
                if words <= found:
                    matrix[i, code] = 1.0
        return EngineScores(matrix, lambda _s, _c: "")
