"""Write-up reports: frequencies, matrices, co-occurrence, quotes, saturation, the codebook.

Each report is a function of a project returning a frozen dataclass (``parameters``, ``rules``,
``tidy()``, ``tables()``, ``to_json()``); :func:`export` builds one by name and writes it to a
file whose suffix names the format (CSV, XLSX, Markdown, DOCX, JSON, PNG, SVG). The counting
rules are in docs/reports.md and in the ``rules`` of every report.

    from qualcode import Project
    from qualcode.reports import export, frequencies

    with Project.open("study.qualcode") as project:
        report = frequencies(project, by="group", exclude_interviewer=True)
        export(project, "quotes", "quotes.docx", per_code=3, select="central")

Heavy libraries (openpyxl, python-docx, matplotlib) are imported only when a file of their
format is written.
"""

from __future__ import annotations

from .appendix import CodebookAppendix, codebook_appendix
from .cooccurrence import CooccurrenceReport, cooccurrence
from .data import ALL, NO_VALUE, Corpus, load
from .export import REPORTS, Bundle, Options, Progress, build, export
from .frequencies import FrequencyReport, FrequencyRow, frequencies
from .matrix import MEASURES, CrosstabReport, MatrixReport, crosstab, matrix
from .quotes import Quote, QuotesReport, quotes
from .saturation import Run, Saturation, SaturationReport, guest_saturation, saturation
from .tables import Report, Table
from .writers import FORMATS, write

__all__ = [
    "ALL",
    "FORMATS",
    "MEASURES",
    "NO_VALUE",
    "REPORTS",
    "Bundle",
    "CodebookAppendix",
    "CooccurrenceReport",
    "Corpus",
    "CrosstabReport",
    "FrequencyReport",
    "FrequencyRow",
    "MatrixReport",
    "Options",
    "Progress",
    "Quote",
    "QuotesReport",
    "Report",
    "Run",
    "Saturation",
    "SaturationReport",
    "Table",
    "build",
    "codebook_appendix",
    "cooccurrence",
    "crosstab",
    "export",
    "frequencies",
    "guest_saturation",
    "load",
    "matrix",
    "quotes",
    "saturation",
    "write",
]
