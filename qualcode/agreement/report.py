"""The agreement report: coefficients per code and over codes, as a dict, CSV or XLSX.

:func:`agreement_report` reads a project into a :class:`~qualcode.agreement.units.UnitTable`
and :func:`table_report` turns any table into the report, whose shape is stable (``--json``)::

    {"unit": ..., "coders": [...], "documents": [...], "parameters": {...},
     "codes": [{"code": PATH, "members": [...], "units": N, "percent_agreement": x,
                "kappa": x, "alpha": x, "ac1": x, "alpha_ci": [lo, hi], "disagreements": N,
                "below_threshold": bool, "note": str | None, "pairwise": [...]}, ...],
     "overall": {...the same keys, over every code's units side by side...}}

``kappa`` is Cohen's for two coders and Fleiss' for more; ``alpha`` is Krippendorff's (nominal);
``ac1`` is Gwet's with the two categories present/absent. ``pairwise`` (each pair of coders:
percent agreement, Cohen's kappa, alpha, AC1, disagreements) is there with three coders or more.
A coefficient that is undefined (say nobody used the code, so every value is "absent") is
``None`` and ``note`` says why; the report never fails on one code.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from qualcode.agreement.coefficients import (
    AgreementError,
    ReliabilityData,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
)
from qualcode.agreement.units import Descendants, UnitTable, unit_table
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

COLUMNS = (
    "code", "coders", "units", "percent_agreement", "kappa", "alpha", "ac1",
    "alpha_ci_low", "alpha_ci_high", "disagreements", "below_threshold", "members", "note",
)  # fmt: skip


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
) -> dict[str, Any]:
    """Agreement of ``coders`` on each code (and over codes) in the project's codings.

    ``unit``, ``documents``, ``codes`` and ``descendants`` choose the units and codes (see
    :mod:`qualcode.agreement.units`); ``overlap`` is the segment-matching threshold; codes whose
    alpha is below ``threshold`` are flagged; ``ci`` adds a percentile bootstrap interval for
    alpha from ``n_boot`` resamples of units with ``seed``.
    """
    project.require_unblinded("see agreement")
    table = unit_table(
        project, coders=coders, unit=unit, documents=documents, codes=codes,
        descendants=descendants, threshold=overlap,
    )  # fmt: skip
    return table_report(table, threshold=threshold, ci=ci, seed=seed, n_boot=n_boot)


def table_report(
    table: UnitTable,
    *,
    threshold: float = ALPHA_TENTATIVE,
    ci: bool = True,
    seed: int = 0,
    n_boot: int = 500,
) -> dict[str, Any]:
    """The report of a unit table (the pure part of :func:`agreement_report`).

    No interval is given for character units: neighbouring characters are not independent, so
    resampling them as if they were would give an interval far narrower than the truth."""
    coders = list(table.coders)
    no_ci_reason = None
    if ci and table.unit == "character":
        ci = False
        no_ci_reason = "not computed for character units: characters are not independent units"
    parameters = table.parameters()
    parameters.update(
        kappa="Cohen's kappa" if len(coders) == 2 else "Fleiss' kappa",
        alpha="Krippendorff's alpha (nominal)",
        ac1="Gwet's AC1 (categories: present, absent)",
        alpha_threshold=threshold,
        alpha_ci=(
            {"method": "percentile bootstrap over units", "level": CI_LEVEL,
             "resamples": n_boot, "seed": seed}
            if ci else no_ci_reason
        ),
    )  # fmt: skip
    rows = []
    for code in table.codes:
        figures = _figures(code.presence, coders, threshold, ci, seed, n_boot)
        if not code.presence.any() and figures["units"]:
            figures["note"] = _join(
                "no selected coder applied this code in the selected documents", figures["note"]
            )
        rows.append({"code": code.code, "members": list(code.members), **figures})
    overall = _figures(table.pooled(), coders, threshold, ci, seed, n_boot)
    return {
        "unit": table.unit,
        "coders": coders,
        "documents": list(table.documents),
        "parameters": parameters,
        "codes": rows,
        "overall": {"codes": len(rows), **overall},
    }


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
    presence: np.ndarray,
    coders: list[str],
    threshold: float,
    ci: bool,
    seed: int,
    n_boot: int,
) -> dict[str, Any]:
    """Every figure of one presence table (coders x units)."""
    units = int(presence.shape[1])
    notes: list[str] = []
    out: dict[str, Any] = {"units": units}
    if units == 0:
        out.update(
            percent_agreement=None, kappa=None, alpha=None, ac1=None,
            alpha_ci=None if not ci else [None, None], disagreements=0, below_threshold=False,
            note="no units: nothing to compare",
        )  # fmt: skip
        if len(coders) > 2:
            out["pairwise"] = []
        return out
    data = ReliabilityData.from_values(presence)
    kappa = cohen_kappa if len(coders) == 2 else fleiss_kappa
    alpha = _attempt(krippendorff_alpha, data, notes, "alpha")
    out.update(
        percent_agreement=_attempt(percent_agreement, data, notes, "percent agreement"),
        kappa=_attempt(kappa, data, notes, "kappa"),
        alpha=alpha,
        ac1=_attempt(gwet_ac1, data, notes, "AC1", categories=(0, 1)),
    )
    if ci:
        try:
            out["alpha_ci"] = list(alpha_interval(presence, n_boot=n_boot, seed=seed))
        except AgreementError as error:
            out["alpha_ci"] = [None, None]
            notes.append(f"alpha CI: {error}")
    else:
        out["alpha_ci"] = None
    out["disagreements"] = _disagreements(presence)
    out["below_threshold"] = alpha is not None and alpha < threshold
    out["note"] = "; ".join(notes) or None
    if len(coders) > 2:
        out["pairwise"] = [
            _pair(presence[[i, j]], [coders[i], coders[j]])
            for i, j in itertools.combinations(range(len(coders)), 2)
        ]
    return out


def _pair(presence: np.ndarray, pair: list[str]) -> dict[str, Any]:
    notes: list[str] = []
    data = ReliabilityData.from_values(presence)
    return {
        "coders": pair,
        "percent_agreement": _attempt(percent_agreement, data, notes, "percent agreement"),
        "kappa": _attempt(cohen_kappa, data, notes, "kappa"),
        "alpha": _attempt(krippendorff_alpha, data, notes, "alpha"),
        "ac1": _attempt(gwet_ac1, data, notes, "AC1", categories=(0, 1)),
        "disagreements": _disagreements(presence),
        "note": "; ".join(notes) or None,
    }


def _disagreements(presence: np.ndarray) -> int:
    """Units on which the coders do not all give the same value."""
    return int(np.count_nonzero(presence.min(axis=0) != presence.max(axis=0)))


def _alpha_from_counts(counts: np.ndarray, m: int) -> np.ndarray:
    """Nominal alpha of complete binary data from ``counts[..., k]``: units with ``k`` of the
    ``m`` coders present. ``nan`` where undefined (every value the same)."""
    k = np.arange(m + 1, dtype=np.float64)
    agreeing = (k * (k - 1) + (m - k) * (m - k - 1)) / (m - 1)
    n = counts.sum(axis=-1) * float(m)
    observed = (n - counts @ agreeing) / n
    ones = counts @ k
    expected = 2.0 * ones * (n - ones) / (n * (n - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1.0 - observed / np.where(expected > 0, expected, 1), np.nan)


def alpha_interval(
    presence: np.ndarray, *, n_boot: int = 500, seed: int = 0, level: float = CI_LEVEL
) -> tuple[float, float]:
    """Percentile bootstrap interval of nominal alpha for a complete presence table.

    Resampling units with replacement is the same as drawing, from a multinomial, how many
    units have ``k`` coders present (``k = 0..m``), and with no missing values alpha depends on
    nothing else; so each resample costs a few operations, not a pass over the units (this is
    what makes character units affordable). Resamples on which alpha is undefined are skipped,
    as :func:`~qualcode.agreement.bootstrap_ci` does.
    """
    m, n_units = presence.shape
    if n_units == 0:
        raise AgreementError("alpha has no units to resample")
    counts = np.bincount(presence.sum(axis=0, dtype=np.int64), minlength=m + 1)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n_units, counts / n_units, size=n_boot).astype(np.float64)
    estimates = _alpha_from_counts(draws, m)
    estimates = estimates[~np.isnan(estimates)]
    if estimates.size == 0:
        raise AgreementError("alpha is undefined on every bootstrap resample")
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(estimates, [tail, 1.0 - tail])
    return float(low), float(high)


# -- writers -----------------------------------------------------------------------------------


def report_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Tidy rows: one per code and set of coders (all of them, then each pair), then overall."""
    everyone = ",".join(report["coders"])
    out: list[dict[str, Any]] = []
    entries = [*report["codes"], {"code": "(overall)", "members": [], **report["overall"]}]
    for entry in entries:
        ci = entry.get("alpha_ci") or [None, None]
        out.append({
            "code": entry["code"], "coders": everyone, "units": entry["units"],
            "percent_agreement": entry["percent_agreement"], "kappa": entry["kappa"],
            "alpha": entry["alpha"], "ac1": entry["ac1"], "alpha_ci_low": ci[0],
            "alpha_ci_high": ci[1], "disagreements": entry["disagreements"],
            "below_threshold": entry["below_threshold"],
            "members": "; ".join(entry.get("members", [])), "note": entry["note"],
        })  # fmt: skip
        for pair in entry.get("pairwise", []):
            out.append({
                "code": entry["code"], "coders": ",".join(pair["coders"]),
                "units": entry["units"], "percent_agreement": pair["percent_agreement"],
                "kappa": pair["kappa"], "alpha": pair["alpha"], "ac1": pair["ac1"],
                "alpha_ci_low": None, "alpha_ci_high": None,
                "disagreements": pair["disagreements"], "below_threshold": None,
                "members": "; ".join(entry.get("members", [])), "note": pair["note"],
            })  # fmt: skip
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
