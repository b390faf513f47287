"""Plan a pseudonymisation: every identifying span in every document, grouped into entities that
each get one consistent label, for the user to review before anything changes.

``plan_for(project, names)`` reads the project (nothing is written) and returns a :class:`Plan`;
it needs of the project only what :class:`ProjectTexts` names, so this package never imports
``qualcode.project`` (the project package calls privacy, not the reverse).
The user reviews its :meth:`Plan.rows` (the CLI prints them, the TUI lists them with toggles),
switches entities on or off, edits labels, then ``project.pseudonymise(plan)`` applies it.

Sources, in the order they win when two overlap: patterns (e-mail, URL, phone, postcode, date of
birth), the user's list and its aliases, speaker labels that look like names, fuzzy variants of
those (a misspelt 'Clare' for 'Claire'), and capitalised words the lexicon does not know
(candidates: off until the user confirms them). A full name and its parts are one entity
('Bekah Hawrot Weigel', 'Bekah'). Labels follow one rule (:mod:`qualcode.privacy.labels`) and are
stable: an existing key file gives every name seen before the label it had, and new names
continue the numbering. What a plan changes besides the words (documents and cases renamed,
speakers made one or kept apart) is :mod:`qualcode.privacy.changes`; :meth:`Plan.summary` says it.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from . import changes, detect
from .changes import SpeakerChange
from .labels import RULE, Labeller, SpeakerRow, known_roles, person_kind
from .names import NameEntry

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
    speakers: dict[str, list[SpeakerRow]] = field(default_factory=dict)
    """Each document's speakers, in order (for the speakers that become one)."""
    cases: list[str] = field(default_factory=list)
    """The project's case names (renamed when they hold a name)."""

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
        return {s: e.replacement for e in self._selected() for s in e.spellings | {e.original}}

    def _selected(self) -> list[Entity]:
        return [e for e in self.entities.values() if e.selected]

    def renames(self) -> dict[str, str]:
        """Documents whose name holds a selected name: old name -> new name."""
        spellings = self.spellings()
        return changes.renames(self.texts, lambda n: replace_in_name(n, spellings))

    def case_renames(self, cases: Iterable[str] | None = None) -> dict[str, str]:
        """Cases whose name holds a selected name: old name -> new name (``cases`` defaults
        to the plan's own)."""
        spellings = self.spellings()
        names = self.cases if cases is None else cases
        return changes.renames(names, lambda n: replace_in_name(n, spellings))

    def speaker_labels(
        self, speakers: dict[str, list[SpeakerRow]] | None = None
    ) -> tuple[dict[str, dict[str, str]], list[SpeakerChange]]:
        """Per document, each speaker label -> its new label; and the labels that become one
        label in a document (one speaker, or kept apart: :mod:`qualcode.privacy.changes`).
        ``speakers`` defaults to the plan's own (those it was made from)."""
        if speakers is None:
            speakers = self.speakers
        replace = spelling_replacer(self.spellings())
        sign = spelling_replacer(
            {s: f"\x00{e.key}\x00" for e in self._selected() for s in e.spellings | {e.original}}
        )
        maps: dict[str, dict[str, str]] = {}
        grouped: list[SpeakerChange] = []
        for document in sorted(speakers):
            maps[document], found = changes.speaker_labels(
                document, speakers[document], replace, sign
            )
            grouped += found
        return maps, grouped

    def summary(self) -> list[str]:
        """What the plan does besides replacing words, one line each: the label rule, the
        documents and cases renamed, the speakers made one or kept apart."""
        lines = [RULE]
        lines += [f"rename document {old} -> {new}" for old, new in self.renames().items()]
        lines += [f"rename case {old} -> {new}" for old, new in self.case_renames().items()]
        lines += [f"speakers {c.describe()}" for c in self.speaker_labels()[1]]
        return lines


# -- building a plan ---------------------------------------------------------------------------
class _Named(Protocol):
    @property
    def name(self) -> str: ...


class _SpeakerRecord(Protocol):
    @property
    def document(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def role(self) -> str | None: ...
    @property
    def case(self) -> str | None: ...


class ProjectTexts(Protocol):
    """What a plan reads of a project (``qualcode.project.Project`` has it): the documents and
    their texts, the speakers with their roles and cases, and the cases."""

    def documents(self) -> Iterable[_Named]: ...
    def document_text(self, name: str) -> str: ...
    def speakers(self) -> Iterable[_SpeakerRecord]: ...
    def cases(self) -> Iterable[_Named]: ...


def plan_for(
    project: ProjectTexts,
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
    rows: dict[str, list[SpeakerRow]] = {name: [] for name in texts}
    for s in project.speakers():
        rows[s.document].append(SpeakerRow(s.label, s.role, s.case))
    labels = sorted({(r.label, r.role) for rs in rows.values() for r in rs}) if speakers else []
    plan = build_plan(
        texts,
        list(names),
        labels,
        key=key or {},
        fuzzy=fuzzy,
        candidates=candidates,
        confirm=confirm,
        speakers=rows,
    )
    plan.cases = [c.name for c in project.cases()]
    return plan


def build_plan(
    texts: dict[str, str],
    names: list[NameEntry],
    speaker_labels: list[tuple[str, str | None]],
    *,
    key: dict[str, tuple[str, str, str]],
    fuzzy: bool = True,
    candidates: bool = True,
    confirm: Iterable[str] = (),
    speakers: dict[str, list[SpeakerRow]] | None = None,
) -> Plan:
    """The plan for ``texts``; ``speaker_labels`` are the (label, role) pairs to look at as
    names, ``speakers`` each document's speakers (roles for labels, and the speakers that
    become one). Labels follow :mod:`qualcode.privacy.labels`."""
    labeller = Labeller(key)
    entities: dict[str, Entity] = {}
    if speakers is None:
        speakers = {}
    labelled = dict(speakers)
    labelled[""] = [SpeakerRow(label, role) for label, role in speaker_labels]  # roles only
    named = [s for e in names for s in e.spellings] + [label for label, _r in speaker_labels]
    roles = known_roles(labelled, named)

    def entity(
        original: str,
        kind: str,
        source: str,
        wanted: str | None = None,
        spellings: Iterable[str] = (),
    ) -> Entity:
        folded = original.casefold()
        if folded not in entities:
            spelt = {original, *spellings}
            if kind == "person":
                kind = person_kind(spelt, roles)
            label = wanted or labeller.label(folded, kind)
            if wanted:
                labeller.taken(wanted)
            entities[folded] = Entity(
                folded, original, _kind(kind), source, label, selected=source != "candidate"
            )
        found = entities[folded]
        found.spellings |= {original, *spellings}
        return found

    for entry in names:  # labels the user chose are not handed out to others
        if entry.replacement:
            labeller.taken(entry.replacement)
    spelled: set[str] = set()
    for entry, also in _people(names):
        made = entity(entry.name, entry.kind, "list", entry.replacement, also)
        spelled |= {s.casefold() for s in made.spellings}
    # Full names first, so that 'Bekah' (a label in one transcript) and the first name in
    # other people's talk get the label of 'Bekah Hawrot Weigel' (a label in another).
    for label, _role in sorted(speaker_labels, key=lambda lr: (-len(lr[0].split()), lr[0])):
        if not detect.looks_like_name(label) or label.casefold() in spelled:
            continue
        parts = [p for p in detect.name_parts(label) if p.casefold() not in spelled]
        made = entity(label, "person", "speaker", spellings=parts)
        spelled |= {s.casefold() for s in made.spellings}
    named_keys = {s: e.key for e in entities.values() for s in e.spellings}
    covered = {s.casefold() for s in named_keys}

    words = {w for text in texts.values() for *_pos, w, _at in detect.capitalised_words(text)}
    if fuzzy:
        for word, canonical in sorted(detect.fuzzy_variants(words, named_keys, covered).items()):
            entities[canonical].spellings.add(word)
            named_keys[word] = canonical
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
    anycase = {k.casefold(): v for k, v in lookup.items()}  # 'culp' for 'Culp'
    findings: list[Finding] = []
    for document in sorted(texts):
        text = texts[document]
        spans: list[tuple[int, int, int, str]] = []  # start, end, priority, key
        for match in detect.patterns(text):
            made = entity(match.text, match.kind, "pattern")
            spans.append((match.start, match.end, 0, made.key))
        if pattern is not None:
            for m in pattern.finditer(text):
                key_of = lookup.get(m.group()) or anycase.get(m.group().casefold(), "")
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
    return Plan(entities, findings, texts, {d: list(rows) for d, rows in speakers.items()})


def _people(names: list[NameEntry]) -> list[tuple[NameEntry, set[str]]]:
    """The list's entries with the spellings they also stand for: their aliases, the parts of
    a listed full name ('Greg' of 'Greg Colvin') that are names, and a listed first name that
    is a part of exactly one listed full name is folded into that name (one person)."""
    owners: dict[str, list[int]] = defaultdict(list)
    for i, entry in enumerate(names):
        if entry.kind == "person":
            for part in detect.name_parts(entry.name):
                owners[part.casefold()].append(i)
    folded: dict[int, list[NameEntry]] = defaultdict(list)
    kept: list[int] = []
    for i, entry in enumerate(names):
        owner = owners.get(entry.name.casefold(), [])
        if entry.kind == "person" and not entry.replacement and len(owner) == 1 and owner[0] != i:
            folded[owner[0]].append(entry)
        else:
            kept.append(i)
    listed = {s.casefold() for e in names for s in e.spellings}
    out = []
    for i in kept:
        entry = names[i]
        also = set(entry.aliases)
        for other in folded[i]:
            also |= set(other.spellings)
        if entry.kind == "person":
            also |= {p for p in detect.name_parts(entry.name) if p.casefold() not in listed}
        out.append((entry, also))
    return out


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
    """A function replacing every spelling (as a whole word, in the cases
    :func:`~qualcode.privacy.detect.spelling_pattern` finds) in free text such as a memo or a
    speaker label; the pattern is built once."""
    pattern = detect.spelling_pattern(spellings)
    if pattern is None:
        return lambda text: text
    table = {}
    for spelling, label in spellings.items():
        table.update({spelling: label, spelling.title(): label, spelling.upper(): label})
    anycase = {k.casefold(): v for k, v in table.items()}

    def label(m: re.Match[str]) -> str:
        found = m.group()
        return table.get(found) or anycase.get(found.casefold(), found)

    return lambda text: pattern.sub(label, text)


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
