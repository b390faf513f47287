"""Quotes per theme: the excerpts of each code, chosen and described for a write-up.

An excerpt is a coded segment of one code (its own codings, not its sub-codes'; overlapping
codings by several coders merge into one excerpt). Each comes with its speakers (their labels
as stored: pseudonyms once pseudonymised), cases and their attributes, document, turn number
(from 1) and timestamp, words, coders, the favourite mark and the memos written on its codings.

Choosing (``select``): ``longest`` (most words first), ``central`` (most representative first),
``favourite`` (only excerpts with a coding marked as favourite), ``order`` (document order);
``per_code`` keeps the first N of each code (None keeps all).

**Centrality** (``central``): each excerpt is a vector of lower-case word counts (``\\w+``),
scaled to length 1; its centrality is its mean cosine similarity to the code's other
excerpts, ``(u_i . sum_j u_j - 1) / (n - 1)``: the excerpt that shares most words with the
rest speaks most for the code. No model, no network; words like "the" weigh like any other.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..errors import QualcodeError
from .data import Corpus, load
from .spans import pieces, segments
from .tables import Table, parameters

if TYPE_CHECKING:
    from ..project import Project

SELECTIONS = ("longest", "central", "favourite", "order")
_WORD = re.compile(r"\w+")
COLUMNS = (
    "theme",
    "code",
    "rank",
    "text",
    "document",
    "turn",
    "timestamp",
    "speakers",
    "cases",
    "attributes",
    "words",
    "favourite",
    "centrality",
    "coders",
    "memos",
)


@dataclass(frozen=True)
class Quote:
    theme: str
    code: str
    rank: int
    """1 for the first quote of the code in the chosen order."""
    text: str
    document: str
    start: int
    end: int
    turn: int | None
    """Number of the first turn the excerpt is in, counting from 1."""
    timestamp: str | None
    speakers: tuple[str, ...]
    cases: tuple[str, ...]
    attributes: dict[str, str]
    """Attribute values of the cases ('a; b' when they differ)."""
    words: int
    favourite: bool
    centrality: float | None
    coders: tuple[str, ...]
    memos: tuple[str, ...]
    codings: tuple[str, ...]
    """UUIDs of the codings merged into the excerpt."""


@dataclass(frozen=True, eq=False)
class QuotesReport:
    select: str
    per_code: int | None
    quotes: tuple[Quote, ...]
    codes: tuple[str, ...]
    """Every code in codebook order (with or without quotes)."""
    definitions: dict[str, str]
    code_memos: dict[str, tuple[str, ...]]
    parameters: dict[str, Any]
    rules: tuple[str, ...]
    name: str = "quotes"

    def by_code(self) -> dict[str, list[Quote]]:
        out: dict[str, list[Quote]] = {code: [] for code in self.codes}
        for quote in self.quotes:
            out[quote.code].append(quote)
        return out

    def tidy(self) -> Table:
        rows = []
        for q in self.quotes:
            attributes = "; ".join(f"{k}={v}" for k, v in q.attributes.items())
            rows.append(
                (
                    q.theme,
                    q.code,
                    q.rank,
                    q.text,
                    q.document,
                    q.turn,
                    q.timestamp,
                    ", ".join(q.speakers),
                    ", ".join(q.cases),
                    attributes,
                    q.words,
                    q.favourite,
                    q.centrality,
                    ", ".join(q.coders),
                    "\n".join(q.memos),
                )
            )
        return Table(
            "quotes", "Quotes per code", COLUMNS, tuple(rows), self.rules, ("text", "memos")
        )

    def tables(self) -> list[Table]:
        return [self.tidy()]

    def to_json(self) -> dict[str, Any]:
        return {
            "parameters": self.parameters,
            "rules": list(self.rules),
            "quotes": [asdict(q) for q in self.quotes],
        }


def centrality(texts: list[str]) -> list[float | None]:
    """Mean cosine similarity of each text's word counts to the others' (None alone)."""
    if len(texts) < 2:
        return [None] * len(texts)
    vectors: list[dict[str, float]] = []
    total: Counter[str] = Counter()
    for text in texts:
        counts = Counter(_WORD.findall(text.lower()))
        norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
        unit = {w: v / norm for w, v in counts.items()}
        vectors.append(unit)
        total.update(unit)
    out: list[float | None] = []
    for unit in vectors:
        self_dot = sum(v * v for v in unit.values())
        dot = sum(v * total[w] for w, v in unit.items()) - self_dot
        out.append(round(dot / (len(texts) - 1), 4))
    return out


def _timestamp(seconds: float) -> str | None:
    if math.isnan(seconds):
        return None
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def quotes_report(
    project: Project,
    corpus: Corpus,
    *,
    select: Literal["longest", "central", "favourite", "order"] = "longest",
    per_code: int | None = 5,
    exclude_interviewer: bool = False,
) -> QuotesReport:
    """The quotes report of a corpus loaded with ``details=True``."""
    if select not in SELECTIONS:
        raise QualcodeError(f"quote selection '{select}' is not one of {', '.join(SELECTIONS)}")
    if per_code is not None and per_code < 1:
        raise QualcodeError("the number of quotes per code must be 1 or more")
    segs = segments(corpus, "self")
    parts = pieces(corpus, segs, exclude_interviewer=exclude_interviewer)
    n = len(segs)
    favourite = (
        np.bincount(segs.row_segment, weights=corpus.coding_favourite[segs.row_coding], minlength=n)
        > 0
    )
    words = np.bincount(parts.segment, weights=parts.words, minlength=n).astype(np.int64)
    alive = np.bincount(parts.segment, minlength=n) > 0
    chosen: dict[int, list[int]] = {}
    for code in range(len(corpus.codes)):
        lo, hi = np.searchsorted(segs.key, [code, code + 1])
        found = np.arange(lo, hi)[alive[lo:hi]]
        if select == "favourite":
            found = found[favourite[found]]
        elif select == "longest":
            found = found[np.argsort(-words[found], kind="stable")]
        chosen[code] = [int(s) for s in found]
    scores: dict[int, float | None] = {}
    if select == "central":
        for members in chosen.values():
            texts = [corpus.excerpt(int(segs.doc[s]), segs.start[s], segs.end[s]) for s in members]
            scores.update(zip(members, centrality(texts), strict=True))
            members.sort(key=lambda s: -(scores[s] or 0.0))
    for code in chosen:
        chosen[code] = chosen[code][:per_code] if per_code else chosen[code]
    picked = [s for members in chosen.values() for s in members]
    rows_of = {s: [] for s in picked}  # type: dict[int, list[int]]
    wanted = np.zeros(n, dtype=bool)
    wanted[picked] = True
    for row in np.flatnonzero(wanted[segs.row_segment]):
        rows_of[int(segs.row_segment[row])].append(int(segs.row_coding[row]))
    ids = {int(corpus.coding_db_id[c]) for rows in rows_of.values() for c in rows}
    uuids = project.coding_uuids(ids)
    piece_lo = np.searchsorted(parts.segment, np.arange(n))
    piece_hi = np.searchsorted(parts.segment, np.arange(n), side="right")
    paths, names = corpus.codes.paths, corpus.codes.names
    quotes = []
    for code, members in chosen.items():
        for rank, s in enumerate(members, 1):
            doc = int(segs.doc[s])
            span = range(piece_lo[s], piece_hi[s])
            turns = [int(parts.turn[p]) for p in span if parts.turn[p] >= 0]
            speakers = dict.fromkeys(
                corpus.speaker_label[parts.speaker[p]] for p in span if parts.speaker[p] >= 0
            )
            cases = sorted(
                {int(parts.case[p]) for p in span if parts.case[p] >= 0},
                key=lambda c: corpus.case_name[c],
            )
            attributes = {}
            for attribute, (_, values) in sorted(corpus.attributes.items()):
                shown = [v for c in cases if (v := values[c]) is not None]
                if shown:
                    attributes[attribute] = "; ".join(dict.fromkeys(shown))
            codings = [int(corpus.coding_db_id[c]) for c in rows_of[s]]
            quotes.append(
                Quote(
                    theme=names[code][0],
                    code=paths[code],
                    rank=rank,
                    text=corpus.excerpt(doc, segs.start[s], segs.end[s]).strip(),
                    document=corpus.doc_name[doc],
                    start=corpus.local(doc, segs.start[s]),
                    end=corpus.local(doc, segs.end[s]),
                    turn=int(corpus.turn_ordinal[turns[0]]) + 1 if turns else None,
                    timestamp=_timestamp(float(corpus.turn_ts[turns[0]])) if turns else None,
                    speakers=tuple(speakers),
                    cases=tuple(corpus.case_name[c] for c in cases),
                    attributes=attributes,
                    words=int(words[s]),
                    favourite=bool(favourite[s]),
                    centrality=scores.get(s),
                    coders=tuple(
                        sorted({corpus.coders[corpus.coding_coder[c]] for c in rows_of[s]})
                    ),
                    memos=tuple(m for c in codings for m in corpus.coding_memos.get(c, [])),
                    codings=tuple(uuids[c] for c in codings if c in uuids),
                )
            )
    rules: tuple[str, ...] = (
        "An excerpt is a coded segment of one code: its own codings (not its sub-codes'), "
        "overlapping codings of several coders merged into one.",
        {
            "longest": "Chosen: the longest excerpts (most words) of each code.",
            "central": "Chosen: the most representative excerpts of each code: highest mean cosine "
            "similarity of lower-case word counts to the code's other excerpts.",
            "favourite": "Chosen: the excerpts with a coding marked as favourite.",
            "order": "Chosen: excerpts in document order.",
        }[select],
        f"At most {per_code} per code." if per_code else "Every excerpt of every code.",
        "Speakers are shown by their label as stored (in a pseudonymised project or export, "
        "their pseudonym); turns count from 1.",
    )
    if exclude_interviewer:
        rules += ("Excerpts wholly inside interviewer turns are left out.",)
    params = parameters(
        corpus,
        report="quotes",
        select=select,
        per_code=per_code,
        exclude_interviewer=exclude_interviewer,
    )
    return QuotesReport(
        select,
        per_code,
        tuple(quotes),
        tuple(paths),
        {paths[i]: corpus.codes.fields[i]["definition"] for i in range(len(paths))},
        {
            path: tuple(corpus.code_memos.get(uuid, []))
            for path, uuid in zip(paths, corpus.codes.uuids, strict=True)
        },
        params,
        rules,
    )


def quotes(
    project: Project,
    *,
    select: Literal["longest", "central", "favourite", "order"] = "longest",
    per_code: int | None = 5,
    coders: Any = None,
    exclude_interviewer: bool = False,
    corpus: Corpus | None = None,
) -> QuotesReport:
    """Quotes per code, grouped by theme (see the module docstring for the choices)."""
    if corpus is None or not corpus.details:  # quotes need each coding's id and mark
        chosen = list(corpus.coders) if corpus is not None else coders
        corpus = load(project, coders=chosen, details=True)
    return quotes_report(
        project, corpus, select=select, per_code=per_code, exclude_interviewer=exclude_interviewer
    )
