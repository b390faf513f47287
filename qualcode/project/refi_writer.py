"""The writer behind ``Project.import_refi_project``: a read REFI-QDA project into the rows of
one open transaction (coders, cases and attributes, documents with speakers and turns, codings;
codes through ``refi_codes``, memos through ``refi_memos``). Matching rules: see ``refi``.
"""

from __future__ import annotations

import hashlib
import uuid as uuid_module
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..store.models import (
    CONSENSUS_CODER,
    Attribute,
    AttributeValue,
    Case,
    Coder,
    Coding,
    Document,
    Setting,
    Speaker,
    Turn,
)
from . import refi_keep as keep
from .cases import canonical
from .documents import count_words
from .refi_codes import CodeWriter, sets_to_memos, taken_uuids
from .refi_memos import MemoWriter
from .refi_model import RefiProject, RefiSource, is_ours
from .refi_summary import ImportSummary, SameText, Skips

Progress = Callable[[int, int, str], None]


def turns_fit(turns: list[tuple[Any, ...]], length: int) -> bool:
    """Turns in order, inside the text, each with start <= body_start <= end."""
    previous = 0
    for start, body, end, *_ in turns:
        if not (previous <= start <= body <= end <= length):
            return False
        previous = start
    return True


class _Writer:
    def __init__(
        self,
        project: Any,
        session: Session,
        parsed: RefiProject,
        summary: ImportSummary,
        skipped: Skips,
        coder: str | None,
    ) -> None:
        self.project = project
        self.session = session
        self.parsed = parsed
        self.summary = summary
        self.skipped = skipped
        self.coder_name = coder
        self.ours = is_ours(parsed.origin)
        self.coders: dict[str, Coder] = {}
        self.cases: dict[str, Case] = {}
        self.attributes: dict[str, Attribute] = {}
        self.documents: dict[str, Document] = {}
        self.new_documents: list[str] = []
        self.notices = SameText()
        self._fallback: Coder | None = None
        self.fresh = False
        self.unattributed = 0

    def run(self, progress: Progress | None) -> None:
        if self.fresh and self.parsed.named:
            self.remember(keep.PROJECT_NAME, self.parsed.name)
        self._coders()
        codes = CodeWriter(self.session, self.summary, self.ours).write(self.parsed.codebook.codes)
        self._attributes()
        self._cases()
        total = len(self.parsed.sources)
        for index, source in enumerate(self.parsed.sources, 1):
            self._document(source)
            if progress:
                progress(index, total, source.name)
        memos = MemoWriter(self, codes)
        codings = self._codings(codes, memos)
        memos.write(codings)
        memos.descriptions()
        sets = sets_to_memos(
            self.session,
            self.parsed.codebook.sets,
            codes,
            {g: d.id for g, d in self.documents.items()},
            lambda: self.fallback().id,
            self.summary,
            self.skipped,
        )
        for refi_set, memo_uuids in sets:
            self.remember(
                keep.set_key(refi_set.guid, refi_set.name), keep.set_value(refi_set, memo_uuids)
            )
        self.summary.warnings.extend(self.notices.lines())
        if self.unattributed:
            self.summary.warnings.append(
                f"{self.unattributed} codings, notes or comments name no known user: "
                f"recorded as coder '{self.fallback().name}'"
            )

    # -- coders --------------------------------------------------------------------------
    def _coders(self) -> None:
        rows = {c.name: c for c in self.session.scalars(select(Coder))}
        taken = taken_uuids(self.session, Coder.uuid, (u.guid for u in self.parsed.users))
        for user in self.parsed.users:
            if user.guid in self.coders:
                continue
            row = rows.get(user.name)
            if row is not None:
                self.summary.matched["coders"] += 1
                if self.fresh and user.guid not in taken:
                    taken.add(user.guid)
                    row.uuid = user.guid
            else:
                role = self.parsed.coder_roles.get(user.guid, "coder")
                if role == "consensus" and user.name != CONSENSUS_CODER:
                    role = "coder"
                row = Coder(uuid=self._uuid(user.guid, taken, "coders"), name=user.name, role=role)
                self.session.add(row)
                rows[user.name] = row
                self.summary.added["coders"] += 1
            self.coders[user.guid] = row
        users = {u.guid for u in self.parsed.users}
        consensus = rows.get(CONSENSUS_CODER)
        for guid, role in sorted(self.parsed.coder_roles.items()):
            # Our export leaves out a consensus coder with nothing coded; its uuid travels in
            # qualcode.json so that a new project gets it back.
            if role == "consensus" and guid not in users and consensus is not None:
                if self.fresh and guid not in taken_uuids(self.session, Coder.uuid, [guid]):
                    consensus.uuid = guid
                break
        self.session.flush()

    def remember(self, key: str, value: str) -> None:
        """Keep something only an export needs back (docs/refi-qda.md) in the settings."""
        row = self.session.get(Setting, key)
        if row is None:
            self.session.add(Setting(key=key, value=value))
        else:
            row.value = value

    def recalled(self, key: str) -> str | None:
        row = self.session.get(Setting, key)
        return row.value if row is not None else None

    def fallback(self) -> Coder:
        """Who wrote codings and memos the file gives no user for: ``coder``, else the file's
        creating user, else its only user (MAXQDA names no creator), else the person running
        the import."""
        if self._fallback is None:
            creator = self.coders.get(self.parsed.creating_user or "")
            if creator is None and len(self.parsed.users) == 1:
                creator = self.coders.get(self.parsed.users[0].guid)
            name = self.coder_name or (creator.name if creator else None) or self.project.actor
            row = self.session.scalar(select(Coder).where(Coder.name == name))
            if row is None:
                row = Coder(name=name, role="coder")
                self.session.add(row)
                self.session.flush()
                self.summary.added["coders"] += 1
            self._fallback = row
        return self._fallback

    def coder_for(self, guid: str | None) -> Coder:
        found = self.coders.get(guid or "")
        if found is None:
            self.unattributed += 1
            return self.fallback()
        return found

    def _uuid(self, guid: str | None, taken: set[str], kind: str) -> str:
        if guid is not None and guid not in taken:
            taken.add(guid)
            return guid
        if guid is not None:
            self.summary.new_guids[kind] += 1
        return str(uuid_module.uuid4())

    # -- cases and attributes ------------------------------------------------------------
    def _attributes(self) -> None:
        rows = {a.name: a for a in self.session.scalars(select(Attribute))}
        taken = taken_uuids(self.session, Attribute.uuid, (v.guid for v in self.parsed.variables))
        for variable in self.parsed.variables:
            row = rows.get(variable.name)
            if row is not None:
                self.summary.matched["attributes"] += 1
                if row.type != variable.type:
                    self.summary.warnings.append(
                        f"variable '{variable.name}' is {variable.type} in the file but "
                        f"{row.type} here: values are read as {row.type}"
                    )
            else:
                row = Attribute(
                    uuid=self._uuid(variable.guid, taken, "attributes"),
                    name=variable.name,
                    type=variable.type,
                    description=variable.description,
                )
                self.session.add(row)
                rows[variable.name] = row
                self.summary.added["attributes"] += 1
            self.attributes[variable.guid] = row
        self.session.flush()

    def _cases(self) -> None:
        rows = {c.name: c for c in self.session.scalars(select(Case))}
        taken = taken_uuids(self.session, Case.uuid, (c.guid for c in self.parsed.cases))
        for case in self.parsed.cases:
            row = rows.get(case.name)
            if row is not None:
                self.summary.matched["cases"] += 1
            else:
                row = Case(
                    uuid=self._uuid(case.guid, taken, "cases"),
                    name=case.name,
                    description=case.description,
                )
                self.session.add(row)
                rows[case.name] = row
                self.summary.added["cases"] += 1
            self.cases[case.guid] = row
        self.session.flush()
        for case in self.parsed.cases:
            self.set_values(self.cases[case.guid], case.values)

    def set_values(self, case: Case, values: list[tuple[str, str]], *, source: str = "") -> None:
        """Set a case's values; values given on a source (``source``) only fill gaps."""
        for variable_guid, raw in values:
            attribute = self.attributes.get(variable_guid)
            if attribute is None:
                self.skipped.add("values of variables not declared in the file", case.name)
                continue
            if not raw.strip():
                continue
            try:
                value = canonical(raw, attribute.type)
            except ValueError:
                self.skipped.add(
                    f"values that are not {attribute.type} ('{attribute.name}')", case.name
                )
                continue
            existing = self.session.get(AttributeValue, (case.id, attribute.id))
            if existing is None:
                self.session.add(
                    AttributeValue(case_id=case.id, attribute_id=attribute.id, value=value)
                )
            elif existing.value != value and source:
                self.summary.warnings.append(
                    f"source '{source}' gives {attribute.name} = {value} but its case "
                    f"'{case.name}' has {existing.value}: the case's value is kept"
                )
            elif existing.value != value:
                self.summary.warnings.append(
                    f"case '{case.name}': {attribute.name} was {existing.value}, now {value}"
                )
                existing.value = value
        self.session.flush()

    # -- documents -----------------------------------------------------------------------
    def _document(self, source: RefiSource) -> None:
        session = self.session
        digest = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
        same = self._same_document(source, digest)
        case = self._case_of(source)
        if same is not None:
            self.summary.matched["documents"] += 1
            self.documents[source.guid] = same
            if case is not None and same.case_id is None:
                same.case_id = case.id
            return
        name = self._free_name(source.name)
        extra = source.extra
        taken = taken_uuids(session, Document.uuid, [source.guid])
        turns = extra.get("turns")
        speakers = extra.get("speakers", [])
        if turns is None or not turns_fit(turns, len(source.text)):
            from ..importers.turns import default_role, split_turns

            parsed = split_turns(source.text)
            labels = list(dict.fromkeys(t.speaker for t in parsed if t.speaker is not None))
            speakers = [(label, default_role(label), None) for label in labels]
            index = {label: i for i, label in enumerate(labels)}
            turns = [
                (
                    t.start,
                    t.body_start,
                    t.end,
                    index.get(t.speaker or "") if t.speaker else None,
                    t.ts_start,
                    t.ts_end,
                )
                for t in parsed
            ]
        non_interviewers = sum(1 for s in speakers if s[1] != "interviewer")
        kind = extra.get("kind") or ("focus-group" if non_interviewers >= 4 else "interview")
        words = count_words(source.text, [(t[1], t[2]) for t in turns])
        document = Document(
            uuid=self._uuid(source.guid, taken, "documents"),
            name=name,
            kind=kind,
            text=source.text,
            sha256=digest,
            words=words,
            source_name=extra.get("source_name", PurePath(self.summary.source).name),
            source_format=extra.get("source_format", "qdpx"),
            case_id=case.id if case is not None else None,
            imported_at=source.created or datetime.now(UTC),
        )
        session.add(document)
        session.flush()
        speaker_ids = []
        for label, role, speaker_case in speakers:
            case_row = self.cases.get(speaker_case) if speaker_case else None
            row = Speaker(
                document_id=document.id,
                label=label,
                role=role,
                case_id=case_row.id if case_row else None,
            )
            session.add(row)
            session.flush()
            speaker_ids.append(row.id)
        if turns:
            session.connection().execute(
                insert(Turn),
                [
                    {
                        "document_id": document.id,
                        "ordinal": i,
                        "start": t[0],
                        "body_start": t[1],
                        "end": t[2],
                        "speaker_id": speaker_ids[t[3]] if t[3] is not None else None,
                        "ts_start": t[4],
                        "ts_end": t[5],
                    }
                    for i, t in enumerate(turns)
                ],
            )
        self.documents[source.guid] = document
        self.new_documents.append(document.uuid)
        self.summary.added["documents"] += 1

    def _same_document(self, source: RefiSource, digest: str) -> Document | None:
        """The document this source already is: the one with its GUID as uuid (if the text is
        the same), else one with its name and text (the same file imported before). A text
        alone never makes two sources one document."""
        session = self.session
        by_guid = session.scalar(select(Document).where(Document.uuid == source.guid))
        if by_guid is not None and by_guid.uuid not in self.new_documents:
            if by_guid.sha256 == digest:
                return by_guid
            self.summary.warnings.append(
                f"source '{source.name}' has the GUID of document '{by_guid.name}' but another "
                "text: imported as a document of its own"
            )
            return None
        by_name = session.scalar(
            select(Document).where(Document.name == source.name, Document.sha256 == digest)
        )
        if by_name is not None and by_name.uuid not in self.new_documents:
            return by_name
        twin = session.scalar(select(Document.name).where(Document.sha256 == digest).limit(1))
        if twin is not None:
            self.notices.add(source.name, twin)
        return None

    def _case_of(self, source: RefiSource) -> Case | None:
        cases = [self.cases[c.guid] for c in self.parsed.cases if source.guid in c.sources]
        if len(cases) > 1:
            self.summary.warnings.append(
                f"source '{source.name}' is in {len(cases)} cases: it belongs to "
                f"'{cases[0].name}' here (a document has one case)"
            )
        case = cases[0] if cases else None
        if source.values:
            if case is None:
                case = self.session.scalar(select(Case).where(Case.name == source.name))
                if case is None:
                    case = Case(name=source.name)
                    self.session.add(case)
                    self.session.flush()
                    self.summary.added["cases"] += 1
                self.summary.warnings.append(
                    f"source '{source.name}' has variable values: they went to case '{case.name}'"
                )
            self.set_values(case, source.values, source=source.name)
        return case

    def _free_name(self, name: str) -> str:
        taken = set(
            self.session.scalars(
                select(Document.name).where(Document.name.startswith(name, autoescape=True))
            )
        )
        candidate, n = name, 2
        while candidate in taken:
            candidate = f"{name} ({n})"
            n += 1
        if candidate != name:
            self.summary.warnings.append(f"a document '{name}' exists: imported as '{candidate}'")
        return candidate

    # -- codings -------------------------------------------------------------------------
    def _codings(self, codes: dict[str, Any], memos: MemoWriter) -> dict[str, int]:
        """Insert the codings; returns coding GUID -> row id for codings that notes refer to."""
        session = self.session
        doc_ids = [d.id for d in self.documents.values()]
        existing: dict[tuple[int, int, int, int, int], int] = {}
        for i in range(0, len(doc_ids), 500):
            rows = session.execute(
                select(
                    Coding.id,
                    Coding.document_id,
                    Coding.code_id,
                    Coding.coder_id,
                    Coding.start,
                    Coding.end,
                ).where(Coding.document_id.in_(doc_ids[i : i + 500]), Coding.deleted_at.is_(None))
            )
            for row in rows:
                existing[tuple(row[1:])] = row[0]  # type: ignore[index]
        guids = [c.guid for s in self.parsed.sources for c in s.codings]
        taken = taken_uuids(session, Coding.uuid, guids)
        now = datetime.now(UTC)
        default_origin = "manual" if self.ours else "imported"
        rows_out: list[dict[str, Any]] = []
        ids: dict[str, int] = {}
        wanted = memos.coding_targets()
        by_uuid: dict[str, str] = {}
        selections: dict[str, dict[str, str]] = {}
        not_codable = 0
        for source in self.parsed.sources:
            document = self.documents.get(source.guid)
            if document is None:
                continue
            for coding in source.codings:
                code = codes[coding.code]  # type: ignore[index]
                coder = self.coder_for(coding.user)
                key = (document.id, code.id, coder.id, coding.start, coding.end)
                if key in existing:
                    self.summary.duplicates += 1
                    if coding.guid in wanted and existing[key] > 0:
                        ids[coding.guid] = existing[key]  # type: ignore[index]
                    elif coding.guid in wanted:
                        by_uuid[coding.guid] = by_uuid_of(rows_out, existing[key])  # type: ignore[index]
                    continue
                uuid = self._uuid(coding.guid, taken, "codings")
                if coding.selection and coding.selection != keep.derived_selection(
                    document.uuid, coding.start, coding.end
                ):
                    selections.setdefault(document.uuid, {})[uuid] = coding.selection
                existing[key] = -len(rows_out) - 1
                not_codable += not code.codable
                rows_out.append(
                    {
                        "uuid": uuid,
                        "document_id": document.id,
                        "code_id": code.id,
                        "coder_id": coder.id,
                        "start": coding.start,
                        "end": coding.end,
                        "origin": coding.origin or default_origin,
                        "favourite": coding.favourite,
                        "created_at": coding.created or now,
                    }
                )
                if coding.guid in wanted:
                    by_uuid[coding.guid] = uuid  # type: ignore[index]
        if rows_out:
            session.connection().execute(insert(Coding), rows_out)
        for document_uuid, found in selections.items():
            key = keep.selections_key(document_uuid)
            self.remember(key, keep.merge_json(self.recalled(key), found))
        self.summary.added["codings"] += len(rows_out)
        if not_codable:
            self.summary.warnings.append(
                f"{not_codable} codings are on codes marked not codable (kept as they are)"
            )
        if by_uuid:
            found = dict(
                session.execute(
                    select(Coding.uuid, Coding.id).where(Coding.uuid.in_(list(by_uuid.values())))
                ).all()
            )
            ids.update({g: found[u] for g, u in by_uuid.items() if u in found})
        return ids


def by_uuid_of(rows: list[dict[str, Any]], marker: int) -> str:
    """The uuid of a coding inserted by this import, from its negative placeholder id."""
    return str(rows[-marker - 1]["uuid"])
