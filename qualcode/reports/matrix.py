"""Code x case matrix (framework analysis) and code x group cross-tab.

The **matrix** has one row per code (themes rolled up as in the frequencies) and one column per
case: the number of coded segments of the code that count for the case, or (``cells="text"``)
the excerpts themselves, each with its document and turn, as framework analysis charts them. In
a document with a case a segment's excerpt is its whole text; in a focus group it is the words
of the case's own speaker in the segment. With ``by``, cases are ordered by that attribute.

The **cross-tab** pivots the frequencies by group: one row per code, one column per group, one
chosen figure (codings, documents, cases, share of cases, speakers or words) in the cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .data import NO_VALUE, Corpus, load
from .frequencies import RULES, FrequencyReport, frequency_report, sort_values
from .spans import code_of, pieces, segments, unique
from .tables import Table, parameters

if TYPE_CHECKING:
    from ..project import Project

MEASURES = ("codings", "documents", "cases", "share_of_cases", "speakers", "words")
CELL_LIMIT = 32_000
"""Characters in one cell at most (an XLSX cell holds 32,767)."""


@dataclass(frozen=True, eq=False)
class MatrixReport:
    cells: str
    by: str | None
    codes: tuple[str, ...]
    cases: tuple[str, ...]
    case_groups: tuple[str | None, ...]
    counts: np.ndarray
    """codes x cases: coded segments that count for the case."""
    words: np.ndarray
    excerpts: dict[tuple[int, int], list[str]] | None
    parameters: dict[str, Any]
    rules: tuple[str, ...]
    name: str = "matrix"

    def cell_text(self, code: int, case: int) -> str:
        found = (self.excerpts or {}).get((code, case), [])
        text = "\n\n".join(found)
        if len(text) > CELL_LIMIT:
            text = text[: CELL_LIMIT - 40].rstrip() + f" … (cut: {len(found)} excerpts in all)"
        return text

    def tidy(self) -> Table:
        columns = ["code", "case"] + (["group"] if self.by else []) + ["codings", "words"]
        if self.excerpts is not None:
            columns.append("excerpts")
        rows = []
        for i, code in enumerate(self.codes):
            for j, case in enumerate(self.cases):
                row: list[Any] = [code, case] + ([self.case_groups[j]] if self.by else [])
                row += [int(self.counts[i, j]), int(self.words[i, j])]
                if self.excerpts is not None:
                    row.append(self.cell_text(i, j))
                rows.append(tuple(row))
        text = ("excerpts",) if self.excerpts is not None else ()
        return Table(
            "matrix (long)",
            "Code x case, one row per code and case",
            tuple(columns),
            tuple(rows),
            self.rules,
            text,
        )

    def wide(self) -> Table:
        heads = tuple(
            f"{case} ({group})" if self.by else case
            for case, group in zip(self.cases, self.case_groups, strict=True)
        )
        rows = []
        for i, code in enumerate(self.codes):
            if self.excerpts is not None:
                values: list[Any] = [self.cell_text(i, j) for j in range(len(self.cases))]
            else:
                values = [int(v) for v in self.counts[i]]
            rows.append((code, *values))
        title = "Code x case matrix" + (": excerpts" if self.excerpts is not None else "")
        text = heads if self.excerpts is not None else ()
        return Table("matrix", title, ("code", *heads), tuple(rows), self.rules, text)

    def tables(self) -> list[Table]:
        """The wide matrix (the long one, one row per code and case, is the CSV)."""
        return [self.wide()]

    def to_json(self) -> dict[str, Any]:
        return {
            "parameters": self.parameters,
            "rules": list(self.rules),
            "rows": self.tidy().records(),
        }


def _ordered_cases(corpus: Corpus, by: str | None) -> tuple[list[int], list[str | None]]:
    """Cases that hold data, by name, or by the attribute's value then name."""
    cases = [int(c) for c in np.flatnonzero(corpus.cases_with_data())]
    cases.sort(key=lambda c: corpus.case_name[c].casefold())
    if by is None:
        return cases, [None] * len(cases)
    type_, values = corpus.attribute(by, "; the matrix orders cases by a case attribute")
    order = sort_values({v for v in values if v is not None}, type_)
    rank = {v: i for i, v in enumerate(order)}
    cases.sort(key=lambda c: rank.get(values[c], len(order)))  # type: ignore[arg-type]
    return cases, [values[c] if values[c] is not None else NO_VALUE for c in cases]


def _reference(corpus: Corpus, doc: int, turn: int) -> str:
    where = corpus.doc_name[doc]
    if turn >= 0:
        where += f", turn {int(corpus.turn_ordinal[turn]) + 1}"
    return f"[{where}]"


def matrix_report(
    corpus: Corpus,
    *,
    cells: Literal["count", "text"] = "count",
    by: str | None = None,
    level: Literal["code", "theme"] = "code",
    exclude_interviewer: bool = False,
) -> MatrixReport:
    """The code x case matrix of a loaded corpus (see the module docstring)."""
    segs = segments(corpus, "tree")
    parts = pieces(corpus, segs, exclude_interviewer=exclude_interviewer)
    cases, groups = _ordered_cases(corpus, by)
    column = np.full(len(corpus.case_name) + 1, -1, dtype=np.int64)
    column[cases] = np.arange(len(cases))
    rows = [i for i in range(len(corpus.codes)) if level == "code" or corpus.codes.parent[i] < 0]
    row = np.full(len(corpus.codes), -1, dtype=np.int64)
    row[rows] = np.arange(len(rows))
    piece_row = row[code_of(corpus, segs)[parts.segment]]
    piece_col = column[parts.case]
    keep = (piece_row >= 0) & (piece_col >= 0)
    n_cols = max(len(cases), 1)
    cell = piece_row[keep] * n_cols + piece_col[keep]
    size = len(rows) * n_cols
    pairs = unique(parts.segment[keep] * size + cell)
    counts = np.bincount(pairs % size, minlength=size).reshape(len(rows), n_cols)
    words = np.bincount(cell, weights=parts.words[keep], minlength=size).reshape(len(rows), n_cols)
    excerpts: dict[tuple[int, int], list[str]] | None = None
    if cells == "text":
        excerpts = {}
        seg_ids, turns = parts.segment[keep], parts.turn[keep]
        starts, ends = parts.start[keep], parts.end[keep]
        last: tuple[int, int] | None = None
        for p in range(seg_ids.size):
            seg, at = int(seg_ids[p]), int(cell[p])
            doc = int(segs.doc[seg])
            key = (at // n_cols, at % n_cols)
            whole = corpus.doc_case[doc] >= 0 or turns[p] < 0
            if whole and last == (seg, at):
                continue  # the whole segment is already in the cell
            s, e = (segs.start[seg], segs.end[seg]) if whole else (starts[p], ends[p])
            text = " ".join(corpus.excerpt(doc, s, e).split())
            excerpts.setdefault(key, []).append(f"{_reference(corpus, doc, int(turns[p]))} {text}")
            last = (seg, at)
    rules = (
        "Rows: codes in codebook order (themes roll up their descendants, as in frequencies); "
        "columns: cases that hold a document or a speaker.",
        "A cell counts the coded segments of the code that count for the case (see the rules "
        "of the frequencies for segments and cases).",
        *((RULES[-1],) if by else ()),
    )
    params = parameters(
        corpus,
        report="matrix",
        cells=cells,
        by=by,
        level=level,
        exclude_interviewer=exclude_interviewer,
    )
    return MatrixReport(
        cells,
        by,
        tuple(corpus.codes.paths[i] for i in rows),
        tuple(corpus.case_name[c] for c in cases),
        tuple(groups),
        counts[:, : len(cases)],
        words[:, : len(cases)].astype(np.int64),
        excerpts,
        params,
        rules,
    )


def matrix(
    project: Project,
    *,
    cells: Literal["count", "text"] = "count",
    by: str | None = None,
    level: Literal["code", "theme"] = "code",
    coders: Any = None,
    exclude_interviewer: bool = False,
    corpus: Corpus | None = None,
) -> MatrixReport:
    """Code x case matrix: counts, or (``cells="text"``) the excerpts in each cell."""
    corpus = corpus or load(project, coders=coders)
    return matrix_report(
        corpus, cells=cells, by=by, level=level, exclude_interviewer=exclude_interviewer
    )


@dataclass(frozen=True, eq=False)
class CrosstabReport:
    frequencies: FrequencyReport
    measure: str
    name: str = "crosstab"

    @property
    def parameters(self) -> dict[str, Any]:
        return {**self.frequencies.parameters, "report": "crosstab", "measure": self.measure}

    @property
    def rules(self) -> tuple[str, ...]:
        return self.frequencies.rules

    def tidy(self) -> Table:
        columns = ("code", "group", self.measure)
        rows = tuple((r.code, r.group, getattr(r, self.measure)) for r in self.frequencies.rows)
        return Table("crosstab (long)", f"{self.measure} per code and group", columns, rows)

    def wide(self) -> Table:
        groups = ("(all)", *self.frequencies.groups)
        cells: dict[str, dict[str | None, Any]] = {}
        for r in self.frequencies.rows:
            cells.setdefault(r.code, {})[r.group] = getattr(r, self.measure)
        rows = tuple((code, *(values.get(g) for g in groups)) for code, values in cells.items())
        title = f"{self.measure} per code by {self.frequencies.by}"
        return Table("crosstab", title, ("code", *groups), rows, self.rules)

    def tables(self) -> list[Table]:
        return [self.wide()]

    def to_json(self) -> dict[str, Any]:
        return {
            "parameters": self.parameters,
            "rules": list(self.rules),
            "rows": self.tidy().records(),
        }


def crosstab(
    project: Project,
    *,
    by: str,
    measure: str = "codings",
    coders: Any = None,
    exclude_interviewer: bool = False,
    corpus: Corpus | None = None,
) -> CrosstabReport:
    """Code x group cross-tab of one figure of the frequencies (see :data:`MEASURES`)."""
    if measure not in MEASURES:
        from ..errors import QualcodeError

        raise QualcodeError(f"measure '{measure}' is not one of {', '.join(MEASURES)}")
    corpus = corpus or load(project, coders=coders)
    report = frequency_report(corpus, by=by, exclude_interviewer=exclude_interviewer)
    return CrosstabReport(report, measure)
