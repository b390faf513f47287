"""Thematic saturation: new codes per successive document, and the Guest, Namey & Chen figures.

Documents are taken in an order (import order, name, or a case attribute such as an interview
date); for each, the codes first found in it are its *new* codes, and the running total is the
cumulative curve. Documents the selected coders have not coded at all are left out (an uncoded
transcript adds no codes, which would look like saturation).

Guest G, Namey E, Chen M (2020) A simple method to assess and report thematic saturation in
qualitative research. PLoS ONE 15(5): e0232076. https://doi.org/10.1371/journal.pone.0232076

- **Base size** ``b``: the first ``b`` documents; the number of distinct codes in them is the
  denominator of every ratio (default 4).
- **Run length** ``r``: a run is ``r`` consecutive documents after the base; its *new
  information* is the number of codes found in the run and in no document before it (default 2).
- **New information threshold** ``t``: saturation is reached at the first run whose new
  codes divided by the codes in the base is at most ``t`` (default 5 %). Runs roll forward one
  document at a time: documents ``b+1..b+r``, then ``b+2..b+r+1``, and so on.
- The report states saturation at the last document of that run: the number of documents it
  took to see that new information had fallen to the threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..errors import QualcodeError
from .data import Corpus, load
from .frequencies import sort_values
from .spans import pieces, segments, unique
from .tables import Table, parameters

if TYPE_CHECKING:
    from ..project import Project

CITATION = (
    "Guest G, Namey E, Chen M (2020) A simple method to assess and report thematic saturation "
    "in qualitative research. PLoS ONE 15(5): e0232076."
)


@dataclass(frozen=True)
class Run:
    first: int
    """Position (from 1) of the run's first document."""
    last: int
    new: int
    """Codes found in the run and in no earlier document."""
    ratio: float | None
    """new / codes in the base (None when the base has no codes)."""
    saturated: bool


@dataclass(frozen=True)
class Saturation:
    """The pure result of :func:`guest_saturation`."""

    new: tuple[tuple[str, ...], ...]
    """The codes first found in each document, in order."""
    cumulative: tuple[int, ...]
    base_codes: int | None
    """Distinct codes in the base; None when there are fewer documents than the base."""
    runs: tuple[Run, ...]
    reached: Run | None


def guest_saturation(
    code_sets: Sequence[Iterable[str]], *, base: int = 4, run: int = 2, threshold: float = 0.05
) -> Saturation:
    """Guest, Namey & Chen (2020) on the codes of each document, in order."""
    if base < 1 or run < 1:
        raise QualcodeError("the base size and the run length must be 1 or more")
    if not 0 <= threshold < 1:
        raise QualcodeError("the new information threshold is a share between 0 and 1 (5% is 0.05)")
    seen: set[str] = set()
    first_doc: dict[str, int] = {}
    new: list[tuple[str, ...]] = []
    cumulative: list[int] = []
    for position, codes in enumerate(code_sets):
        fresh = tuple(sorted(set(codes) - seen))
        for code in fresh:
            first_doc[code] = position
        seen.update(fresh)
        new.append(fresh)
        cumulative.append(len(seen))
    n = len(new)
    base_codes = cumulative[base - 1] if n >= base else None
    runs: list[Run] = []
    reached = None
    if base_codes is not None:
        for first in range(base, n - run + 1):  # 0-based position of the run's first document
            fresh_in_run = sum(len(new[i]) for i in range(first, first + run))
            ratio = fresh_in_run / base_codes if base_codes else None
            met = ratio is not None and ratio <= threshold + 1e-12
            runs.append(Run(first + 1, first + run, fresh_in_run, ratio, met))
            if met and reached is None:
                reached = runs[-1]
    return Saturation(tuple(new), tuple(cumulative), base_codes, tuple(runs), reached)


@dataclass(frozen=True, eq=False)
class SaturationReport:
    documents: tuple[str, ...]
    order_values: tuple[str | None, ...]
    result: Saturation
    base: int
    run: int
    threshold: float
    parameters: dict[str, Any]
    rules: tuple[str, ...]
    name: str = "saturation"

    @property
    def statement(self) -> str:
        """One sentence for a methods section."""
        r, how = (
            self.result,
            f"base {self.base}, run {self.run}, new information ≤ {self.threshold:.0%}",
        )
        if r.base_codes is None:
            return (
                f"Saturation could not be assessed ({how}): {len(self.documents)} coded "
                f"documents, fewer than the base of {self.base}."
            )
        if r.reached is None:
            return (
                f"Saturation was not reached ({how}) in {len(self.documents)} documents; "
                f"the base held {r.base_codes} codes."
            )
        run = r.reached
        where = (
            f"document {run.last}" if run.first == run.last else f"documents {run.first}–{run.last}"
        )
        return (
            f"Saturation was reached at {run.last} of {len(self.documents)} documents ({how}): "
            f"{where} added {run.new} new code"
            f"{'' if run.new == 1 else 's'}, {run.ratio:.0%} of the {r.base_codes} codes in the "
            f"base (Guest, Namey & Chen 2020)."
        )

    def tidy(self) -> Table:
        ends = {run.last: run for run in self.result.runs}
        rows = []
        for i, name in enumerate(self.documents):
            run = ends.get(i + 1)
            rows.append(
                (
                    i + 1,
                    name,
                    self.order_values[i],
                    len(self.result.new[i]),
                    self.result.cumulative[i],
                    "; ".join(self.result.new[i]),
                    f"{run.first}-{run.last}" if run else None,
                    run.new if run else None,
                    run.ratio if run else None,
                    run.saturated if run else None,
                )
            )
        columns = (
            "position",
            "document",
            "order_value",
            "new_codes",
            "cumulative_codes",
            "codes_first_found",
            "run",
            "run_new_codes",
            "run_ratio",
            "run_saturated",
        )
        return Table(
            "saturation",
            "New codes per document (thematic saturation)",
            columns,
            tuple(rows),
            (self.statement, *self.rules),
            ("codes_first_found",),
        )

    def tables(self) -> list[Table]:
        return [self.tidy()]

    def to_json(self) -> dict[str, Any]:
        r = self.result
        return {
            "parameters": self.parameters,
            "rules": list(self.rules),
            "statement": self.statement,
            "base_codes": r.base_codes,
            "saturation_at": r.reached.last if r.reached else None,
            "runs": [vars(run) for run in r.runs],
            "documents": self.tidy().records(),
        }


def _order(corpus: Corpus, order: str) -> tuple[list[int], list[str | None]]:
    docs = list(range(len(corpus.doc_name)))
    if order == "import":
        return docs, [None] * len(docs)
    if order == "name":
        docs.sort(key=lambda d: corpus.doc_name[d].casefold())
        return docs, [None] * len(docs)
    type_, values = corpus.attribute(order, "; or 'import' or 'name'")
    per_doc: list[str | None] = []
    for d in docs:
        cases = (
            [int(corpus.doc_case[d])]
            if corpus.doc_case[d] >= 0
            else [int(c) for c in corpus.speaker_case[corpus.speaker_doc == d] if c >= 0]
        )
        found = [v for c in cases if (v := values[c]) is not None]
        per_doc.append(sort_values(set(found), type_)[0] if found else None)
    ranked = sort_values({v for v in per_doc if v is not None}, type_)
    rank = {v: i for i, v in enumerate(ranked)}
    docs.sort(key=lambda d: rank.get(per_doc[d], len(ranked)))  # type: ignore[arg-type]
    return docs, [per_doc[d] for d in docs]


def saturation_report(
    corpus: Corpus,
    *,
    order: str = "import",
    level: Literal["code", "theme"] = "code",
    base: int = 4,
    run: int = 2,
    threshold: float = 0.05,
    exclude_interviewer: bool = False,
) -> SaturationReport:
    segs = segments(corpus, "self" if level == "code" else "theme")
    parts = pieces(corpus, segs, exclude_interviewer=exclude_interviewer)
    docs, values = _order(corpus, order)
    found: dict[int, set[str]] = {}
    paths = corpus.codes.paths
    seg = unique(parts.segment, nearly_sorted=True)
    for d, k in zip(segs.doc[seg].tolist(), segs.key[seg].tolist(), strict=True):
        found.setdefault(d, set()).add(paths[k])
    coded = [(d, v) for d, v in zip(docs, values, strict=True) if d in found]
    result = guest_saturation([found[d] for d, _ in coded], base=base, run=run, threshold=threshold)
    left_out = [corpus.doc_name[d] for d in docs if d not in found]
    rules = (
        f"Guest, Namey & Chen (2020): base size {base} (distinct codes in the first {base} "
        f"documents), run length {run}, new information threshold {threshold:.0%}. A run's new "
        "information is the codes found in its documents and in no earlier document, divided "
        "by the codes in the base; runs roll forward one document at a time; saturation is "
        "stated at the last document of the first run at or below the threshold.",
        "Codes: each code by itself."
        if level == "code"
        else "Codes: top-level themes (a theme is found where any of its codes is).",
        {
            "import": "Order: the order the documents were imported in.",
            "name": "Order: document names.",
        }.get(
            order,
            f"Order: the case attribute '{order}' "
            "(a focus group takes its speakers' earliest value; documents without one go last).",
        ),
        "Documents left out (not coded by the selected coders): "
        + (", ".join(left_out) if left_out else "none")
        + ".",
        CITATION,
    )
    params = parameters(
        corpus,
        report="saturation",
        order=order,
        level=level,
        base=base,
        run=run,
        threshold=threshold,
        exclude_interviewer=exclude_interviewer,
    )
    return SaturationReport(
        tuple(corpus.doc_name[d] for d, _ in coded),
        tuple(v for _, v in coded),
        result,
        base,
        run,
        threshold,
        params,
        rules,
    )


def saturation(
    project: Project,
    *,
    order: str = "import",
    level: Literal["code", "theme"] = "code",
    base: int = 4,
    run: int = 2,
    threshold: float = 0.05,
    coders: Any = None,
    exclude_interviewer: bool = False,
    corpus: Corpus | None = None,
) -> SaturationReport:
    """New codes per document and the Guest, Namey & Chen (2020) saturation figures."""
    corpus = corpus or load(project, coders=coders)
    return saturation_report(
        corpus,
        order=order,
        level=level,
        base=base,
        run=run,
        threshold=threshold,
        exclude_interviewer=exclude_interviewer,
    )
