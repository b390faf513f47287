"""What a plan changes besides the words of the texts: documents and cases renamed, and speakers
whose labels become one label in a document.

Two speaker labels of one document that become the same label ('Bekah Hawrot Weigel' and
'Bekah', both '[Participant 1]') are one speaker afterwards when they are one person: both labels
are spellings of the same name, and their roles and cases do not differ (one left unset takes the
other's). The speaker keeps every turn of both, in the order they were spoken. Otherwise (two
listed people given the same replacement, or a role or case that differs) they are kept apart:
the second gets the label with a letter, ``[Participant 1b]``. The plan lists both kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .labels import SpeakerRow, letters


@dataclass(frozen=True)
class SpeakerChange:
    """Speakers of one document whose labels become one label."""

    document: str
    labels: tuple[str, ...]
    """The labels as written, in the document's order of speakers."""
    new_labels: tuple[str, ...]
    """The label each gets: all the same when they become one speaker."""

    @property
    def merged(self) -> bool:
        return len(set(self.new_labels)) == 1

    def describe(self) -> str:
        olds = " + ".join(f"'{label}'" for label in self.labels)
        if self.merged:
            return (
                f"{self.document}: {olds} -> one speaker {self.new_labels[0]} (turns kept in order)"
            )
        news = ", ".join(self.new_labels)
        return f"{self.document}: {olds} -> kept apart as {news} (not the same person)"


def free_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``, ``name-3``... when it is taken."""
    if name not in taken:
        return name
    n = 2
    while f"{name}-{n}" in taken:
        n += 1
    return f"{name}-{n}"


def renames(names: Iterable[str], rename: Callable[[str], str]) -> dict[str, str]:
    """Old name -> new name for each name that holds a name, in name order, never two alike."""
    taken = set(names)
    out: dict[str, str] = {}
    for name in sorted(taken):
        new = rename(name)
        if new != name:
            new = free_name(new, taken)
            taken.discard(name)
            taken.add(new)
            out[name] = new
    return out


def speaker_labels(
    document: str,
    rows: Sequence[SpeakerRow],
    replace: Callable[[str], str],
    sign: Callable[[str], str],
) -> tuple[dict[str, str], list[SpeakerChange]]:
    """Each speaker label of one document -> its new label, and the groups of labels that
    become one label. ``replace`` rewrites a label; ``sign`` rewrites it with each name's key
    instead of its label (equal signs: spellings of one person)."""
    groups: dict[str, list[SpeakerRow]] = {}
    for row in rows:
        groups.setdefault(replace(row.label), []).append(row)
    used = set(groups) | {row.label for row in rows}
    out: dict[str, str] = {}
    changes: list[SpeakerChange] = []
    for new, members in groups.items():
        people: dict[str, list[SpeakerRow]] = {}
        for member in members:
            people.setdefault(sign(member.label), []).append(member)
        apart: list[list[SpeakerRow]] = []
        for same in people.values():
            if _agree(r.role for r in same) and _agree(r.case for r in same):
                apart.append(same)
            else:
                apart.extend([r] for r in same)
        for i, person in enumerate(apart):
            label = new if i == 0 else _lettered(new, used)
            for member in person:
                out[member.label] = label
        if len(members) > 1:
            changes.append(
                SpeakerChange(
                    document, tuple(m.label for m in members), tuple(out[m.label] for m in members)
                )
            )
    return out, changes


def _agree(values: Iterable[str | None]) -> bool:
    return len({v for v in values if v is not None}) <= 1


def _lettered(label: str, used: set[str]) -> str:
    """The label with the next free letter: b, c, ... z, then aa, ab, ..."""
    n = 1
    while True:
        n += 1
        letter = letters(n).lower()
        if label.endswith("]"):  # '[Participant 3]' -> '[Participant 3b]', '[Staff]' -> '[Staff b]'
            made = label[:-1] + ("" if label[-2:-1].isdigit() else " ") + letter + "]"
        else:
            made = f"{label} {letter}"
        if made not in used:
            used.add(made)
            return made
