"""Charts of reports as PNG or SVG, drawn with matplotlib's Agg canvas (no pyplot, no window,
safe in a worker thread). Long code names are wrapped onto two lines and shortened with an
ellipsis; SVG text stays text (``svg.fonttype: none``), so names can be searched and edited.

- frequencies (and cross-tab): horizontal bars of each theme's figure (codings unless another
  ``measure`` is asked for), one bar per group when the report is grouped;
- co-occurrence: a heatmap of codes x codes (diagonal left blank), the most used codes first;
- matrix: a heatmap of codes x cases;
- saturation: new codes per document (bars) and the cumulative curve, the saturation point
  marked.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import QualcodeError

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
"""Okabe & Ito's colour-blind-safe palette."""
MOST = 40
"""Rows or columns a heatmap shows at most (the most used first)."""


def label(text: str, width: int = 30, lines: int = 2) -> str:
    """Wrap a long name onto ``lines`` lines of ``width``, ending in '…' when cut."""
    parts = textwrap.wrap(text, width) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: width - 1].rstrip() + "…"
    return "\n".join(parts)


@dataclass
class Chart:
    figure: Any

    def save(self, path: str | Path, format: str) -> None:
        import matplotlib

        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "qualcode"}):
            metadata = {"Date": None} if format == "svg" else {}
            self.figure.savefig(
                path, format=format, dpi=150, bbox_inches="tight", metadata=metadata
            )


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    return figure


def draw(report: Any, *, measure: str | None = None) -> Chart:
    """The chart of a report (see the module docstring); a one-line error for the others."""
    name = report.name
    if name in ("frequencies", "crosstab"):
        return _bars(report, measure)
    if name == "cooccurrence":
        return _heatmap(
            report.codes,
            report.codes,
            report.counts,
            blank_diagonal=True,
            title=f"Code co-occurrence ({report.mode})",
        )
    if name == "matrix":
        return _heatmap(
            report.codes,
            report.cases,
            report.counts,
            blank_diagonal=False,
            title="Coded segments per code and case",
        )
    if name == "saturation":
        return _saturation(report)
    raise QualcodeError(
        f"there is no chart of the {name} report; charts show frequencies, "
        "crosstab, matrix, cooccurrence or saturation"
    )


def _bars(report: Any, measure: str | None) -> Chart:
    frequencies = report.frequencies if report.name == "crosstab" else report
    measure = measure or (report.measure if report.name == "crosstab" else "codings")
    rows = frequencies.rows
    themes = any(r.level > 0 for r in rows)
    everyone = "(all)" if frequencies.by else None
    groups: list[str | None] = list(frequencies.groups) or [everyone]
    codes = list(dict.fromkeys(r.code for r in rows if not themes or r.level == 0))
    total = {r.code: getattr(r, measure) or 0 for r in rows if r.group == everyone}
    if not codes:
        raise QualcodeError("there is nothing to chart: the codebook is empty")
    cut = len(codes) > MOST
    if cut:  # the most frequent, still in codebook order
        keep = set(sorted(codes, key=lambda c: -total.get(c, 0))[:MOST])
        codes = [c for c in codes if c in keep]
    value = {(r.code, r.group): getattr(r, measure) or 0 for r in rows}
    share = measure == "share_of_cases"
    figure = _figure(9, 1.2 + 0.32 * len(codes) * max(1, len(groups) * 0.6))
    axes = figure.add_subplot()
    height = 0.8 / len(groups)
    y = np.arange(len(codes))
    for i, group in enumerate(groups):
        values = [value.get((c, group), 0) * (100 if share else 1) for c in codes]
        axes.barh(
            y + i * height - 0.4 + height / 2,
            values,
            height=height,
            color=PALETTE[i % len(PALETTE)],
            label=group,
        )
    axes.set_yticks(y, [label(c.split("/")[-1]) for c in codes], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("% of cases" if share else measure.replace("_", " "))
    by = f" by {frequencies.by}" if frequencies.by else ""
    most = f" (the {MOST} most frequent)" if cut else ""
    axes.set_title(f"{'Themes' if themes else 'Codes'}{most}: {measure.replace('_', ' ')}{by}")
    if frequencies.by:
        axes.legend(title=frequencies.by, fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return Chart(figure)


def _heatmap(
    rows: tuple[str, ...],
    columns: tuple[str, ...],
    counts: np.ndarray,
    *,
    blank_diagonal: bool,
    title: str,
) -> Chart:
    if not len(rows) or not len(columns):
        raise QualcodeError(f"there is nothing to chart yet: {title.lower()} is empty")
    data = counts.astype(float)
    keep_rows = np.argsort(-data.sum(axis=1), kind="stable")[:MOST]
    keep_cols = keep_rows if blank_diagonal else np.arange(min(len(columns), MOST))
    if blank_diagonal:
        keep_rows = keep_cols = np.sort(keep_rows)
    else:
        keep_rows = np.sort(keep_rows)
    shown = data[np.ix_(keep_rows, keep_cols)]
    if blank_diagonal:
        np.fill_diagonal(shown, np.nan)
    if len(keep_rows) < len(rows) or len(keep_cols) < len(columns):
        title += f" (the {len(keep_rows)} x {len(keep_cols)} most used)"
    size = 3 + 0.3 * max(len(keep_rows), len(keep_cols))
    figure = _figure(size + 2, size)
    axes = figure.add_subplot()
    image = axes.imshow(shown, cmap="Blues", aspect="auto")
    figure.colorbar(image, ax=axes, shrink=0.6)
    names = [label(rows[i].split("/")[-1], 26) for i in keep_rows]
    axes.set_yticks(range(len(keep_rows)), names, fontsize=7)
    heads = [label(columns[i].split("/")[-1], 26) for i in keep_cols]
    axes.set_xticks(range(len(keep_cols)), heads, fontsize=7, rotation=90)
    if shown.size <= 400:
        for (i, j), v in np.ndenumerate(shown):
            if not np.isnan(v) and v:
                light = v > np.nanmax(shown) * 0.6
                axes.text(
                    j,
                    i,
                    f"{int(v)}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if light else "black",
                )
    axes.set_title(title)
    return Chart(figure)


def _saturation(report: Any) -> Chart:
    result = report.result
    n = len(report.documents)
    if not n:
        raise QualcodeError("there is nothing to chart yet: no document has been coded")
    figure = _figure(max(6, 1 + 0.35 * n), 4.5)
    axes = figure.add_subplot()
    x = np.arange(1, n + 1)
    axes.bar(x, [len(c) for c in result.new], color=PALETTE[4], label="new codes")
    axes.plot(x, result.cumulative, color=PALETTE[0], marker="o", label="codes so far")
    if result.reached is not None:
        axes.axvline(
            result.reached.last,
            color=PALETTE[5],
            linestyle="--",
            label=f"saturation ({report.threshold:.0%} new, base {report.base}, run {report.run})",
        )
    axes.set_xticks(x, [label(d, 18, 1) for d in report.documents], rotation=90, fontsize=7)
    axes.set_ylabel("codes")
    axes.set_title("New codes per document (thematic saturation)")
    axes.legend(fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return Chart(figure)
