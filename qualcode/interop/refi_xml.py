"""Reading REFI-QDA XML safely, whatever namespace version and quirks the producer chose.

Every ``.qdc`` and ``project.qde`` is parsed here with a hardened lxml parser: no network, no DTD
loading, no entity expansion, no huge-tree mode. A document type that declares entities (the
"billion laughs" and external-entity attacks) is refused before lxml sees it. Elements are then
looked up by their local name in the root's namespace, so ``urn:QDA-XML:project:1.0``, the
pre-standard ``…:codebook:0:4`` of ATLAS.ti and the ``…:1:0`` spelling all read the same way;
every such difference is noted as a deviation for the import summary instead of failing.
"""

from __future__ import annotations

import codecs
import re
import uuid as uuid_module
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]

from ..errors import BadInputError
from ..project.refi_keep import GUID_NAMESPACE
from .summary import Skips

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_PROLOG_SCAN = 1024 * 1024
"""How far into a file the document type declaration is looked for."""
_HEX = "[0-9a-fA-F]"
_GUID = re.compile(rf"^\{{?({_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}})\}}?$")
_PLAIN_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_FIRST_ELEMENT = re.compile(r"<[A-Za-z_]")


class Deviations:
    """What the reader tolerated: departures from the XSD, and valid quirks it normalised."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.quirks: Counter[str] = Counter()

    def add(self, what: str, n: int = 1) -> None:
        self.counts[what] += n

    def note(self, what: str, n: int = 1) -> None:
        self.quirks[what] += n

    def warnings(self) -> list[str]:
        out = []
        for title, counter in (
            ("deviations from the REFI-QDA schema", self.counts),
            ("read leniently", self.quirks),
        ):
            if counter:
                shown = [w if n == 1 else f"{w} (x{n:,})" for w, n in counter.items()]
                out.append(f"{title}: " + "; ".join(shown))
        return out


def parse_xml(data: bytes, path: str | Path) -> etree._Element:
    """Parse untrusted XML bytes into an element tree, or raise ``BadInputError``."""
    if not data.strip():
        raise BadInputError(path, "the file is empty")
    if "<!ENTITY" in _prolog(data):
        raise BadInputError(
            path,
            "refused: the XML declares entities (a REFI-QDA file never does; "
            "this is how entity-expansion and external-entity attacks work)",
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        # libxml2 messages can end in a newline; the user gets one line.
        message = " ".join(str(exc.msg or exc).split(", line ")[0].split())
        line = f" at line {exc.lineno}" if exc.lineno else ""
        raise BadInputError(path, f"not well-formed XML{line}: {message}") from None
    except ValueError as exc:  # e.g. an encoding declaration lxml cannot use
        raise BadInputError(path, f"cannot be read as XML: {' '.join(str(exc).split())}") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise BadInputError(path, "refused: the XML declares entities")
    return root


def _prolog(data: bytes) -> str:
    """The text before the root element, decoded the way the file is likely encoded."""
    head = data[:_PROLOG_SCAN]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="replace")
    elif head[:2] == b"<\x00":
        text = head.decode("utf-16-le", errors="replace")
    elif head[:2] == b"\x00<":
        text = head.decode("utf-16-be", errors="replace")
    else:
        text = head.decode("utf-8", errors="replace")
    match = _FIRST_ELEMENT.search(text)
    return text[: match.start()] if match else text


class Doc:
    """Element lookups by local name in the root's namespace."""

    def __init__(self, root: etree._Element, expected_ns: str, deviations: Deviations) -> None:
        self.root = root
        self.deviations = deviations
        self.ns = etree.QName(root).namespace or ""
        if self.ns != expected_ns:
            shown = self.ns or "none"
            deviations.add(f"namespace {shown} (the standard's is {expected_ns})")
        self._prefix = f"{{{self.ns}}}" if self.ns else ""

    def tag(self, name: str) -> str:
        return self._prefix + name

    def child(self, element: etree._Element, name: str) -> etree._Element | None:
        return element.find(self._prefix + name)

    def children(self, element: etree._Element, name: str) -> Iterator[etree._Element]:
        return element.iterchildren(self._prefix + name)

    def text(self, element: etree._Element, name: str) -> str | None:
        """The text of a child element; None when it is absent, "" when empty."""
        found = element.find(self._prefix + name)
        if found is None:
            return None
        return "".join(found.itertext())

    def refs(self, element: etree._Element, name: str, attribute: str = "targetGUID") -> list[str]:
        out = []
        for ref in self.children(element, name):
            guid = self.guid(ref.get(attribute) or ref.get("guid"), f"{name} reference")
            if guid:
                out.append(guid)
        return out

    def guid(self, value: str | None, what: str) -> str | None:
        """A GUID as our uuid: lower case, braces stripped; malformed ones become a name-based
        uuid (stable across imports) and are noted."""
        if value is None or not value.strip():
            return None
        if _PLAIN_GUID.match(value):  # the common case: already as we store it
            return value
        value = value.strip()
        match = _GUID.match(value)
        if match is None:
            self.deviations.add(f"malformed GUIDs (replaced by stable name-based ones): {what}")
            return str(uuid_module.uuid5(GUID_NAMESPACE, value))
        plain = match.group(1)
        if value.startswith("{"):
            self.deviations.note("GUIDs in braces (braces dropped)")
        elif plain != plain.lower():
            self.deviations.note("upper-case GUIDs (read as lower case)")
        return plain.lower()


def parse_bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    value = value.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    return default


def parse_datetime(value: str | None) -> datetime | None:
    """An xsd:dateTime as an aware UTC datetime (no zone = UTC); None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def format_datetime(value: datetime) -> str:
    """xsd:dateTime in UTC with a ``Z``; microseconds kept when there are any."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat() + "Z"


_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> tuple[str, bool]:
    """``text`` with the characters XML 1.0 cannot hold replaced by U+FFFD; and whether any were."""
    if _XML_UNSAFE.search(text) is None:
        return text, False
    return _XML_UNSAFE.sub("\ufffd", text), True


def has_unsafe(text: str) -> bool:
    """True if the text cannot go into XML exactly (a forbidden character, or a CR that some
    readers would turn into a line feed)."""
    return _XML_UNSAFE.search(text) is not None or "\r" in text


KNOWN: dict[str, frozenset[str]] = {
    name: frozenset(children.split())
    for name, children in {
        "Project": "Users CodeBook Variables Cases Sources Notes Links Sets Graphs Description "
        "NoteRef",
        "Users": "User",
        "CodeBook": "Codes Sets",
        "Codes": "Code",
        "Code": "Description NoteRef Code",
        "Variables": "Variable",
        "Variable": "Description",
        "Cases": "Case",
        "Case": "Description CodeRef VariableValue SourceRef SelectionRef",
        "VariableValue": "VariableRef TextValue BooleanValue IntegerValue FloatValue DateValue "
        "DateTimeValue",
        "Sources": "TextSource PDFSource PictureSource AudioSource VideoSource",
        "TextSource": "Description PlainTextContent PlainTextSelection Coding NoteRef "
        "VariableValue",
        "PlainTextSelection": "Description Coding NoteRef",
        "Coding": "CodeRef NoteRef",
        "Notes": "Note",
        "Note": "PlainTextContent",
        "Links": "Link",
        "Sets": "Set",
        "Set": "Description MemberCode MemberSource MemberNote",
    }.items()
}
"""The children each element may have that the reader reads (by local name). Elements not
listed here (User, Description, references, values) are read whole by their parents; the
non-text sources and Graphs are skipped whole elsewhere."""


def unread(root: etree._Element, ns: str, book_ns: str | None, skipped: Skips) -> None:
    """List every non-empty element the reader does not read, by where it sits."""
    namespaces = {ns, book_ns}
    stack = [root]
    while stack:
        element = stack.pop()
        parent = etree.QName(element).localname
        known = KNOWN.get(parent)
        if known is None:
            continue
        for child in element:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child)
            if name.namespace in namespaces and name.localname in known:
                stack.append(child)
            elif len(child) or (child.text or "").strip() or child.attrib:
                where = name.localname if name.namespace in namespaces else child.tag
                skipped.add(f"<{where}> elements in <{parent}> (not read)")
