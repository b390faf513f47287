"""Team writes: a merged project filled in one transaction, and a server member's coder row.

``fill_merged`` writes what :mod:`qualcode.teams` planned (a merge, or one coder's layer) into a
project just created. Rows are inserted with ids given in their canonical order (documents and
cases by name, codes depth first, codings by key, memos by UUID), so even the row ids of a merge
do not depend on the order of its inputs. Core executemany rather than ORM objects: one prepared
statement per table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..errors import ConflictError, QualcodeError
from ..store.models import (
    CONSENSUS_CODER,
    Attribute,
    AttributeValue,
    Case,
    Code,
    Coder,
    Coding,
    Document,
    Memo,
    Setting,
    Speaker,
    Turn,
)
from .core import ProjectCore

if TYPE_CHECKING:
    from .snapshot_read import Snapshot

Ids = dict[str, int]


class TeamMixin(ProjectCore):
    def fill_merged(self, plan: Snapshot, action: str, **payload: Any) -> None:
        """Write ``plan`` into this new project (made by ``Project.create``) in one
        transaction, with one audit event ``action`` carrying ``payload``. A plan that breaks
        the schema's rules (an input edited outside qualcode) is a QualcodeError."""
        try:
            with self.transaction(action, "project", None, **payload) as session:
                _fill(session, plan)
        except SQLAlchemyError as exc:
            detail = " ".join(str(getattr(exc, "orig", None) or exc).split())
            raise QualcodeError(
                f"{self.name}: could not be written ({detail}); nothing was written"
            ) from exc

    def record_member(self, name: str, role: str) -> None:
        """Make ``name`` a coder with ``role`` (or give an existing coder that role), audited
        as ``team.member``: the owner's own act, after the server gave them a login."""
        with self.transaction("team.member", "coder", name=name, role=role) as session:
            coder = session.scalar(select(Coder).where(Coder.name == name))
            if coder is not None and coder.role == "consensus":
                raise ConflictError(f"'{name}' is reserved")
            if coder is None:
                coder = Coder(name=name, role=role)
                session.add(coder)
            else:
                coder.role = role
            session.flush()
            session.info["audit"]["entity_uuid"] = coder.uuid


def _pick(row: object, *names: str, **more: Any) -> dict[str, Any]:
    return {**{name: getattr(row, name) for name in names}, **more}


def _fill(session: Session, plan: Snapshot) -> None:
    def insert_rows(model: type, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            session.connection().execute(insert(model.__table__), rows)  # type: ignore[attr-defined]

    for key, value in (("project_uuid", plan.project_uuid), ("created_at", plan.created_at)):
        session.get_one(Setting, key).value = value
    session.add_all(Setting(key=key, value=value) for key, value in plan.settings)
    coders = _coders(session, plan)

    attributes = {a.name: i for i, a in enumerate(plan.attributes, 1)}
    insert_rows(
        Attribute,
        [
            _pick(a, "uuid", "name", "type", "description", id=attributes[a.name])
            for a in plan.attributes
        ],
    )
    cases = {c.name: i for i, c in enumerate(plan.cases, 1)}
    insert_rows(
        Case,
        [
            _pick(c, "uuid", "name", "description", "created_at", id=cases[c.name])
            for c in plan.cases
        ],
    )
    insert_rows(
        AttributeValue,
        [
            {"case_id": cases[c.name], "attribute_id": attributes[a], "value": v}
            for c in plan.cases
            for a, v in c.values
        ],
    )

    documents = {d.uuid: i for i, d in enumerate(plan.documents, 1)}
    insert_rows(
        Document,
        [
            _pick(
                d,
                "uuid",
                "name",
                "kind",
                "text",
                "sha256",
                "words",
                "source_name",
                "source_format",
                "imported_at",
                id=documents[d.uuid],
                case_id=cases[d.case] if d.case else None,
            )
            for d in plan.documents
        ],
    )
    speakers: list[dict[str, Any]] = []
    turns: list[dict[str, Any]] = []
    for d in plan.documents:
        labels: Ids = {}
        for s in d.speakers:
            labels[s.label] = len(speakers) + 1
            speakers.append(
                _pick(
                    s,
                    "uuid",
                    "label",
                    "role",
                    id=labels[s.label],
                    document_id=documents[d.uuid],
                    case_id=cases[s.case] if s.case else None,
                )
            )
        turns += [
            _pick(
                t,
                "ordinal",
                "start",
                "body_start",
                "end",
                "ts_start",
                "ts_end",
                document_id=documents[d.uuid],
                speaker_id=labels[t.speaker] if t.speaker else None,
            )
            for t in d.turns
        ]
    insert_rows(Speaker, speakers)
    insert_rows(Turn, turns)

    codes = _code_ids(plan.codes)
    insert_rows(
        Code,
        sorted(
            (
                _pick(
                    c,
                    "uuid",
                    "name",
                    "definition",
                    "inclusion",
                    "exclusion",
                    "example",
                    "color",
                    "codable",
                    "position",
                    "archived",
                    "created_at",
                    id=codes[c.uuid],
                    parent_id=codes[c.parent] if c.parent else None,
                    keywords=list(c.keywords),
                )
                for c in plan.codes
            ),
            key=lambda row: int(row["id"]),
        ),
    )

    codings = {c.uuid: i for i, c in enumerate(plan.codings, 1)}
    insert_rows(
        Coding,
        [
            _pick(
                c,
                "uuid",
                "start",
                "end",
                "origin",
                "favourite",
                "created_at",
                "deleted_at",
                id=codings[c.uuid],
                document_id=documents[c.document],
                code_id=codes[c.code],
                coder_id=coders[c.coder],
            )
            for c in plan.codings
        ],
    )
    targets = {"document": documents, "code": codes, "coding": codings, "case": cases}
    insert_rows(
        Memo,
        [
            _pick(
                m,
                "uuid",
                "text",
                "created_at",
                "updated_at",
                "deleted_at",
                id=i,
                coder_id=coders[m.coder],
                **{
                    f"{kind}_id": ids[m.target] if m.target_type == kind and m.target else None
                    for kind, ids in targets.items()
                },
            )
            for i, m in enumerate(plan.memos, 1)
        ],
    )


def _coders(session: Session, plan: Snapshot) -> Ids:
    """The consensus coder ``Project.create`` made takes the merged one's UUID and times; the
    others follow it by name."""
    consensus = session.scalars(select(Coder).where(Coder.name == CONSENSUS_CODER)).one()
    ids = {CONSENSUS_CODER: consensus.id}
    for coder in plan.coders:
        if coder.name == CONSENSUS_CODER:
            consensus.uuid, consensus.role = coder.uuid, coder.role
            consensus.created_at = coder.created_at
            continue
        ids[coder.name] = max(ids.values()) + 1
        session.add(
            Coder(
                id=ids[coder.name],
                name=coder.name,
                role=coder.role,
                uuid=coder.uuid,
                created_at=coder.created_at,
            )
        )
    session.flush()
    return ids


def _code_ids(codes: Sequence[Any]) -> Ids:
    """Ids depth first, siblings by (position, name): the order the code tree shows them in,
    so that siblings with equal positions keep it (the tree breaks ties by id)."""
    children: dict[str | None, list[Any]] = defaultdict(list)
    for code in codes:
        children[code.parent].append(code)
    ids: Ids = {}

    def visit(parent: str | None) -> None:
        for code in sorted(children[parent], key=lambda c: (c.position, c.name)):
            ids[code.uuid] = len(ids) + 1
            visit(code.uuid)

    visit(None)
    return ids
