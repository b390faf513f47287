"""The codebook as a table for a paper's appendix: theme, code, definition, inclusion,
exclusion, example, and how often each code was used (codings and cases, counted as in the
frequencies: a theme rolls up its sub-codes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .data import Corpus, load
from .frequencies import frequency_report
from .tables import Table, parameters

if TYPE_CHECKING:
    from ..project import Project

COLUMNS = (
    "theme",
    "code",
    "name",
    "level",
    "definition",
    "inclusion",
    "exclusion",
    "example",
    "codings",
    "cases",
    "archived",
)


@dataclass(frozen=True, eq=False)
class CodebookAppendix:
    rows: tuple[tuple[Any, ...], ...]
    parameters: dict[str, Any]
    rules: tuple[str, ...]
    name: str = "codebook"

    def tidy(self) -> Table:
        return Table(
            "codebook",
            "Codebook",
            COLUMNS,
            self.rows,
            self.rules,
            ("definition", "inclusion", "exclusion", "example"),
        )

    def tables(self) -> list[Table]:
        return [self.tidy()]

    def to_json(self) -> dict[str, Any]:
        return {
            "parameters": self.parameters,
            "rules": list(self.rules),
            "codes": self.tidy().records(),
        }


def appendix_report(corpus: Corpus, *, exclude_interviewer: bool = False) -> CodebookAppendix:
    counts = frequency_report(corpus, exclude_interviewer=exclude_interviewer)
    codes = corpus.codes
    rows = []
    for i, figures in enumerate(counts.rows):
        info = codes.fields[i]
        rows.append(
            (
                codes.names[i][0],
                figures.code,
                codes.names[i][-1],
                figures.level,
                info["definition"],
                info["inclusion"],
                info["exclusion"],
                info["example"],
                figures.codings,
                figures.cases,
                info["archived"],
            )
        )
    rules = (
        "Codes in codebook order; level 0 is a theme, 1 its sub-codes, and so on.",
        "codings and cases as in the frequencies: a theme counts its own and its sub-codes' "
        "coded segments (overlaps once); cases with at least one.",
    )
    params = parameters(corpus, report="codebook", exclude_interviewer=exclude_interviewer)
    return CodebookAppendix(tuple(rows), params, rules)


def codebook_appendix(
    project: Project,
    *,
    coders: Any = None,
    exclude_interviewer: bool = False,
    corpus: Corpus | None = None,
) -> CodebookAppendix:
    """The codebook with definitions and counts, one row per code."""
    corpus = corpus or load(project, coders=coders)
    return appendix_report(corpus, exclude_interviewer=exclude_interviewer)
