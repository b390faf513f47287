"""Documents: importing transcripts (one transaction per file), listing them, speakers and turns.

A file either imports whole or leaves nothing behind: the importer parses it completely before
anything is written, and everything it yields (documents, speakers, turns, cases) is stored in
one transaction.

A document is who it is (its uuid, name and source), never what it says: two respondents who
both answered "Not sure" are two documents. Only the same document again, the same name with
the same text, is recognised and skipped with a message; the same text under another name
imports as its own document, with a notice when the text came from another file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from ..errors import BadInputError, Hint, NotFoundError, QualcodeError
from ..store.models import DOCUMENT_KINDS, SPEAKER_ROLES, Case, Document, Speaker, Turn
from .core import ProjectCore, aware, pairs
from .records import DocumentInfo, ImportOutcome, SpeakerInfo, TurnInfo

if TYPE_CHECKING:  # importers load on the first import (``--help`` and listings skip them)
    from ..importers.base import ImportOptions, ParsedDocument

Progress = Callable[[int, int, str], None]
"""Called as progress(done, total, path) after each file."""


def count_words(text: str, turns: Sequence[tuple[int, int]]) -> int:
    """Spoken words: whitespace-separated tokens in turn bodies (labels are not words said)."""
    return sum(len(text[body:end].split()) for body, end in turns)


def _already_here(names: list[str]) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:3])
    if len(names) > 3:
        shown += f" and {len(names) - 3:,} more"
    what = "document is" if len(names) == 1 else f"{len(names):,} documents are"
    return f"skipped: the {what} already in the project with the same name and text ({shown})"


class DocumentsMixin(ProjectCore):
    if TYPE_CHECKING:  # defined by CasesMixin, another base of Project

        def _case_row(self, session: Session, name: str, *, create: bool = False) -> Case: ...
        def _set_values(self, session: Session, case: Case, values: dict[str, str]) -> None: ...

    def import_files(
        self,
        paths: Iterable[str | Path],
        *,
        kind: str | None = None,
        case: str | None = None,
        name: str | None = None,
        roles: Mapping[str, str] | None = None,
        options: ImportOptions | None = None,
        progress: Progress | None = None,
    ) -> list[ImportOutcome]:
        """Import each file in its own transaction; a bad file is reported, the rest go on."""
        paths = list(paths)
        if name is not None and len(paths) > 1:
            raise QualcodeError(
                "a document name can only be given when importing one file", Hint("name-one-file")
            )
        outcomes: list[ImportOutcome] = []
        for index, path in enumerate(paths, 1):
            try:
                docs, notices = self._import(
                    path, kind=kind, case=case, name=name, roles=roles, options=options
                )
                warnings = (*notices, *(w for d in docs for w in d[1]))
                outcomes.append(ImportOutcome(str(path), tuple(d[0] for d in docs), None, warnings))
            except QualcodeError as exc:
                outcomes.append(ImportOutcome(str(path), (), str(exc), hint=exc.hint))
            if progress:
                progress(index, len(paths), str(path))
        return outcomes

    def import_file(
        self,
        path: str | Path,
        *,
        kind: str | None = None,
        case: str | None = None,
        name: str | None = None,
        roles: Mapping[str, str] | None = None,
        options: ImportOptions | None = None,
    ) -> list[tuple[DocumentInfo, tuple[str, ...]]]:
        """Parse one file and store what it holds; raises ``BadInputError`` naming the file.

        Documents already here (same name, same text) are skipped: a file imported again gives
        an empty list. ``import_files`` says so in the outcome's warnings."""
        docs, notices = self._import(
            path, kind=kind, case=case, name=name, roles=roles, options=options
        )
        if notices and docs:
            first, warnings = docs[0]
            docs[0] = (first, (*notices, *warnings))
        return docs

    def _import(
        self,
        path: str | Path,
        *,
        kind: str | None,
        case: str | None,
        name: str | None,
        roles: Mapping[str, str] | None,
        options: ImportOptions | None,
    ) -> tuple[list[tuple[DocumentInfo, tuple[str, ...]]], list[str]]:
        if kind is not None and kind not in DOCUMENT_KINDS:
            raise QualcodeError(f"document kind '{kind}' is not one of {', '.join(DOCUMENT_KINDS)}")
        for label, role in (roles or {}).items():
            if role not in SPEAKER_ROLES:
                raise QualcodeError(
                    f"role '{role}' for speaker '{label}' is not one of {', '.join(SPEAKER_ROLES)}"
                )
        from ..importers import read_file

        parsed = read_file(path, options)
        if not parsed:
            raise BadInputError(path, "no documents found in the file")
        if name is not None and len(parsed) > 1:
            raise BadInputError(
                path,
                f"holds {len(parsed)} documents, so they cannot be given one name",
                Hint("name-many", file=path, count=len(parsed)),
            )
        with self._write() as session:
            stored: list[tuple[DocumentInfo, tuple[str, ...]]] = []
            again: list[str] = []
            notices: list[str] = []
            for doc in parsed:
                info = self._store_parsed(
                    session, path, doc, name or doc.name, kind, case, roles or {}, notices
                )
                if info is None:
                    again.append(" ".join((name or doc.name).split()))
                else:
                    stored.append((info, doc.warnings))
        if again:
            notices.insert(0, _already_here(again))
        return stored, notices

    def _store_parsed(
        self,
        session: Session,
        path: str | Path,
        doc: ParsedDocument,
        name: str,
        kind: str | None,
        case: str | None,
        roles: Mapping[str, str],
        notices: list[str],
    ) -> DocumentInfo | None:
        """Store one parsed document; None when it is already here (same name, same text)."""
        name = " ".join(name.split())
        if not name:
            raise BadInputError(path, "the document name is empty", Hint("name-empty"))
        digest = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        same_name = session.scalar(select(Document.sha256).where(Document.name == name))
        if same_name == digest:
            return None
        if same_name is not None:
            raise BadInputError(
                path,
                f"a document named '{name}' with a different text is already in the project",
                Hint("name-taken"),
            )
        source_name = Path(path).name
        twin = session.execute(
            select(Document.name, Document.source_name)
            .where(Document.sha256 == digest)
            .order_by(Document.id)
            .limit(1)
        ).first()
        if twin is not None and twin.source_name != source_name:
            notices.append(
                f"'{name}' has the same text as '{twin.name}': imported as a document of its own"
            )
        from ..importers.turns import default_role

        labels = [t.speaker for t in doc.turns if t.speaker is not None]
        speaker_roles = {
            label: roles.get(label) or default_role(label) for label in dict.fromkeys(labels)
        }
        # Four or more people besides interviewers reads as a focus group; two hosts and a guest
        # (a podcast, a paired interview) do not. --kind overrides the guess.
        non_interviewers = sum(1 for r in speaker_roles.values() if r != "interviewer")
        document_kind = (
            kind or doc.kind or ("focus-group" if non_interviewers >= 4 else "interview")
        )
        case_name = case or doc.case
        case_row = self._case_row(session, case_name, create=True) if case_name else None
        if doc.attributes and case_row is not None:
            self._set_values(session, case_row, dict(doc.attributes))
        words = count_words(doc.text, [(t.body_start, t.end) for t in doc.turns])
        document = Document(
            name=name,
            kind=document_kind,
            text=doc.text,
            sha256=digest,
            words=words,
            source_name=source_name,
            source_format=doc.source_format,
            case_id=case_row.id if case_row else None,
        )
        session.add(document)
        session.flush()
        speaker_ids: dict[str, int] = {}
        for label, role in speaker_roles.items():
            speaker_case = doc.speaker_cases.get(label)
            case_id = (
                self._case_row(session, speaker_case, create=True).id if speaker_case else None
            )
            speaker = Speaker(document_id=document.id, label=label, role=role, case_id=case_id)
            session.add(speaker)
            session.flush()
            speaker_ids[label] = speaker.id
        if doc.turns:
            # Core executemany (one prepared statement) rather than ORM bulk: 10x faster here.
            session.connection().execute(
                insert(Turn.__table__),
                [
                    {
                        "document_id": document.id,
                        "ordinal": i,
                        "speaker_id": speaker_ids.get(t.speaker) if t.speaker else None,
                        "start": t.start,
                        "body_start": t.body_start,
                        "end": t.end,
                        "ts_start": t.ts_start,
                        "ts_end": t.ts_end,
                    }
                    for i, t in enumerate(doc.turns)
                ],
            )
        self._audit(
            session,
            "document.import",
            "document",
            document.uuid,
            name=name,
            source=str(path),
            format=doc.source_format,
            sha256=digest,
            words=words,
            turns=len(doc.turns),
            speakers=len(speaker_ids),
        )
        return DocumentInfo(
            name=name,
            kind=document_kind,
            words=words,
            turns=len(doc.turns),
            speakers=len(speaker_ids),
            case=case_row.name if case_row else None,
            uuid=document.uuid,
            source=document.source_name,
            format=doc.source_format,
            sha256=digest,
            imported_at=aware(document.imported_at),
            characters=len(doc.text),
        )

    # -- reading ----------------------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        with self._read() as session:
            turns = pairs(
                session, (select(Turn.document_id, func.count()).group_by(Turn.document_id))
            )
            speakers = pairs(
                session, (select(Speaker.document_id, func.count()).group_by(Speaker.document_id))
            )
            cases = pairs(session, (select(Case.id, Case.name)))
            rows = session.execute(
                select(
                    Document.id,
                    Document.name,
                    Document.kind,
                    Document.words,
                    Document.case_id,
                    Document.uuid,
                    Document.source_name,
                    Document.source_format,
                    Document.sha256,
                    Document.imported_at,
                    func.length(Document.text),
                ).order_by(Document.name)
            )
            return [
                DocumentInfo(
                    name=r.name,
                    kind=r.kind,
                    words=r.words,
                    turns=turns.get(r.id, 0),
                    speakers=speakers.get(r.id, 0),
                    case=cases.get(r.case_id) if r.case_id else None,
                    uuid=r.uuid,
                    source=r.source_name,
                    format=r.source_format,
                    sha256=r.sha256,
                    imported_at=aware(r.imported_at),
                    characters=r[-1],
                )
                for r in rows
            ]

    def document(self, name: str) -> DocumentInfo:
        for info in self.documents():
            if info.name == name:
                return info
        raise self._no_document(name)

    def document_text(self, name: str) -> str:
        with self._read() as session:
            return self._document_row(session, name).text

    def turns(self, name: str) -> list[TurnInfo]:
        with self._read() as session:
            doc = self._document_row(session, name)
            speakers = {
                s.id: s
                for s in session.scalars(select(Speaker).where(Speaker.document_id == doc.id))
            }
            rows = session.scalars(
                select(Turn).where(Turn.document_id == doc.id).order_by(Turn.ordinal)
            )
            return [
                TurnInfo(
                    t.ordinal,
                    t.start,
                    t.body_start,
                    t.end,
                    speakers[t.speaker_id].label if t.speaker_id else None,
                    speakers[t.speaker_id].role if t.speaker_id else None,
                    t.ts_start,
                    t.ts_end,
                )
                for t in rows
            ]

    def speakers(self, document: str | None = None) -> list[SpeakerInfo]:
        with self._read() as session:
            query = select(Speaker, Document).join(Document, Speaker.document_id == Document.id)
            if document is not None:
                query = query.where(Speaker.document_id == self._document_row(session, document).id)
            cases = pairs(session, (select(Case.id, Case.name)))
            out = []
            for speaker, doc in session.execute(query.order_by(Document.name, Speaker.id)):
                spans = session.execute(
                    select(Turn.body_start, Turn.end).where(Turn.speaker_id == speaker.id)
                ).all()
                out.append(
                    SpeakerInfo(
                        document=doc.name,
                        label=speaker.label,
                        role=speaker.role,
                        case=cases.get(speaker.case_id) if speaker.case_id else None,
                        turns=len(spans),
                        words=count_words(doc.text, [(b, e) for b, e in spans]),
                    )
                )
            return out

    def set_speaker(
        self,
        document: str,
        label: str,
        *,
        role: str | None = None,
        case: str | None = None,
    ) -> SpeakerInfo:
        """Set a speaker's role and/or map the speaker to a case (created if new)."""
        if role is not None and role not in SPEAKER_ROLES:
            raise QualcodeError(f"role '{role}' is not one of {', '.join(SPEAKER_ROLES)}")
        with self._write() as session:
            doc = self._document_row(session, document)
            speaker = session.scalar(
                select(Speaker).where(Speaker.document_id == doc.id, Speaker.label == label)
            )
            if speaker is None:
                known = ", ".join(
                    session.scalars(select(Speaker.label).where(Speaker.document_id == doc.id))
                )
                raise NotFoundError(
                    f"document '{document}' has no speaker '{label}' (speakers: {known or 'none'})"
                )
            changes: dict[str, object] = {}
            if role is not None and role != speaker.role:
                changes["role"] = [speaker.role, role]
                speaker.role = role
            if case is not None:
                case_row = self._case_row(session, case, create=True)
                if case_row.id != speaker.case_id:
                    changes["case"] = case_row.name
                    speaker.case_id = case_row.id
            if changes:
                self._audit(
                    session,
                    "speaker.update",
                    "speaker",
                    speaker.uuid,
                    document=document,
                    label=label,
                    changes=changes,
                )
        return next(s for s in self.speakers(document) if s.label == label)

    def merge_speakers(self, document: str, keep: str, aliases: Sequence[str]) -> SpeakerInfo:
        """Make ``aliases`` the same person as ``keep`` in ``document``: their turns become
        ``keep``'s and their labels are removed from the speaker list (the text is unchanged).
        One transaction; unknown labels change nothing."""
        aliases = [a for a in dict.fromkeys(aliases) if a != keep]
        if not aliases:
            raise QualcodeError(f"name at least one other speaker to merge into '{keep}'")
        with self._write() as session:
            doc = self._document_row(session, document)
            rows = {
                s.label: s
                for s in session.scalars(select(Speaker).where(Speaker.document_id == doc.id))
            }
            missing = [label for label in [keep, *aliases] if label not in rows]
            if missing:
                known = ", ".join(rows) or "none"
                raise NotFoundError(
                    f"document '{document}' has no speaker '{missing[0]}' (speakers: {known})"
                )
            kept = rows[keep]
            for alias in aliases:
                row = rows[alias]
                session.execute(
                    update(Turn).where(Turn.speaker_id == row.id).values(speaker_id=kept.id)
                )
                if kept.case_id is None and row.case_id is not None:
                    kept.case_id = row.case_id
                session.delete(row)
            session.flush()
            self._audit(
                session,
                "speaker.merge",
                "speaker",
                kept.uuid,
                document=document,
                label=keep,
                aliases=aliases,
            )
        return next(s for s in self.speakers(document) if s.label == keep)


def likely_aliases(labels: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs ``(alias, full)`` where the alias's words are the first words (or all of a part)
    of a longer label: 'Bekah' and 'Bekah Hawrot Weigel', 'Greg' and 'Greg Colvin'. Each alias
    is paired with one label only, and only when exactly one longer label contains it."""
    labels = list(dict.fromkeys(labels))
    words = {label: label.casefold().split() for label in labels}
    found = []
    for alias in labels:
        short = words[alias]
        if not short:
            continue
        fuller = [
            other
            for other in labels
            if other != alias
            and len(words[other]) > len(short)
            and any(
                words[other][i : i + len(short)] == short
                for i in range(len(words[other]) - len(short) + 1)
            )
        ]
        if len(fuller) == 1:
            found.append((alias, fuller[0]))
    return found
