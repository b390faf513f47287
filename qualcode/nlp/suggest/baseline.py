"""The keyword-only baseline the engines are measured against.

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
