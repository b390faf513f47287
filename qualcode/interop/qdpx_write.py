"""Exporting a project as a ``.qdpx``: ``project.qde`` (valid against Project-mrt2019.xsd),
each document's text as ``sources/<uuid>.txt`` (UTF-8) and ``qualcode.json`` (see ``extras``).

Every row keeps its uuid as its GUID, so exporting twice gives the same GUIDs and an imported
project exports with the GUIDs it came with. Codings on the same span become one
``PlainTextSelection`` (its GUID derived from the document and the span) with a ``Coding`` per
code and coder; positions are code points, or UTF-16 units on request for tools that count
so. Memos become notes: ``NoteRef`` on their code, document or coding, on the project, and a
``Link`` from the note for memos on cases (a REFI case cannot hold a ``NoteRef``).

What an import kept for the way back (``keep``) is given back: the project's name, selection
GUIDs, titled notes as they were, a note on a selection without a coding on its span, the
descriptions of the project and its sources, and sets as sets. What the file cannot hold is
listed in the summary (``ExportSummary.lost``).
"""

from __future__ import annotations

import uuid as uuid_module
import zipfile
from collections import defaultdict, namedtuple
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from ..files import write_atomically
from ..project.snapshot import CodeRow, Snapshot
from . import extras, keep
from .losses import lost
from .qdc import ORIGIN, code_elements
from .refi_xml import GUID_NAMESPACE, PROJECT_NS, format_datetime, has_unsafe, xml_safe
from .sets import write_sets
from .summary import ExportSummary

Progress = Callable[[int, int, str], None]
TYPES = {
    "text": "Text",
    "integer": "Integer",
    "float": "Float",
    "boolean": "Boolean",
    "date": "Date",
}
VALUE_TAGS = {
    "text": "TextValue",
    "integer": "IntegerValue",
    "float": "FloatValue",
    "boolean": "BooleanValue",
    "date": "DateValue",
}


_Coder = namedtuple("_Coder", "id uuid name role")
_Attribute = namedtuple("_Attribute", "id uuid name type description")
_Case = namedtuple("_Case", "id uuid name description")
_Value = namedtuple("_Value", "case_id attribute_id value")
_Document = namedtuple(
    "_Document", "id uuid name kind text source_name source_format imported_at case_id"
)
_Speaker = namedtuple("_Speaker", "id document_id label role case_id")
_Turn = namedtuple("_Turn", "document_id start body_start end speaker_id ts_start ts_end")
_Coding = namedtuple(
    "_Coding", "id uuid document_id code_id coder_id start end origin favourite created_at"
)
_Memo = namedtuple(
    "_Memo",
    "uuid coder_id document_id code_id coding_id case_id text created_at updated_at",
)
"""The rows of a snapshot as the writers below (and ``sets``, ``losses``) link them: by id."""

_TAGS: dict[str, str] = {}


def _tag(name: str) -> str:
    tag = _TAGS.get(name)
    if tag is None:
        tag = _TAGS[name] = f"{{{PROJECT_NS}}}{name}"
    return tag


def _sub(parent: etree._Element, tag: str, /, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, _tag(tag), attributes)


def export_qdpx(
    project: Any, path: str | Path, *, progress: Progress | None = None, utf16: bool = False
) -> ExportSummary:
    """Write the whole project (all coders' active codings, memos, cases) to ``path``."""
    path = Path(path)
    summary = ExportSummary(str(path))
    rows = _Rows(project.snapshot(counts=True))
    name = rows.kept.project_name or Path(project.name).stem
    data, files = _build(name, rows, summary, progress, utf16)
    sidecar = extras.dump(rows.extras())
    summary.lost = lost(rows)

    def write(handle: Any) -> None:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("project.qde", data)
            for name, content in files.items():
                archive.writestr(name, content)
            archive.writestr(extras.NAME, sidecar)

    write_atomically(path, write)
    summary.counts = {
        "codes": len(rows.tree.codes),
        "documents": len(rows.documents),
        "coders": len(rows.users),
        "codings": len(rows.codings),
        "memos": len(rows.memos),
        "cases": len(rows.cases),
        "attributes": len(rows.attributes),
    }
    if rows.sets_written:
        summary.counts["sets"] = rows.sets_written
    return summary


def _build(
    name: str, rows: _Rows, summary: ExportSummary, progress: Progress | None, utf16: bool
) -> tuple[bytes, dict[str, bytes]]:
    """``project.qde`` and the files beside it."""
    root = etree.Element(_tag("Project"), nsmap={None: PROJECT_NS})
    root.set("name", name or "qualcode project")
    root.set("origin", ORIGIN + (" (UTF-16 offsets)" if utf16 else ""))
    root.set("modifiedDateTime", format_datetime(datetime.now(UTC)))
    memos = rows.memos_by_target()
    users = _sub(root, "Users")
    for coder in rows.users:
        _sub(users, "User", guid=coder.uuid, name=xml_safe(coder.name)[0])
    if rows.tree.codes:
        book = _sub(_sub(root, "CodeBook"), "Codes")
        code_notes = {
            code_id: [m.uuid for m in found if m.uuid not in rows.set_memos]
            for code_id, found in memos["code"].items()
            if code_id is not None
        }
        code_elements(
            book,
            _tag,
            rows.tree.children.get(None, []),
            lambda c: rows.tree.children.get(c.id, []),
            code_notes,
            summary.warnings.append,
        )
    _variables_and_cases(root, rows)
    files: dict[str, bytes] = {}
    if rows.documents:
        sources = _sub(root, "Sources")
        for index, document in enumerate(rows.documents, 1):
            _source(sources, document, rows, memos, utf16, files)
            if progress:
                progress(index, len(rows.documents), document.name)
    _notes(root, rows, memos, files)
    write_sets(root, rows, _sub)
    described = [m.text for m in memos["project"].get(None, []) if m.uuid in rows.described]
    if described:
        _sub(root, "Description").text = xml_safe("\n\n".join(described))[0]
    for memo in memos["project"].get(None, []):
        if memo.uuid not in rows.described:
            _sub(root, "NoteRef", targetGUID=memo.uuid)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data, files


class _Tree:
    """The code tree as the writers walk it: every code by row id, children by position."""

    def __init__(self, codes: tuple[CodeRow, ...]) -> None:
        self.codes = sorted(codes, key=lambda c: c.id)
        self.children: dict[int | None, list[CodeRow]] = defaultdict(list)
        for code in self.codes:
            self.children[code.parent_id].append(code)
        for siblings in self.children.values():
            siblings.sort(key=lambda c: (c.position, c.id))


class _Rows:
    """Everything exported, from one snapshot (one read transaction), as rows linked by id."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.tree = _Tree(snapshot.codes)
        self.coders = [_Coder(c.id, c.uuid, c.name, c.role) for c in snapshot.coders]  # by name
        self.attributes = [
            _Attribute(a.id, a.uuid, a.name, a.type, a.description) for a in snapshot.attributes
        ]
        self.cases = [_Case(c.id, c.uuid, c.name, c.description) for c in snapshot.cases]
        case_id = {c.name: c.id for c in snapshot.cases}
        attribute_id = {a.name: a.id for a in snapshot.attributes}
        self.values = [
            _Value(c.id, attribute_id[name], value)
            for c in snapshot.cases
            for name, value in c.values
        ]
        self.documents = [
            _Document(
                d.id,
                d.uuid,
                d.name,
                d.kind,
                d.text,
                d.source_name,
                d.source_format,
                d.imported_at,
                case_id.get(d.case) if d.case is not None else None,
            )
            for d in snapshot.documents
        ]
        self.speakers = []
        self.turns = []
        for d in sorted(snapshot.documents, key=lambda d: d.id):
            speakers = sorted(d.speakers, key=lambda s: s.id)
            self.speakers.extend(
                _Speaker(s.id, d.id, s.label, s.role, case_id.get(s.case) if s.case else None)
                for s in speakers
            )
            label_id = {s.label: s.id for s in speakers}
            self.turns.extend(
                _Turn(
                    d.id,
                    t.start,
                    t.body_start,
                    t.end,
                    label_id.get(t.speaker) if t.speaker is not None else None,
                    t.ts_start,
                    t.ts_end,
                )
                for t in d.turns
            )
        document_id = {d.uuid: d.id for d in snapshot.documents}
        code_id = {c.uuid: c.id for c in snapshot.codes}
        coder_id = {c.name: c.id for c in snapshot.coders}
        self.codings = sorted(
            (
                _Coding(
                    c.id,
                    c.uuid,
                    document_id[c.document],
                    code_id[c.code],
                    coder_id[c.coder],
                    c.start,
                    c.end,
                    c.origin,
                    c.favourite,
                    c.created_at,
                )
                for c in snapshot.codings
            ),
            key=lambda c: (c.document_id, c.start, c.end, c.id),
        )
        self.memos = []
        for m in sorted(snapshot.memos, key=lambda m: (m.created_at, m.id)):
            target = {m.target_type: m.target_id}
            self.memos.append(
                _Memo(
                    m.uuid,
                    coder_id[m.coder],
                    target.get("document"),
                    target.get("code"),
                    target.get("coding"),
                    target.get("case"),
                    m.text,
                    m.created_at,
                    m.updated_at,
                )
            )
        self._by_document: dict[int, list[Any]] = defaultdict(list)
        for coding in self.codings:
            self._by_document[coding.document_id].append(coding)
        self.coder_uuid = {c.id: c.uuid for c in self.coders}
        self.case_uuid = {c.id: c.uuid for c in self.cases}
        self.document_uuid = {d.id: d.uuid for d in self.documents}
        self.code_uuid = {c.id: c.uuid for c in self.tree.codes}
        self.kept = keep.Kept({k: v for k, v in snapshot.settings if k.startswith(keep.PREFIX)})
        self.described = set(self.kept.descriptions)
        memo_ids = {m.uuid for m in self.memos}
        self.set_memos = {u for _g, _n, _d, found in self.kept.sets for u in found if u in memo_ids}
        self.sets_written = 0
        used = {c.coder_id for c in self.codings} | {m.coder_id for m in self.memos}
        # The consensus coder every project has is no user of the file until it has coded.
        self.users = [c for c in self.coders if c.role != "consensus" or c.id in used]

    def codings_of(self, document_id: int) -> list[Any]:
        return self._by_document.get(document_id, [])

    def memos_by_target(self) -> dict[str, dict[int | None, list[Any]]]:
        out: dict[str, dict[int | None, list[Any]]] = {
            k: defaultdict(list) for k in ("project", "document", "code", "coding", "case")
        }
        for memo in self.memos:
            for kind in ("document", "code", "coding", "case"):
                target = getattr(memo, f"{kind}_id")
                if target is not None:
                    out[kind][target].append(memo)
                    break
            else:
                out["project"][None].append(memo)
        return out

    def extras(self) -> dict[str, Any]:
        by_document: dict[int, list[Any]] = defaultdict(list)
        for speaker in self.speakers:
            by_document[speaker.document_id].append(speaker)
        turns: dict[int, list[Any]] = defaultdict(list)
        for turn in self.turns:
            turns[turn.document_id].append(turn)
        documents = {}
        for doc in self.documents:
            index = {s.id: i for i, s in enumerate(by_document[doc.id])}
            documents[doc.uuid] = {
                "kind": doc.kind,
                "source_name": doc.source_name,
                "source_format": doc.source_format,
                "speakers": [
                    [s.label, s.role, self.case_uuid.get(s.case_id)] for s in by_document[doc.id]
                ],
                "turns": [
                    [t.start, t.body_start, t.end, index.get(t.speaker_id), t.ts_start, t.ts_end]
                    for t in turns[doc.id]
                ],
            }
        return {
            "codes": {
                c.uuid: {
                    "definition": c.definition,
                    "inclusion": c.inclusion,
                    "exclusion": c.exclusion,
                    "example": c.example,
                    "keywords": list(c.keywords or []),
                    "archived": c.archived,
                }
                for c in self.tree.codes
            },
            "coders": {c.uuid: c.role for c in self.coders if c.role != "coder"},
            "documents": documents,
            "note_titles": {
                u: list(t) for u, t in self.kept.titles.items() if u in {m.uuid for m in self.memos}
            },
            "codings": {
                "origin": {c.uuid: c.origin for c in self.codings if c.origin != "manual"},
                "favourite": [c.uuid for c in self.codings if c.favourite],
            },
        }


def _variables_and_cases(root: etree._Element, rows: _Rows) -> None:
    attributes = {a.id: a for a in rows.attributes}
    if rows.attributes:
        variables = _sub(root, "Variables")
        for attribute in rows.attributes:
            element = _sub(
                variables,
                "Variable",
                guid=attribute.uuid,
                name=xml_safe(attribute.name)[0],
                typeOfVariable=TYPES[attribute.type],
            )
            if attribute.description:
                _sub(element, "Description").text = xml_safe(attribute.description)[0]
    if not rows.cases:
        return
    values: dict[int, list[Any]] = defaultdict(list)
    for value in rows.values:
        values[value.case_id].append(value)
    members: dict[int, list[str]] = defaultdict(list)
    for doc in rows.documents:
        if doc.case_id is not None:
            members[doc.case_id].append(doc.uuid)
    cases = _sub(root, "Cases")
    for case in rows.cases:
        element = _sub(cases, "Case", guid=case.uuid, name=xml_safe(case.name)[0])
        if case.description:
            _sub(element, "Description").text = xml_safe(case.description)[0]
        for value in sorted(values[case.id], key=lambda v: attributes[v.attribute_id].name):
            attribute = attributes[value.attribute_id]
            holder = _sub(element, "VariableValue")
            _sub(holder, "VariableRef", targetGUID=attribute.uuid)
            text = value.value
            if attribute.type == "float":
                text = format(Decimal(text), "f")
            _sub(holder, VALUE_TAGS[attribute.type]).text = xml_safe(text)[0]
        for document in members[case.id]:
            _sub(element, "SourceRef", targetGUID=document)


def _source(
    sources: etree._Element,
    document: Any,
    rows: _Rows,
    memos: dict[str, Any],
    utf16: bool,
    files: dict[str, bytes],
) -> None:
    from .offsets import utf16_units

    units = utf16_units(document.text) if utf16 else None
    element = _sub(
        sources,
        "TextSource",
        guid=document.uuid,
        name=xml_safe(document.name)[0],
        plainTextPath=f"internal://{document.uuid}.txt",
        creationDateTime=format_datetime(document.imported_at),
    )
    files[f"sources/{document.uuid}.txt"] = document.text.encode("utf-8", "surrogatepass")
    described = [m for m in memos["document"].get(document.id, []) if m.uuid in rows.described]
    if described:
        _sub(element, "Description").text = xml_safe("\n\n".join(m.text for m in described))[0]
    known = rows.kept.selections.get(document.uuid, {})
    # Codings by selection: the GUID the import kept, else one derived from the span. A kept
    # GUID stays with one span only (a coding moved since, or a file that reused a GUID):
    # codings on another span get their span's derived GUID, so no coding loses its span.
    selections: dict[str, list[Any]] = defaultdict(list)
    spans: dict[str, tuple[int, int]] = {}
    for coding in rows.codings_of(document.id):
        span = (coding.start, coding.end)
        guid = known.get(coding.uuid)
        if guid is None or spans.setdefault(guid, span) != span:
            guid = keep.derived_selection(document.uuid, *span)
            spans.setdefault(guid, span)
        selections[guid].append(coding)
    on_spans: list[tuple[int, int, str, Any]] = []
    for memo in memos["document"].get(document.id, []):
        span = rows.kept.spans.get(memo.uuid)
        if span is not None and 0 <= span[0] < span[1] <= len(document.text):
            guid = span[2] or keep.derived_selection(document.uuid, span[0], span[1])
            if spans.setdefault(guid, span[:2]) != span[:2]:
                guid = keep.derived_selection(document.uuid, span[0], span[1])
                spans.setdefault(guid, span[:2])
            on_spans.append((span[0], span[1], guid, memo))

    def position(at: int) -> str:
        return str(int(units[at]) if units is not None else at)

    for guid, codings in selections.items():
        first = min(codings, key=lambda c: c.created_at)
        selection = _sub(
            element,
            "PlainTextSelection",
            guid=guid,
            startPosition=position(first.start),
            endPosition=position(first.end),
            creatingUser=rows.coder_uuid[first.coder_id],
            creationDateTime=format_datetime(first.created_at),
        )
        for coding in codings:
            tag = _sub(
                selection,
                "Coding",
                guid=coding.uuid,
                creatingUser=rows.coder_uuid[coding.coder_id],
                creationDateTime=format_datetime(coding.created_at),
            )
            _sub(tag, "CodeRef", targetGUID=rows.code_uuid[coding.code_id])
            for memo in memos["coding"].get(coding.id, []):
                _sub(tag, "NoteRef", targetGUID=memo.uuid)
        for _start, _end, span_guid, memo in on_spans:
            if span_guid == guid:
                _sub(selection, "NoteRef", targetGUID=memo.uuid)
    spanned = set()
    written: set[str] = set(selections)
    for start, end, guid, memo in on_spans:
        spanned.add(memo.uuid)
        if guid in written:
            continue
        written.add(guid)
        selection = _sub(
            element,
            "PlainTextSelection",
            guid=guid,
            startPosition=position(start),
            endPosition=position(end),
            creatingUser=rows.coder_uuid[memo.coder_id],
            creationDateTime=format_datetime(memo.created_at),
        )
        for _s, _e, same, other in on_spans:
            if same == guid:
                _sub(selection, "NoteRef", targetGUID=other.uuid)
    for memo in memos["document"].get(document.id, []):
        if memo.uuid not in spanned | rows.described | rows.set_memos:
            _sub(element, "NoteRef", targetGUID=memo.uuid)


def _notes(
    root: etree._Element, rows: _Rows, memos: dict[str, Any], files: dict[str, bytes]
) -> None:
    written = [
        m for m in rows.memos if m.uuid not in rows.described and m.uuid not in rows.set_memos
    ]
    if not written:
        return
    notes = _sub(root, "Notes")
    for memo in written:
        title, prefixed = rows.kept.titles.get(memo.uuid, (None, False))
        text = memo.text
        if title is not None:
            name = title
            if prefixed and text == title:
                text = ""
            elif prefixed and text.startswith(f"{title}\n\n"):
                text = text[len(title) + 2 :]
        else:
            first_line = " ".join(text.split())
            name = first_line if len(first_line) <= 50 else first_line[:49] + "…"
        element = _sub(
            notes,
            "Note",
            guid=memo.uuid,
            name=xml_safe(name)[0],
            creatingUser=rows.coder_uuid[memo.coder_id],
            creationDateTime=format_datetime(memo.created_at),
            modifiedDateTime=format_datetime(memo.updated_at),
        )
        if has_unsafe(text):
            # Characters XML cannot carry exactly: the text goes in a file instead.
            files[f"sources/{memo.uuid}.txt"] = text.encode("utf-8", "surrogatepass")
            element.set("plainTextPath", f"internal://{memo.uuid}.txt")
        else:
            _sub(element, "PlainTextContent").text = text
    case_memos = [m for found in memos["case"].values() for m in found]
    if case_memos:
        links = _sub(root, "Links")
        for memo in case_memos:
            _sub(
                links,
                "Link",
                guid=str(uuid_module.uuid5(GUID_NAMESPACE, f"link:{memo.uuid}")),
                name="memo",
                direction="OneWay",
                originGUID=memo.uuid,
                targetGUID=rows.case_uuid[memo.case_id],
            )
