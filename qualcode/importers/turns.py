"""Find speaker turns in transcript text: the one labelling grammar every text-like format shares.

Transcripts mark speakers in many ways (``P03:``, ``**Name:**``, ``[00:01:23] Name:``,
``Name (00:01:23):``, ``INTERVIEWER:`` alone on a line, Otter's ``Name  00:13``). One compiled,
multi-line regular expression finds every line that *could* start a turn; plain Python then
decides which candidates are speakers, so ordinary sentences that happen to contain a colon stay
part of the text. Offsets are ``str`` indices into the text given, so they survive storage as is.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

from qualcode.importers.base import ParsedTurn

NON_SPEAKER_KEYS: frozenset[str] = frozenset(
    {
        "note",
        "notes",
        "nb",
        "ps",
        "pps",
        "re",
        "fwd",
        "cc",
        "date",
        "time",
        "day",
        "location",
        "place",
        "venue",
        "site",
        "duration",
        "length",
        "title",
        "subtitle",
        "transcript",
        "transcription",
        "interview",
        "project",
        "study",
        "break",
        "outro",
        "intro",
        "jingle",
        "music",
        "source",
        "subject",
        "http",
        "https",
        "www",
        "email",
        "e-mail",
        "fictional",
        "disclaimer",
        "copyright",
        "license",
        "licence",
        "id",
        "code",
        "file",
        "filename",
        "version",
        "summary",
        "agenda",
        "abstract",
        "keywords",
        "tags",
        "topic",
        "topics",
        "session",
        "recording",
        "recorded",
        "audio",
        "video",
        "language",
        "attendees",
        "participants",
        "speakers",
        "interviewers",
        "present",
        "absent",
        "age",
        "gender",
        "ok",
        "okay",
        "fyi",
        "tbd",
        "todo",
        "eta",
        "url",
        "edit",
        "edited",
        "update",
        "updated",
        "warning",
        "important",
        "example",
        "section",
        "part",
        "chapter",
        "page",
        "ref",
        "reference",
        "references",
        "link",
        "links",
        "contact",
        "phone",
        "tel",
        "address",
        "author",
        "guests",
        "episode",
        "season",
        "show",
        "podcast",
        "kind",
        "type",
        "status",
    }
)
"""Header keys and markers that look like labels but never name a speaker (matched on the whole
label, its first word or its last word, case-insensitively: ``Interview Date:`` is a header)."""

FUNCTION_WORDS: frozenset[str] = frozenset(
    {
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "so",
        "if",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "it",
        "its",
        "it's",
        "this",
        "that",
        "these",
        "those",
        "what",
        "which",
        "when",
        "where",
        "why",
        "how",
        "i'm",
        "you",
        "we",
        "they",
        "he",
        "she",
        "my",
        "your",
        "our",
        "their",
        "his",
        "there",
        "here",
        "said",
        "says",
        "say",
        "like",
        "just",
        "think",
        "mean",
        "know",
        "then",
        "well",
        "yes",
        "no",
        "not",
        "also",
        "as",
        "because",
        "about",
        "into",
        "than",
        "does",
        "did",
        "have",
        "has",
        "had",
        "can",
        "could",
        "would",
        "should",
        "all",
        "some",
        "me",
        "us",
        "them",
        "following",
        "thing",
        "things",
        "reason",
        "reasons",
        "point",
    }
)
"""Words that mark a candidate as part of a sentence (``So the point is:``), never a name."""

_NAME_PARTICLES: frozenset[str] = frozenset(
    {
        "de",
        "da",
        "di",
        "del",
        "della",
        "der",
        "den",
        "des",
        "du",
        "dos",
        "das",
        "la",
        "le",
        "van",
        "von",
        "ter",
        "ten",
        "bin",
        "ibn",
        "al",
        "el",
        "y",
        "zu",
        "af",
        "av",
    }
)
"""Lower-case parts of real names (``Ludwig van Beethoven``), allowed among capitalised words."""

_ROLE = re.compile(
    r"(?:interviewer|interviewee|int|i|r|q|a|p[ _-]?\d+|participant|respondent|facilitator"
    r"|moderator|researcher|speaker[ _-]?\d+|operator|staff)[ _-]?\d*",
    re.IGNORECASE,
)
"""Known role labels: accepted even when they occur once."""

_INTERVIEWER_ROLE = re.compile(
    r"(?:interviewer|int|i|q|facilitator|moderator|researcher)[ _-]?\d*", re.IGNORECASE
)

_TS = r"\d{1,3}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_NAME = r"[^\W_][^\n\t:：*]{0,59}?"
_LABEL = re.compile(
    rf"""
    ^(?P<indent>[ \t]*)
    (?:
        (?:\\?\[(?P<ts1>{_TS})\\?\][ \t]+ | (?P<ts2>{_TS})[ \t]+)?
        (?:
            \*\*(?P<b1>{_NAME})[ \t]*[:：][ \t]*\*\*               # **Name:**
          | \*\*(?P<b2>{_NAME})\*\*[ \t]*[:：]                     # **Name**:
          | \*\*(?P<b3>{_NAME})\*\*(?P<bs>\\?)[ \t]*$              # **Name** or **Name**\ alone
          | (?P<p>{_NAME})(?:[ \t]*[(\[](?P<ts3>{_TS})[)\]])?[ \t]*[:：]   # Name: / Name (ts):
        )
        (?:[ \t\u00a0]+ | $ | (?<=：))
      | (?P<o>{_NAME})[ \t]{{2,}}(?P<ts4>{_TS})[ \t]*$             # Otter: Name  00:13
    )
    """,
    re.MULTILINE | re.VERBOSE,
)
_NONSPACE = re.compile(r"\S")
_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")
_AFFILIATION = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_SENTENCE_MARKS = frozenset('?!;"“”…')
_WORD_EDGE = "()[]|.,'’-"


class _Candidate(NamedTuple):
    """A line that may start a turn (a NamedTuple: thousands are made per transcript)."""

    start: int
    label_end: int
    speaker: str
    key: str
    strong: bool
    ts: float | None


def parse_timestamp(value: str) -> float | None:
    """Seconds in ``h:mm:ss``, ``mm:ss`` or ``hh:mm:ss.mmm`` (comma or dot); None if not one."""
    value = value.strip().strip("[]()\\").strip()
    whole, _, fraction = value.replace(",", ".").partition(".")
    parts = whole.split(":")
    if not 2 <= len(parts) <= 3 or not all(part.isdigit() and part.isascii() for part in parts):
        return None
    if fraction and not (fraction.isdigit() and fraction.isascii()):
        return None
    numbers = [int(part) for part in parts]
    if numbers[-1] >= 60 or (len(numbers) == 3 and numbers[1] >= 60):
        return None
    seconds = 0
    for number in numbers:
        seconds = seconds * 60 + number
    return seconds + (float(f"0.{fraction}") if fraction else 0.0)


def default_role(label: str | None) -> str | None:
    """Suggest a role for a speaker label: ``interviewer`` for interviewer-like labels."""
    if label is None:
        return None
    if _INTERVIEWER_ROLE.fullmatch(label.strip()):
        return "interviewer"
    return "participant"


def is_role_label(label: str) -> bool:
    """True for labels such as ``Interviewer``, ``P03``, ``Participant 2`` or ``Q``."""
    return _ROLE.fullmatch(label) is not None


def label_problem(label: str, *, strict_case: bool = True) -> str | None:
    """Why ``label`` cannot be a speaker's name, or None when it can.

    ``strict_case`` refuses several lower-case words (``three reasons``); subtitle cue prefixes
    switch it off because Zoom display names are often lower case.
    """
    if not label or len(label) > 60 or not any(char.isalpha() for char in label):
        return "not a name"
    if _ROLE.fullmatch(label):
        return None
    if len(label.split()) > 5:
        return "too many words"
    if any(char in _SENTENCE_MARKS for char in label) or label.endswith(","):
        return "sentence punctuation"
    # Judge the name itself, not an affiliation: "Justin Florentine (Besu)", "Luis Pinto | Besu".
    core = _AFFILIATION.sub(" ", label).split("|")[0].strip() or label
    words = core.split()
    if label.endswith(".") and len(words[-1]) > 4:
        return "ends a sentence"  # "Dr." and "Jr." are fine, "said so." is not
    folded = [word.strip(_WORD_EDGE).casefold() for word in words]
    if folded[0] in NON_SPEAKER_KEYS or folded[-1] in NON_SPEAKER_KEYS:
        return "a header key"
    if " ".join(folded) in NON_SPEAKER_KEYS:
        return "a header key"
    if any(word in FUNCTION_WORDS for word in folded):
        return "part of a sentence"
    if strict_case and len(words) > 1:
        for word, fold in zip(words, folded, strict=True):
            letters = word.lstrip(_WORD_EDGE)
            if letters[:1].islower() and fold not in _NAME_PARTICLES:
                return "lower-case words"
    return None


def speaker_key(label: str) -> str:
    """The form under which two labels count as the same speaker."""
    return " ".join(label.casefold().split())


def split_turns(text: str) -> tuple[ParsedTurn, ...]:
    """Split normalised transcript text (LF newlines) into ordered, non-overlapping turns."""
    candidates = _find_candidates(text)
    counts = Counter(candidate.key for candidate in candidates)
    accepted = [c for c in candidates if c.strong or counts[c.key] >= 2]
    if not accepted:
        return paragraph_turns(text)
    turns: list[ParsedTurn] = []
    leading = _span(text, 0, accepted[0].start)
    if leading:
        turns.append(ParsedTurn(leading[0], leading[1], leading[0], None))
    bounds = [c.start for c in accepted[1:]] + [len(text)]
    for candidate, limit in zip(accepted, bounds, strict=True):
        end = candidate.start + len(text[candidate.start : limit].rstrip())
        body = _NONSPACE.search(text, candidate.label_end, end)
        body_start = body.start() if body else end
        turns.append(
            ParsedTurn(candidate.start, end, body_start, candidate.speaker, ts_start=candidate.ts)
        )
    return tuple(turns)


def paragraph_turns(text: str) -> tuple[ParsedTurn, ...]:
    """Unlabelled text: one turn per paragraph, or per line when there are no blank lines."""
    separators = [(m.start(), m.end()) for m in _BLANK_LINES.finditer(text)]
    if separators:
        pieces: list[tuple[int, int]] = []
        position = 0
        for sep_start, sep_end in separators:
            pieces.append((position, sep_start))
            position = sep_end
        pieces.append((position, len(text)))
    else:
        pieces = []
        position = 0
        for line in text.split("\n"):
            pieces.append((position, position + len(line)))
            position += len(line) + 1
    turns = []
    for piece_start, piece_end in pieces:
        span = _span(text, piece_start, piece_end)
        if span:
            turns.append(ParsedTurn(span[0], span[1], span[0], None))
    return tuple(turns)


def _span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The stretch of ``text[start:end]`` between its first and last non-space characters."""
    first = _NONSPACE.search(text, start, end)
    if first is None:
        return None
    return first.start(), start + len(text[start:end].rstrip())


def _find_candidates(text: str) -> list[_Candidate]:
    # Verdicts are cached per label: a transcript repeats a handful of labels thousands of times.
    verdicts: dict[str, tuple[bool, bool]] = {}
    found: list[_Candidate] = []
    for match in _LABEL.finditer(text):
        groups = match.groupdict()
        raw = groups["b1"] or groups["b2"] or groups["b3"] or groups["p"] or groups["o"]
        speaker = raw.strip()
        verdict = verdicts.get(speaker)
        if verdict is None:
            usable = label_problem(speaker) is None
            caps = speaker.upper() == speaker and speaker.lower() != speaker
            verdict = (usable, caps or is_role_label(speaker))
            verdicts[speaker] = verdict
        usable, strong_name = verdict
        if not usable:
            continue
        stamp = groups["ts1"] or groups["ts2"] or groups["ts3"] or groups["ts4"]
        strong = (
            strong_name
            or stamp is not None
            or groups["b1"] is not None
            or groups["b2"] is not None
            or bool(groups["bs"])  # ATLAS.ti writes "**Name**\" for a label on its own line
        )
        found.append(
            _Candidate(
                start=match.end("indent"),
                label_end=match.end(),
                speaker=speaker,
                key=speaker_key(speaker),
                strong=strong,
                ts=parse_timestamp(stamp) if stamp else None,
            )
        )
    return found
