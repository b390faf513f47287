"""Spreadsheet cells that cannot run: the one place text is made safe for CSV and XLSX files.

A spreadsheet program reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or a
carriage return before one) as a formula, so a code, quote or coder name such as
``=HYPERLINK("http://…")`` would run when a colleague opens the export. Following OWASP's rule
for CSV injection, such text gets a leading apostrophe: spreadsheets show it as text and the
words stay readable. The full-width forms (``＝``, ``＋``, ``－``, ``＠``) are treated alike, as
some spreadsheet programs convert them. Numbers are not text: a negative count stays a number.

Every CSV and XLSX writer of the project (reports, agreement tables) passes its cells, headers
included, through :func:`neutralise`.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""What a cell's text may not start with (OWASP's list, and the full-width forms)."""


def neutralise(value: Any) -> Any:
    """``value`` as a spreadsheet cell that is never a formula: text starting with one of
    :data:`FORMULA_STARTS` gets a leading apostrophe; other values are returned as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
