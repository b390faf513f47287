"""The project's codebook: resolving code references, listing, adding, editing, import/export.

A code is addressed by its path from the root (``Theme/Sub``) or by its name alone where that is
unique. Real names contain '/' (``Arc<T>/Rc<T>``), so the whole string is tried as a name and as
a path split in every way the tree allows; if that finds two codes (a code named ``A/B`` and a
child ``B`` of ``A``) the reference is ambiguous and the message gives the exact forms. Exact
forms never are: the uuid, or a path from the root that starts with '/' and escapes a '/' or
'\\' inside a name with a backslash (``/A\\/B`` is the code named ``A/B``; ``/A/B`` is ``B``
under ``A``).
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import CodebookError, ConflictError, NotFoundError
from ..formats import format_path
from ..store.models import Code, Coder, Coding
from .core import ProjectCore
from .records import CodeInfo

if TYPE_CHECKING:  # the codebook file format (and PyYAML) loads when a codebook is read
    from ..codebook import Codebook, CodeSpec

EDITABLE = ("definition", "inclusion", "exclusion", "example", "keywords", "color", "codable")
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


@dataclass
class CodeTree:
    """All codes of a project, loaded once, with their paths."""

    codes: list[Code]
    children: dict[int | None, list[Code]] = field(default_factory=lambda: defaultdict(list))
    paths: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for code in self.codes:
            self.children[code.parent_id].append(code)
        for siblings in self.children.values():
            siblings.sort(key=lambda c: (c.position, c.id))

        def visit(parent: int | None, prefix: tuple[str, ...]) -> None:
            for child in self.children.get(parent, []):
                self.paths[child.id] = (*prefix, child.name)
                visit(child.id, self.paths[child.id])

        visit(None, ())

    def ordered(self) -> list[Code]:
        """Depth-first, siblings by position: the order a codebook is read in."""
        out: list[Code] = []

        def visit(parent: int | None) -> None:
            for child in self.children.get(parent, []):
                out.append(child)
                visit(child.id)

        visit(None)
        return out

    def path(self, code: Code) -> str:
        return format_path(self.paths[code.id])

    def descendants(self, code: Code) -> list[Code]:
        out: list[Code] = []
        for child in self.children.get(code.id, []):
            out.append(child)
            out.extend(self.descendants(child))
        return out

    def exact(self, code: Code) -> str:
        """The reference that can only mean ``code``: its path from the root, '/' first, with
        '/' and '\\' inside names escaped."""
        return "/" + "/".join(escape_name(n) for n in self.paths[code.id])

    def resolve(self, ref: str) -> Code:
        ref = ref.strip()
        by_uuid = next((c for c in self.codes if c.uuid == ref), None)
        if by_uuid is not None:  # a uuid is never ambiguous, whatever the names hold
            return by_uuid
        if ref.startswith("/"):
            found = self._exact(split_exact(ref[1:]))
            if found is not None:
                return found
        for fold in (False, True):
            key = ref.casefold() if fold else ref
            named = [c for c in self.codes if (c.name.casefold() if fold else c.name) == key]
            matches = self._match(None, key, fold)
            unique = {c.id: c for c in [*named, *matches]}
            # A name and a path that lead to two codes are ambiguous: neither wins.
            if len(unique) == 1:
                return next(iter(unique.values()))
            if len(unique) > 1:
                raise ConflictError(self._ambiguous(ref, list(unique.values())))
        hint = ""
        close = difflib.get_close_matches(
            ref, [self.path(c) for c in self.codes] + [c.name for c in self.codes], n=1
        )
        if close:
            hint = f" (did you mean '{close[0]}'?)"
        raise NotFoundError(f"no code '{ref}' in the codebook{hint}")

    def _ambiguous(self, ref: str, codes: list[Code]) -> str:
        slashed = any("/" in n or "\\" in n for c in codes for n in self.paths[c.id])
        if not slashed:  # the plain paths already tell them apart
            listed = ", ".join(sorted(f"'{self.path(c)}'" for c in codes))
            return f"code '{ref}' is ambiguous: it could be {listed}"
        listed = ", ".join(sorted(f"'{self.exact(c)}' (uuid {c.uuid})" for c in codes))
        return (
            f"code '{ref}' is ambiguous: a name holds '/'; give one exactly: {listed} "
            "(a leading '/' is a path from the root; '\\/' is a '/' inside a name)"
        )

    def _exact(self, names: list[str]) -> Code | None:
        for fold in (False, True):
            parent: int | None = None
            found: Code | None = None
            for name in names:
                key = name.casefold() if fold else name
                step = [
                    c
                    for c in self.children.get(parent, [])
                    if (c.name.casefold() if fold else c.name) == key
                ]
                if len(step) != 1:
                    found = None
                    break
                found, parent = step[0], step[0].id
            if found is not None:
                return found
        return None

    def _match(self, parent: int | None, rest: str, fold: bool) -> list[Code]:
        found: list[Code] = []
        rest = rest.strip()
        for child in self.children.get(parent, []):
            name = child.name.casefold() if fold else child.name
            if rest == name:
                found.append(child)
            elif rest.startswith(name):
                tail = rest[len(name) :].lstrip()
                if tail.startswith("/"):
                    found.extend(self._match(child.id, tail[1:], fold))
        return found


def escape_name(name: str) -> str:
    """A code name as one step of an exact path: '\\' and '/' escaped with a backslash."""
    return name.replace("\\", "\\\\").replace("/", "\\/")


def split_exact(path: str) -> list[str]:
    """An exact path (without its leading '/') split at every '/' a backslash does not escape."""
    names, current, escaped = [], [], False
    for char in path:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "/":
            names.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    names.append("".join(current).strip())
    return names


def load_tree(session: Session) -> CodeTree:
    return CodeTree(list(session.scalars(select(Code))))


def _check_fields(fields: dict[str, Any], where: str) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise CodebookError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    color = fields.get("color")
    if color is not None:
        if not _COLOR.match(color):
            raise CodebookError(f"{where}: colour '{color}' is not #RRGGBB")
        if len(color) == 4:
            color = "#" + "".join(ch * 2 for ch in color[1:])
        fields["color"] = color.upper()
    if "keywords" in fields:
        fields["keywords"] = [str(k) for k in fields["keywords"]]
    return fields


class CodesMixin(ProjectCore):
    def codes(self, *, include_archived: bool = True, coder: str | None = None) -> list[CodeInfo]:
        """Every code in codebook order, with its number of active codings (all coders', or
        only ``coder``'s: blind coding shows a coder their own counts)."""
        with self._read() as session:
            tree = load_tree(session)
            query = select(Coding.code_id, func.count()).where(Coding.deleted_at.is_(None))
            if coder is not None:
                query = query.join(Coder, Coding.coder_id == Coder.id).where(Coder.name == coder)
            counts = dict(session.execute(query.group_by(Coding.code_id)).all())
            return [
                self._code_info(tree, c, counts.get(c.id, 0))
                for c in tree.ordered()
                if include_archived or not c.archived
            ]

    def code(self, ref: str) -> CodeInfo:
        with self._read() as session:
            tree = load_tree(session)
            code = tree.resolve(ref)
            count = session.scalar(
                select(func.count())
                .select_from(Coding)
                .where(Coding.code_id == code.id, Coding.deleted_at.is_(None))
            )
            return self._code_info(tree, code, count or 0)

    @staticmethod
    def _count(session: Session, code: Code) -> int:
        return (
            session.scalar(
                select(func.count())
                .select_from(Coding)
                .where(Coding.code_id == code.id, Coding.deleted_at.is_(None))
            )
            or 0
        )

    @staticmethod
    def _code_info(tree: CodeTree, code: Code, codings: int) -> CodeInfo:
        return CodeInfo(
            path=tree.path(code),
            names=tree.paths[code.id],
            uuid=code.uuid,
            definition=code.definition,
            inclusion=code.inclusion,
            exclusion=code.exclusion,
            example=code.example,
            keywords=tuple(code.keywords or ()),
            color=code.color,
            codable=code.codable,
            archived=code.archived,
            codings=codings,
        )

    def add_code(self, name: str, *, parent: str | None = None, **fields: Any) -> CodeInfo:
        """Add a code under ``parent`` (a code reference) or at the top level."""
        name = name.strip()
        if not name:
            raise CodebookError("a code name cannot be empty")
        fields = _check_fields(dict(fields), f"code '{name}'")
        with self._write() as session:
            self._require_supervisor(session, "change the codebook")
            tree = load_tree(session)
            parent_code = tree.resolve(parent) if parent else None
            parent_id = parent_code.id if parent_code else None
            code = self._insert_code(session, tree, parent_id, name, fields)
            tree = load_tree(session)
            return self._code_info(tree, next(c for c in tree.codes if c.id == code.id), 0)

    def _insert_code(
        self,
        session: Session,
        tree: CodeTree,
        parent_id: int | None,
        name: str,
        fields: dict[str, Any],
        siblings: SiblingIndex | None = None,
    ) -> Code:
        """Add one code; ``siblings`` (shared by the inserts of one import) keeps each
        parent's names and next position, so an import of n codes is linear, not quadratic."""
        index = siblings if siblings is not None else SiblingIndex(tree)
        names, position = index.of(parent_id)
        if name in names:
            where = format_path(tree.paths[parent_id]) if parent_id else "the top level"
            raise ConflictError(f"a code named '{name}' already exists under {where}")
        code = Code(parent_id=parent_id, name=name, position=position, **fields)
        session.add(code)
        session.flush()
        path = (*tree.paths.get(parent_id, ()), name) if parent_id else (name,)
        tree.codes.append(code)
        tree.children[parent_id].append(code)
        tree.paths[code.id] = path
        names.add(name)
        index.next_position[parent_id] = position + 1
        self._audit(session, "code.create", "code", code.uuid, path=format_path(path), **fields)
        return code

    def update_code(self, ref: str, *, name: str | None = None, **fields: Any) -> CodeInfo:
        """Rename a code or change its definition fields; the audit keeps old and new values."""
        fields = _check_fields(dict(fields), f"code '{ref}'")
        with self._write() as session:
            self._require_supervisor(session, "change the codebook")
            tree = load_tree(session)
            code = tree.resolve(ref)
            changes: dict[str, Any] = {}
            if name is not None and name.strip() != code.name:
                name = name.strip()
                if not name:
                    raise CodebookError("a code name cannot be empty")
                if any(s.name == name for s in tree.children.get(code.parent_id, [])):
                    raise ConflictError(f"a sibling of '{tree.path(code)}' is already '{name}'")
                changes["name"] = [code.name, name]
                code.name = name
            for key, value in fields.items():
                if getattr(code, key) != value:
                    changes[key] = [getattr(code, key), value]
                    setattr(code, key, value)
            if changes:
                self._audit(session, "code.update", "code", code.uuid, changes=changes)
            session.flush()
            tree = load_tree(session)
            updated = next(c for c in tree.codes if c.id == code.id)
            return self._code_info(tree, updated, self._count(session, updated))

    def move_code(self, ref: str, parent: str | None) -> CodeInfo:
        """Re-parent a code (with its children) under ``parent``, or to the top level."""
        with self._write() as session:
            self._require_supervisor(session, "change the codebook")
            tree = load_tree(session)
            code = tree.resolve(ref)
            new_parent = tree.resolve(parent) if parent else None
            if new_parent is not None and (
                new_parent.id == code.id or new_parent in tree.descendants(code)
            ):
                raise CodebookError(f"cannot move '{tree.path(code)}' under itself")
            parent_id = new_parent.id if new_parent else None
            if parent_id == code.parent_id:
                return self._code_info(tree, code, self._count(session, code))
            if any(s.name == code.name for s in tree.children.get(parent_id, [])):
                where = tree.path(new_parent) if new_parent else "the top level"
                raise ConflictError(f"a code named '{code.name}' already exists under {where}")
            old_path = tree.path(code)
            code.parent_id = parent_id
            code.position = max((s.position for s in tree.children.get(parent_id, [])), default=-1)
            code.position += 1
            session.flush()
            tree = load_tree(session)
            moved = next(c for c in tree.codes if c.id == code.id)
            self._audit(session, "code.move", "code", code.uuid, old=old_path, new=tree.path(moved))
            return self._code_info(tree, moved, self._count(session, moved))

    def archive_code(self, ref: str, *, archived: bool = True) -> CodeInfo:
        """Hide a code from coding without losing its codings (``archived=False`` restores it)."""
        with self._write() as session:
            self._require_supervisor(session, "change the codebook")
            tree = load_tree(session)
            code = tree.resolve(ref)
            if code.archived != archived:
                code.archived = archived
                action = "code.archive" if archived else "code.unarchive"
                self._audit(session, action, "code", code.uuid, path=tree.path(code))
            return self._code_info(tree, code, self._count(session, code))

    def merge_codes(self, source: str, target: str) -> CodeInfo:
        """Fold ``source`` into ``target``: its codings and children move to ``target`` and
        ``source`` is archived. A coding that would duplicate one already on ``target`` (same
        document, coder and span) is removed instead (kept as deleted, so nothing is lost).
        The project file is backed up first (``before-code-merge``)."""
        with self._read() as session:  # a bad reference fails before a backup is made
            self._require_supervisor(session, "change the codebook")
            tree = load_tree(session)
            tree.resolve(source), tree.resolve(target)
        self.backup("before-code-merge")
        with self._write() as session:
            tree = load_tree(session)
            src, dst = tree.resolve(source), tree.resolve(target)
            if src.id == dst.id or dst in tree.descendants(src):
                raise CodebookError(f"cannot merge '{tree.path(src)}' into itself")
            names = {c.name for c in tree.children.get(dst.id, [])}
            clash = [c.name for c in tree.children.get(src.id, []) if c.name in names]
            if clash:
                raise ConflictError(
                    f"'{tree.path(dst)}' already has children named {', '.join(clash)}"
                )
            existing = {
                (c.document_id, c.coder_id, c.start, c.end)
                for c in session.scalars(
                    select(Coding).where(Coding.code_id == dst.id, Coding.deleted_at.is_(None))
                )
            }
            moved = removed = 0
            now = datetime.now(UTC)
            for coding in session.scalars(select(Coding).where(Coding.code_id == src.id)):
                key = (coding.document_id, coding.coder_id, coding.start, coding.end)
                if coding.deleted_at is None and key in existing:
                    coding.deleted_at = now
                    removed += 1
                existing.add(key)
                coding.code_id = dst.id
                moved += 1
            for child in tree.children.get(src.id, []):
                child.parent_id = dst.id
            src.archived = True
            self._audit(
                session,
                "code.merge",
                "code",
                src.uuid,
                source=tree.path(src),
                target=tree.path(dst),
                target_uuid=dst.uuid,
                codings_moved=moved,
                duplicates_removed=removed,
            )
            session.flush()
            tree = load_tree(session)
            merged = next(c for c in tree.codes if c.id == dst.id)
            return self._code_info(tree, merged, self._count(session, merged))

    def import_codebook(self, codebook: Codebook, *, source: str = "") -> dict[str, int]:
        """Merge a codebook in, matching codes by path: new codes are added, changed fields
        updated, codes missing from the file left alone. One transaction."""
        added = updated = unchanged = 0
        with self._write() as session:
            self._require_supervisor(session, "change the codebook")
            tree = load_tree(session)
            by_path = {tree.paths[c.id]: c for c in tree.codes}
            siblings = SiblingIndex(tree)
            for path, spec in codebook.walk():
                fields = _spec_fields(spec)
                existing = by_path.get(tuple(path))
                if existing is None:
                    parent = by_path.get(tuple(path[:-1])) if len(path) > 1 else None
                    code = self._insert_code(
                        session, tree, parent.id if parent else None, spec.name, fields, siblings
                    )
                    by_path[tuple(path)] = code
                    added += 1
                    continue
                changes = {
                    k: [getattr(existing, k), v]
                    for k, v in fields.items()
                    if getattr(existing, k) != v
                }
                for key, (_old, new) in changes.items():
                    setattr(existing, key, new)
                if changes:
                    self._audit(session, "code.update", "code", existing.uuid, changes=changes)
                    updated += 1
                else:
                    unchanged += 1
            self._audit(
                session,
                "codebook.import",
                "project",
                None,
                source=source,
                added=added,
                updated=updated,
                unchanged=unchanged,
            )
        return {"added": added, "updated": updated, "unchanged": unchanged}

    def export_codebook(self, *, include_archived: bool = False) -> Codebook:
        """The project's codebook as the YAML model (archived codes left out by default)."""
        from ..codebook import Codebook, CodeSpec

        with self._read() as session:
            tree = load_tree(session)

            def build(parent: int | None) -> tuple[CodeSpec, ...]:
                return tuple(
                    CodeSpec(
                        name=c.name,
                        definition=c.definition,
                        inclusion=c.inclusion,
                        exclusion=c.exclusion,
                        example=c.example,
                        keywords=tuple(c.keywords or ()),
                        color=c.color,
                        codable=c.codable,
                        children=build(c.id),
                    )
                    for c in tree.children.get(parent, [])
                    if include_archived or not c.archived
                )

            return Codebook(codes=build(None), name=self.setting("codebook_name"))


def _spec_fields(spec: CodeSpec) -> dict[str, Any]:
    return {
        "definition": spec.definition,
        "inclusion": spec.inclusion,
        "exclusion": spec.exclusion,
        "example": spec.example,
        "keywords": list(spec.keywords),
        "color": spec.color,
        "codable": spec.codable,
    }


class SiblingIndex:
    """Each parent's child names and next free position, read from the tree once per parent
    and kept up to date by :meth:`CodesMixin._insert_code`."""

    def __init__(self, tree: CodeTree) -> None:
        self.tree = tree
        self.names: dict[int | None, set[str]] = {}
        self.next_position: dict[int | None, int] = {}

    def of(self, parent_id: int | None) -> tuple[set[str], int]:
        if parent_id not in self.names:
            children = self.tree.children.get(parent_id, [])
            self.names[parent_id] = {c.name for c in children}
            self.next_position[parent_id] = max((c.position for c in children), default=-1) + 1
        return self.names[parent_id], self.next_position[parent_id]
