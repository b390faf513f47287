"""Which label a found name gets: the one rule, stated in docs/privacy.md and shown in the plan.

A person's label says their role when the project knows it and it is one role: ``[Participant n]``,
``[Staff n]`` or ``[Interviewer n]``. The project knows a role from the speakers the person is
(any of their spellings as a speaker label, e.g. 'Bekah' or 'Bekah Hawrot Weigel') and from the
documents named after them (``p04-dee`` names Dee; its one speaker who is not the interviewer is
Dee). A person with no known role, or with two different ones, gets ``[Person n]``. Places and
organisations get lettered labels (``[Place A]``), contact details a fixed one (``[email]``),
unknown capitalised words ``[Name n]``. A label from the names list or from the key always wins;
new numbers continue after those already used.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

FIXED_LABELS = {
    "email": "[email]",
    "url": "[URL]",
    "phone": "[phone number]",
    "postcode": "[postcode]",
    "date": "[date of birth]",
}
NUMBERED = {
    "person": "Person",
    "other": "Name",
    "participant": "Participant",
    "staff": "Staff",
    "interviewer": "Interviewer",
}
LETTERED = {"place": "Place", "organisation": "Organisation"}
ROLE_KINDS = ("participant", "staff", "interviewer")
RULE = (
    "labels: a person with one known role -> [Participant n] / [Staff n] / [Interviewer n]; "
    "else [Person n]"
)
"""The rule in one line, for the plan's header (CLI and TUI)."""


class SpeakerRow(NamedTuple):
    """A speaker of one document as the plan sees it (in the order of the document's speakers)."""

    label: str
    role: str | None
    case: str | None = None


def known_roles(
    speakers: Mapping[str, Sequence[SpeakerRow]], named: Iterable[str]
) -> dict[str, set[str]]:
    """Case-folded spelling -> the roles it is known to have: each speaker label's role, and the
    role of a document's one non-interviewer speaker for each spelling in ``named`` that the
    document's name holds as a word."""
    roles: dict[str, set[str]] = defaultdict(set)
    for rows in speakers.values():
        for row in rows:
            if row.role:
                roles[row.label.casefold()].add(row.role)
    spellings = sorted({s.casefold() for s in named if s.strip()}, key=len, reverse=True)
    for document, rows in speakers.items():
        others = [r for r in rows if r.role and r.role != "interviewer"]
        if len(others) != 1:
            continue
        folded = document.casefold()
        for spelling in spellings:
            if re.search(rf"(?<![^\W_]){re.escape(spelling)}(?![^\W_])", folded):
                roles[spelling].add(str(others[0].role))
    return dict(roles)


def person_kind(spellings: Iterable[str], roles: Mapping[str, set[str]]) -> str:
    """The label kind of a person spelt these ways: their one role, else 'person'."""
    found: set[str] = set()
    for spelling in spellings:
        found |= roles.get(spelling.casefold(), set())
    if len(found) == 1 and (role := next(iter(found))) in ROLE_KINDS:
        return role
    return "person"


class Labeller:
    """Numbered (``[Participant 3]``) and lettered (``[Place B]``) labels, continuing those of
    an existing key so a name keeps its label across runs."""

    def __init__(self, key: Mapping[str, tuple[str, str, str]]) -> None:
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
            mark = letters(n) if lettered else str(n)
            label = f"[{word} {mark}]"
            if label not in self.used:
                self.used.add(label)
                return label


def letters(n: int) -> str:
    """1 -> 'A', 26 -> 'Z', 27 -> 'AA'."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out
