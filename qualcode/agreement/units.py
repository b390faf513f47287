"""From codings to units: the presence/absence tables that agreement coefficients compute from.

For each selected code, every selected coder gets a 1 (the code is present) or a 0 (absent) on
every unit; a table is a coders x units array. The units, chosen by the user:

``character``
    Every character (code point) of each selected document's text is a unit. A coder has the
    code on a character when one of their codings of it covers that character.
``sentence``
    The spans of :func:`qualcode.segments.sentence_spans`: sentences inside turn bodies,
    paragraphs elsewhere (and in documents without turns). Speaker labels are in no unit.
``turn``
    Each speaker turn, label included (``start`` to ``end``), plus one unit per paragraph of
    text outside the turns (a title, say); a document without turns gives its paragraphs.
``document``
    Each selected document as a whole.
``segment``
    Segment matching, as MAXQDA does it. The units of a code are the codings of it, by all
    selected coders, in the selected documents: each coding is one unit. Two codings of one
    code match when ``overlap / max(length_1, length_2) >= threshold`` (overlap in characters,
    and it must be more than zero). A coder has the code on a unit when one of their codings
    matches the unit's coding; the coder who made it always does. A pair of matching codings by
    two coders therefore gives two units, each with both coders present; a coding nobody else
    matched gives a unit with only its coder present. There are no units both coders left
    empty, so chance-corrected coefficients are low or undefined here; percent agreement is
    the figure MAXQDA reports.

For the first four units a coding covers a unit when they overlap by at least one character.

Every selected coder is taken to have judged every unit of every selected document: there are
no missing values. By default the documents are those in which every selected coder has made at
least one coding (of any code), so that a document one coder never worked on does not count as
agreement on absence.

A code selected by reference stands for itself and all its descendants (``descendants=True``),
only the leaves under it (``descendants="leaves"``; a leaf stands for itself), or only itself
(``descendants=False``). With no ``codes`` given, every code in the codebook counts by itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from qualcode.agreement.coefficients import AgreementError
from qualcode.segments import paragraph_spans, sentence_spans, turn_regions

if TYPE_CHECKING:
    from qualcode.project import Project

__all__ = [
    "UNITS",
    "CodeUnits",
    "UnitTable",
    "Units",
    "covered",
    "document_units",
    "segment_table",
    "unit_table",
]

UNITS: tuple[str, ...] = ("character", "sentence", "turn", "document", "segment")
Descendants = bool | Literal["leaves"]
Span = tuple[int, int]


@dataclass(frozen=True, eq=False)
class Units:
    """Units as parallel arrays (a million character units stay cheap); items are
    ``(document, start, end)``."""

    documents: tuple[str, ...]
    """The documents the units come from; :attr:`document` indexes into this."""
    document: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return int(self.start.size)

    def __getitem__(self, index: int) -> tuple[str, int, int]:
        return (
            self.documents[int(self.document[index])],
            int(self.start[index]),
            int(self.end[index]),
        )

    def __iter__(self) -> Iterator[tuple[str, int, int]]:
        return (self[i] for i in range(len(self)))

    @classmethod
    def build(cls, documents: Sequence[str], rows: Sequence[tuple[int, int, int]]) -> Units:
        """From ``(document index, start, end)`` rows."""
        array = np.array(rows, dtype=np.int64).reshape(-1, 3)
        return cls(tuple(documents), array[:, 0], array[:, 1], array[:, 2])


@dataclass(frozen=True, eq=False)
class CodeUnits:
    """One selected code's presence table."""

    code: str
    """The path of the code as selected."""
    members: tuple[str, ...]
    """Paths of the codes whose codings count as this code's (itself, descendants or leaves)."""
    units: Units
    presence: np.ndarray
    """``int8`` coders x units: 1 where the coder has the code on the unit, else 0."""


@dataclass(frozen=True, eq=False)
class UnitTable:
    """Presence/absence of each selected code, per coder and unit, with the choices made."""

    unit: str
    coders: tuple[str, ...]
    documents: tuple[str, ...]
    codes: tuple[CodeUnits, ...]
    descendants: Descendants
    threshold: float
    """Segment matching: the least ``overlap / max(length)`` for two codings to match."""
    requested_codes: tuple[str, ...] | None = None
    """The code references given, or None for every code (each by itself)."""
    documents_default: bool = False
    """True when the documents were chosen as those every coder coded (none were named)."""

    def pooled(self) -> np.ndarray:
        """Every code's units side by side (coders x all units): the figure over codes."""
        if not self.codes:
            return np.zeros((len(self.coders), 0), dtype=np.int8)
        return np.hstack([c.presence for c in self.codes])

    def parameters(self) -> dict[str, Any]:
        """The choices behind the table, for stating in a report."""
        descendants = {True: "descendants", False: "itself", "leaves": "leaves"}[self.descendants]
        return {
            "unit": self.unit,
            "coders": list(self.coders),
            "documents": list(self.documents),
            "documents_chosen": (
                "every document coded by all the coders" if self.documents_default else "given"
            ),
            "codes": list(self.requested_codes) if self.requested_codes is not None else "all",
            "code_includes": descendants if self.requested_codes is not None else "itself",
            "overlap_threshold": self.threshold if self.unit == "segment" else None,
            "missing": "none: every coder is taken to have judged every unit of every document",
        }


# -- the pure layer --------------------------------------------------------------------------


def document_units(unit: str, text: str, turns: Sequence[Any]) -> list[Span]:
    """The ``(start, end)`` units of one document for ``character``, ``sentence``, ``turn`` or
    ``document`` (segment units depend on the codings; see :func:`segment_table`)."""
    if unit == "character":
        return [(i, i + 1) for i in range(len(text))]
    if unit == "sentence":
        return sentence_spans(text, turns)
    if unit == "turn":
        if not turns:
            return paragraph_spans(text)
        bounds = {(t.body_start, t.end): (t.start, t.end) for t in turns}
        out: list[Span] = []
        for start, end, in_turn in turn_regions(text, turns):
            if in_turn:
                out.append(bounds.get((start, end), (start, end)))
            else:
                out.extend(paragraph_spans(text, start, end))
        return sorted(out)
    if unit == "document":
        return [(0, len(text))] if text else []
    raise AgreementError(f"unknown unit '{unit}'; use one of {', '.join(UNITS)}")


def covered(starts: np.ndarray, ends: np.ndarray, codings: Sequence[Span]) -> np.ndarray:
    """Which units (sorted, not overlapping) overlap at least one of ``codings``: a bool array.

    Interval arithmetic, no loop over characters: each coding marks the run of units from the
    first that ends after it starts to the last that starts before it ends.
    """
    marks = np.zeros(starts.size + 1, dtype=np.int64)
    if codings and starts.size:
        spans = np.asarray(codings, dtype=np.int64).reshape(-1, 2)
        first = np.searchsorted(ends, spans[:, 0], side="right")
        last = np.searchsorted(starts, spans[:, 1], side="left")
        keep = (first < last) & (spans[:, 1] > spans[:, 0])
        np.add.at(marks, first[keep], 1)
        np.add.at(marks, last[keep], -1)
    return np.cumsum(marks[:-1]) > 0


def segment_table(
    codings: Sequence[Sequence[Span]], threshold: float
) -> tuple[list[tuple[int, int, int]], np.ndarray]:
    """Segment matching within one document for one code.

    ``codings[c]`` holds coder ``c``'s codings. Returns the units, one per coding, as
    ``(start, end, coder)`` sorted by position, and the coders x units presence array.
    """
    rows = sorted((int(s), int(e), c) for c, spans in enumerate(codings) for s, e in spans if e > s)
    n_coders = len(codings)
    if not rows:
        return [], np.zeros((n_coders, 0), dtype=np.int8)
    table = np.array(rows, dtype=np.int64)
    start, end, coder = table[:, 0], table[:, 1], table[:, 2]
    overlap = np.minimum(end[:, None], end[None, :]) - np.maximum(start[:, None], start[None, :])
    longer = np.maximum((end - start)[:, None], (end - start)[None, :])
    match = (overlap > 0) & (overlap >= threshold * longer)
    presence = np.zeros((n_coders, len(rows)), dtype=np.int8)
    for c in range(n_coders):
        presence[c] = match[:, coder == c].any(axis=1)
    return rows, presence


# -- reading a project -----------------------------------------------------------------------


def _members(
    project: Project, refs: Sequence[str] | None, descendants: Descendants
) -> list[tuple[str, tuple[str, ...]]]:
    infos = project.codes()
    if refs is None:
        return [(c.path, (c.path,)) for c in infos]
    out: list[tuple[str, tuple[str, ...]]] = []
    for ref in refs:
        chosen = project.code(ref)
        under = [c for c in infos if c.names[: len(chosen.names)] == chosen.names]
        if descendants == "leaves":
            parents = {c.names[:-1] for c in infos}
            members = tuple(c.path for c in under if c.names not in parents)
        elif descendants:
            members = tuple(c.path for c in under)
        else:
            members = (chosen.path,)
        out.append((chosen.path, members))
    return out


def _unit_bounds(project: Project, unit: str, document: str) -> np.ndarray:
    """A document's units as an ``(n, 2)`` array of starts and ends."""
    text = project.document_text(document)
    if unit == "character":  # built directly: a list of a million tuples is slow
        starts = np.arange(len(text), dtype=np.int64)
        return np.column_stack([starts, starts + 1])
    turns = project.turns(document) if unit in ("sentence", "turn") else []
    return np.array(document_units(unit, text, turns), dtype=np.int64).reshape(-1, 2)


def unit_table(
    project: Project,
    *,
    coders: Sequence[str],
    unit: str = "sentence",
    documents: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    descendants: Descendants = True,
    threshold: float = 0.5,
) -> UnitTable:
    """The presence table of each selected code (see the module docstring for every rule)."""
    if unit not in UNITS:
        raise AgreementError(f"unknown unit '{unit}'; use one of {', '.join(UNITS)}")
    coders = tuple(dict.fromkeys(c.strip() for c in coders if c.strip()))
    if len(coders) < 2:
        raise AgreementError("agreement needs at least two different coders (e.g. --coders A,B)")
    known = {c.name for c in project.coders()}
    unknown = [c for c in coders if c not in known]
    if unknown:
        raise AgreementError(
            f"no coder named {', '.join(unknown)} in this project (see: qualcode coders)"
        )
    if not 0.0 < threshold <= 1.0:
        raise AgreementError(f"the overlap threshold must be in (0, 1]; got {threshold}")
    selected = _members(project, codes, descendants)
    all_codings = project.codings(coders=coders)
    if documents is None:
        by_coder: dict[str, set[str]] = defaultdict(set)
        for coding in all_codings:
            by_coder[coding.coder].add(coding.document)
        shared = set.intersection(*(by_coder[c] for c in coders))
        doc_names = tuple(d.name for d in project.documents() if d.name in shared)
        if not doc_names:
            raise AgreementError(
                f"no document has codings by every one of {', '.join(coders)}; "
                "name the documents to compare (--documents)"
            )
    else:
        doc_names = tuple(dict.fromkeys(documents))
        for name in doc_names:
            project.document(name)  # raises NotFoundError naming the document
    doc_index = {name: i for i, name in enumerate(doc_names)}
    coder_index = {name: i for i, name in enumerate(coders)}
    # spans[document][code path][coder] -> list of (start, end)
    spans: dict[str, dict[str, list[list[Span]]]] = {
        d: defaultdict(lambda: [[] for _ in coders]) for d in doc_names
    }
    for coding in all_codings:
        if coding.document in spans:
            spans[coding.document][coding.code][coder_index[coding.coder]].append(
                (coding.start, coding.end)
            )

    def coder_spans(document: str, members: tuple[str, ...]) -> list[list[Span]]:
        merged: list[list[Span]] = [[] for _ in coders]
        for path in members:
            if path in spans[document]:
                for c, found in enumerate(spans[document][path]):
                    merged[c].extend(found)
        return merged

    tables: list[CodeUnits] = []
    if unit == "segment":
        for path, members in selected:
            rows: list[tuple[int, int, int]] = []
            parts: list[np.ndarray] = []
            for document in doc_names:
                found, presence = segment_table(coder_spans(document, members), threshold)
                rows.extend((doc_index[document], s, e) for s, e, _ in found)
                parts.append(presence)
            presence = np.hstack(parts) if parts else np.zeros((len(coders), 0), np.int8)
            tables.append(CodeUnits(path, members, Units.build(doc_names, rows), presence))
    else:
        per_doc = {d: _unit_bounds(project, unit, d) for d in doc_names}
        rows_array = np.vstack(
            [np.column_stack([np.full(len(u), doc_index[d]), u]) for d, u in per_doc.items()]
            or [np.zeros((0, 3), np.int64)]
        )
        units = Units(doc_names, rows_array[:, 0], rows_array[:, 1], rows_array[:, 2])
        for path, members in selected:
            presence = np.zeros((len(coders), len(units)), dtype=np.int8)
            offset = 0
            for document in doc_names:
                bounds = per_doc[document]
                width = len(bounds)
                for c, coded in enumerate(coder_spans(document, members)):
                    presence[c, offset : offset + width] = covered(
                        bounds[:, 0], bounds[:, 1], coded
                    )
                offset += width
            tables.append(CodeUnits(path, members, units, presence))
    return UnitTable(
        unit=unit,
        coders=coders,
        documents=doc_names,
        codes=tuple(tables),
        descendants=descendants,
        threshold=threshold,
        requested_codes=tuple(codes) if codes is not None else None,
        documents_default=documents is None,
    )
