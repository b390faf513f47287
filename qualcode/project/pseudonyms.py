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

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from ..errors import QualcodeError
from ..privacy import keyfile
from ..privacy.pseudonymise import (
    OffsetMap,
    Plan,
    replace_in_name,
    rewrite,
    spelling_replacer,
)
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
    Speaker,
    Suggestion,
    Turn,
    new_uuid,
)
from .core import ProjectCore
from .documents import count_words


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
            raise QualcodeError(f"{self.name}: give a key file (--key) for a database server")
        return keyfile.default_key_path(self.sqlite_path)

    def pseudonym_key(self, key_path: str | Path | None = None) -> dict[str, tuple[str, str, str]]:
        path = self.key_path(key_path)
        return keyfile.load_key(path, self._passphrase)

    def pseudonymise(
        self, plan: Plan, *, key_path: str | Path | None = None, save_key: bool = True
    ) -> PseudonymiseResult:
        """Apply the plan's selected findings (see :mod:`qualcode.privacy.pseudonymise`)."""
        per_document = plan.by_document()
        spellings = plan.spellings()
        replace = spelling_replacer(spellings)
        if not per_document and not spellings:
            raise QualcodeError("nothing selected to pseudonymise")
        key = new_in_key = None
        if save_key:
            key = self.key_path(key_path)
            new_in_key = keyfile.save_key(key, plan, self._passphrase)
        made = self.backup("before-pseudonymisation") if save_key else None
        renamed: dict[str, str] = {}
        moved = memos = 0
        with self._write() as session:
            if self._sqlite():  # freed pages are zeroed, so the old text does not linger
                session.connection().exec_driver_sql("PRAGMA secure_delete = ON")
            taken = set(session.scalars(select(Document.name)))
            for document in session.scalars(select(Document).order_by(Document.name)).all():
                findings = per_document.get(document.name, [])
                spans = [(f.start, f.end, plan.replacement(f)) for f in findings]
                text, offsets = rewrite(document.text, spans)
                moved += self._carry_over(session, document, offsets) if spans else 0
                name = replace_in_name(document.name, spellings)
                if name != document.name:
                    name = _free(name, taken)
                    taken.discard(document.name)
                    taken.add(name)
                    renamed[document.name] = name
                speakers = select(Speaker).where(Speaker.document_id == document.id)
                for speaker in session.scalars(speakers):
                    speaker.label = replace(speaker.label)
                source_name = replace_in_name(document.source_name, spellings)
                if not spans and name == document.name and source_name == document.source_name:
                    continue
                document.source_name = source_name
                previous = (document.uuid, document.sha256)
                document.text = text
                document.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
                document.uuid = new_uuid()
                document.name = name
                turns = session.scalars(select(Turn).where(Turn.document_id == document.id))
                document.words = count_words(text, [(t.body_start, t.end) for t in turns])
                self._audit(session, "document.pseudonymise", "document", document.uuid,
                            previous_uuid=previous[0], previous_sha256=previous[1],
                            sha256=document.sha256, replacements=len(spans))  # fmt: skip
            for memo in session.scalars(select(Memo)):
                text = replace(memo.text)
                if text != memo.text:
                    memo.text = text
                    memos += 1
            self._free_text(session, spellings, replace)
            folded = {s.casefold() for s in spellings}
            payloads = (str(p).casefold() for p in session.scalars(select(AuditEvent.payload)))
            mentions = sum(1 for text in payloads if any(s in text for s in folded))
        self._truncate_log()
        return PseudonymiseResult(len(per_document),
                                  len(plan.chosen()), moved, memos, renamed, made, key,
                                  new_in_key or 0, mentions)  # fmt: skip

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

    def _free_text(
        self, session: Session, spellings: dict[str, str], replace: Callable[[str], str]
    ) -> None:
        """Names in the codebook (examples quote transcripts), in cases and their attributes."""
        for code in session.scalars(select(Code)):
            for column in ("definition", "inclusion", "exclusion", "example"):
                setattr(code, column, replace(getattr(code, column)))
        cases = set(session.scalars(select(Case.name)))
        for case in session.scalars(select(Case)):
            name = replace_in_name(case.name, spellings)
            if name != case.name:
                cases.discard(case.name)
                case.name = _free(name, cases)
                cases.add(case.name)
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
                    f"still holds the old text could not be emptied ({storage_problem(exc) or exc}"
                    "); once there is room, run any qualcode command on the project to empty it"
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


def _free(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name}-{n}" in taken:
        n += 1
    return f"{name}-{n}"


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
        target.execute(f"ATTACH DATABASE ? AS source KEY {cipher.literal(passphrase)}",
                       (str(path),))  # fmt: skip
        target.execute("SELECT sqlcipher_export('main', 'source')")
        target.execute("DETACH DATABASE source")
    target.isolation_level = None
    options = {"module": module} if module is not None else {}
    engine = create_engine("sqlite://", creator=lambda: target, poolclass=StaticPool, **options)

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN")

    return engine
