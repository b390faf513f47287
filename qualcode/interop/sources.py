"""Text sources and notes of a REFI-QDA project: finding their text, decoding it, and turning
their selections into codings at our offsets.

Text comes from ``PlainTextContent`` or a ``plainTextPath``: ``internal://`` names a file in
the archive's ``sources/`` folder (any case), ``relative://`` and scheme-less names are looked
up there and then at the top, and for an ``absolute://`` path only its file name is looked for
inside the archive. Nothing outside the archive is read; a bare ``.qde`` reads only files in its
own folder.
"""

from __future__ import annotations

import codecs
from pathlib import Path, PurePosixPath

from lxml import etree  # type: ignore[import-untyped]

from ..errors import BadInputError
from ..importers.base import MAX_FILE_BYTES
from ..project.refi_model import RefiCoding, RefiComment, RefiSource
from .offsets import BOM, Convention, OffsetMap, normalise_text
from .refi_xml import Doc, parse_datetime
from .summary import Skips
from .zipsafe import QdpxArchive

VALUE_TAGS = (
    "TextValue",
    "BooleanValue",
    "IntegerValue",
    "FloatValue",
    "DateValue",
    "DateTimeValue",
)


def variable_values(doc: Doc, element: etree._Element) -> list[tuple[str, str]]:
    """(variable GUID, value text) of each ``VariableValue`` child."""
    out = []
    for value in doc.children(element, "VariableValue"):
        refs = doc.refs(value, "VariableRef")
        found = next(
            (doc.text(value, t) for t in VALUE_TAGS if doc.child(value, t) is not None), None
        )
        if refs and found is not None:
            out.append((refs[0], found))
    return out


def decode(data: bytes) -> tuple[str, str | None]:
    """The text of a source file (a UTF-8 BOM is kept: the offset map knows it), and a warning
    when it was not UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "UTF-16 text (the standard says UTF-8)"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "not UTF-8: read as Windows-1252"


class PendingSource:
    """A text source read from the file, with its selections still in the producer's units."""

    def __init__(self, doc: Doc, element: etree._Element, guid: str, name: str, raw: str) -> None:
        self.doc = doc
        self.element = element
        self.guid = guid
        self.name = name
        self.raw = raw
        self.selections = list(doc.children(element, "PlainTextSelection"))
        self.has_crlf = "\r\n" in raw

    def positions(self) -> list[tuple[int, int]]:
        out = []
        for selection in self.selections:
            try:
                out.append((int(selection.get("startPosition")), int(selection.get("endPosition"))))
            except (TypeError, ValueError):
                continue
        return out

    def ambiguous(self) -> bool:
        """Whether the counting conventions disagree anywhere in this text."""
        return bool(self.selections) and (
            self.has_crlf
            or self.raw.startswith(BOM)
            or (bool(self.raw) and max(self.raw) > "\uffff")
        )

    def build(
        self, convention: Convention, codes: set[str], ours: bool, skipped: Skips
    ) -> RefiSource | None:
        doc = self.doc
        mapping = OffsetMap(self.raw, convention, normalise=not ours)
        text = mapping.text
        if not text.strip():
            skipped.add("sources with no text", self.name)
            return None
        source = RefiSource(
            guid=self.guid,
            name=self.name,
            text=text,
            created=parse_datetime(self.element.get("creationDateTime")),
            note_refs=doc.refs(self.element, "NoteRef"),
            values=variable_values(doc, self.element),
            description=(doc.text(self.element, "Description") or "").strip() or None,
        )
        named = sum(1 for s in self.selections if (s.get("name") or "").strip())
        if named and not ours:
            skipped.add("names of selections (a coding has no name here)", n=named)
        for selection in self.selections:
            codings = list(doc.children(selection, "Coding"))
            try:
                raw_start = int(selection.get("startPosition"))
                raw_end = int(selection.get("endPosition"))
            except (TypeError, ValueError):
                why = "codings on selections without readable positions"
                skipped.add(why, n=max(len(codings), 1))
                continue
            span = mapping.span(raw_start, raw_end)
            if span is None:
                outside = max(raw_start, raw_end) > mapping.total or min(raw_start, raw_end) < 0
                why = "beyond the end of the text" if outside else "empty or reversed"
                skipped.add(f"codings on selections {why}", n=max(len(codings), 1))
                continue
            user = doc.guid(selection.get("creatingUser"), "user")
            created = parse_datetime(selection.get("creationDateTime"))
            selection_guid = doc.guid(selection.get("guid"), "selection")
            first = None
            for element in codings:
                coding = self._coding(element, span, user, created, codes, skipped)
                if coding is not None:
                    coding.selection = selection_guid
                    source.codings.append(coding)
                    first = first or coding.guid
            for note in doc.refs(selection, "NoteRef"):
                source.selection_notes.append((note, first or "", span[0], span[1], selection_guid))
            comment = (doc.text(selection, "Description") or "").strip()
            if comment:
                source.comments.append(RefiComment(span[0], span[1], comment, user, created, first))
        for element in doc.children(self.element, "Coding"):
            coding = self._coding(element, (0, len(text)), None, None, codes, skipped)
            if coding is not None:
                source.codings.append(coding)
        return source

    def _coding(
        self,
        element: etree._Element,
        span: tuple[int, int],
        user: str | None,
        created: object,
        codes: set[str],
        skipped: Skips,
    ) -> RefiCoding | None:
        doc = self.doc
        refs = doc.refs(element, "CodeRef")
        if not refs:
            skipped.add("codings without a code reference")
            return None
        if len(refs) > 1:
            skipped.add(
                "extra code references of codings (a Coding has one; the first is read)",
                n=len(refs) - 1,
            )
        if refs[0] not in codes:
            skipped.add("codings of a code GUID that is not in the codebook")
            return None
        return RefiCoding(
            guid=doc.guid(element.get("guid"), "coding"),
            code=refs[0],
            user=doc.guid(element.get("creatingUser"), "user") or user,
            created=parse_datetime(element.get("creationDateTime")) or created,  # type: ignore[arg-type]
            start=span[0],
            end=span[1],
            note_refs=doc.refs(element, "NoteRef"),
        )


class SourceReader:
    """Finds and decodes the text of sources and notes, in the archive or beside a ``.qde``."""

    def __init__(self, path: Path, archive: QdpxArchive | None, base: Path | None) -> None:
        self.path = path
        self.archive = archive
        self.base = base.resolve() if base is not None else None
        self.ours = False
        self._folder: str | None = None
        self._folder_checked = False

    def _sources_folder(self) -> str | None:
        """The name of the folder of texts beside a bare ``.qde``: ``sources`` in any case
        (NVivo for Windows writes ``Sources``)."""
        if not self._folder_checked:
            assert self.base is not None
            self._folder_checked = True
            names = sorted(
                p.name for p in self.base.iterdir() if p.name.lower() == "sources" and p.is_dir()
            )
            self._folder = "sources" if "sources" in names else (names[0] if names else None)
        return self._folder

    def member(self, name: str) -> bytes | None:
        data, _problem = self._bytes(name)
        return data

    def text_source(
        self, doc: Doc, element: etree._Element, skipped: Skips, warnings: list[str]
    ) -> PendingSource | None:
        guid = doc.guid(element.get("guid"), "source")
        reference = element.get("plainTextPath")
        name = " ".join((element.get("name") or "").split())
        if not name:
            doc.deviations.note("sources without a name (named after their file)")
        if not name and reference:
            name = PurePosixPath(reference.split("://")[-1].replace("\\", "/")).stem
        name = name or (guid[:8] if guid else "source")
        if guid is None:
            skipped.add("sources without a GUID", name)
            return None
        if element.get("richTextPath") and not self.ours:
            skipped.add("rich-text versions of sources (.docx; their plain text is imported)", name)
        raw = self._text(doc, element, skipped, warnings, name)
        if raw is None:
            return None
        return PendingSource(doc, element, guid, name, raw)

    def note_text(
        self, doc: Doc, element: etree._Element, skipped: Skips, warnings: list[str]
    ) -> str | None:
        name = element.get("name") or element.get("guid") or "note"
        raw = self._text(doc, element, skipped, warnings, name, what="notes")
        if raw is None:
            return None
        return raw if self.ours else normalise_text(raw)

    def _text(
        self,
        doc: Doc,
        element: etree._Element,
        skipped: Skips,
        warnings: list[str],
        name: str,
        what: str = "sources",
    ) -> str | None:
        reference = element.get("plainTextPath")
        inline = doc.text(element, "PlainTextContent")
        if reference:
            data, problem = self._bytes(reference)
            if data is not None:
                if len(data) > MAX_FILE_BYTES:
                    skipped.add(f"{what} whose text is larger than 64 MB", name)
                    return None
                text, warning = decode(data)
                if warning:
                    warnings.append(f"'{name}': {warning}")
                if "\x00" in text:
                    skipped.add(f"{what} whose text is binary", name)
                    return None
                return text
            if inline is None:
                skipped.add(f"{what} whose text file is {problem}", name)
                return None
        if inline is None:
            skipped.add(f"{what} without text", name)
            return None
        return inline

    def _bytes(self, reference: str) -> tuple[bytes | None, str]:
        scheme, sep, rest = reference.partition("://")
        if not sep:
            scheme, rest = "", reference
        rest = rest.replace("\\", "/")
        while rest.startswith("./"):
            rest = rest[2:]
        if scheme.lower() in ("absolute", "file") or rest.startswith("/") or rest[1:2] == ":":
            rest = PurePosixPath(rest.replace("\\", "/")).name
        candidates = [f"sources/{rest}", rest]
        if self.archive is not None:
            for candidate in candidates:
                found = self.archive.find(candidate)
                if found:
                    try:
                        return self.archive.read(found), ""
                    except BadInputError as exc:
                        return None, exc.problem
            return None, "not in the archive"
        assert self.base is not None
        folder = self._sources_folder()
        if folder is not None:
            candidates[0] = f"{folder}/{rest}"
        for candidate in candidates:
            target = (self.base / candidate).resolve()
            if not target.is_relative_to(self.base):
                return None, "outside the project's folder (not read)"
            if target.is_file():
                try:
                    with target.open("rb") as handle:
                        return handle.read(MAX_FILE_BYTES + 1), ""
                except OSError as exc:
                    return None, f"unreadable ({exc.strerror or exc})"
        return None, "missing"
