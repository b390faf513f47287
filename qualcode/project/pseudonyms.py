"""Apply a reviewed pseudonymisation plan: each changed document becomes a new version (new text,
new UUID, new hash) with every coding, turn, suggestion and reconcile decision carried over to
its new offsets, in one transaction after a backup, with the key saved apart first.

Deleted text does not linger: ``secure_delete`` zeroes freed pages and the write-ahead log is
truncated once the change is committed. The backup made before (``before-pseudonymisation``)
does hold the original text; the result says so, and it is encrypted when the project is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from ..errors import Hint, QualcodeError
from ..files import write_atomically
from ..store import cipher
from ..store.ioerrors import storage_problem
from ..store.models import (
    AttributeValue,
    AuditEvent,
    Case,
    Code,
    Coding,
    Document,
    Memo,
    ReconcileDecision,
    Setting,
    Speaker,
    Suggestion,
    Turn,
    new_uuid,
)
from ..store.sqlite_files import backups_beside
from .core import ProjectCore
from .documents import count_words

if TYPE_CHECKING:  # pseudonymisation loads when it is used, not with every Project
    from ..privacy.labels import SpeakerRow
    from ..privacy.pseudonymise import OffsetMap, Plan


@dataclass(frozen=True)
class PseudonymiseResult:
    documents: int
    replacements: int
    codings: int
    """Codings (removed ones included) carried over to new offsets."""
    memos: int
    renamed: dict[str, str]
    """Document names that held a name: old -> new."""
    backup: Path | None
    key: Path | None
    new_in_key: int
    audit_mentions: int
    """Entries of the (append-only) audit trail that mention a replaced name; they stay."""


class PseudonymsMixin(ProjectCore):
    def key_path(self, given: str | Path | None = None) -> Path:
        """Where this project's pseudonym key lives (``--key`` or beside the project file)."""
        if given is not None:
            return Path(given)
        if self.sqlite_path is None:
            raise QualcodeError(
                f"{self.name}: give a key file for a database server",
                Hint("key-file", project=self.name),
            )
        from ..privacy import keyfile

        return keyfile.default_key_path(self.sqlite_path)

    def pseudonym_key(self, key_path: str | Path | None = None) -> dict[str, tuple[str, str, str]]:
        path = self.key_path(key_path)
        from ..privacy import keyfile

        return keyfile.load_key(path, self._passphrase)

    def pseudonymise(
        self, plan: Plan, *, key_path: str | Path | None = None, save_key: bool = True
    ) -> PseudonymiseResult:
        """Apply the plan's selected findings (see :mod:`qualcode.privacy.pseudonymise`).

        The key is written first, then the backup, then the project in one transaction. If the
        project is not changed (an error, or the run interrupted), the key is put back as it
        was and the backup removed, so no copy of the original names is left behind; a file
        that cannot be removed is named in the error."""
        from ..privacy import keyfile

        spellings = plan.spellings()
        if not plan.by_document() and not spellings:
            raise QualcodeError("nothing selected to pseudonymise")
        key = new_in_key = made = None
        written = _Written()
        try:
            if save_key:
                key = self.key_path(key_path)
                written.key(key)
                new_in_key = keyfile.save_key(key, plan, self._passphrase)
                if self.sqlite_path is not None:
                    written.folder(backups_beside(self.sqlite_path))
                made = self.backup("before-pseudonymisation")
                written.backup(made)
            renamed, moved, memos, mentions = self._apply(plan, spellings)
        except BaseException as exc:
            kept = written.undo()
            if kept and isinstance(exc, Exception):
                raise QualcodeError(
                    f"{self.name}: not pseudonymised ({_reason(exc)}); {kept}"
                ) from exc
            raise
        self._truncate_log()
        return PseudonymiseResult(
            len(plan.by_document()),
            len(plan.chosen()),
            moved,
            memos,
            renamed,
            made,
            key,
            new_in_key or 0,
            mentions,
        )

    def _apply(self, plan: Plan, spellings: dict[str, str]) -> tuple[dict[str, str], int, int, int]:
        """The one transaction: texts, offsets, names, speakers, memos and free text."""
        per_document = plan.by_document()
        from ..privacy.pseudonymise import replace_in_name, rewrite, spelling_replacer

        replace = spelling_replacer(spellings)
        renames = plan.renames()
        moved = memos = 0
        with self._write() as session:
            if self._sqlite():  # freed pages are zeroed, so the old text does not linger
                session.connection().exec_driver_sql("PRAGMA secure_delete = ON")
            documents = session.scalars(select(Document).order_by(Document.name)).all()
            speakers = _speaker_rows(session)
            changed = sorted({d.name for d in documents} ^ set(plan.texts)) or [
                d.name
                for d in documents
                if plan.texts[d.name] != d.text
                or (plan.speakers and plan.speakers.get(d.name, []) != speakers.get(d.name, []))
            ]
            if changed:
                raise QualcodeError(
                    f"{self.name}: the document {changed[0]} changed since the "
                    "plan was made; make the plan again"
                )
            speaker_maps, _groups = plan.speaker_labels(speakers)
            old_names = {d.id: d.name for d in documents}
            for document in documents:  # two steps: a new name may be another's old one
                if document.name in renames:
                    document.name = _passing(document.id)
            session.flush()
            for document in documents:
                old = old_names[document.id]
                findings = per_document.get(old, [])
                spans = [(f.start, f.end, plan.replacement(f)) for f in findings]
                text, offsets = rewrite(document.text, spans)
                moved += self._carry_over(session, document, offsets) if spans else 0
                merged = self._relabel_speakers(session, document, speaker_maps.get(old, {}))
                name = renames.get(old, old)
                document.name = name
                source_name = replace_in_name(document.source_name, spellings)
                if not spans and name == old and source_name == document.source_name:
                    if merged:  # no name in the text, yet two speakers became one
                        self._audit(
                            session,
                            "document.speakers_merged",
                            "document",
                            document.uuid,
                            speakers_merged=merged,
                        )
                    continue
                document.source_name = source_name
                previous = (document.uuid, document.sha256)
                document.text = text
                document.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
                stale = session.get(Setting, f"sentences.{previous[1]}")
                if stale is not None:  # the old text's sentence offsets (nlp.sentence_store)
                    stale.value = ""
                document.uuid = new_uuid()
                turns = session.scalars(select(Turn).where(Turn.document_id == document.id))
                document.words = count_words(text, [(t.body_start, t.end) for t in turns])
                self._audit(
                    session,
                    "document.pseudonymise",
                    "document",
                    document.uuid,
                    previous_uuid=previous[0],
                    previous_sha256=previous[1],
                    sha256=document.sha256,
                    replacements=len(spans),
                    speakers_merged=merged,
                )
            for memo in session.scalars(select(Memo)):
                text = replace(memo.text)
                if text != memo.text:
                    memo.text = text
                    memos += 1
            self._free_text(session, plan, replace)
            # What `qualcode suggest` kept quotes the old text (qualcode/suggest/run.py):
            # emptied, not deleted (on a server only the owner deletes rows).
            cached = select(Setting).where(Setting.key.like("suggest.cache:%"))
            for row in session.scalars(cached):
                row.value = ""
            folded = {s.casefold() for s in spellings}
            payloads = (str(p).casefold() for p in session.scalars(select(AuditEvent.payload)))
            mentions = sum(1 for text in payloads if any(s in text for s in folded))
        return renames, moved, memos, mentions

    def _relabel_speakers(
        self, session: Session, document: Document, labels: dict[str, str]
    ) -> int:
        """New speaker labels; speakers whose labels become one label and who are one person
        become one speaker (the first keeps its row; the others' turns move to it). Returns how
        many speakers were folded into another."""
        rows = session.scalars(
            select(Speaker).where(Speaker.document_id == document.id).order_by(Speaker.id)
        ).all()
        keep: dict[str, Speaker] = {}
        renamed: list[tuple[Speaker, str]] = []
        merged = 0
        for speaker in rows:
            new = labels.get(speaker.label, speaker.label)
            first = keep.setdefault(new, speaker)
            if first is speaker:
                if new != speaker.label:
                    renamed.append((speaker, new))
                continue
            first.role = first.role or speaker.role
            first.case_id = first.case_id or speaker.case_id
            session.execute(
                update(Turn).where(Turn.speaker_id == speaker.id).values(speaker_id=first.id)
            )
            session.delete(speaker)
            merged += 1
        session.flush()
        for speaker, _new in renamed:  # two steps: a new label may be another's old one
            speaker.label = _passing(speaker.id)
        session.flush()
        for speaker, new in renamed:
            speaker.label = new
        return merged

    def _carry_over(self, session: Session, document: Document, offsets: OffsetMap) -> int:
        """Move every offset that points into the document to the new text."""
        moved = 0
        for model in (Coding, Suggestion, ReconcileDecision):
            for row in session.scalars(select(model).where(model.document_id == document.id)):
                row.start, row.end = offsets.start(row.start), offsets.end(row.end)
                moved += model is Coding
        for turn in session.scalars(select(Turn).where(Turn.document_id == document.id)):
            turn.start = offsets.start(turn.start)
            turn.body_start = offsets.start(turn.body_start)
            turn.end = offsets.end(turn.end)
        return moved

    def _free_text(self, session: Session, plan: Plan, replace: Callable[[str], str]) -> None:
        """Names in the codebook (examples quote transcripts), in cases and their attributes."""
        for code in session.scalars(select(Code)):
            for column in ("definition", "inclusion", "exclusion", "example"):
                setattr(code, column, replace(getattr(code, column)))
        cases = session.scalars(select(Case)).all()
        if plan.cases and {c.name for c in cases} != set(plan.cases):
            raise QualcodeError(
                f"{self.name}: the cases changed since the plan was made; make the plan again"
            )
        renames = plan.case_renames([c.name for c in cases])
        moving = {c.id: renames[c.name] for c in cases if c.name in renames}
        for case in cases:  # two steps: a new name may be another case's old one
            if case.id in moving:
                case.name = _passing(case.id)
        session.flush()
        for case in cases:
            if case.id in moving:
                case.name = moving[case.id]
        for case in session.scalars(select(Case)):
            case.description = replace(case.description)
        for value in session.scalars(select(AttributeValue)):
            value.value = replace(value.value)

    def _sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def _truncate_log(self) -> None:
        """Fold the write-ahead log (which held the old pages) into the file and empty it."""
        if self._sqlite() and self.sqlite_path is not None:
            try:
                with self.engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            except OperationalError as exc:  # after the commit: the work is saved
                raise QualcodeError(
                    f"{self.name}: the replacements are saved, but the write-ahead log that "
                    "still holds the old text could not be emptied "
                    f"({storage_problem(exc) or exc})",
                    Hint("run-again"),
                ) from exc

    # -- a pseudonymised copy in memory, for exports -------------------------------------------
    def shareable_copy(self, names_path: str | Path) -> PseudonymsMixin:
        """A copy in memory with the names list, speaker labels and patterns replaced (labels
        from the project's key, when there is one): what the CLI's ``--pseudonymise`` and the
        TUI's export dialog export from."""
        from ..privacy.names import load_names
        from ..privacy.pseudonymise import plan_for

        plan = plan_for(self, load_names(names_path), key=self.pseudonym_key(), candidates=False)  # type: ignore[arg-type]
        return self.pseudonymised_copy(plan)

    def pseudonymised_copy(self, plan: Plan) -> PseudonymsMixin:
        """The project copied into memory with the plan applied (nothing touches the file and
        no key is written): export from it to share pseudonymised results."""
        if self.sqlite_path is None:
            raise QualcodeError(f"{self.name}: pseudonymised exports need a project file")
        engine = _memory_copy(self.sqlite_path, self._passphrase)
        copy = type(self)(engine, f"{self.name} (pseudonymised)", None, self.actor)
        copy.pseudonymise(plan, save_key=False)
        return copy


class _Written:
    """The files a pseudonymisation writes before the project changes, to undo them if it is
    not changed: the key as it was (or no key) and the backup."""

    def __init__(self) -> None:
        self.key_path: Path | None = None
        self.key_before: bytes | None = None
        self.made: Path | None = None
        self.new_folder: Path | None = None

    def key(self, path: Path) -> None:
        self.key_before = path.read_bytes() if path.exists() else None
        self.key_path = path

    def folder(self, path: Path) -> None:
        self.new_folder = None if path.exists() else path

    def backup(self, path: Path | None) -> None:
        self.made = path

    def undo(self) -> str:
        """Remove what was written; '' when all went, else one line saying what is kept."""
        kept: list[str] = []
        if self.key_path is not None:
            try:
                if self.key_before is None:
                    self.key_path.unlink(missing_ok=True)
                else:
                    before = self.key_before
                    write_atomically(self.key_path, lambda handle: handle.write(before))
            except OSError as exc:
                kept.append(
                    f"the key {self.key_path} may hold names of this run "
                    f"({exc.strerror or exc}); delete it or restore your copy"
                )
        if self.made is not None:
            try:
                self.made.unlink(missing_ok=True)
                if self.new_folder is not None and not any(self.new_folder.iterdir()):
                    self.new_folder.rmdir()
            except OSError as exc:
                kept.append(
                    f"the backup {self.made} holds the original text and could not be "
                    f"removed ({exc.strerror or exc}); delete it"
                )
        return "; ".join(kept)


def _speaker_rows(session: Session) -> dict[str, list[SpeakerRow]]:
    """Each document's speakers as the plan sees them, in order."""
    from ..privacy.labels import SpeakerRow

    rows: dict[str, list[SpeakerRow]] = {}
    query = (
        select(Document.name, Speaker.label, Speaker.role, Case.name)
        .join(Document, Speaker.document_id == Document.id)
        .outerjoin(Case, Speaker.case_id == Case.id)
        .order_by(Document.name, Speaker.id)
    )
    for document, label, role, case in session.execute(query):
        rows.setdefault(document, []).append(SpeakerRow(label, role, case))
    return rows


def _passing(row_id: int) -> str:
    """A name held for a moment while names swap (no real name looks like it; no NUL byte,
    which PostgreSQL refuses)."""
    return f"[pseudonymising #{row_id}]"


def _reason(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _memory_copy(path: Path, passphrase: str | None) -> Engine:
    if passphrase is None:
        import sqlite3

        source = sqlite3.connect(path)
        target = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            source.backup(target)
        finally:
            source.close()
        module = None
    else:
        module = cipher.cipher_module()
        target = module.connect(":memory:", check_same_thread=False)
        target.execute("PRAGMA temp_store = MEMORY")
        target.execute(
            f"ATTACH DATABASE ? AS source KEY {cipher.literal(passphrase)}", (str(path),)
        )
        target.execute("SELECT sqlcipher_export('main', 'source')")
        target.execute("DETACH DATABASE source")
    target.isolation_level = None
    options = {"module": module} if module is not None else {}
    engine = create_engine("sqlite://", creator=lambda: target, poolclass=StaticPool, **options)

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN")

    return engine
