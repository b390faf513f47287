"""Cases and their typed attributes; mapping documents and speakers to cases.

A one-to-one interview belongs to one case; in a focus group each speaker maps to a case.
Attribute values are stored as canonical text and checked against the attribute's type
(text, integer, float, boolean, date), the types REFI-QDA variables use.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import BadInputError, ConflictError, Hint, NotFoundError, QualcodeError
from ..store.models import ATTRIBUTE_TYPES, Attribute, AttributeValue, Case, Document, Speaker
from .core import ProjectCore
from .records import AttributeInfo, CaseInfo

_INT = re.compile(r"^[+-]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?$")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def canonical(value: str, type_: str) -> str:
    """The stored form of ``value`` for an attribute of ``type_``; ValueError if it does not fit."""
    value = value.strip()
    if type_ == "text":
        return value
    if type_ == "integer":
        if not _INT.match(value):
            raise ValueError(f"'{value}' is not a whole number")
        return str(int(value))
    if type_ == "float":
        if not _FLOAT.match(value):
            raise ValueError(f"'{value}' is not a number")
        return repr(float(value))
    if type_ == "boolean":
        if value.lower() in _TRUE:
            return "true"
        if value.lower() in _FALSE:
            return "false"
        raise ValueError(f"'{value}' is not true or false")
    if type_ == "date":
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValueError(f"'{value}' is not a date like 2024-03-31") from None
    raise ValueError(f"unknown attribute type '{type_}'")


def typed(value: str, type_: str) -> Any:
    """The stored text as a Python value (for JSON and reports)."""
    if type_ == "integer":
        return int(value)
    if type_ == "float":
        return float(value)
    if type_ == "boolean":
        return value == "true"
    return value


def infer_type(values: list[str]) -> str:
    """The narrowest type all non-empty values fit; values like '01' or '25-34' stay text."""
    values = [v.strip() for v in values if v.strip()]
    if not values:
        return "text"
    for type_ in ("integer", "float", "date"):
        try:
            if all(canonical(v, type_) == v for v in values):
                return type_
        except ValueError:
            continue
    if all(v.lower() in {"true", "false"} for v in values):
        return "boolean"
    return "text"


class CasesMixin(ProjectCore):
    # -- rows -----------------------------------------------------------------------------
    def _case_row(self, session: Session, name: str, *, create: bool = False) -> Case:
        name = " ".join(name.split())
        if not name:
            raise QualcodeError("a case name cannot be empty")
        case = session.scalar(select(Case).where(Case.name == name))
        if case is None:
            if not create:
                raise NotFoundError(f"no case named '{name}'", Hint("cases-list"))
            case = Case(name=name)
            session.add(case)
            session.flush()
            self._audit(session, "case.create", "case", case.uuid, name=name)
        return case

    def _attribute_row(
        self, session: Session, name: str, *, sample: list[str] | None = None
    ) -> Attribute:
        name = " ".join(name.split())
        if not name:
            raise QualcodeError("an attribute name cannot be empty")
        attribute = session.scalar(select(Attribute).where(Attribute.name == name))
        if attribute is None:
            type_ = infer_type(sample or [])
            attribute = Attribute(name=name, type=type_)
            session.add(attribute)
            session.flush()
            self._audit(
                session, "attribute.create", "attribute", attribute.uuid, name=name, type=type_
            )
        return attribute

    def _set_values(self, session: Session, case: Case, values: dict[str, str]) -> None:
        changes: dict[str, Any] = {}
        for name, raw in values.items():
            attribute = self._attribute_row(session, name, sample=[raw])
            existing = session.get(AttributeValue, (case.id, attribute.id))
            if not raw.strip():
                if existing is not None:
                    changes[attribute.name] = [existing.value, None]
                    session.delete(existing)
                continue
            try:
                value = canonical(raw, attribute.type)
            except ValueError as exc:
                raise QualcodeError(
                    f"case '{case.name}': attribute '{attribute.name}' is {attribute.type}: {exc}"
                ) from None
            if existing is None:
                session.add(AttributeValue(case_id=case.id, attribute_id=attribute.id, value=value))
                changes[attribute.name] = [None, value]
            elif existing.value != value:
                changes[attribute.name] = [existing.value, value]
                existing.value = value
        if changes:
            session.flush()
            self._audit(session, "case.attributes", "case", case.uuid, changes=changes)

    # -- public API ---------------------------------------------------------------------------
    def define_attribute(self, name: str, type_: str) -> AttributeInfo:
        if type_ not in ATTRIBUTE_TYPES:
            raise QualcodeError(
                f"attribute type '{type_}' is not one of {', '.join(ATTRIBUTE_TYPES)}"
            )
        with self._write() as session:
            existing = session.scalar(select(Attribute).where(Attribute.name == name.strip()))
            if existing is not None:
                if existing.type != type_:
                    raise ConflictError(
                        f"attribute '{existing.name}' already exists as {existing.type}"
                    )
                return AttributeInfo(existing.name, existing.type)
            attribute = Attribute(name=" ".join(name.split()), type=type_)
            session.add(attribute)
            session.flush()
            self._audit(
                session, "attribute.create", "attribute", attribute.uuid, name=name, type=type_
            )
            return AttributeInfo(attribute.name, attribute.type)

    def attributes(self) -> list[AttributeInfo]:
        with self._read() as session:
            rows = session.scalars(select(Attribute).order_by(Attribute.name))
            return [AttributeInfo(a.name, a.type) for a in rows]

    def add_case(
        self, name: str, attributes: dict[str, str] | None = None, *, description: str = ""
    ) -> CaseInfo:
        with self._write() as session:
            if session.scalar(select(Case.id).where(Case.name == " ".join(name.split()))):
                raise ConflictError(f"case '{name}' already exists")
            case = self._case_row(session, name, create=True)
            case.description = description
            self._set_values(session, case, attributes or {})
            case_name = case.name
        return self.case(case_name)

    def set_case_attributes(self, name: str, attributes: dict[str, str]) -> CaseInfo:
        """Set attribute values of a case (an empty value removes it); new attributes get the
        narrowest type their value fits."""
        with self._write() as session:
            case = self._case_row(session, name)
            self._set_values(session, case, attributes)
        return self.case(name)

    def assign_document(self, document: str, case: str | None) -> None:
        """Map a whole document to a case (created if new); None removes the mapping."""
        with self._write() as session:
            doc = self._document_row(session, document)
            case_row = self._case_row(session, case, create=True) if case else None
            doc.case_id = case_row.id if case_row else None
            self._audit(
                session, "document.case", "document", doc.uuid, document=document, case=case
            )

    def cases(self) -> list[CaseInfo]:
        with self._read() as session:
            attributes = {a.id: a for a in session.scalars(select(Attribute))}
            docs: dict[int, list[str]] = {}
            for name, case_id in session.execute(
                select(Document.name, Document.case_id).where(Document.case_id.is_not(None))
            ):
                docs.setdefault(case_id, []).append(name)
            speakers: dict[int, list[str]] = {}
            for label, doc_name, case_id in session.execute(
                select(Speaker.label, Document.name, Speaker.case_id)
                .join(Document, Speaker.document_id == Document.id)
                .where(Speaker.case_id.is_not(None))
            ):
                speakers.setdefault(case_id, []).append(f"{doc_name}: {label}")
            out = []
            for case in session.scalars(select(Case).order_by(Case.name)):
                values = {
                    attributes[v.attribute_id].name: typed(v.value, attributes[v.attribute_id].type)
                    for v in case.values
                }
                out.append(
                    CaseInfo(
                        case.name,
                        case.uuid,
                        case.description,
                        dict(sorted(values.items())),
                        tuple(sorted(docs.get(case.id, []))),
                        tuple(sorted(speakers.get(case.id, []))),
                    )
                )
            return out

    def case(self, name: str) -> CaseInfo:
        for info in self.cases():
            if info.name == name:
                return info
        raise NotFoundError(f"no case named '{name}'", Hint("cases-list"))

    def import_cases(self, path: str | Path) -> dict[str, int]:
        """Read a CSV of cases: a ``case`` column, optional ``document`` and ``speaker`` columns
        (map that document, or that speaker in it, to the case), every other column an attribute.
        All rows or none."""
        from ..importers.encoding import decode_bytes

        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BadInputError(path, f"cannot read the file ({exc.strerror})") from exc
        text = decode_bytes(data, path)
        try:
            table = list(csv.reader(io.StringIO(text)))
        except csv.Error as exc:
            raise BadInputError(path, f"not a readable CSV file ({exc})") from exc
        table = [r for r in table if any(cell.strip() for cell in r)]
        if len(table) < 2:
            raise BadInputError(path, "no rows", "the first line must name the columns")
        columns = [c.strip() for c in table[0]]
        rows = [dict(zip(columns, r, strict=False)) for r in table[1:]]
        columns = [c for c in columns if c]
        lower = {c.lower(): c for c in columns}
        if "case" not in lower:
            raise BadInputError(path, "no 'case' column", f"columns: {', '.join(columns)}")
        case_col = lower["case"]
        doc_col, speaker_col = lower.get("document"), lower.get("speaker")
        attr_cols = [c for c in columns if c not in (case_col, doc_col, speaker_col)]
        counts = {"cases": 0, "documents": 0, "speakers": 0}
        with self._write() as session:
            for column in attr_cols:
                self._attribute_row(session, column, sample=[r.get(column) or "" for r in rows])
            seen: set[str] = set()
            for line, row in enumerate(rows, 2):
                name = (row.get(case_col) or "").strip()
                if not name:
                    raise BadInputError(path, f"line {line}: the case name is empty")
                case = self._case_row(session, name, create=True)
                if name not in seen:
                    seen.add(name)
                    counts["cases"] += 1
                try:
                    self._set_values(
                        session, case, {c: row.get(c) or "" for c in attr_cols if row.get(c)}
                    )
                except QualcodeError as exc:
                    raise BadInputError(path, f"line {line}: {exc}") from None
                document = (row.get(doc_col) or "").strip() if doc_col else ""
                speaker = (row.get(speaker_col) or "").strip() if speaker_col else ""
                if not document:
                    continue
                doc = session.scalar(select(Document).where(Document.name == document))
                if doc is None:
                    raise BadInputError(path, f"line {line}: no document named '{document}'")
                if speaker:
                    row_speaker = session.scalar(
                        select(Speaker).where(
                            Speaker.document_id == doc.id, Speaker.label == speaker
                        )
                    )
                    if row_speaker is None:
                        raise BadInputError(
                            path, f"line {line}: document '{document}' has no speaker '{speaker}'"
                        )
                    row_speaker.case_id = case.id
                    counts["speakers"] += 1
                else:
                    doc.case_id = case.id
                    counts["documents"] += 1
            self._audit(session, "cases.import", "project", None, source=str(path), **counts)
        return counts
