"""Build any report by name and write it to a file: the one entry point of the CLI and the TUI.

    from qualcode.reports import export
    export(project, "frequencies", "themes.xlsx", by="group", exclude_interviewer=True)

``report`` is one of :data:`REPORTS`; ``all`` puts every table in one XLSX, Markdown, DOCX or
JSON file. The format comes from the file's suffix (see :mod:`qualcode.reports.writers`). The
target is checked before anything is counted, so a wrong suffix or folder fails at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import Hint, QualcodeError
from .appendix import appendix_report
from .cooccurrence import cooccurrence_report
from .data import Corpus, load
from .frequencies import frequency_report
from .matrix import MEASURES, CrosstabReport, matrix_report
from .quotes import quotes_report
from .saturation import saturation_report
from .tables import Report, Table, parameters
from .writers import check_target, format_of, write

if TYPE_CHECKING:
    from ..project import Project

REPORTS = (
    "frequencies",
    "crosstab",
    "matrix",
    "cooccurrence",
    "quotes",
    "saturation",
    "codebook",
    "all",
)
Progress = Callable[[int, int, str], None]
"""Called as progress(done, total, what is being done); at most a dozen times per export."""


@dataclass(frozen=True)
class Options:
    """Every choice a report takes; each report reads the ones it uses."""

    by: str | None = None
    coders: Any = None
    exclude_interviewer: bool = False
    level: Literal["code", "theme"] = "code"
    cells: Literal["count", "text"] = "count"
    mode: Literal["overlap", "turn", "document"] = "overlap"
    per_code: int | None = 5
    select: Literal["longest", "central", "favourite", "order"] = "longest"
    order: str = "import"
    base: int = 4
    run: int = 2
    threshold: float = 0.05
    measure: str = "codings"


@dataclass(frozen=True, eq=False)
class Bundle:
    """Several reports in one file (``report="all"``)."""

    reports: tuple[Report, ...]
    parameters: dict[str, Any]
    rules: tuple[str, ...] = ()
    name: str = "all"

    def tidy(self) -> Table:
        raise QualcodeError("a CSV file holds one table; choose one report")

    def tables(self) -> list[Table]:
        return [table for report in self.reports for table in report.tables()]

    def to_json(self) -> dict[str, Any]:
        return {
            "parameters": self.parameters,
            **{report.name: report.to_json() for report in self.reports},
        }


def _one(project: Project, corpus: Corpus, name: str, o: Options, bundled: bool = False) -> Report:
    common = {"exclude_interviewer": o.exclude_interviewer}
    if name == "frequencies":
        return frequency_report(corpus, by=o.by, **common)
    if name == "crosstab":
        if not o.by:
            raise QualcodeError(
                "the crosstab report needs a grouping: a case attribute, 'kind' or 'coder'",
                Hint("crosstab-by"),
            )
        if o.measure not in MEASURES:
            raise QualcodeError(f"measure '{o.measure}' is not one of {', '.join(MEASURES)}")
        return CrosstabReport(frequency_report(corpus, by=o.by, **common), o.measure)
    if name == "matrix":
        # in "all", a grouping by kind or coder orders no cases: the matrix goes without it
        by = o.by if not bundled or o.by in corpus.attributes else None
        return matrix_report(corpus, cells=o.cells, by=by, level=o.level, **common)
    if name == "cooccurrence":
        return cooccurrence_report(corpus, mode=o.mode, level=o.level, **common)
    if name == "quotes":
        return quotes_report(project, corpus, select=o.select, per_code=o.per_code, **common)
    if name == "saturation":
        return saturation_report(
            corpus,
            order=o.order,
            level=o.level,
            base=o.base,
            run=o.run,
            threshold=o.threshold,
            **common,
        )
    if name == "codebook":
        return appendix_report(corpus, **common)
    raise QualcodeError(f"unknown report '{name}'; choose one of {', '.join(REPORTS)}")


def _check(report: str, o: Options) -> None:
    if report not in REPORTS:
        raise QualcodeError(f"unknown report '{report}'; choose one of {', '.join(REPORTS)}")
    choices = {
        "level": ("code", "theme"),
        "cells": ("count", "text"),
        "mode": ("overlap", "turn", "document"),
        "select": ("longest", "central", "favourite", "order"),
    }
    for option, allowed in choices.items():
        if getattr(o, option) not in allowed:
            raise QualcodeError(
                f"{option} '{getattr(o, option)}' is not one of {', '.join(allowed)}"
            )
    if o.measure not in MEASURES:
        raise QualcodeError(f"measure '{o.measure}' is not one of {', '.join(MEASURES)}")


def build(
    project: Project, report: str, *, progress: Progress | None = None, **options: Any
) -> Report:
    """Build the report called ``report`` with ``options`` (see :class:`Options`)."""
    o = Options(**options)
    _check(report, o)
    project.require_unblinded("write reports")
    names = [r for r in REPORTS[:-1] if r != "crosstab" or o.by] if report == "all" else [report]
    total = len(names) + 2
    step = (lambda done, what: progress(done, total, what)) if progress else (lambda *_: None)
    step(0, f"reading {project.name}")
    corpus = load(project, coders=o.coders, details="quotes" in names)
    built = []
    for i, name in enumerate(names, 1):
        step(i, f"counting: {name}")
        built.append(_one(project, corpus, name, o, bundled=report == "all"))
    if report != "all":
        return built[0]
    params = parameters(corpus, report="all", by=o.by, exclude_interviewer=o.exclude_interviewer)
    return Bundle(tuple(built), params)


def export(
    project: Project,
    report: str,
    path: str | Path,
    *,
    progress: Progress | None = None,
    **options: Any,
) -> Path:
    """Build ``report`` and write it to ``path`` (format from the suffix); returns the path.
    ``progress(done, total, what)`` is called before each stage and once at the end."""
    target = check_target(path)
    suffix = format_of(target)
    if suffix == ".csv" and report == "all":
        raise QualcodeError(
            f"{target}: a CSV file holds one table; export one report to CSV "
            "(or all of them to .xlsx, .md, .docx or .json)"
        )
    if suffix in (".png", ".svg") and report in ("quotes", "codebook", "all"):
        raise QualcodeError(
            f"{target}: there is no chart of the {report} report; charts show "
            "frequencies, crosstab, matrix, cooccurrence or saturation"
        )
    built = build(project, report, progress=progress, **options)
    names = len(getattr(built, "reports", ())) or 1
    if progress:
        progress(names + 1, names + 2, f"writing {target.name}")
    chart = {"measure": options.get("measure")} if suffix in (".png", ".svg") else {}
    written = write(built, target, **chart)
    if progress:
        progress(names + 2, names + 2, f"wrote {target.name}")
    return written
