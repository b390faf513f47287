"""Coding in bulk from a table (CSV or XLSX): every row applied, or none.

Columns: ``document``, ``code``, ``coder``, and ``start`` + ``end`` or ``quote``; optional
``origin`` (default ``imported``). Rows are checked like single codings; the first three bad rows
are reported with their line numbers and nothing is stored.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import BadInputError, Hint, NotAllowed, QualcodeError
from ..store.models import ORIGINS, Coding
from .codes import load_tree
from .core import ProjectCore
from .records import CodingsImport

if TYPE_CHECKING:
    from .codes import CodeTree
    from .coding import _Span


class CodingImportMixin(ProjectCore):
    if TYPE_CHECKING:  # defined by CodingMixin, another base of Project

        def _resolve_span(
            self,
            session: Session,
            tree: CodeTree,
            *,
            document: str,
            code: str,
            coder: str,
            start: int | None,
            end: int | None,
            quote: str | None,
            for_apply: bool,
        ) -> _Span: ...
        def _insert_coding(
            self, session: Session, span: _Span, origin: str, actor: str | None = None
        ) -> Coding: ...

    def import_codings(self, path: str | Path) -> CodingsImport:
        """Apply every row of a CSV or XLSX (columns document, code, coder, and start+end or
        quote; optional origin) in one transaction: all rows or, on any error, none."""
        path = Path(path)
        rows = _read_table(path)
        errors: list[str] = []
        causes: list[Exception] = []
        applied = duplicates = 0
        with self._write() as session:
            # The rule of apply_code, for every row before any is applied.
            may_code_for = self._owner_check(session, "code in the name")
            for line, row in rows:
                try:
                    may_code_for(" ".join(row.get("coder", "").split()) or None)
                except NotAllowed as exc:
                    raise NotAllowed(f"{path}: line {line}: {exc}; nothing was imported") from None
            tree = load_tree(session)
            # The active codings of each (document, coder), read once: a query per row scans
            # them all again, which made 25,000 rows take minutes.
            active: dict[tuple[int, int], set[tuple[int, int, int]]] = {}
            for line, row in rows:
                try:
                    origin = row.get("origin") or "imported"
                    if origin not in ORIGINS:
                        raise QualcodeError(f"origin '{origin}' is not one of {', '.join(ORIGINS)}")
                    span = self._resolve_span(
                        session,
                        tree,
                        document=row.get("document", ""),
                        code=row.get("code", ""),
                        coder=row.get("coder", ""),
                        start=_int(row.get("start")),
                        end=_int(row.get("end")),
                        quote=row.get("quote") or None,
                        for_apply=True,
                    )
                except (QualcodeError, ValueError) as exc:
                    errors.append(f"line {line}: {exc}")
                    causes.append(exc)
                    if len(errors) >= 3:
                        break
                    continue
                pair = (span.document.id, span.coder.id)
                if pair not in active:
                    active[pair] = _active_spans(session, *pair)
                key = (span.code.id, span.start, span.end)
                if key in active[pair]:
                    duplicates += 1
                    continue
                active[pair].add(key)
                self._insert_coding(session, span, origin)
                applied += 1
            if errors:
                more = " (and maybe more)" if len(errors) >= 3 else ""
                raise BadInputError(
                    path,
                    "; ".join(errors) + more + " (nothing was imported; fix the rows and retry)",
                    Hint.quoting(causes),
                )
            self._audit(
                session,
                "codings.import",
                "project",
                None,
                source=str(path),
                applied=applied,
                duplicates=duplicates,
            )
        return CodingsImport(str(path), applied, duplicates)


def _active_spans(session: Session, document_id: int, coder_id: int) -> set[tuple[int, int, int]]:
    """(code, start, end) of the coder's active codings in the document."""
    rows = session.execute(
        select(Coding.code_id, Coding.start, Coding.end).where(
            Coding.document_id == document_id,
            Coding.coder_id == coder_id,
            Coding.deleted_at.is_(None),
        )
    )
    return {(code, start, end) for code, start, end in rows}


def _int(value: str | None) -> int | None:
    if value is None or not str(value).strip():
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"'{value}' is not a whole-number offset") from None


def _read_table(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV or XLSX with lower-cased column names, numbered as the user sees lines."""
    if not path.exists():
        raise BadInputError(path, "no such file")
    if path.suffix.lower() == ".xlsx":
        from ..importers.tabular import xlsx_rows

        table, _warnings = xlsx_rows(path.read_bytes(), path)
    else:
        from ..importers.encoding import decode_bytes

        text = decode_bytes(path.read_bytes(), path)
        try:
            table = list(csv.reader(io.StringIO(text)))
        except csv.Error as exc:
            raise BadInputError(path, f"not a readable CSV file ({exc})") from exc
    if not table or not any(cell.strip() for cell in table[0]):
        raise BadInputError(path, "the file is empty", "the first line must name the columns")
    header = [h.strip().lower() for h in table[0]]
    needed = {"document", "code", "coder"} - set(header)
    if needed:
        raise BadInputError(
            path,
            f"missing column(s) {', '.join(sorted(needed))}",
            "columns: document, code, coder, and start+end or quote",
        )
    if "quote" not in header and not {"start", "end"} <= set(header):
        raise BadInputError(path, "needs start and end columns, or a quote column")
    rows = []
    for line, cells in enumerate(table[1:], 2):
        if not any(c.strip() for c in cells):
            continue
        rows.append((line, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}))
    if not rows:
        raise BadInputError(path, "no rows after the header")
    return rows
