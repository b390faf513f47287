"""Reading a ``.qdpx`` (or a bare ``project.qde``) into a checked ``RefiProject``.

Nothing here touches a project: the whole file is read, every text decoded and every selection
converted to our offsets first, so that storing it (``Project.import_refi_project``) is one
transaction that either holds all of it or nothing. What cannot be used is listed, with the
reason, in ``RefiProject.skipped``; departures from the schema that were tolerated in
``warnings``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]

from ..errors import BadInputError, Hint
from ..importers.base import MAX_UNZIPPED_BYTES
from ..project.refi_model import (
    RefiCase,
    RefiCodebook,
    RefiNote,
    RefiProject,
    RefiUser,
    RefiVariable,
    is_ours,
)
from . import extras
from .offsets import CODE_POINTS, CRLF_AS_ONE, UTF16, convention_for, guess_convention
from .qdc import read_codes, read_sets
from .refi_xml import PROJECT_NS, Deviations, Doc, parse_datetime, parse_xml, unread
from .sources import SourceReader, variable_values
from .summary import Skips
from .zipsafe import QdpxArchive

Progress = Callable[[int, int, str], None]
"""Called as progress(done, total, what) while sources are read."""

VARIABLE_TYPES = {
    "text": "text",
    "boolean": "boolean",
    "integer": "integer",
    "float": "float",
    "date": "date",
    "datetime": "text",
}
NON_TEXT_SOURCES = {
    "PDFSource": "PDF",
    "PictureSource": "picture",
    "AudioSource": "audio",
    "VideoSource": "video",
}


def read_qdpx(path: str | Path, *, progress: Progress | None = None) -> RefiProject:
    """Read and check a ``.qdpx`` archive, or a ``.qde`` file with its ``sources/`` beside it."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise BadInputError(path, "is a folder, not a .qdpx file")
        if size > MAX_UNZIPPED_BYTES:
            raise BadInputError(path, f"refused: {size / 1e6:,.0f} MB is larger than any project")
        data = path.read_bytes()
    except FileNotFoundError:
        raise BadInputError(path, "no such file") from None
    except OSError as exc:
        raise BadInputError(path, f"cannot read the file ({exc.strerror or exc})") from None
    if not data.strip():
        raise BadInputError(path, "the file is empty")
    archive: QdpxArchive | None = None
    if data.lstrip()[:1] == b"<" or data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        xml, base = data, path.parent
    elif not data.startswith(b"PK"):
        if _looks_like_yaml(data):
            raise BadInputError(
                path,
                "is a YAML codebook, not a REFI-QDA project",
                Hint("codebook-import", file=path),
            )
        raise BadInputError(
            path,
            "not a .qdpx or .qde REFI-QDA project (neither a zip archive nor XML)",
            "export it again from the QDA tool",
        )
    else:
        archive = QdpxArchive(data, path)
        xml, base = archive.read(_qde_member(archive, path)), None
    root = parse_xml(xml, path)
    local = etree.QName(root).localname
    if local == "CodeBook":
        raise BadInputError(
            path,
            "is a REFI-QDA codebook (.qdc), not a project",
            Hint("codebook-import", file=path),
        )
    if local != "Project":
        raise BadInputError(path, f"not a REFI-QDA project (the root element is <{local}>)")
    return _Reader(path, root, SourceReader(path, archive, base), progress).read()


def _looks_like_yaml(data: bytes) -> bool:
    head = data[:4096].decode("utf-8", errors="replace")
    return any(
        line.lstrip().startswith(("codes:", "name:", "- name:", "version:"))
        for line in head.splitlines()
    )


def _qde_member(archive: QdpxArchive, path: Path) -> str:
    found = archive.find("project.qde")
    if found:
        return found
    candidates = [n for n in archive.names() if n.lower().endswith(".qde") and "/" not in n]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise BadInputError(path, "the archive holds no project.qde", "is it a REFI-QDA export?")
    raise BadInputError(path, f"the archive holds {len(candidates)} .qde files, not one")


class _Reader:
    def __init__(
        self, path: Path, root: etree._Element, files: SourceReader, progress: Progress | None
    ) -> None:
        self.path = path
        self.root = root
        self.deviations = Deviations()
        self.doc = Doc(root, PROJECT_NS, self.deviations)
        self.files = files
        self.progress = progress
        self.origin = root.get("origin")
        self.ours = is_ours(self.origin)
        files.ours = self.ours
        self.skipped = Skips()
        self.warnings: list[str] = []
        self.titles: dict[str, tuple[str, bool]] = {}

    def read(self) -> RefiProject:
        doc, root = self.doc, self.root
        if root.get("name") is None:
            self.deviations.add("no project name")
        users = self._users()
        codebook_element = _codebook(root, doc)
        # A <CodeBook> in the codebook namespace (urn:QDA-XML:codebook:...) inside a project:
        # its codes are read with lookups in its own namespace.
        book = doc if codebook_element is None else Doc(codebook_element, doc.ns, self.deviations)
        codes_parent = None if codebook_element is None else book.child(codebook_element, "Codes")
        codes = read_codes(book, codes_parent, self.ours)
        sets = read_sets(doc, doc.child(root, "Sets"))
        if codebook_element is not None and book.child(codebook_element, "Sets") is not None:
            self.deviations.add("<Sets> inside <CodeBook> (read anyway)")
            sets += read_sets(book, book.child(codebook_element, "Sets"))
        extra = extras.Extras(self.files.member(extras.NAME) if self.ours else None, self.warnings)
        self.titles = extra.titles
        description = (doc.text(root, "Description") or "").strip() or None
        project = RefiProject(
            name=root.get("name") or self.path.stem,
            origin=self.origin,
            named=bool((root.get("name") or "").strip()),
            description=description,
            codebook=RefiCodebook(codes, sets, self.origin),
            users=users,
            creating_user=doc.guid(root.get("creatingUserGUID"), "project creator"),
            variables=self._variables(),
            cases=self._cases(),
            coder_roles=extra.coders,
        )
        _apply_code_extras(codes, extra.codes)
        known_codes = _code_guids(codes)
        sources = doc.child(root, "Sources")
        convention = convention_for(self.origin)
        if self.ours:
            convention = UTF16 if convention is UTF16 else CODE_POINTS
        reader_sources = []
        if sources is not None:
            elements = list(sources)
            text_elements = [e for e in elements if etree.QName(e).localname == "TextSource"]
            for element in elements:
                kind = NON_TEXT_SOURCES.get(etree.QName(element).localname)
                if kind:
                    name = element.get("name") or element.get("guid") or "?"
                    self.skipped.add(f"{kind} sources (only text is imported)", name)
            for index, element in enumerate(text_elements, 1):
                source = self.files.text_source(doc, element, self.skipped, self.warnings)
                if source is not None:
                    reader_sources.append(source)
                if self.progress:
                    self.progress(index, len(text_elements), element.get("name") or "")
        if convention is None:
            samples = [(s.raw, s.positions()) for s in reader_sources if s.ambiguous()]
            convention = guess_convention(samples) if samples else CODE_POINTS
            self.warnings.append(
                f"producer '{self.origin or 'not named'}' is not one we know: positions read as "
                f"{convention.name}" + (" (the best fit to word boundaries)" if samples else "")
            )
        project.offsets = convention.name
        for source in reader_sources:
            built = source.build(convention, known_codes, self.ours, self.skipped)
            if built is not None:
                if self.ours and built.guid in extra.documents:
                    built.extra = extra.documents[built.guid]
                for coding in built.codings:
                    if coding.guid in extra.origins:
                        coding.origin = extra.origins[coding.guid]
                    coding.favourite = coding.guid in extra.favourites
                project.sources.append(built)
        if convention is CRLF_AS_ONE and any(s.has_crlf for s in reader_sources):
            self.warnings.append(
                "ATLAS.ti text with Windows line ends: each CRLF was counted as one position "
                "(as ATLAS.ti is reported to count; check a few codings)"
            )
        project.notes = self._notes()
        project.project_notes = doc.refs(root, "NoteRef")
        links = doc.child(root, "Links")
        if links is not None:
            notes = {n.guid for n in project.notes}
            for link in doc.children(links, "Link"):
                origin = doc.guid(link.get("originGUID"), "link")
                target = doc.guid(link.get("targetGUID"), "link")
                if origin and target and origin in notes:
                    project.links.append((origin, target))
                else:
                    self.skipped.add(
                        "links that are not from a note (not modelled)", link.get("name") or None
                    )
        if doc.child(root, "Graphs") is not None:
            self.skipped.add("graphs (no equivalent here)")
        unread(root, doc.ns, None if codebook_element is None else book.ns, self.skipped)
        project.warnings = self.deviations.warnings() + self.warnings
        project.skipped = self.skipped.lines()
        return project

    def _users(self) -> list[RefiUser]:
        users_element = self.doc.child(self.root, "Users")
        out: list[RefiUser] = []
        if users_element is None:
            return out
        seen: dict[str, str] = {}
        for element in self.doc.children(users_element, "User"):
            guid = self.doc.guid(element.get("guid"), "user")
            if guid is None:
                self.deviations.add("users without a GUID (skipped)")
                continue
            name = " ".join((element.get("name") or element.get("id") or "").split())
            name = name or f"user-{guid[:8]}"
            if guid in seen:
                self.skipped.add(
                    f"users whose GUID another user has (their codings are '{seen[guid]}'s)",
                    name,
                )
                continue
            seen[guid] = name
            out.append(RefiUser(guid, name))
        return out

    def _variables(self) -> list[RefiVariable]:
        element = self.doc.child(self.root, "Variables")
        out: list[RefiVariable] = []
        if element is None:
            return out
        for variable in self.doc.children(element, "Variable"):
            guid = self.doc.guid(variable.get("guid"), "variable")
            name = " ".join((variable.get("name") or "").split())
            if guid is None or not name:
                self.skipped.add("variables without a GUID or name")
                continue
            declared = (variable.get("typeOfVariable") or "Text").strip().lower()
            type_ = VARIABLE_TYPES.get(declared, "text")
            if declared not in VARIABLE_TYPES:
                self.deviations.add(f"variable type '{declared}' (read as text)")
            elif declared == "datetime":
                self.warnings.append(f"variable '{name}' is DateTime: kept as text")
            description = self.doc.text(variable, "Description") or ""
            out.append(RefiVariable(guid, name, type_, description))
        return out

    def _cases(self) -> list[RefiCase]:
        element = self.doc.child(self.root, "Cases")
        out: list[RefiCase] = []
        if element is None:
            return out
        for case in self.doc.children(element, "Case"):
            guid = self.doc.guid(case.get("guid"), "case")
            if guid is None:
                self.skipped.add("cases without a GUID")
                continue
            name = " ".join((case.get("name") or "").split()) or f"case {guid[:8]}"
            refs = len(self.doc.refs(case, "CodeRef")) + len(self.doc.refs(case, "SelectionRef"))
            if refs:
                self.skipped.add("code and selection references of cases (not modelled)", n=refs)
            out.append(
                RefiCase(
                    guid=guid,
                    name=name,
                    description=self.doc.text(case, "Description") or "",
                    sources=self.doc.refs(case, "SourceRef"),
                    values=variable_values(self.doc, case),
                )
            )
        return out

    def _notes(self) -> list[RefiNote]:
        element = self.doc.child(self.root, "Notes")
        out: list[RefiNote] = []
        if element is None:
            return out
        for note in self.doc.children(element, "Note"):
            guid = self.doc.guid(note.get("guid"), "note")
            text = self.files.note_text(self.doc, note, self.skipped, self.warnings)
            if guid is None or text is None:
                continue
            name = " ".join((note.get("name") or "").split())
            titled = keep_name = False
            if self.ours and guid in self.titles:
                name, titled = self.titles[guid]
                keep_name = True
                if titled:
                    text = f"{name}\n\n{text}" if text.strip() else name
            elif not self.ours and name:
                keep_name = True
                if not text.lstrip().startswith(name):
                    # The title shows in the memo; an export gives it back as the name, once.
                    text = f"{name}\n\n{text}" if text.strip() else name
                    titled = True
            if not text.strip():
                self.skipped.add("empty notes", name or guid)
                continue
            out.append(
                RefiNote(
                    guid=guid,
                    name=name,
                    text=text,
                    titled=titled,
                    keep_name=keep_name,
                    user=self.doc.guid(note.get("creatingUser"), "user"),
                    created=parse_datetime(note.get("creationDateTime")),
                    modified=parse_datetime(note.get("modifiedDateTime")),
                )
            )
        return out


def _codebook(root: etree._Element, doc: Doc) -> etree._Element | None:
    """The project's ``CodeBook``: in the project's namespace, else in any (ATLAS.ti writes
    the codebook namespace inside project files)."""
    found = doc.child(root, "CodeBook")
    if found is not None:
        return found
    for child in root:
        if isinstance(child.tag, str) and etree.QName(child).localname == "CodeBook":
            return child
    return None


def _code_guids(codes: list) -> set[str]:  # type: ignore[type-arg]
    out: set[str] = set()
    stack = list(codes)
    while stack:
        code = stack.pop()
        if code.guid:
            out.add(code.guid)
        stack.extend(code.children)
    return out


def _apply_code_extras(codes: list, fields: dict) -> None:  # type: ignore[type-arg]
    stack = list(codes)
    while stack:
        code = stack.pop()
        if code.guid in fields:
            code.fields = {**code.fields, **fields[code.guid]}
        stack.extend(code.children)
