"""What a REFI-QDA file holds, once read and checked, before anything touches a project.

The readers in ``qualcode.interop`` (``qdc``, ``qdpx_read``) fill these; the project stores them
(``refi``, ``Project.import_refi_project``). They live here, below the readers, because they are
what the project's REFI methods take. GUIDs are already normalised (lower case, no braces), text
is already as we store it and selection positions are already our code-point offsets into it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def is_ours(origin: str | None) -> bool:
    """Whether a file's ``origin`` says qualcode wrote it (then it says everything exactly)."""
    return (origin or "").strip().lower().startswith("qualcode")


@dataclass
class RefiCode:
    guid: str | None
    name: str
    codable: bool = True
    codable_given: bool = True
    """False when the file left ``isCodable`` out (then an existing code keeps its flag)."""
    color: str | None = None
    """Upper-case ``#RRGGBB`` or None."""
    description: str | None = None
    """The ``Description`` text; None when absent or empty."""
    fields: dict[str, Any] = field(default_factory=dict)
    """Our own code fields when the file is ours (inclusion, exclusion, example, keywords,
    archived, the exact definition)."""
    note_refs: list[str] = field(default_factory=list)
    children: list[RefiCode] = field(default_factory=list)


@dataclass
class RefiSet:
    guid: str | None
    name: str
    description: str = ""
    codes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiUser:
    guid: str
    name: str


@dataclass
class RefiCoding:
    guid: str | None
    code: str | None
    user: str | None
    created: datetime | None
    start: int
    end: int
    note_refs: list[str] = field(default_factory=list)
    origin: str | None = None
    favourite: bool = False
    selection: str | None = None
    """GUID of the ``PlainTextSelection`` it sat in (kept so an export can give it back)."""


@dataclass
class RefiComment:
    """A selection's ``Description`` (how ATLAS.ti and MAXQDA write comments on a span)."""

    start: int
    end: int
    text: str
    user: str | None
    created: datetime | None
    coding: str | None
    """GUID of the selection's first coding, if it has one."""


@dataclass
class RefiSource:
    guid: str
    name: str
    text: str
    created: datetime | None = None
    codings: list[RefiCoding] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)
    selection_notes: list[tuple[str, str, int, int, str | None]] = field(default_factory=list)
    """(note GUID, first coding GUID or "", start, end, selection GUID) for NoteRefs on
    selections."""
    description: str | None = None
    """The source's ``Description`` (None when absent or empty)."""
    comments: list[RefiComment] = field(default_factory=list)
    values: list[tuple[str, str]] = field(default_factory=list)
    """(variable GUID, value) given on the source itself."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Our own document fields when the file is ours (kind, turns, speakers, source)."""


@dataclass
class RefiVariable:
    guid: str
    name: str
    type: str
    """Our attribute type: text, integer, float, boolean or date."""
    description: str = ""


@dataclass
class RefiCase:
    guid: str
    name: str
    description: str = ""
    sources: list[str] = field(default_factory=list)
    values: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class RefiNote:
    guid: str
    name: str
    text: str
    titled: bool = False
    """The name was put before the text (a titled note from another tool)."""
    keep_name: bool = False
    """The name is the note's own (another tool's, or kept by ours): an export gives it back."""
    user: str | None = None
    created: datetime | None = None
    modified: datetime | None = None


@dataclass
class RefiCodebook:
    codes: list[RefiCode]
    sets: list[RefiSet]
    origin: str | None
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """What a ``.qdc`` holds that is not read (elements the reader does not know)."""

    def count(self) -> int:
        stack, n = list(self.codes), 0
        while stack:
            code = stack.pop()
            n += 1
            stack.extend(code.children)
        return n


@dataclass
class RefiProject:
    name: str
    origin: str | None
    named: bool = True
    """False when the file gave no project name (then ``name`` is the file's stem)."""
    description: str | None = None
    """The Project's ``Description`` (None when absent or empty)."""
    offsets: str = ""
    """The counting convention the positions were converted from."""
    codebook: RefiCodebook = field(default_factory=lambda: RefiCodebook([], [], None))
    users: list[RefiUser] = field(default_factory=list)
    creating_user: str | None = None
    variables: list[RefiVariable] = field(default_factory=list)
    cases: list[RefiCase] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    notes: list[RefiNote] = field(default_factory=list)
    project_notes: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    """(origin GUID, target GUID) of Links, used for notes on cases."""
    coder_roles: dict[str, str] = field(default_factory=dict)
    """User GUID -> our coder role, when the file is ours."""
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
