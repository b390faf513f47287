"""Writing a merge: the planned snapshot into a new project, in one transaction.

Rows are inserted with ids given in their canonical order (documents and cases by name, codes
depth first, codings by key, memos by UUID), so even the row ids of a merge do not depend on the
order of its inputs. Core executemany rather than ORM objects: one prepared statement per table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..errors import ConflictError, NotFoundError, QualcodeError
from ..store.engine import display_name, is_url
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
from ..store.sqlite_files import remove_database
from .merge_report import Counts
from .snapshot import CodeRow, Snapshot

Ids = dict[str, int]


def check_new_output(output: str | Path, command: str) -> str:
    """The output's name for messages; refused if the file exists or its folder does not (a
    database URL is checked when the project is created: it must be empty)."""
    name = display_name(output)
    if not is_url(output):
        path = Path(output)
        if path.exists():
            raise ConflictError(
                f"{name}: already exists; {command} writes a new project (choose another name)"
            )
        if not path.parent.is_dir():
            raise NotFoundError(f"{name}: the folder {path.parent} does not exist")
    return name


def write_project(
    plan: Snapshot,
    output: str | Path,
    *,
    passphrase: str | None,
    actor: str | None,
    action: str,
    **payload: Any,
) -> None:
    """Create ``output`` (``Project.create``: fully migrated) and fill it with ``plan`` in one
    transaction, with one audit event ``action`` (its payload: ``payload`` and the counts);
    remove the file again if anything fails (a database URL keeps its empty schema)."""
    from ..project import Project

    project = Project.create(output, actor=actor, passphrase=passphrase)
    try:
        with project._write() as session:
            _fill(session, plan)
            counts = vars(Counts.of(plan))
            project._audit(session, action, "project", None, **payload, **counts)
    except BaseException as exc:
        project.close()
        if project.sqlite_path is not None:
            remove_database(project.sqlite_path)
        if isinstance(exc, SQLAlchemyError):
            # An input that breaks the schema's rules (edited outside qualcode) ends here.
            detail = " ".join(str(getattr(exc, "orig", None) or exc).split())
            raise QualcodeError(
                f"{project.name}: could not be written ({detail}); nothing was written"
            ) from exc
        raise
    project.close()


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
    insert_rows(Attribute, [_pick(a, "uuid", "name", "type", "description", id=attributes[a.name])
                            for a in plan.attributes])  # fmt: skip
    cases = {c.name: i for i, c in enumerate(plan.cases, 1)}
    insert_rows(Case, [_pick(c, "uuid", "name", "description", "created_at", id=cases[c.name])
                       for c in plan.cases])  # fmt: skip
    insert_rows(AttributeValue, [
        {"case_id": cases[c.name], "attribute_id": attributes[a], "value": v}
        for c in plan.cases for a, v in c.values])  # fmt: skip

    documents = {d.uuid: i for i, d in enumerate(plan.documents, 1)}
    insert_rows(Document, [
        _pick(d, "uuid", "name", "kind", "text", "sha256", "words", "source_name",
              "source_format", "imported_at", id=documents[d.uuid],
              case_id=cases[d.case] if d.case else None)
        for d in plan.documents])  # fmt: skip
    speakers: list[dict[str, Any]] = []
    turns: list[dict[str, Any]] = []
    for d in plan.documents:
        labels: Ids = {}
        for s in d.speakers:
            labels[s.label] = len(speakers) + 1
            speakers.append(_pick(s, "uuid", "label", "role", id=labels[s.label],
                                  document_id=documents[d.uuid],
                                  case_id=cases[s.case] if s.case else None))  # fmt: skip
        turns += [_pick(t, "ordinal", "start", "body_start", "end", "ts_start", "ts_end",
                        document_id=documents[d.uuid],
                        speaker_id=labels[t.speaker] if t.speaker else None)
                  for t in d.turns]  # fmt: skip
    insert_rows(Speaker, speakers)
    insert_rows(Turn, turns)

    codes = _code_ids(plan.codes)
    insert_rows(Code, sorted(
        (_pick(c, "uuid", "name", "definition", "inclusion", "exclusion", "example", "color",
               "codable", "position", "archived", "created_at", id=codes[c.uuid],
               parent_id=codes[c.parent] if c.parent else None, keywords=list(c.keywords))
         for c in plan.codes), key=lambda row: int(row["id"])))  # fmt: skip

    codings = {c.uuid: i for i, c in enumerate(plan.codings, 1)}
    insert_rows(Coding, [
        _pick(c, "uuid", "start", "end", "origin", "favourite", "created_at", "deleted_at",
              id=codings[c.uuid], document_id=documents[c.document], code_id=codes[c.code],
              coder_id=coders[c.coder])
        for c in plan.codings])  # fmt: skip
    targets = {"document": documents, "code": codes, "coding": codings, "case": cases}
    insert_rows(Memo, [
        _pick(m, "uuid", "text", "created_at", "updated_at", "deleted_at", id=i,
              coder_id=coders[m.coder],
              **{f"{kind}_id": ids[m.target] if m.target_type == kind and m.target else None
                 for kind, ids in targets.items()})
        for i, m in enumerate(plan.memos, 1)])  # fmt: skip


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
        session.add(Coder(id=ids[coder.name], name=coder.name, role=coder.role, uuid=coder.uuid,
                          created_at=coder.created_at))  # fmt: skip
    session.flush()
    return ids


def _code_ids(codes: Sequence[CodeRow]) -> Ids:
    """Ids depth first, siblings by (position, name): the order the code tree shows them in,
    so that siblings with equal positions keep it (the tree breaks ties by id)."""
    children: dict[str | None, list[CodeRow]] = defaultdict(list)
    for code in codes:
        children[code.parent].append(code)
    ids: Ids = {}

    def visit(parent: str | None) -> None:
        for code in sorted(children[parent], key=lambda c: (c.position, c.name)):
            ids[code.uuid] = len(ids) + 1
            visit(code.uuid)

    visit(None)
    return ids
