"""Plan a pseudonymisation: every identifying span in every document, grouped into entities that
each get one consistent label, for the user to review before anything changes.

``plan_for(project, names)`` reads the project (nothing is written) and returns a :class:`Plan`.
The user reviews its :meth:`Plan.rows` (the CLI prints them, the TUI lists them with toggles),
switches entities on or off, edits labels, then ``project.pseudonymise(plan)`` applies it.

Sources, in the order they win when two overlap: patterns (e-mail, URL, phone, postcode, date of
birth), the user's list and its aliases, speaker labels that look like names, fuzzy variants of
those (a misspelt 'Clare' for 'Claire'), and capitalised words the lexicon does not know
(candidates: off until the user confirms them). Labels are stable: an existing key file gives
every name seen before the label it had, and new names continue the numbering.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import detect
from .names import NameEntry

if TYPE_CHECKING:
    from ..project import Project

FIXED_LABELS = {
    "email": "[email]",
    "url": "[URL]",
    "phone": "[phone number]",
    "postcode": "[postcode]",
    "date": "[date of birth]",
}
NUMBERED = {"person": "Person", "other": "Name", "participant": "Participant", "staff": "Staff",
            "interviewer": "Interviewer"}  # fmt: skip
LETTERED = {"place": "Place", "organisation": "Organisation"}
SOURCE_ORDER = ("pattern", "list", "speaker", "fuzzy", "candidate")


@dataclass
class Entity:
    """One thing to replace everywhere with one label."""

    key: str
    """Case-folded canonical spelling (the key file's key)."""
    original: str
    kind: str
    source: str
    replacement: str
    selected: bool
    spellings: set[str] = field(default_factory=set)
    count: int = 0
    documents: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Finding:
    document: str
    start: int
    end: int
    text: str
    key: str


@dataclass
class Plan:
    entities: dict[str, Entity]
    findings: list[Finding]
    """Non-overlapping, sorted by document then offset."""
    texts: dict[str, str] = field(default_factory=dict)
    """The documents the plan was made from (the review shows findings in context)."""

    def rows(self) -> list[Entity]:
        """Entities for review: by source (list, speakers, patterns, variants, candidates),
        then by how often they occur."""
        return sorted(
            self.entities.values(),
            key=lambda e: (SOURCE_ORDER.index(e.source), -e.count, e.original.casefold()),
        )

    def select(self, key: str, on: bool = True) -> None:
        self.entities[key].selected = on

    def relabel(self, key: str, replacement: str) -> None:
        replacement = " ".join(replacement.split())
        if not replacement:
            raise ValueError("a replacement cannot be empty")
        self.entities[key].replacement = replacement

    def chosen(self) -> list[Finding]:
        return [f for f in self.findings if self.entities[f.key].selected]

    def replacement(self, finding: Finding) -> str:
        return self.entities[finding.key].replacement

    def by_document(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.chosen():
            out[finding.document].append(finding)
        return dict(out)

    def spellings(self) -> dict[str, str]:
        """Every selected spelling -> its replacement (for memos, labels and names)."""
        out: dict[str, str] = {}
        for entity in self.entities.values():
            if entity.selected:
                for spelling in entity.spellings | {entity.original}:
                    out[spelling] = entity.replacement
        return out


# -- building a plan ---------------------------------------------------------------------------
def plan_for(
    project: Project,
    names: Iterable[NameEntry] = (),
    *,
    key: dict[str, tuple[str, str, str]] | None = None,
    speakers: bool = True,
    fuzzy: bool = True,
    candidates: bool = True,
    confirm: Iterable[str] = (),
) -> Plan:
    """Find what to replace in every document of ``project``. ``key`` is an existing key file's
    content (case-folded original -> (original, kind, replacement)); ``confirm`` switches on
    candidates by their spelling."""
    texts = {d.name: project.document_text(d.name) for d in project.documents()}
    labels: list[tuple[str, str | None]] = []
    if speakers:
        labels = sorted({(s.label, s.role) for s in project.speakers()})
    return build_plan(texts, list(names), labels, key=key or {}, fuzzy=fuzzy,
                      candidates=candidates, confirm=confirm)  # fmt: skip


def build_plan(
    texts: dict[str, str],
    names: list[NameEntry],
    speaker_labels: list[tuple[str, str | None]],
    *,
    key: dict[str, tuple[str, str, str]],
    fuzzy: bool = True,
    candidates: bool = True,
    confirm: Iterable[str] = (),
) -> Plan:
    labeller = _Labeller(key)
    entities: dict[str, Entity] = {}

    def entity(original: str, kind: str, source: str, wanted: str | None = None) -> Entity:
        folded = original.casefold()
        if folded not in entities:
            label = wanted or labeller.label(folded, kind)
            if wanted:
                labeller.taken(wanted)
            entities[folded] = Entity(folded, original, _kind(kind), source, label,
                                      selected=source != "candidate")  # fmt: skip
        found = entities[folded]
        found.spellings.add(original)
        return found

    roles = {label.casefold(): role for label, role in speaker_labels}
    for entry in names:  # labels the user chose are not handed out to others
        if entry.replacement:
            labeller.taken(entry.replacement)
    for entry in names:
        kind = entry.kind
        if kind == "person" and roles.get(entry.name.casefold()) in NUMBERED:
            kind = str(roles[entry.name.casefold()])  # a listed speaker: [Participant 3]
        made = entity(entry.name, kind, "list", entry.replacement)
        made.spellings.update(entry.aliases)
    # Full names first, so that 'Bekah' (a label in one transcript) and the first name in
    # other people's talk get the label of 'Bekah Hawrot Weigel' (a label in another).
    spelled = {s.casefold() for e in entities.values() for s in e.spellings}
    for label, role in sorted(speaker_labels, key=lambda lr: (-len(lr[0].split()), lr[0])):
        if not detect.looks_like_name(label) or label.casefold() in spelled:
            continue
        role_kind = role if role in ("participant", "staff", "interviewer") else "person"
        made = entity(label, role_kind, "speaker")
        made.spellings.update(p for p in detect.name_parts(label) if p.casefold() not in spelled)
        spelled |= {s.casefold() for s in made.spellings}
    named = {s: e.key for e in entities.values() for s in e.spellings}
    covered = {s.casefold() for s in named}

    words = {w for text in texts.values() for *_pos, w, _at in detect.capitalised_words(text)}
    if fuzzy:
        for word, canonical in sorted(detect.fuzzy_variants(words, named, covered).items()):
            entities[canonical].spellings.add(word)
            named[word] = canonical
            covered.add(word.casefold())
    if candidates:
        confirmed = {c.casefold() for c in confirm}
        for word in sorted(detect.candidates(texts, covered)):
            made = entity(word, "other", "candidate")
            made.selected = word.casefold() in confirmed

    pattern = detect.spelling_pattern(
        s for e in entities.values() for s in e.spellings | {e.original}
    )
    lookup = {s: e.key for e in entities.values() for s in e.spellings | {e.original}}
    lookup.update({k.upper(): v for k, v in list(lookup.items())})
    lookup.update({k.title(): v for k, v in list(lookup.items())})
    findings: list[Finding] = []
    for document in sorted(texts):
        text = texts[document]
        spans: list[tuple[int, int, int, str]] = []  # start, end, priority, key
        for match in detect.patterns(text):
            made = entity(match.text, match.kind, "pattern")
            spans.append((match.start, match.end, 0, made.key))
        if pattern is not None:
            for m in pattern.finditer(text):
                key_of = lookup.get(m.group()) or m.group().casefold()
                if key_of in entities:
                    priority = SOURCE_ORDER.index(entities[key_of].source)
                    spans.append((m.start(), m.end(), priority, key_of))
        for start, end, key_of in _without_overlaps(spans):
            findings.append(Finding(document, start, end, text[start:end], key_of))
            entities[key_of].count += 1
            entities[key_of].documents.add(document)
    unused = [k for k, e in entities.items() if e.count == 0 and e.source == "candidate"]
    for k in unused:
        del entities[k]
    return Plan(entities, findings, texts)


def _kind(kind: str) -> str:
    return "person" if kind in ("participant", "staff", "interviewer") else kind


def _without_overlaps(spans: list[tuple[int, int, int, str]]) -> list[tuple[int, int, str]]:
    """Keep the best of overlapping spans: the longest, then the higher-priority source."""
    chosen: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for start, end, _priority, key in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[2], s[0])):
        at = bisect.bisect_left(taken, (start, end))
        if at > 0 and taken[at - 1][1] > start:
            continue
        if at < len(taken) and taken[at][0] < end:
            continue
        taken.insert(at, (start, end))
        chosen.append((start, end, key))
    return sorted(chosen)


class _Labeller:
    """Numbered (``[Participant 3]``) and lettered (``[Place B]``) labels, continuing those of
    an existing key so a name keeps its label across runs."""

    def __init__(self, key: dict[str, tuple[str, str, str]]) -> None:
        self.key = key
        self.used: set[str] = {replacement for _o, _k, replacement in key.values()}

    def taken(self, label: str) -> None:
        self.used.add(label)

    def label(self, folded: str, kind: str) -> str:
        if folded in self.key:
            return self.key[folded][2]
        if kind in FIXED_LABELS:
            return FIXED_LABELS[kind]
        if kind in LETTERED:
            return self._next(LETTERED[kind], lettered=True)
        return self._next(NUMBERED.get(kind, "Name"), lettered=False)

    def _next(self, word: str, *, lettered: bool) -> str:
        n = 0
        while True:
            n += 1
            mark = _letters(n) if lettered else str(n)
            label = f"[{word} {mark}]"
            if label not in self.used:
                self.used.add(label)
                return label


def _letters(n: int) -> str:
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


# -- applying a plan to text -------------------------------------------------------------------
def rewrite(text: str, spans: list[tuple[int, int, str]]) -> tuple[str, OffsetMap]:
    """Replace sorted, non-overlapping ``(start, end, replacement)`` spans; return the new text
    and the map from old offsets to new ones."""
    parts: list[str] = []
    at = 0
    for start, end, replacement in spans:
        parts.append(text[at:start])
        parts.append(replacement)
        at = end
    parts.append(text[at:])
    return "".join(parts), OffsetMap(spans)


class OffsetMap:
    """Where an old offset lands in the rewritten text. An offset inside a replaced span moves
    to the replacement's start (for a start) or end (for an end), so a coding that covered part
    of a name covers all of its label, and one that covered the name covers the label."""

    def __init__(self, spans: list[tuple[int, int, str]]) -> None:
        self.starts = [s for s, _e, _r in spans]
        self.spans = spans
        self.shift: list[int] = []  # cumulative length change after each span
        total = 0
        for start, end, replacement in spans:
            total += len(replacement) - (end - start)
            self.shift.append(total)

    def start(self, offset: int) -> int:
        return self._map(offset, at_end=False)

    def end(self, offset: int) -> int:
        return self._map(offset, at_end=True)

    def _map(self, offset: int, *, at_end: bool) -> int:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return offset
        start, end, replacement = self.spans[i]
        before = self.shift[i - 1] if i else 0
        if offset >= end or (offset == start and not at_end):
            return offset + (self.shift[i] if offset >= end else before)
        # inside the span (or an end exactly at its start, which stays before the label)
        new_start = start + before
        if offset == start:
            return new_start
        return new_start + len(replacement) if at_end else new_start


def spelling_replacer(spellings: dict[str, str]) -> Callable[[str], str]:
    """A function replacing every spelling (as a whole word; also in CAPITALS or Title Case)
    in free text such as a memo or a speaker label; the pattern is built once."""
    pattern = detect.spelling_pattern(spellings)
    if pattern is None:
        return lambda text: text
    table = {}
    for spelling, label in spellings.items():
        table.update({spelling: label, spelling.title(): label, spelling.upper(): label})
    return lambda text: pattern.sub(lambda m: table.get(m.group(), m.group()), text)


def replace_spellings(text: str, spellings: dict[str, str]) -> str:
    """``spelling_replacer(spellings)(text)``, for a single text."""
    return spelling_replacer(spellings)(text)


def replace_in_name(name: str, spellings: dict[str, str]) -> str:
    """A document name with names replaced case-insensitively by a slug of their label
    ('p01-amy' -> 'p01-participant-1')."""
    out = name
    for spelling in sorted(spellings, key=len, reverse=True):
        slug = re.sub(r"[^a-z0-9]+", "-", spellings[spelling].lower()).strip("-")
        out = re.sub(rf"(?<![^\W_]){re.escape(spelling)}(?![^\W_])", slug, out, flags=re.I)
    return out
