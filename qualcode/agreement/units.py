"""From codings to units: the presence/absence tables that agreement coefficients compute from.

For each selected code, every selected coder gets a 1 (the code is present) or a 0 (absent) on
every unit; a table is a coders x units array. Only *counted characters* take part: the
characters of the text that are not whitespace and not in a speaker label (a turn's ``start``
to its ``body_start``), and, with ``exclude_interviewer``, not in a turn whose speaker has the
role ``interviewer``. The units, chosen by the user:

``character``
    Every counted character is a unit (no spaces, newlines or speaker labels).
``sentence``
    The sentences of :func:`qualcode.nlp.sentences.sentence_spans` (the one sentence definition,
    the same the coding screen's ``s`` key selects): spaCy's sentences inside turn bodies and
    in documents without turns, paragraphs in text outside turns. Units without a counted
    character (in an excluded interviewer turn, say) are left out.
``turn``
    Each speaker turn, plus one unit per paragraph of text outside the turns (a title, say); a
    document without turns gives its paragraphs.
``document``
    Each selected document as a whole (its counted characters).
``segment``
    Segment matching, as MAXQDA does it. The units of a code are the codings of it, by all
    selected coders, in the selected documents: each coding is one unit. Two codings of one
    code match when ``overlap / max(length_1, length_2) >= threshold`` (overlap in characters,
    and it must be more than zero). A coder has the code on a unit when one of their codings
    matches the unit's coding; the coder who made it always does. A pair of matching codings by
    two coders therefore gives two units, each with both coders present; a coding nobody else
    matched gives a unit with only its coder present. There are no units both coders left
    empty, so chance-corrected coefficients are low or undefined here; percent agreement is
    the figure MAXQDA reports. With ``exclude_interviewer``, codings with no counted character
    are left out.

For the first four units a coder has the code on a unit when their codings of it cover at
least ``min_coverage`` of the unit's counted characters; the default, 0, means any counted
character (one is enough). ``min_coverage=0.5`` counts a unit only when at least half of it is
coded, so a coding that spills a word into the next sentence does not mark that sentence.

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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from qualcode.agreement.coefficients import AgreementError
from qualcode.errors import Hint
from qualcode.nlp.sentences import sentence_spans
from qualcode.segments import paragraph_spans, turn_regions

if TYPE_CHECKING:
    from qualcode.project import Project

__all__ = [
    "UNITS",
    "CodeUnits",
    "UnitTable",
    "Units",
    "coded_share",
    "counted_characters",
    "covered",
    "document_units",
    "segment_table",
    "unit_table",
]

UNITS: tuple[str, ...] = ("character", "sentence", "turn", "document", "segment")
UNIT_DEFINITIONS: dict[str, str] = {
    "character": "each counted character (not whitespace, not a speaker label)",
    "sentence": "each sentence (spaCy sentencizer) of a turn body; each paragraph outside turns",
    "turn": "each speaker turn; each paragraph outside turns",
    "document": "each document as a whole",
    "segment": "each coding (segments of two coders match at the overlap threshold)",
}
Descendants = bool | Literal["leaves"]
Span = tuple[int, int]
Progress = Callable[[str, int, int], None]
"""Told ``(stage, done, total)`` as a report goes: ``"documents"`` read, ``"codes"`` computed."""


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
    """Its units; ``units.document`` says which document each sits in (for resampling)."""
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
    min_coverage: float = 0.0
    """The least share of a unit's counted characters a coder must code for the unit to count."""
    exclude_interviewer: bool = False
    """Whether interviewer turns were left out."""

    def used(self) -> tuple[CodeUnits, ...]:
        """The codes some selected coder applied on some unit."""
        return tuple(c for c in self.codes if c.presence.any())

    def unused(self) -> tuple[CodeUnits, ...]:
        """The codes no selected coder applied in the compared documents."""
        return tuple(c for c in self.codes if not c.presence.any())

    def pooled(self, codes: Sequence[CodeUnits] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Units of ``codes`` (default: every code) side by side (coders x all units), and the
        document of each unit: the figure over codes."""
        chosen = self.codes if codes is None else tuple(codes)
        if not chosen:
            return np.zeros((len(self.coders), 0), dtype=np.int8), np.zeros(0, dtype=np.int64)
        return (
            np.hstack([c.presence for c in chosen]),
            np.concatenate([c.units.document for c in chosen]),
        )

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
            "unit_definition": UNIT_DEFINITIONS[self.unit],
            "min_coverage": (
                None
                if self.unit == "segment"
                else "any counted character (the default)"
                if self.min_coverage == 0
                else f"at least {self.min_coverage:g} of a unit's counted characters"
            ),
            "counted_characters": "not whitespace, not a speaker label"
            + (", not in an interviewer turn" if self.exclude_interviewer else ""),
            "exclude_interviewer": self.exclude_interviewer,
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


_SPACES = np.array([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint32)


def counted_characters(
    text: str, turns: Sequence[Any] = (), exclude_interviewer: bool = False
) -> np.ndarray:
    """Which characters of ``text`` count (a bool array): not whitespace, not in a speaker
    label, and with ``exclude_interviewer`` not in a turn whose role is ``interviewer``."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    counted = ~np.isin(points, _SPACES)
    for turn in turns:
        counted[turn.start : turn.body_start] = False
        if exclude_interviewer and getattr(turn, "role", None) == "interviewer":
            counted[turn.start : turn.end] = False
    return counted


def _prefix(mask: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(mask, dtype=np.int64)])


def coded_share(
    starts: np.ndarray, ends: np.ndarray, counted: np.ndarray, codings: Sequence[Span]
) -> tuple[np.ndarray, np.ndarray]:
    """Per unit: how many of its counted characters ``codings`` cover, and how many it has."""
    weight = _prefix(counted)
    size = weight[ends] - weight[starts]
    if not codings:
        return np.zeros_like(size), size
    spans = np.clip(np.asarray(codings, dtype=np.int64).reshape(-1, 2), 0, counted.size)
    marks = np.zeros(counted.size + 1, dtype=np.int64)
    np.add.at(marks, spans[:, 0], 1)
    np.add.at(marks, spans[:, 1], -1)
    coded = _prefix((np.cumsum(marks[:-1]) > 0) & counted)
    return coded[ends] - coded[starts], size


def _unit_bounds(
    project: Project, unit: str, document: str, exclude_interviewer: bool
) -> tuple[np.ndarray, np.ndarray]:
    """A document's units as an ``(n, 2)`` array of starts and ends, and its counted
    characters; units without a counted character are left out."""
    text = project.document_text(document)
    turns = project.turns(document)
    counted = counted_characters(text, turns, exclude_interviewer)
    if unit == "character":  # built directly: a list of a million tuples is slow
        starts = np.flatnonzero(counted).astype(np.int64)
        return np.column_stack([starts, starts + 1]), counted
    if unit == "sentence":  # stored in the project: no spaCy in a fresh process
        from qualcode.agreement.sentence_store import document_sentences

        found = sentence_spans(text, turns, analysed=document_sentences(project, text, turns))
    else:
        found = document_units(unit, text, turns)
    bounds = np.array(found, dtype=np.int64).reshape(-1, 2)
    weight = _prefix(counted)
    return bounds[weight[bounds[:, 1]] > weight[bounds[:, 0]]], counted


def unit_table(
    project: Project,
    *,
    coders: Sequence[str],
    unit: str = "sentence",
    documents: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    descendants: Descendants = True,
    threshold: float = 0.5,
    min_coverage: float = 0.0,
    exclude_interviewer: bool = False,
    progress: Progress | None = None,
) -> UnitTable:
    """The presence table of each selected code (see the module docstring for every rule);
    ``progress`` is told of each document read (see :data:`Progress`)."""
    if unit not in UNITS:
        raise AgreementError(f"unknown unit '{unit}'; use one of {', '.join(UNITS)}")
    coders = tuple(dict.fromkeys(c.strip() for c in coders if c.strip()))
    if len(coders) < 2:
        raise AgreementError("agreement needs at least two different coders", Hint("two-coders"))
    known = {c.name for c in project.coders()}
    unknown = [c for c in coders if c not in known]
    if unknown:
        raise AgreementError(f"no coder named {', '.join(unknown)} in this project", Hint("coders"))
    if not 0.0 < threshold <= 1.0:
        raise AgreementError(f"the overlap threshold must be in (0, 1]; got {threshold}")
    if not 0.0 <= min_coverage <= 1.0:
        raise AgreementError(f"the minimum coverage must be in [0, 1]; got {min_coverage}")
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
                "name the documents to compare",
                Hint("compare-documents"),
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
        kept: dict[str, np.ndarray] = {}
        if exclude_interviewer:
            for document in doc_names:
                text = project.document_text(document)
                kept[document] = _prefix(
                    counted_characters(text, project.turns(document), exclude_interviewer)
                )

        def segment_spans(document: str, members: tuple[str, ...]) -> list[list[Span]]:
            found = coder_spans(document, members)
            if document not in kept:
                return found
            weight = kept[document]
            top = weight.size - 1
            return [
                [(a, b) for a, b in spans if weight[min(b, top)] > weight[min(a, top)]]
                for spans in found
            ]

        for path, members in selected:
            rows: list[tuple[int, int, int]] = []
            parts: list[np.ndarray] = []
            for document in doc_names:
                found, presence = segment_table(segment_spans(document, members), threshold)
                rows.extend((doc_index[document], s, e) for s, e, _ in found)
                parts.append(presence)
            presence = np.hstack(parts) if parts else np.zeros((len(coders), 0), np.int8)
            tables.append(CodeUnits(path, members, Units.build(doc_names, rows), presence))
    else:
        per_doc = {}
        for done, document in enumerate(doc_names):
            if progress is not None:
                progress("documents", done, len(doc_names))
            per_doc[document] = _unit_bounds(project, unit, document, exclude_interviewer)
        rows_array = np.vstack(
            [np.column_stack([np.full(len(u), doc_index[d]), u]) for d, (u, _) in per_doc.items()]
            or [np.zeros((0, 3), np.int64)]
        )
        units = Units(doc_names, rows_array[:, 0], rows_array[:, 1], rows_array[:, 2])
        for path, members in selected:
            presence = np.zeros((len(coders), len(units)), dtype=np.int8)
            offset = 0
            for document in doc_names:
                bounds, counted = per_doc[document]
                width = len(bounds)
                for c, coded in enumerate(coder_spans(document, members)):
                    if not coded or not width:
                        continue
                    share, size = coded_share(bounds[:, 0], bounds[:, 1], counted, coded)
                    if min_coverage > 0:
                        present = (share > 0) & (share >= min_coverage * size)
                    else:
                        present = share > 0
                    presence[c, offset : offset + width] = present
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
        min_coverage=min_coverage,
        exclude_interviewer=exclude_interviewer,
    )
