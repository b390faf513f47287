"""Engine 1, codebook terms: sentences that use a code's own words.

Terms of a code, strongest first:

- its **keywords** (weight 1.0) and phrases the codebook marks out in its definition or
  inclusion criteria: quoted words ("on the go") and short lists in brackets ("(rattling,
  clucking)") (0.8);
- its **name** as a phrase (1.0), and each content word of a longer name (0.6); underscores
  in a name separate words;
- the **salient words** of its definition and inclusion criteria (0.35): content words (no stop
  words), shared out between the codes that use the same word (divided by the square root of
  their number). Many real codebooks have definitions and nothing else.

Every weight is scaled by how rare the term is in the documents at hand: a scaled IDF
(``log((N + 1) / (df + 1)) / log(N + 1)`` over N sentences, a phrase as rare as its rarest
word), its square root for keywords, names and listed phrases, itself for salient words. A
keyword that is in every other sentence says little.

Terms match on lemmas (looked up by lower-case form, so "Worried" and "worries" both match
"worry") with a spaCy ``PhraseMatcher`` (attr ``LEMMA``). Words of the documents that the lemma
table does not know and that are one edit (two for words of nine letters or more; a swap of two
letters counts as one) from a keyword, a name word or a listed phrase, with the same first
letter, are taken as misspellings or transcription slips of it (rapidfuzz, optimal string
alignment distance) and match at 0.8 of its weight, on ``LOWER``.

A sentence's score for a code is ``1 - exp(-sum of the weights of the distinct terms it
matches)``: one rare keyword gives 0.63, two give 0.86. The sum is scaled by
``sqrt(10 / content words)`` for sentences longer than ten content words, which match some
words by chance. A term that a negation governs ("not", "never", "n't" up to four words before
it, within the clause) counts half. Words of the code's **exclusion** criteria (references to
other codes in brackets left out, and words the code's own terms use) lower the score: the
matched ones multiply it by ``exp(-sum of their weights)``.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..nlp.pipeline import get_nlp, is_known_word, locked, tokens_of
from .base import CorpusStats, DocumentView, EngineScores
from .corpus import CodeEntry

KEYWORD = 1.0
LISTED = 0.8
NAME_PHRASE = 1.0
NAME_WORD = 0.6
TEXT_WORD = 0.35
EXCLUSION_WORD = 0.35
NEGATED = 0.5
FUZZY = 0.8
MIN_FUZZY_LENGTH = 5
LENGTH = 10
"""Sentences with more content words than this have their term weights scaled by
``sqrt(LENGTH / content words)``: a long sentence matches some words by chance."""

_QUOTED = re.compile(r"[\"“]([^\"“”\n]{2,60})[\"”]")
_BRACKETED = re.compile(r"\(([^()]{2,200})\)")
_REFERENCE = re.compile(r"^\s*(?:code[ds]?|see|use|e\.g\.|i\.e\.|cf\.)\b", re.IGNORECASE)
_LIST_SPLIT = re.compile(r"\s*(?:,|;|/|\bor\b|\band\b)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Term:
    code: int
    text: str
    """As the explanation shows it."""
    lemmas: tuple[str, ...]
    weight: float
    kind: str
    """keyword, listed, name, definition, inclusion, exclusion or a fuzzy variant of one."""
    exclusion: bool = False


def _listed(text: str) -> list[str]:
    """Phrases the codebook text marks out: quoted, or short items of a bracketed list."""
    out = [m.group(1).strip() for m in _QUOTED.finditer(text)]
    for match in _BRACKETED.finditer(text):
        inner = match.group(1)
        if _REFERENCE.match(inner):
            continue
        items = [i.strip(" .'\"“”") for i in _LIST_SPLIT.split(inner)]
        if len(items) > 1 and all(0 < len(i.split()) <= 3 for i in items if i):
            out.extend(i for i in items if i)
    return out


def _without_references(text: str) -> str:
    """Exclusion text without its bracketed pointers to other codes ("(code X instead)")."""
    return _BRACKETED.sub(lambda m: " " if _REFERENCE.match(m.group(1)) else m.group(0), text)


def build_terms(codes: Sequence[CodeEntry], stats: CorpusStats) -> list[Term]:
    """Every code's terms with their weights (see the module docstring)."""
    phrases: list[tuple[int, str, str, float, bool]] = []  # code, text, kind, weight, exclusion
    texts: list[tuple[int, str, str, bool]] = []  # code, text, kind, exclusion: salient words
    for code in codes:
        phrases.extend((code.index, k, "keyword", KEYWORD, False) for k in code.keywords if k)
        # Names written as identifiers ("computational_thinking", qc and some NVivo projects)
        # are read as the words they join.
        name = " ".join(code.name.replace("_", " ").split())
        phrases.append((code.index, name, "name", NAME_PHRASE, False))
        for field in (code.definition, code.inclusion):
            phrases.extend((code.index, p, "listed", LISTED, False) for p in _listed(field))
        texts.append((code.index, code.definition, "definition", False))
        texts.append((code.index, code.inclusion, "inclusion", False))
        texts.append((code.index, _without_references(code.exclusion), "exclusion", True))
    analysed = tokens_of([p[1] for p in phrases] + [t[1] for t in texts])
    terms: dict[tuple[int, tuple[str, ...], bool], Term] = {}

    def add(term: Term) -> None:
        key = (term.code, term.lemmas, term.exclusion)
        if key not in terms or terms[key].weight < term.weight:
            terms[key] = term

    for (code, text, kind, weight, _excl), tokens in zip(
        phrases, analysed[: len(phrases)], strict=True
    ):
        lemmas = tuple(t[1] for t in tokens if t[1] not in {".", ","})
        content = [t[1] for t in tokens if t[2]]
        if not lemmas or (kind != "keyword" and not content):
            continue
        if kind == "name" and len(content) > 1:
            for lemma in content:
                add(Term(code, lemma, (lemma,), NAME_WORD * stats.rarity(lemma), "code name"))
        weight = weight * stats.phrase_rarity(lemmas) ** 0.5
        add(
            Term(
                code,
                " ".join(text.split()).lower(),
                lemmas,
                weight,
                "code name" if kind == "name" else kind,
            )
        )
    # Salient words: weighted by rarity and shared out between codes that use the same word.
    words: dict[tuple[int, str, bool], str] = {}
    for (code, _text, kind, exclusion), tokens in zip(texts, analysed[len(phrases) :], strict=True):
        for _word, lemma, content in tokens:
            if content:
                words.setdefault((code, lemma, exclusion), kind)
    sharing: dict[str, int] = defaultdict(int)
    for _code, lemma, exclusion in words:
        if not exclusion:
            sharing[lemma] += 1
    own = {(t.code, t.lemmas) for t in terms.values()}
    for (code, lemma, exclusion), kind in words.items():
        if exclusion:
            if (code, (lemma,)) in own or (code, lemma, False) in words:
                continue  # a word the code's own terms use does not count against it
            weight = EXCLUSION_WORD * stats.rarity(lemma)
            add(Term(code, lemma, (lemma,), weight, "exclusion", exclusion=True))
        elif (code, (lemma,)) not in own:
            weight = TEXT_WORD * stats.rarity(lemma) / math.sqrt(sharing[lemma])
            add(Term(code, lemma, (lemma,), weight, kind))
    return list(terms.values())


def fuzzy_variants(terms: Sequence[Term], stats: CorpusStats) -> list[Term]:
    """Terms for words of the documents that look like misspellings of strong single words."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    strong = [
        t
        for t in terms
        if len(t.lemmas) == 1
        and not t.exclusion
        and t.kind in ("keyword", "listed", "code name")
        and t.weight >= 0.3
        and len(t.lemmas[0]) >= MIN_FUZZY_LENGTH
    ]
    if not strong:
        return []
    forms = {t.lemmas[0] for t in strong} | {t.text for t in strong if " " not in t.text}
    candidates = sorted(
        w
        for w in stats.words
        if len(w) >= MIN_FUZZY_LENGTH and w.isalpha() and w not in forms and not is_known_word(w)
    )
    if not candidates:
        return []
    queries = sorted({t.lemmas[0] for t in strong} | {t.text for t in strong if " " not in t.text})
    distances = process.cdist(
        queries, candidates, scorer=OSA.distance, score_cutoff=2, dtype=np.int32, workers=1
    )
    by_form: dict[str, list[Term]] = defaultdict(list)
    for term in strong:
        by_form[term.lemmas[0]].append(term)
        by_form[term.text].append(term)
    out: dict[tuple[int, str], Term] = {}
    for row, col in zip(*np.nonzero(distances <= 2), strict=True):
        query, word = queries[row], candidates[col]
        allowed = 1 if max(len(query), len(word)) <= 8 else 2
        if distances[row, col] > allowed or query[0] != word[0]:
            continue
        for term in by_form[query]:
            key = (term.code, word)
            if key not in out:
                out[key] = Term(
                    term.code,
                    f"{word}≈{term.text}",
                    (word,),
                    term.weight * FUZZY,
                    f"{term.kind}, spelled differently",
                )
    return list(out.values())


class TermsEngine:
    """Scores sentences by the codebook terms they contain (see the module docstring)."""

    name = "terms"

    def __init__(self, codes: Sequence[CodeEntry], stats: CorpusStats) -> None:
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        self.codes = len(codes)
        lemma_terms = build_terms(codes, stats)
        fuzzy = fuzzy_variants(lemma_terms, stats)
        self.terms = lemma_terms + fuzzy
        nlp = get_nlp()
        self._ids: dict[int, int] = {}
        with locked():
            self._lemma_matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
            self._lower_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
            for index, term in enumerate(self.terms):
                key = f"qualcode-term-{index}"
                self._ids[nlp.vocab.strings.add(key)] = index
                words = list(term.lemmas)
                pattern = Doc(nlp.vocab, words=words, lemmas=words)
                lower = index >= len(lemma_terms)
                (self._lower_matcher if lower else self._lemma_matcher).add(key, [pattern])

    def score(self, view: DocumentView) -> EngineScores:
        analysis = view.analysis
        matrix = np.zeros((len(analysis), self.codes), dtype=np.float32)
        if not len(analysis) or not self.terms:
            return EngineScores(matrix, lambda _s, _c: "")
        with locked():
            doc = analysis.doc()
            matches = [
                m for matcher in (self._lemma_matcher, self._lower_matcher) for m in matcher(doc)
            ]
        found: dict[tuple[int, int], dict[int, bool]] = defaultdict(dict)  # -> term: negated
        for match_id, start, end in matches:
            sentence = analysis.sentence_of(start)
            if end > analysis.bounds[sentence + 1]:
                continue  # a phrase does not run across sentences
            index = self._ids[match_id]
            term = self.terms[index]
            negated = bool(analysis.negated[start]) and not term.exclusion
            seen = found[(sentence, term.code)]
            seen[index] = seen.get(index, True) and negated
        content = np.add.reduceat(analysis.content.astype(np.int64), analysis.bounds[:-1])
        scale = np.minimum(1.0, np.sqrt(LENGTH / np.maximum(1, content)))
        for (sentence, code), hits in found.items():
            positive = negative = 0.0
            for index, negated in hits.items():
                term = self.terms[index]
                if term.exclusion:
                    negative += term.weight
                else:
                    positive += term.weight * (NEGATED if negated else 1.0)
            positive *= float(scale[sentence])
            matrix[sentence, code] = (1.0 - math.exp(-positive)) * math.exp(-negative)

        def explain(sentence: int, code: int) -> str:
            hits = found.get((sentence, code), {})
            ordered = sorted(hits.items(), key=lambda h: (-self.terms[h[0]].weight, h[0]))
            parts = []
            against = []
            for index, negated in ordered:
                term = self.terms[index]
                if term.exclusion:
                    against.append(f'"{term.text}"')
                else:
                    parts.append(f'"{term.text}" ({term.kind}{", negated" if negated else ""})')
            text = "terms " + ", ".join(parts[:5]) if parts else ""
            if against:
                text += ("; " if text else "") + "exclusion words " + ", ".join(against[:3])
            return text

        return EngineScores(matrix, explain)
