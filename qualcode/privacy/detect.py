"""Find what identifies people in transcripts, offline: the user's list, speaker labels, patterns,
fuzzy variants and capitalised words the English lexicon does not know.

Everything here is plain Python over strings (no spaCy, no model). The lexicon comes from the
word probabilities in ``spacy-lookups-data``: a word is ordinary English when its lower-case form
is at least as frequent as its Title Case and CAPITALS forms (so 'hope' and 'honestly' are, while
'Amy', 'Claire' and 'NHS' are not), plus every form of the lemma table. Building it reads a 1M-word
table once per process (~1.2 s, ~200 MB at its peak, ~100k words kept).
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
PATTERNS: dict[str, re.Pattern[str]] = {
    "email": re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "url": re.compile(r"\b(?:https?://|www\.)[^\s<>\"'()\[\]]+[^\s<>\"'()\[\].,;:!?]"),
    "phone": re.compile(
        r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\w])"
    ),
    "postcode": re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}|GIR\s?0AA)\b"),
}
DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\.?,?\s+(?:19|20)\d{{2}}"
    rf"|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2})\b",
    re.IGNORECASE,
)
BIRTH = re.compile(r"\b(?:born|birth|d\.?o\.?b\.?|birthday)\b", re.IGNORECASE)
"""A date is a date of birth when one of these words comes shortly before it, in the same
sentence."""
BIRTH_WINDOW = 40

WORD = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?\b|\b[A-Z]{2,6}\b")
ROLE_WORDS = frozenset(  # noqa: SIM905 (a word list reads better as text)
    [
        "interviewer",
        "interviewee",
        "participant",
        "respondent",
        "facilitator",
        "moderator",
        "researcher",
        "speaker",
        "staff",
        "manager",
        "worker",
        "unknown",
        "unidentified",
        "inaudible",
        "crosstalk",
        "everyone",
        "group",
        "all",
        "male",
        "female",
        "note",
        "transcript",
        "duration",
        "location",
        "date",
        "interview",
        "ok",
        "okay",
        "yeah",
        "um",
        "er",
        "erm",
        "uh",
        "mm",
        "hmm",
        "ah",
        "oh",
    ]
)
FILLER_CAPS = frozenset({"OK", "TV", "GP", "AM", "PM", "UK", "USA", "ID", "PTSD", "DIY"})


ORDINARY_FLOOR = -17.5
"""Log-probability below which a lower-case word is too rare to vouch for (typos, names)."""


def _table(name: str) -> dict[str, object]:
    table = resources.files("spacy_lookups_data") / "data" / f"en_{name}.json.gz"
    with table.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        data: dict[str, object] = json.load(handle)
    return data


@cache
def lexicon() -> frozenset[str]:
    """Lower-case words that are ordinary English, not names (see the module's docstring)."""
    lemmas = _table("lemma_lookup")
    words = {k.lower() for k in lemmas} | {str(v).lower() for v in lemmas.values()}
    del lemmas
    prob = _table("lexeme_prob")
    for word, value in prob.items():
        if word.islower() and isinstance(value, float) and value > ORDINARY_FLOOR:
            other = max(_f(prob.get(word.title())), _f(prob.get(word.upper())))
            if value >= other:
                words.add(word)
    del prob
    return frozenset(words - NAME_LIKE)


def _f(value: object) -> float:
    return value if isinstance(value, float) else -99.0


NAME_LIKE = frozenset(  # noqa: SIM905
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)
"""Days and months: usually capitalised, yet not names (``known_word`` accepts them)."""


def known_word(word: str) -> bool:
    lower = word.lower()
    return lower in lexicon() or lower in ROLE_WORDS or lower in NAME_LIKE


def looks_like_name(label: str) -> bool:
    """A speaker label that names someone ('Amy', 'Dr Shah'), not a role ('Interviewer', 'P01',
    'Outreach worker')."""
    words = re.findall(r"[^\W\d_]+", label)
    if not words or any(ch.isdigit() for ch in label):
        return False
    return any(w[:1].isupper() and not known_word(w) and len(w) > 1 for w in words)


_TITLES = (
    "dr mr mrs ms miss mx prof professor sir dame lord lady rev revd reverend father sister "
    "brother fr st nurse doctor coach officer judge uncle aunt auntie nan mum mom dad grandma "
    "grandad grandpa granny host guest chair presenter panelist panellist caller operator "
    "analyst narrator reporter"
)
TITLES = frozenset(_TITLES.split())
"""Words beside a name that are not part of it ('Dr' of 'Dr Shah', 'Host' of 'Host Mike')."""
PARTICLES = frozenset("de da di del della der den van von la le du dos das bin ibn al el".split())  # noqa: SIM905
"""Small words inside names ('van' of 'Vincent van Gogh'): never replaced alone."""


def name_parts(label: str) -> list[str]:
    """The words of a multi-word name that stand for the person alone: 'Bekah' and 'Weigel' of
    'Bekah Hawrot Weigel', 'Ken' and 'Bowling' of 'Ken Bowling', 'Iv' of 'Iv Culp'. Not titles
    ('Dr'), particles ('van') or role words; and when the label also holds a role or an ordinary
    lower-case word ('Outreach worker Claire'), only the words that are not English ('Claire')."""
    words = re.findall(r"[^\W\d_]+", label)
    if len(words) < 2:
        return []
    lower = [w.lower() for w in words]
    plain = all(w[0].isupper() or w.lower() in PARTICLES for w in words) and not any(
        w in ROLE_WORDS for w in lower
    )
    out = []
    for word, low in zip(words, lower, strict=True):
        if not word[0].isupper() or low in TITLES or low in PARTICLES or low in ROLE_WORDS:
            continue
        english = known_word(word)
        if (not english and len(word) >= 2) or (english and plain and len(word) >= 3):
            out.append(word)
    return out


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str
    kind: str


def patterns(text: str) -> Iterator[Match]:
    """E-mail addresses, URLs, UK phone numbers and postcodes, and dates of birth."""
    for kind, pattern in PATTERNS.items():
        for m in pattern.finditer(text):
            if kind == "phone" and not 10 <= sum(ch.isdigit() for ch in m.group()) <= 13:
                continue
            yield Match(m.start(), m.end(), m.group(), kind)
    for m in DATE.finditer(text):
        window = text[max(0, m.start() - BIRTH_WINDOW) : m.start()]
        window = re.split(r"[.!?\n]\s", window)[-1]  # the same sentence only
        if BIRTH.search(window):
            yield Match(m.start(), m.end(), m.group(), "date")


def spelling_pattern(spellings: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for many spellings, each as a whole word. A name that is also an English word
    is found as written, in Title Case or in CAPITALS (so 'Jade' the name is found, 'jade' the
    stone is not); any other in any case ('culp.com' for 'Culp', 'bekah' for 'Bekah')."""
    forms: set[str] = set()
    anycase: set[str] = set()
    for spelling in spellings:
        if not spelling.strip():
            continue
        if any(known_word(w) for w in re.findall(r"[^\W\d_]+", spelling)):
            forms |= {spelling, spelling.title(), spelling.upper()}
        else:
            anycase.add(spelling)
    if not forms and not anycase:
        return None
    alternatives = [re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f))]
    if anycase:
        longest = sorted(anycase, key=lambda f: (-len(f), f))
        alternatives.append("(?i:" + "|".join(re.escape(f) for f in longest) + ")")
    return re.compile(rf"(?<![\w@])(?:{'|'.join(alternatives)})(?![\w@])")


def capitalised_words(text: str) -> Iterator[tuple[int, int, str, bool]]:
    """Capitalised words with whether each starts a sentence or a turn (start, end, word,
    at_start)."""
    for m in WORD.finditer(text):
        before = text[max(0, m.start() - 3) : m.start()].rstrip(" \t\"'“‘(")
        at_start = not before or before[-1] in ".!?\n:…" or before.endswith("--")
        yield m.start(), m.end(), m.group(), at_start


def candidates(texts: dict[str, str], covered: set[str]) -> dict[str, int]:
    """Capitalised words not in the lexicon, seen at least once mid-sentence, with their
    counts; ``covered`` (case-folded) are already accounted for."""
    counts: dict[str, int] = {}
    mid: set[str] = set()
    for text in texts.values():
        for _start, _end, word, at_start in capitalised_words(text):
            if len(word) < 3 or word in FILLER_CAPS or word.casefold() in covered:
                continue
            if known_word(word) or all(known_word(p) for p in re.split(r"[-']", word)):
                continue
            counts[word] = counts.get(word, 0) + 1
            if not at_start:
                mid.add(word)
    return {w: n for w, n in counts.items() if w in mid}


def fuzzy_variants(
    words: Iterable[str], spellings: dict[str, str], covered: set[str]
) -> dict[str, str]:
    """Words within one edit (names of 4-6 letters) or two (longer) of a listed spelling, not
    English words themselves: word -> the key (case-folded canonical name) it is a variant of."""
    from rapidfuzz.distance import Levenshtein  # on first use: `import qualcode` stays light

    found: dict[str, str] = {}
    single = {s: key for s, key in spellings.items() if " " not in s and len(s) >= 4}
    for word in set(words):
        folded = word.casefold()
        if folded in covered or known_word(word) or len(word) < 4:
            continue
        for spelling, key in single.items():
            limit = 1 if len(spelling) <= 6 else 2
            if (
                word[0].casefold() == spelling[0].casefold()
                and Levenshtein.distance(folded, spelling.casefold(), score_cutoff=limit) <= limit
            ):
                found[word] = key
                break
    return found
