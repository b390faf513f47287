"""Frequencies per code and per theme, overall and by group (a case attribute, the document
kind, or the coder).

The counting rules are in :data:`RULES` (and in docs/reports.md); in short, per code: a theme
counts its own and its descendants' codings, overlapping codings merge into one *segment*, and
every figure (codings, documents, cases, speakers, words) counts segments and what they touch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..vocabulary import DOCUMENT_KINDS
from .data import ALL, KIND_NAMES, NO_VALUE, Corpus, load
from .spans import Pieces, Segments, code_of, pieces, segments, unique
from .tables import Table, parameters

if TYPE_CHECKING:
    from ..project import Project

RULES = (
    "A code counts its own codings; a theme (a code with sub-codes) counts its own and all its "
    "descendants' codings.",
    "codings: coded segments. Overlapping codings of the code (for a theme, of any code in it) "
    "by any selected coder in one document merge into one segment, so a span coded with two "
    "sub-codes, or by two coders, counts once. Codings that only touch stay two segments.",
    "coding_rows: the coding rows merged into those segments (before merging).",
    "documents: documents with at least one segment.",
    "cases: a segment counts for its document's case; in a document without a case (a focus "
    "group) it counts for the case of each speaker whose turns it overlaps.",
    "share_of_cases: cases with the code / cases in the group (cases that hold a document or a "
    "speaker).",
    "speakers: distinct (document, speaker) pairs whose turn bodies a segment overlaps.",
    "words: whitespace-separated words of the spoken text (turn bodies; the whole text of a "
    "document without turns) that a segment overlaps, each word once per code and group; "
    "speaker labels are never counted.",
    "Groups (a case attribute): a segment counts in the group of each of its cases, so in a "
    "focus group one segment can count in two groups and the groups need not add up to (all); "
    "a segment with no case, or whose case has no value, counts in '(none)'.",
)
EXCLUDE_RULE = (
    "Interviewer turns left out: the parts of segments in turns of speakers with the role "
    "'interviewer' add no words, speakers or cases; a segment wholly in interviewer turns is "
    "not counted at all."
)

COLUMNS = (
    "code",
    "theme",
    "level",
    "group",
    "codings",
    "documents",
    "cases",
    "cases_in_group",
    "share_of_cases",
    "speakers",
    "words",
    "coding_rows",
)


@dataclass(frozen=True)
class FrequencyRow:
    code: str
    """Path of the code from its theme ('Theme/Sub')."""
    theme: str
    """Name of the top-level code the code belongs to."""
    level: int
    """0 for a theme (top-level code), 1 for its sub-codes, ..."""
    group: str | None
    """The group's value; '(all)' counts every segment once; None without a grouping."""
    codings: int
    documents: int
    cases: int
    cases_in_group: int
    share_of_cases: float | None
    speakers: int
    words: int
    coding_rows: int


@dataclass(frozen=True, eq=False)
class Grouping:
    by: str
    kind: str
    """attribute, kind or coder."""
    labels: tuple[str, ...]
    of_piece: np.ndarray
    cases_in_group: np.ndarray


@dataclass(frozen=True, eq=False)
class FrequencyReport:
    by: str | None
    groups: tuple[str, ...]
    rows: tuple[FrequencyRow, ...]
    parameters: dict[str, Any]
    rules: tuple[str, ...]
    name: str = "frequencies"

    def row(self, code: str, group: str | None = None) -> FrequencyRow:
        group = group if group is not None else (ALL if self.by else None)
        return next(r for r in self.rows if r.code == code and r.group == group)

    def tidy(self) -> Table:
        columns = COLUMNS if self.by else tuple(c for c in COLUMNS if c != "group")
        rows = tuple(tuple(asdict(r)[c] for c in columns) for r in self.rows)
        title = f"Code frequencies by {self.by}" if self.by else "Code frequencies"
        return Table("frequencies", title, columns, rows, self.rules)

    def tables(self) -> list[Table]:
        return [self.tidy()]

    def to_json(self) -> list[dict[str, Any]]:
        """A list of rows (``group`` only when grouped); the rules are in ``self.rules``."""
        return self.tidy().records()


def sort_values(values: set[str], type_: str) -> list[str]:
    def key(value: str) -> tuple[int, Any]:
        if type_ in ("integer", "float"):
            try:
                return (0, float(value))
            except ValueError:
                return (1, value)
        return (0, value.casefold())

    return sorted(values, key=key)


def grouping(corpus: Corpus, segs: Segments, parts: Pieces, by: str) -> Grouping:
    """The group of each piece, and the number of cases in each group."""
    has_data = corpus.cases_with_data()
    if by in corpus.attributes:
        type_, values = corpus.attribute(by)
        labels = sort_values({v for v in values if v is not None}, type_) + [NO_VALUE]
        index = {label: i for i, label in enumerate(labels)}
        of_case = np.array([index[v if v is not None else NO_VALUE] for v in values] + [-1])
        of_case[-1] = len(labels) - 1  # no case at all: '(none)'
        per_case = of_case[:-1]
        in_group = np.bincount(per_case[has_data], minlength=len(labels))
        return Grouping(by, "attribute", tuple(labels), of_case[parts.case], in_group)
    if by.casefold() in KIND_NAMES:
        present = set(corpus.doc_kind)
        labels = [k for k in DOCUMENT_KINDS if k in present] + sorted(present - set(DOCUMENT_KINDS))
        index = {label: i for i, label in enumerate(labels)}
        of_doc = np.array([index[k] for k in corpus.doc_kind], dtype=np.int64)
        in_group = np.zeros(len(labels), dtype=np.int64)
        for g in range(len(labels)):
            docs = of_doc == g
            found = np.zeros(len(corpus.case_name), dtype=bool)
            found[corpus.doc_case[docs & (corpus.doc_case >= 0)]] = True
            speakers = docs[corpus.speaker_doc] & (corpus.speaker_case >= 0)
            found[corpus.speaker_case[speakers]] = True
            in_group[g] = int(found.sum())
        return Grouping(by, "kind", tuple(labels), of_doc[segs.doc[parts.segment]], in_group)
    if by.casefold() == "coder" and segs.per_coder:
        labels = list(corpus.coders)
        in_group = np.full(len(labels), int(has_data.sum()))
        of_piece = segs.key[parts.segment] % max(len(labels), 1)
        return Grouping(by, "coder", tuple(labels), of_piece, in_group)
    corpus.attribute(by, "; or 'kind' for the document kind, 'coder' for each coder")
    raise AssertionError("unreachable")


def _distinct(
    code: np.ndarray,
    item: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    n_codes: int,
    *,
    nearly_sorted: bool,
) -> np.ndarray:
    """Number of distinct ``item`` values (>= 0) per (code, group) cell."""
    keep = item >= 0
    code, item, group = code[keep], item[keep], group[keep]
    if not code.size:
        return np.zeros(n_codes * n_groups, dtype=np.int64)
    width = int(item.max()) + 1
    found = unique((code * width + item) * n_groups + group, nearly_sorted=nearly_sorted)
    cell = (found // (width * n_groups)) * n_groups + found % n_groups
    return np.bincount(cell, minlength=n_codes * n_groups)


def count(
    corpus: Corpus, segs: Segments, parts: Pieces, group: np.ndarray, n_groups: int
) -> dict[str, np.ndarray]:
    """Every figure per (code, group) cell, as arrays of ``codes x groups``.

    Pieces come sorted by code and position, so most keys below are nearly sorted and their
    distinct values are found in about linear time."""
    n_codes = len(corpus.codes)
    cells = n_codes * n_groups
    seg_code = code_of(corpus, segs)
    if n_groups == 1:
        seg = unique(parts.segment, nearly_sorted=True)
        g = np.zeros(seg.size, dtype=np.int64)
    else:
        pairs = unique(parts.segment * n_groups + group, nearly_sorted=True)
        seg, g = pairs // n_groups, pairs % n_groups
    seg_cell = seg_code[seg] * n_groups + g
    piece_code = seg_code[parts.segment]
    out = {
        "codings": np.bincount(seg_cell, minlength=cells),
        "coding_rows": np.bincount(seg_cell, weights=segs.applied[seg], minlength=cells),
        # documents and speakers (sorted by document) rise with position inside a code
        "documents": _distinct(
            seg_code[seg], segs.doc[seg], g, n_groups, n_codes, nearly_sorted=True
        ),
        "cases": _distinct(piece_code, parts.case, group, n_groups, n_codes, nearly_sorted=False),
        "speakers": _distinct(
            piece_code, parts.speaker, group, n_groups, n_codes, nearly_sorted=True
        ),
        "words": np.bincount(piece_code * n_groups + group, weights=parts.words, minlength=cells),
    }
    return {k: v.astype(np.int64).reshape(n_codes, n_groups) for k, v in out.items()}


def frequency_report(
    corpus: Corpus, *, by: str | None = None, exclude_interviewer: bool = False
) -> FrequencyReport:
    """The frequency report of a loaded corpus (the pure part of :func:`frequencies`)."""
    per_coder = by is not None and by.casefold() == "coder" and "coder" not in corpus.attributes
    segs = segments(corpus, "tree", per_coder=per_coder)
    parts = pieces(corpus, segs, exclude_interviewer=exclude_interviewer)
    codes = corpus.codes
    paths, depth, root = codes.paths, codes.depth, codes.root()
    theme = [codes.names[r][0] for r in root]
    total_cases = int(corpus.cases_with_data().sum())
    blocks: list[tuple[str | None, dict[str, np.ndarray], int, np.ndarray]] = []
    labels: tuple[str, ...] = ()
    if by is not None:
        grouped = grouping(corpus, segs, parts, by)
        figures = count(corpus, segs, parts, grouped.of_piece, len(grouped.labels))
        keep = [
            g
            for g, label in enumerate(grouped.labels)
            if label != NO_VALUE or figures["codings"][:, g].any() or grouped.cases_in_group[g]
        ]
        labels = tuple(grouped.labels[g] for g in keep)
        all_seg = _single_group(corpus, segs, parts, exclude_interviewer)
        blocks.append((ALL, all_seg, 0, np.array([total_cases])))
        for g in keep:
            blocks.append((grouped.labels[g], figures, g, grouped.cases_in_group))
    else:
        everything = _single_group(corpus, segs, parts, exclude_interviewer)
        blocks.append((None, everything, 0, np.array([total_cases])))
    rows: list[FrequencyRow] = []
    for label, figures, g, in_group in blocks:
        for c in range(len(codes)):
            cases = int(figures["cases"][c, g])
            denominator = int(in_group[g])
            rows.append(
                FrequencyRow(
                    code=paths[c],
                    theme=theme[c],
                    level=int(depth[c]),
                    group=label,
                    codings=int(figures["codings"][c, g]),
                    documents=int(figures["documents"][c, g]),
                    cases=cases,
                    cases_in_group=denominator,
                    share_of_cases=round(cases / denominator, 4) if denominator else None,
                    speakers=int(figures["speakers"][c, g]),
                    words=int(figures["words"][c, g]),
                    coding_rows=int(figures["coding_rows"][c, g]),
                )
            )
    rules = RULES + ((EXCLUDE_RULE,) if exclude_interviewer else ())
    if by is not None and by not in corpus.attributes:
        rules += (
            "Groups (coder): each coder's codings merge into segments of their own; (all) merges "
            "every selected coder's again."
            if per_coder
            else "Groups (document kind): a segment counts in the kind of its document.",
        )
    params = parameters(
        corpus, report="frequencies", by=by, exclude_interviewer=exclude_interviewer
    )
    return FrequencyReport(by, labels, tuple(rows), params, rules)


def _single_group(
    corpus: Corpus, segs: Segments, parts: Pieces, exclude_interviewer: bool
) -> dict[str, np.ndarray]:
    if segs.per_coder:  # '(all)' merges the coders' segments again
        segs = segments(corpus, "tree")
        parts = pieces(corpus, segs, exclude_interviewer=exclude_interviewer)
    return count(corpus, segs, parts, np.zeros(len(parts), dtype=np.int64), 1)


def frequencies(
    project: Project,
    *,
    by: str | None = None,
    coders: Any = None,
    exclude_interviewer: bool = False,
    corpus: Corpus | None = None,
) -> FrequencyReport:
    """Frequencies of every code and theme (see :data:`RULES`), overall and, with ``by``, per
    value of a case attribute, per document kind (``by="kind"``) or per coder
    (``by="coder"``). ``coders``: names (a list or 'ann,ben'), 'all', or None for the default
    (the consensus coder when it has codings, else every coder)."""
    corpus = corpus or load(project, coders=coders)
    return frequency_report(corpus, by=by, exclude_interviewer=exclude_interviewer)
