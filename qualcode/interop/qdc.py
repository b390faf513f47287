"""REFI-QDA codebooks: the ``Code`` tree shared by ``.qdc`` and ``project.qde``, and ``.qdc`` files.

A REFI code has a GUID, a name, a colour, a codable flag and one ``Description``. Our codes also
have inclusion and exclusion criteria, a typical example and keywords: on export they follow
the definition in the description as labelled paragraphs, so a researcher in NVivo or MAXQDA
reads them; on import they are split off again only from files qualcode wrote (a ``.qdpx`` of
ours also carries them exactly in ``qualcode.json``). Sets have no table here: the project
turns them into memos when it stores them (``qualcode.project.refi_codes``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from .. import __version__
from ..errors import BadInputError, CodebookError, Hint
from ..files import read_small
from ..project.refi_model import RefiCode, RefiCodebook, RefiSet, is_ours
from .refi_xml import CODEBOOK_NS, Deviations, Doc, parse_bool, parse_xml, unread, xml_safe
from .summary import Skips

MAX_QDC_BYTES = 10 * 1024 * 1024
ORIGIN = f"qualcode {__version__}"
SECTIONS = (
    ("inclusion", "Inclusion criteria"),
    ("exclusion", "Exclusion criteria"),
    ("example", "Typical example"),
    ("keywords", "Keywords"),
)
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


# -- descriptions ------------------------------------------------------------------------------
def describe(fields: dict[str, Any]) -> str:
    """The definition, then each non-empty criterion as a labelled paragraph."""
    sections = []
    for key, label in SECTIONS:
        value = fields.get(key)
        if key == "keywords":
            value = "; ".join(value or ())
        if value:
            sections.append(f"{label}: {value}")
    definition = fields.get("definition") or ""
    return "\n\n".join([definition, *sections] if definition else sections)


def undescribe(text: str) -> dict[str, Any]:
    """Split a description written by ``describe`` back into fields (the reverse order of the
    labels, each at its last occurrence)."""
    fields: dict[str, Any] = {}
    rest = text
    for key, label in reversed(SECTIONS):
        marker = f"\n\n{label}: "
        index = rest.rfind(marker)
        if index >= 0:
            value, rest = rest[index + len(marker) :], rest[:index]
        elif rest.startswith(f"{label}: "):
            value, rest = rest[len(label) + 2 :], ""
        else:
            continue
        fields[key] = [k for k in value.split("; ") if k] if key == "keywords" else value
    fields["definition"] = rest
    return fields


# -- reading -----------------------------------------------------------------------------------
def read_codes(doc: Doc, codes: etree._Element | None, ours: bool) -> list[RefiCode]:
    """The ``Code`` elements under ``Codes`` (or under a ``Code``), depth first."""
    if codes is None:
        return []
    out = []
    for element in doc.children(codes, "Code"):
        out.append(_code(doc, element, ours))
    return out


def _code(doc: Doc, element: etree._Element, ours: bool) -> RefiCode:
    devs = doc.deviations
    guid = doc.guid(element.get("guid"), "code")
    if guid is None:
        devs.add("codes without a GUID (given new ones)")
    raw_name = element.get("name")
    if raw_name is None:
        devs.add("codes without a name (called '(unnamed code)')")
    name = (raw_name or "").strip()
    if any(ch in name for ch in "\r\n\t\x0b\x0c"):
        devs.add("code names with line breaks or tabs (joined with spaces)")
        name = " ".join(name.split())
    name = name or "(unnamed code)"
    if element.get("isCodable") is None:
        devs.add("codes without isCodable (read as codable)")
    codable = parse_bool(element.get("isCodable"), True)
    color = element.get("color")
    if color is not None:
        color = color.strip()
        if _COLOR.match(color):
            color = color.upper() if len(color) == 7 else "#" + "".join(c * 2 for c in color[1:])
            color = color.upper()
        else:
            devs.add("colours that are not #RRGGBB (dropped)")
            color = None
    description = doc.text(element, "Description")
    if description is None and element.get("description") is not None:
        devs.add("'description' attributes instead of <Description> (read as the description)")
        description = element.get("description")
    fields: dict[str, Any] = {}
    if description:
        fields = undescribe(description) if ours else {"definition": description}
    code = RefiCode(
        guid=guid,
        name=name,
        codable=codable,
        codable_given=element.get("isCodable") is not None,
        color=color,
        description=description or None,
        fields=fields,
        note_refs=doc.refs(element, "NoteRef"),
    )
    code.children = [_code(doc, child, ours) for child in doc.children(element, "Code")]
    return code


def read_sets(doc: Doc, sets: etree._Element | None) -> list[RefiSet]:
    if sets is None:
        return []
    out = []
    for element in doc.children(sets, "Set"):
        description = doc.text(element, "Description")
        if description is None and element.get("description") is not None:
            doc.deviations.add("'description' attributes on sets")
            description = element.get("description")
        out.append(
            RefiSet(
                guid=doc.guid(element.get("guid"), "set"),
                name=" ".join((element.get("name") or "").split()) or "(unnamed set)",
                description=description or "",
                # Codebook.xsd names the member by @guid, Project.xsd by @targetGUID.
                codes=doc.refs(element, "MemberCode"),
                sources=doc.refs(element, "MemberSource"),
                notes=doc.refs(element, "MemberNote"),
            )
        )
    if not out:
        doc.deviations.add("an empty <Sets/> (the schema wants at least one Set)")
    return out


def read_qdc(path: str | Path) -> RefiCodebook:
    """Read a ``.qdc`` file; deviations from the XSD become warnings, damage an error."""
    path = Path(path)
    data = read_small(path, MAX_QDC_BYTES, "a .qdc codebook")
    if len(data) > MAX_QDC_BYTES:
        limit = MAX_QDC_BYTES // (1024 * 1024)
        raise BadInputError(path, f"larger than {limit} MB: not a codebook")
    if data.startswith(b"PK\x03\x04"):
        raise BadInputError(
            path,
            "is a zip archive (a .qdpx REFI-QDA project?), not a .qdc codebook",
            Hint("import-qdpx", file=path),
        )
    root = parse_xml(data, path)
    deviations = Deviations()
    doc = Doc(root, CODEBOOK_NS, deviations)
    local = etree.QName(root).localname
    if local == "Project":
        raise BadInputError(
            path,
            "is a REFI-QDA project (.qde), not a .qdc codebook",
            Hint("import-qdpx", file=path),
        )
    if local != "CodeBook":
        raise BadInputError(path, f"not a REFI-QDA codebook (the root element is <{local}>)")
    origin = root.get("origin")
    codes_element = doc.child(root, "Codes")
    if codes_element is None:
        deviations.add("no <Codes> element")
    codes = read_codes(doc, codes_element, is_ours(origin))
    sets = read_sets(doc, doc.child(root, "Sets"))
    book = RefiCodebook(codes, sets, origin)
    book.warnings.extend(deviations.warnings())
    skipped = Skips()
    unread(root, doc.ns, None, skipped)
    book.skipped = skipped.lines()
    return book


# -- writing -----------------------------------------------------------------------------------
def code_elements(
    parent: etree._Element,
    tag: Callable[[str], str],
    codes: Sequence[Any],
    children: Callable[[Any], Sequence[Any]],
    notes: dict[int, list[str]] | None = None,
    warn: Callable[[str], None] | None = None,
) -> None:
    """Append a ``Code`` element for each code (and, recursively, its children): anything with
    a code's fields (name, uuid, codable, color, definition, criteria, keywords); ``notes``, by
    the codes' ``id``, are the GUIDs of the notes on each."""
    for code in codes:
        element = etree.SubElement(parent, tag("Code"))
        name, changed = xml_safe(code.name)
        if changed and warn:
            warn(f"code '{name}': characters XML cannot hold were replaced")
        element.set("guid", code.uuid)
        element.set("name", name)
        element.set("isCodable", "true" if code.codable else "false")
        if code.color:
            element.set("color", code.color)
        text = describe(
            {
                "definition": code.definition,
                "inclusion": code.inclusion,
                "exclusion": code.exclusion,
                "example": code.example,
                "keywords": code.keywords or (),
            }
        )
        if text:
            safe, changed = xml_safe(text)
            if changed and warn:
                warn(f"code '{name}': characters XML cannot hold were replaced in its definition")
            etree.SubElement(element, tag("Description")).text = safe
        for note in notes.get(code.id, []) if notes else ():
            etree.SubElement(element, tag("NoteRef")).set("targetGUID", note)
        code_elements(element, tag, children(code), children, notes, warn)


def write_qdc(project: Any, path: str | Path, *, include_archived: bool = False) -> int:
    """Write the project's codebook as a ``.qdc`` (atomically); returns the number of codes."""
    from ..files import write_atomically

    path = Path(path)
    children: dict[tuple[str, ...], list[Any]] = {}
    for code in project.codes():  # codebook order: siblings by position
        children.setdefault(code.names[:-1], []).append(code)

    def kids(code: Any) -> list[Any]:
        return [
            c
            for c in children.get(code.names if code else (), [])
            if include_archived or not c.archived
        ]

    top = kids(None)
    if not top:
        raise CodebookError(f"{path}: the codebook is empty, so there is nothing to export")
    root = etree.Element(etree.QName(CODEBOOK_NS, "CodeBook"), nsmap={None: CODEBOOK_NS})
    root.set("origin", ORIGIN)
    codes = etree.SubElement(root, etree.QName(CODEBOOK_NS, "Codes"))
    code_elements(codes, lambda n: f"{{{CODEBOOK_NS}}}{n}", top, kids)
    count = sum(1 for _ in codes.iter(f"{{{CODEBOOK_NS}}}Code"))
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    write_atomically(path, lambda handle: handle.write(data))
    return count
