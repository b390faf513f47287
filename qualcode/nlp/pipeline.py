"""The one offline spaCy pipeline, built once per process on first use, and sentence analyses.

The pipeline is ``spacy.blank("en")`` + ``sentencizer`` + a lookup lemmatizer of our own
(``qualcode_lemmatizer``). The lemmatizer reads the English lemma table that the installed
``spacy-lookups-data`` package holds (nothing is downloaded) and looks each token up by its
*lower-case* form in one vectorised step: spaCy's stock lookup lemmatizer is case-sensitive
("Worried" stays "Worried", "worried" becomes "worry") and loops over tokens in Python.

:func:`analyse` cuts a document into sentences, never across a speaker turn: each paragraph of
each turn body (paragraphs as :func:`qualcode.segments.paragraph_spans` finds them) goes through
the pipeline by itself, so a sentence cannot cross a turn or a blank line. Text outside the
turns (a title, a preamble) is left out; a document without turns is analysed paragraph by
paragraph. These sentences are qualcode's one definition of a sentence
(:func:`qualcode.nlp.sentences.sentence_spans`): agreement's sentence units, the coding screen's
sentence keys and the suggestions all use them. The result (:class:`Analysis`) keeps, per
token, the lower-case form, the lemma, whether it is a content word and whether a negation
governs it, as plain lists and numpy arrays. Analyses are cached in memory by the SHA-256 of
the text and the turn spans (an LRU bounded by a token budget), so a document is parsed once
per process.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import QualcodeError
from ..segments import paragraph_spans

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = [
    "NEGATIONS",
    "Analysis",
    "analyse",
    "clear_cache",
    "get_nlp",
    "is_known_word",
    "is_loaded",
    "lemmas",
    "locked",
    "sentence_spans",
    "stop_words",
    "tokens_of",
]

LEMMATIZER = "qualcode_lemmatizer"
NEGATIONS = frozenset(
    {
        "not",
        "no",
        "never",
        "nobody",
        "nothing",
        "none",
        "neither",
        "nor",
        "nowhere",
        "without",
        "hardly",
        "barely",
        "scarcely",
    }
)
"""Lemmas that negate the words after them (``n't`` has the lemma ``not``)."""
NEGATION_REACH = 4
"""A negation governs at most this many tokens after it, ..."""
SCOPE_BREAKS = frozenset({",", ";", ":", ".", "!", "?", "but", "though", "although", "-", "—"})
"""... and stops early at one of these."""

OPENERS = frozenset({"[", "(", "{", "“", "‘", "«"})
CACHE_TOKENS = 3_000_000
"""Token budget of the analysis cache: about 100 MB; a 10,000-word interview is ~13,000 tokens."""

_lock = threading.RLock()
_nlp: Language | None = None
_cache: OrderedDict[tuple[str, tuple[tuple[int, int, int], ...]], Analysis] = OrderedDict()
_cached_tokens = 0
_strings: dict[str, str] = {}  # one str object per distinct word or lemma, shared by analyses


class _LowerLemmatizer:
    """Lemmas from the English lookup table, looked up by LOWER with numpy (no Python loop)."""

    def __init__(self, vocab: Any) -> None:
        try:
            from spacy.lookups import load_lookups

            table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
        except (ImportError, ValueError, KeyError) as exc:
            raise QualcodeError(
                "excerpt suggestions need the English lemma table of the package "
                "spacy-lookups-data (install it: pip install spacy-lookups-data)"
            ) from exc
        keys = np.fromiter((k for k in table), dtype=np.uint64, count=len(table))
        values = np.fromiter(
            (vocab.strings.add(table[k]) for k in table), dtype=np.uint64, count=len(table)
        )
        order = np.argsort(keys)
        self.keys = keys[order]
        self.values = values[order]
        self.sorted_values = np.unique(values)

    def __call__(self, doc: Doc) -> Doc:
        from spacy.attrs import LEMMA, LOWER

        if not len(doc):
            return doc
        lower = doc.to_array(LOWER).astype(np.uint64)
        at = np.searchsorted(self.keys, lower)
        at[at >= len(self.keys)] = 0
        found = self.keys[at] == lower
        lemma = np.where(found, self.values[at], lower).astype(np.uint64)
        doc.from_array([LEMMA], lemma.reshape(-1, 1))
        return doc


def _register_lemmatizer() -> None:
    from spacy.language import Language

    if not Language.has_factory(LEMMATIZER):

        @Language.factory(LEMMATIZER)
        def make_lemmatizer(nlp: Language, name: str) -> _LowerLemmatizer:
            return _LowerLemmatizer(nlp.vocab)


def get_nlp() -> Language:
    """The pipeline, built on the first call (about 1 s: importing spaCy is most of it)."""
    global _nlp
    with _lock:
        if _nlp is None:
            try:
                import spacy
            except ImportError as exc:  # pragma: no cover - spaCy is a dependency
                raise QualcodeError(
                    "excerpt suggestions need spaCy (install it: pip install spacy)"
                ) from exc
            _register_lemmatizer()
            nlp = spacy.blank("en")
            nlp.add_pipe("sentencizer")
            nlp.add_pipe(LEMMATIZER)
            _nlp = nlp
        return _nlp


def locked() -> threading.RLock:
    """The lock that guards the pipeline and its vocabulary: hold it (``with locked():``) while
    making Docs or matching, so that a worker thread and the main thread never write the
    shared string store at once."""
    return _lock


def is_loaded() -> bool:
    """Whether the pipeline has been built in this process."""
    return _nlp is not None


def stop_words() -> frozenset[str]:
    """spaCy's English stop words (lower case)."""
    return frozenset(get_nlp().Defaults.stop_words)


def _intern(value: str) -> str:
    return _strings.setdefault(value, value) if len(_strings) < 2_000_000 else value


@dataclass(frozen=True, eq=False)
class Analysis:
    """A document cut into sentences, with per-token forms, lemmas and flags.

    Tokens are the non-whitespace spaCy tokens of the sentences, in text order; sentence ``i``
    holds tokens ``bounds[i]`` to ``bounds[i + 1]``.
    """

    spans: tuple[tuple[int, int], ...]
    """``(start, end)`` code-point offsets of each sentence, trimmed of whitespace."""
    turn: np.ndarray
    """Index (into the turns given, sorted by start) of each sentence's turn; -1 without turns."""
    bounds: np.ndarray
    words: list[str]
    """Lower-case form of each token."""
    lemmas: list[str]
    """Lemma of each token, looked up by its lower-case form."""
    token_start: np.ndarray
    token_end: np.ndarray
    content: np.ndarray
    """True for content words: neither the word nor its lemma a stop word, not punctuation,
    with a letter in it."""
    negated: np.ndarray
    """True for a token that a negation (:data:`NEGATIONS`) a few tokens before governs."""
    lemma_texts: tuple[str, ...]
    """Per sentence, every lemma (punctuation included) joined by spaces."""
    content_texts: tuple[str, ...]
    """Per sentence, the content lemmas joined by spaces."""

    def __len__(self) -> int:
        return len(self.spans)

    @property
    def tokens(self) -> int:
        return len(self.words)

    def sentence_of(self, token: int) -> int:
        return int(np.searchsorted(self.bounds, token, side="right") - 1)

    def doc(self) -> Doc:
        """A spaCy Doc of the tokens (lower-case forms, with lemmas) for the PhraseMatcher;
        make and use it under :func:`locked`."""
        from spacy.tokens import Doc

        return Doc(get_nlp().vocab, words=self.words, lemmas=self.lemmas)


def _turn_triples(turns: Sequence[Any]) -> tuple[tuple[int, int, int], ...]:
    out = [
        (int(t[0]), int(t[1]), int(t[2]))
        if isinstance(t, tuple)
        else (int(t.start), int(t.body_start), int(t.end))
        for t in turns
    ]
    return tuple(sorted(out))


def _pieces(text: str, turns: tuple[tuple[int, int, int], ...]) -> list[tuple[int, int, int]]:
    """``(start, end, turn)``: the paragraphs of the turn bodies (or of the whole text)."""
    if not turns:
        return [(s, e, -1) for s, e in paragraph_spans(text)]
    out: list[tuple[int, int, int]] = []
    cursor = 0
    for index, (_start, body_start, end) in enumerate(turns):
        body_start = max(body_start, cursor)
        if end > body_start:
            out.extend((s, e, index) for s, e in paragraph_spans(text, body_start, end))
        cursor = max(cursor, end)
    return out


class _Builder:
    """Collects the sentences of one document into the lists an :class:`Analysis` holds."""

    def __init__(self, strings: Any, stop: frozenset[str] | set[str]) -> None:
        self.strings = strings
        self.stop = stop
        self.spans: list[tuple[int, int]] = []
        self.turn: list[int] = []
        self.bounds = [0]
        self.words: list[str] = []
        self.lemmas: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.content: list[bool] = []
        self.negated: list[bool] = []
        self.lemma_texts: list[str] = []
        self.content_texts: list[str] = []
        self._lookup: dict[int, tuple[str, bool]] = {}

    def _string(self, key: int) -> tuple[str, bool]:
        found = self._lookup.get(key)
        if found is None:
            value = _intern(self.strings[key].replace(" ", "_"))
            alpha = any(ch.isalpha() for ch in value) and value not in self.stop
            found = self._lookup[key] = (value, alpha)
        return found

    def add(self, doc: Doc, offset: int, turn: int) -> None:
        """Every sentence of ``doc`` (a paragraph starting at ``offset`` in the text)."""
        from spacy.attrs import IS_PUNCT, IS_SPACE, IS_STOP, LEMMA, LOWER, SENT_START

        if not len(doc):
            return
        array = doc.to_array([LOWER, LEMMA, IS_STOP, IS_PUNCT, IS_SPACE, SENT_START]).tolist()
        places = [(offset + t.idx, offset + t.idx + len(t)) for t in doc]
        sentence: list[int] = []
        for i, row in enumerate(array):
            if row[5] == 1 and sentence:
                # The sentencizer leaves an opening bracket or quote at the end of the sentence
                # before ("dinner. [laughs] No"): it belongs to the next one.
                carry: list[int] = []
                while sentence and self._string(array[sentence[-1]][0])[0] in OPENERS:
                    carry.insert(0, sentence.pop())
                self._sentence(sentence, array, places, turn)
                sentence = carry
            if not row[4]:
                sentence.append(i)
        self._sentence(sentence, array, places, turn)

    def _sentence(
        self, tokens: list[int], array: list[list[int]], places: list[tuple[int, int]], turn: int
    ) -> None:
        if not tokens:
            return
        self.spans.append((places[tokens[0]][0], places[tokens[-1]][1]))
        self.turn.append(turn)
        reach = 0
        lemmas: list[str] = []
        content: list[str] = []
        for i in tokens:
            word, _word_is_content = self._string(array[i][0])
            lemma, lemma_is_content = self._string(array[i][1])
            is_content = lemma_is_content and not array[i][2] and not array[i][3] and len(lemma) > 1
            self.words.append(word)
            self.lemmas.append(lemma)
            self.starts.append(places[i][0])
            self.ends.append(places[i][1])
            self.content.append(is_content)
            if lemma in NEGATIONS:
                self.negated.append(False)
                reach = NEGATION_REACH
            elif lemma in SCOPE_BREAKS:
                self.negated.append(False)
                reach = 0
            else:
                self.negated.append(reach > 0)
                reach = max(0, reach - 1)
            lemmas.append(lemma)
            if is_content:
                content.append(lemma)
        self.lemma_texts.append(" ".join(lemmas))
        self.content_texts.append(" ".join(content))
        self.bounds.append(len(self.words))

    def analysis(self) -> Analysis:
        return Analysis(
            spans=tuple(self.spans),
            turn=np.array(self.turn, dtype=np.int32),
            bounds=np.array(self.bounds, dtype=np.int64),
            words=self.words,
            lemmas=self.lemmas,
            token_start=np.array(self.starts, dtype=np.int64),
            token_end=np.array(self.ends, dtype=np.int64),
            content=np.array(self.content, dtype=bool),
            negated=np.array(self.negated, dtype=bool),
            lemma_texts=tuple(self.lemma_texts),
            content_texts=tuple(self.content_texts),
        )


def _build(text: str, turns: tuple[tuple[int, int, int], ...]) -> Analysis:
    nlp = get_nlp()
    pieces = _pieces(text, turns)
    builder = _Builder(nlp.vocab.strings, nlp.Defaults.stop_words)
    with _lock:
        docs = nlp.pipe(text[s:e] for s, e, _turn in pieces)
        for (offset, _end, turn), doc in zip(pieces, docs, strict=True):
            builder.add(doc, offset, turn)
    return builder.analysis()


def analyse(text: str, turns: Sequence[Any] = (), *, sha256: str | None = None) -> Analysis:
    """The sentences of a document and their tokens (cached by text hash and turn spans).

    ``turns`` are records with ``start``, ``body_start`` and ``end`` (such as
    :class:`~qualcode.project.TurnInfo`) or ``(start, body_start, end)`` triples; ``sha256`` is
    the document's stored hash, to save hashing the text again.
    """
    global _cached_tokens
    triples = _turn_triples(turns)
    digest = sha256 or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    key = (digest, triples)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    analysis = _build(text, triples)
    with _lock:
        if key not in _cache:
            _cache[key] = analysis
            _cached_tokens += analysis.tokens
            while _cached_tokens > CACHE_TOKENS and len(_cache) > 1:
                _old_key, old = _cache.popitem(last=False)
                _cached_tokens -= old.tokens
    return analysis


def sentence_spans(text: str, turns: Sequence[Any] = ()) -> list[tuple[int, int]]:
    """Sentence offsets of a document: inside turn bodies only (or of the whole text)."""
    return list(analyse(text, turns).spans)


def lemmas(text: str) -> list[str]:
    """Lower-case lemmas of the tokens of a short text (a keyword, a definition)."""
    return [lemma for _word, lemma, _content in tokens_of([text])[0]]


def tokens_of(texts: Iterable[str]) -> list[list[tuple[str, str, bool]]]:
    """``(lower-case form, lemma, is content word)`` of each token of many short texts (code
    names, keywords, definitions), in one pass through the pipeline."""
    nlp = get_nlp()
    stop = nlp.Defaults.stop_words
    out = []
    with _lock:
        for doc in nlp.pipe(texts):
            tokens = []
            for t in doc:
                if t.is_space:
                    continue
                lemma = _intern(t.lemma_.replace(" ", "_"))
                content = (
                    not t.is_stop
                    and not t.is_punct
                    and len(lemma) > 1
                    and any(ch.isalpha() for ch in lemma)
                    and lemma not in stop
                )
                tokens.append((_intern(t.lower_), lemma, content))
            out.append(tokens)
    return out


def is_known_word(word: str) -> bool:
    """Whether the English lemma table knows ``word`` (lower case) as a form or a lemma: words
    it does not know are the candidates for misspellings and transcription slips."""
    from spacy.strings import get_string_id

    component = get_nlp().get_pipe(LEMMATIZER)
    key = np.uint64(get_string_id(word))
    for array in (component.keys, component.sorted_values):
        at = int(np.searchsorted(array, key))
        if at < len(array) and array[at] == key:
            return True
    return False


def clear_cache() -> None:
    """Forget every cached analysis (tests and benchmarks use it to measure cold parses)."""
    global _cached_tokens
    with _lock:
        _cache.clear()
        _cached_tokens = 0
