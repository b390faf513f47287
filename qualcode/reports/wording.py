"""How a report reads in every format: its title, a value in a cell, a quote's attribution.

The Markdown, CSV and JSON writers (:mod:`qualcode.reports.writers`) and the XLSX and DOCX ones
(:mod:`qualcode.reports.office`) all word a report alike through these.
"""

from __future__ import annotations

from typing import Any

TITLES = {
    "frequencies": "Code frequencies",
    "crosstab": "Code by group cross-tab",
    "matrix": "Code x case matrix",
    "cooccurrence": "Code co-occurrence",
    "quotes": "Quotes by theme",
    "saturation": "Thematic saturation",
    "codebook": "Codebook",
    "all": "Qualitative analysis tables",
}


def cell(value: Any) -> Any:
    """How a value reads in a text cell: no 'None', numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 4)
    return value


def attribution(quote: Any) -> str:
    """'Amy (P01; group=participant), p01-amy, turn 13, 0:50': who, where, when."""
    who = ", ".join(quote.speakers) or "unknown speaker"
    about = "; ".join([*quote.cases, *(f"{k}={v}" for k, v in quote.attributes.items())])
    where = [quote.document] + ([f"turn {quote.turn}"] if quote.turn else [])
    where += [quote.timestamp] if quote.timestamp else []
    return f"{who}" + (f" ({about})" if about else "") + ", " + ", ".join(where)
