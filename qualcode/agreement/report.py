"""The agreement report: coefficients per code and over codes, as a dict, CSV or XLSX.

:func:`agreement_report` reads a project into a :class:`~qualcode.agreement.units.UnitTable`
and :func:`table_report` turns any table into the report, whose shape is stable (``--json``)::

    {"unit": ..., "coders": [...], "documents": [...], "parameters": {...},
     "warnings": [...],
     "codes": [{"code": PATH, "members": [...], "units": N, "percent_agreement": x,
                "kappa": x, "alpha": x, "ac1": x, "alpha_ci": [lo, hi], "disagreements": N,
                "used": bool, "alpha_ci_withheld": str | None, "alpha_ci_dropped": x,
                "alpha_ci_resampled": "documents" | "units", "below_threshold": bool,
                "warning": str | None, "note": str | None, "pairwise": [...]}, ...],
     "overall": {...the same keys, over the used codes' units side by side...,
                 "codes": N, "unused_codes": [...]}}

``kappa`` is Cohen's for two coders and Fleiss' for more; ``alpha`` is Krippendorff's (nominal);
``ac1`` is Gwet's with the two categories present/absent. ``pairwise`` (each pair of coders:
percent agreement, Cohen's kappa, alpha, AC1, disagreements) is there with three coders or more.
A coefficient that is undefined is ``None`` and ``note`` says why; the report never fails on
one code. A code no selected coder applied in the compared documents has no figures at all
(100% agreement on absence would say nothing), and the overall row leaves it out and lists it
under ``unused_codes``.

``alpha_ci`` is an expanded percentile bootstrap interval (Hesterberg 2015) of alpha that
resamples whole documents when units sit inside documents (every unit kind but ``document``,
and the overall row always); when it cannot be trusted it is ``[None, None]`` and
``alpha_ci_withheld`` says why (see :mod:`qualcode.agreement.bootstrap`).
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from qualcode.agreement import tally as tallied
from qualcode.agreement.bootstrap import (
    MAX_DROPPED,
    METHOD,
    MIN_CARRYING,
    MIN_CLUSTERS,
    Interval,
    interval_of_counts,
)
from qualcode.agreement.bootstrap import alpha_interval as _alpha_interval
from qualcode.agreement.coefficients import AgreementError
from qualcode.agreement.tally import Tally
from qualcode.agreement.units import CodeUnits, Descendants, Progress, UnitTable, unit_table
from qualcode.reports.cells import neutralise

if TYPE_CHECKING:
    from qualcode.project import Project

__all__ = [
    "ALPHA_GOOD",
    "ALPHA_TENTATIVE",
    "agreement_report",
    "alpha_interval",
    "table_report",
    "write_csv",
    "worst_first",
    "write_xlsx",
]

#: Krippendorff (2004): the lowest alpha for tentative conclusions, and a good one.
ALPHA_TENTATIVE = 0.667
ALPHA_GOOD = 0.800
CI_LEVEL = 0.95
#: Below this many units a table's coefficients are too unstable to read without a warning.
MIN_UNITS = 30
UNUSED = "no selected coder applied this code in the compared documents: nothing to measure"

COLUMNS = (
    "code",
    "coders",
    "units",
    "percent_agreement",
    "kappa",
    "alpha",
    "ac1",
    "alpha_ci_low",
    "alpha_ci_high",
    "disagreements",
    "below_threshold",
    "members",
    "note",
)


def agreement_report(
    project: Project,
    *,
    coders: Sequence[str],
    unit: str = "sentence",
    documents: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    descendants: Descendants = True,
    overlap: float = 0.5,
    threshold: float = ALPHA_TENTATIVE,
    ci: bool = True,
    seed: int = 0,
    n_boot: int = 500,
    min_coverage: float = 0.0,
    exclude_interviewer: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Agreement of ``coders`` on each code (and over codes) in the project's codings.

    ``unit``, ``documents``, ``codes`` and ``descendants`` choose the units and codes (see
    :mod:`qualcode.agreement.units`); ``overlap`` is the segment-matching threshold; codes whose
    alpha is below ``threshold`` are flagged; ``ci`` adds a bootstrap interval for alpha from
    ``n_boot`` resamples with ``seed``; ``min_coverage`` and ``exclude_interviewer`` decide when
    a unit counts as coded and which text counts (see :mod:`qualcode.agreement.units`).
    ``progress(stage, done, total)`` is called as documents are read and codes computed; it
    may raise to stop the report (a screen whose worker was cancelled).
    """
    project.require_unblinded("see agreement")
    table = unit_table(
        project,
        coders=coders,
        unit=unit,
        documents=documents,
        codes=codes,
        descendants=descendants,
        threshold=overlap,
        min_coverage=min_coverage,
        exclude_interviewer=exclude_interviewer,
        progress=progress,
    )
    return table_report(
        table, threshold=threshold, ci=ci, seed=seed, n_boot=n_boot, progress=progress
    )


def table_report(
    table: UnitTable,
    *,
    threshold: float = ALPHA_TENTATIVE,
    ci: bool = True,
    seed: int = 0,
    n_boot: int = 500,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The report of a unit table (the pure part of :func:`agreement_report`)."""
    coders = list(table.coders)
    clustered = table.unit != "document"
    parameters = table.parameters()
    parameters.update(
        kappa="Cohen's kappa" if len(coders) == 2 else "Fleiss' kappa",
        alpha="Krippendorff's alpha (nominal)",
        ac1="Gwet's AC1 (categories: present, absent)",
        alpha_threshold=threshold,
        alpha_ci=(
            {
                "method": METHOD,
                "resampled": "documents" if clustered else "units",
                "level": CI_LEVEL,
                "resamples": n_boot,
                "seed": seed,
                "withheld_when": (
                    f"the code is in fewer than {MIN_CARRYING} of the resampled "
                    f"{'documents' if clustered else 'units'}"
                    + (f", fewer than {MIN_CLUSTERS} documents" if clustered else "")
                    + f", or alpha is undefined on more than {MAX_DROPPED:.0%} of the resamples"
                ),
                "overall": f"resamples documents (at least {MIN_CLUSTERS})",
            }
            if ci
            else None
        ),
        small_sample=f"a warning below {MIN_UNITS} units",
    )
    rows = []
    # One pass over each code's table; the overall row is the sum of the codes' tallies.
    n_documents = len(table.documents)
    total = Tally.empty(len(coders), n_documents)
    for done, code in enumerate(table.codes):
        if progress is not None:
            progress("codes", done, len(table.codes))
        if not code.presence.any():
            rows.append(
                {"code": code.code, "members": list(code.members), **_unused(code, coders, ci)}
            )
            continue
        tally = Tally.of(code.presence, code.units.document, n_documents)
        total = total + tally
        figures = _figures(tally, clustered, coders, threshold, ci, seed, n_boot)
        rows.append({"code": code.code, "members": list(code.members), **figures})
    used = table.used()
    overall = _figures(total, True, coders, threshold, ci, seed, n_boot)
    if not used and table.codes:
        overall["note"] = _join("no selected coder applied any selected code", overall["note"])
    warnings = _grouped_warnings([*rows, {"code": "(overall)", **overall}])
    return {
        "unit": table.unit,
        "coders": coders,
        "documents": list(table.documents),
        "parameters": parameters,
        "warnings": warnings,
        "codes": rows,
        "overall": {
            "codes": len(used),
            "unused_codes": [c.code for c in table.unused()],
            **overall,
        },
    }


def _grouped_warnings(entries: list[dict[str, Any]]) -> list[str]:
    """One line per distinct warning, naming the rows it concerns (or how many)."""
    grouped: dict[str, list[str]] = {}
    for entry in entries:
        if entry.get("warning"):
            grouped.setdefault(entry["warning"], []).append(entry["code"])
    out = []
    for warning, codes in grouped.items():
        named = ", ".join(codes) if len(codes) <= 5 else f"{len(codes)} rows"
        out.append(f"{warning} ({named})")
    return out


def _unused(code: CodeUnits, coders: list[str], ci: bool) -> dict[str, Any]:
    """The entry of a code nobody applied: no figures, and why."""
    out: dict[str, Any] = {
        "units": len(code.units),
        "used": False,
        "percent_agreement": None,
        "kappa": None,
        "alpha": None,
        "ac1": None,
        "alpha_ci": [None, None] if ci else None,
        "alpha_ci_withheld": "no selected coder applied this code" if ci else None,
        "alpha_ci_dropped": None,
        "alpha_ci_resampled": None,
        "disagreements": 0,
        "below_threshold": False,
        "warning": None,
        "note": UNUSED,
    }
    if len(coders) > 2:
        out["pairwise"] = [
            {
                "coders": [coders[i], coders[j]],
                "percent_agreement": None,
                "kappa": None,
                "alpha": None,
                "ac1": None,
                "disagreements": 0,
                "note": UNUSED,
            }
            for i, j in itertools.combinations(range(len(coders)), 2)
        ]
    return out


def worst_first(entry: dict[str, Any]) -> tuple[bool, float, str]:
    """Sort key for a report's code entries: lowest alpha first, codes whose alpha is undefined
    (say nobody used the code) last."""
    alpha = entry["alpha"]
    return (alpha is None, alpha if alpha is not None else 0.0, entry["code"])


def _join(first: str, rest: str | None) -> str:
    return first if not rest else f"{first}; {rest}"


def _attempt(
    function: Callable[..., float], data: Any, notes: list[str], name: str, **kwargs: Any
) -> float | None:
    try:
        return float(function(data, **kwargs))
    except AgreementError as error:
        message = f"{name}: {error}"
        if message not in notes:
            notes.append(message)
        return None


def _figures(
    tally: Tally,
    clustered: bool,
    coders: list[str],
    threshold: float,
    ci: bool,
    seed: int,
    n_boot: int,
) -> dict[str, Any]:
    """Every figure of one presence table, from its tally; with ``clustered`` the interval
    resamples documents, else units."""
    units = tally.units
    notes: list[str] = []
    out: dict[str, Any] = {"units": units, "used": units > int(tally.present[0])}
    if units == 0:
        out.update(
            percent_agreement=None,
            kappa=None,
            alpha=None,
            ac1=None,
            alpha_ci=None if not ci else [None, None],
            alpha_ci_withheld="no units" if ci else None,
            alpha_ci_dropped=None,
            alpha_ci_resampled=None,
            disagreements=0,
            below_threshold=False,
            warning=None,
            note="no units: nothing to compare",
        )
        if len(coders) > 2:
            out["pairwise"] = []
        return out
    alpha = _attempt(tallied.alpha, tally, notes, "alpha")
    out.update(
        percent_agreement=_attempt(tallied.percent_agreement, tally, notes, "percent agreement"),
        kappa=_attempt(tallied.kappa, tally, notes, "kappa"),
        alpha=alpha,
        ac1=_attempt(tallied.ac1, tally, notes, "AC1"),
    )
    if ci:
        counts = tally.cluster_counts() if clustered else tally.present[None, :].astype(float)
        found = interval_of_counts(
            counts, tally.coders, clustered=clustered, n_boot=n_boot, seed=seed, level=CI_LEVEL
        )
        out["alpha_ci"] = found.bounds
        out["alpha_ci_withheld"] = found.withheld
        out["alpha_ci_dropped"] = found.dropped
        out["alpha_ci_resampled"] = found.resampled
        if found.withheld:
            notes.append(f"alpha CI withheld: {found.withheld}")
    else:
        out.update(
            alpha_ci=None, alpha_ci_withheld=None, alpha_ci_dropped=None, alpha_ci_resampled=None
        )
    out["disagreements"] = tallied.disagreements(tally)
    out["below_threshold"] = alpha is not None and alpha < threshold
    out["warning"] = (
        f"only {units} unit{'s' if units != 1 else ''} (fewer than {MIN_UNITS}): the "
        "coefficients are too unstable to rely on"
        if units < MIN_UNITS
        else None
    )
    out["note"] = "; ".join(notes) or None
    if len(coders) > 2:
        out["pairwise"] = [
            _pair(tally.pair(i, j), [coders[i], coders[j]])
            for i, j in itertools.combinations(range(len(coders)), 2)
        ]
    return out


def _pair(tally: Tally, pair: list[str]) -> dict[str, Any]:
    if tally.units == int(tally.present[0]):
        return {
            "coders": pair,
            "percent_agreement": None,
            "kappa": None,
            "alpha": None,
            "ac1": None,
            "disagreements": 0,
            "note": "neither coder of this pair applied this code: nothing to measure",
        }
    notes: list[str] = []
    return {
        "coders": pair,
        "percent_agreement": _attempt(tallied.percent_agreement, tally, notes, "percent agreement"),
        "kappa": _attempt(tallied.kappa, tally, notes, "kappa"),
        "alpha": _attempt(tallied.alpha, tally, notes, "alpha"),
        "ac1": _attempt(tallied.ac1, tally, notes, "AC1"),
        "disagreements": tallied.disagreements(tally),
        "note": "; ".join(notes) or None,
    }


def alpha_interval(
    presence: np.ndarray,
    clusters: np.ndarray | None = None,
    *,
    n_boot: int = 500,
    seed: int = 0,
    level: float = CI_LEVEL,
) -> Interval:
    """The report's interval of nominal alpha (see
    :func:`qualcode.agreement.bootstrap.alpha_interval`)."""
    return _alpha_interval(presence, clusters, n_boot=n_boot, seed=seed, level=level)


# -- writers -----------------------------------------------------------------------------------


def report_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Tidy rows: one per code and set of coders (all of them, then each pair), then overall."""
    everyone = ",".join(report["coders"])
    out: list[dict[str, Any]] = []
    entries = [*report["codes"], {"code": "(overall)", "members": [], **report["overall"]}]
    for entry in entries:
        ci = entry.get("alpha_ci") or [None, None]
        out.append(
            {
                "code": entry["code"],
                "coders": everyone,
                "units": entry["units"],
                "percent_agreement": entry["percent_agreement"],
                "kappa": entry["kappa"],
                "alpha": entry["alpha"],
                "ac1": entry["ac1"],
                "alpha_ci_low": ci[0],
                "alpha_ci_high": ci[1],
                "disagreements": entry["disagreements"],
                "below_threshold": entry["below_threshold"],
                "members": "; ".join(entry.get("members", [])),
                "note": entry["note"],
            }
        )
        for pair in entry.get("pairwise", []):
            out.append(
                {
                    "code": entry["code"],
                    "coders": ",".join(pair["coders"]),
                    "units": entry["units"],
                    "percent_agreement": pair["percent_agreement"],
                    "kappa": pair["kappa"],
                    "alpha": pair["alpha"],
                    "ac1": pair["ac1"],
                    "alpha_ci_low": None,
                    "alpha_ci_high": None,
                    "disagreements": pair["disagreements"],
                    "below_threshold": None,
                    "members": "; ".join(entry.get("members", [])),
                    "note": pair["note"],
                }
            )
    return out


def _parameter_rows(report: dict[str, Any]) -> list[tuple[str, str]]:
    def text(value: Any) -> str:
        if isinstance(value, list):
            return ", ".join(map(str, value))
        if isinstance(value, dict):
            return ", ".join(f"{k}={v}" for k, v in value.items())
        return "" if value is None else str(value)

    return [(key, text(value)) for key, value in report["parameters"].items()]


def write_csv(report: dict[str, Any], path: str | Path) -> None:
    """One row per code and set of coders (see :func:`report_rows`); kappa on pairwise rows is
    Cohen's. Empty cells are undefined figures."""
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in report_rows(report):
            writer.writerow({k: neutralise("" if v is None else v) for k, v in row.items()})


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """Text as a text cell that cannot run (openpyxl takes text starting with '=' for a
    formula); numbers and empty cells as they are."""
    from openpyxl.cell import Cell

    value = neutralise(value)
    if not isinstance(value, str):
        return value
    item = Cell(sheet, value=value)
    item.data_type = "s"
    return item


def write_xlsx(report: dict[str, Any], path: str | Path) -> None:
    """A workbook with a ``codes`` sheet (the CSV's rows) and a ``parameters`` sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "codes"
    sheet.append(list(COLUMNS))
    for row in report_rows(report):
        sheet.append([_xlsx_cell(sheet, row[c]) for c in COLUMNS])
    params = book.create_sheet("parameters")
    params.append(["parameter", "value"])
    for key, value in _parameter_rows(report):
        params.append([_xlsx_cell(params, key), _xlsx_cell(params, value)])
    bold = Font(bold=True)
    for ws in (sheet, params):
        for cell in ws[1]:
            cell.font = bold
        ws.freeze_panes = "A2"
    book.save(Path(path))
