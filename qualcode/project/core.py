"""Opening, creating and closing a project; transactions, the audit trail and coders.

Every user action runs in ``self._write()``: one transaction that takes the write lock up front,
writes its audit event in the same transaction and commits before the method returns, so a
caller that shows an action as done has it on disk.
"""

from __future__ import annotations

import os
import uuid as uuid_module
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self, TypeVar

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DBAPIError,
    IntegrityError,
    OperationalError,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ..errors import ConflictError, Hint, NotAllowed, NotFoundError, QualcodeError, SchemaError
from ..store import cipher
from ..store import engine as store_engine
from ..store.actors import default_actor
from ..store.cipher import EncryptionError
from ..store.ioerrors import storage_problem
from ..store.migrate import MigrationResult, has_tables, migrate
from ..store.models import (
    CODER_ROLES,
    CONSENSUS_CODER,
    AuditEvent,
    Coder,
    Document,
    Setting,
    new_uuid,
)
from ..store.sqlite_files import remove_database
from ..terminal import has_control_characters, terminal_safe
from ..version import __version__
from .records import AuditEntry, CoderInfo

Filled = TypeVar("Filled")
"""What a ``Project.build`` fill returns."""


def aware(value: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; they were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def pairs(session: Session, query: Any) -> dict[Any, Any]:
    """Run a two-column query and return it as a dict."""
    return dict(session.execute(query).all())  # type: ignore[arg-type]


class ProjectCore:
    """A connection to one project; use ``Project.create`` or ``Project.open``."""

    def __init__(
        self,
        engine: Engine,
        name: str,
        sqlite_path: Path | None,
        actor: str | None,
        migration: MigrationResult | None = None,
        passphrase: str | None = None,
    ) -> None:
        self.engine = engine
        self.name = name
        """The path or password-free URL, for messages."""
        self.sqlite_path = sqlite_path
        self.actor = actor or _url_user(name) or default_actor()
        """Named in the audit trail for actions that name no coder."""
        self.migration = migration
        self._passphrase = passphrase
        """Held in memory only, for the backups and pseudonym keys of an encrypted project."""
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        target: str | Path,
        *,
        actor: str | None = None,
        passphrase: str | None = None,
        password: str | None = None,
    ) -> Self:
        """Create a new, empty project at a path (one SQLite file) or a database URL; with a
        ``passphrase`` the file is encrypted (SQLCipher)."""
        name = store_engine.display_name(target)
        sqlite_path = None if store_engine.is_url(target) else Path(target)
        if passphrase is not None and sqlite_path is None:
            raise EncryptionError(f"{name}: only project files are encrypted by qualcode")
        if passphrase is not None:
            cipher.cipher_module()  # a missing extra is reported before anything is written
        if sqlite_path is not None:
            if sqlite_path.exists():
                raise ConflictError(f"{name}: already exists (open it, or choose another name)")
            if not sqlite_path.parent.is_dir():
                raise NotFoundError(f"{name}: the folder {sqlite_path.parent} does not exist")
        engine = store_engine.make_engine(target, passphrase, password=password)
        try:
            if store_engine.is_url(target):
                store_engine.check_connection(engine, name)
            if store_engine.is_url(target) and has_tables(engine):
                raise ConflictError(f"{name}: the database is not empty")
            result = migrate(engine, name)
            project = cls(engine, name, sqlite_path, actor, result, passphrase)
            with project._write() as session:
                now = datetime.now(UTC).isoformat()
                for key, value in (("app", "qualcode"), ("created_at", now)):
                    session.add(Setting(key=key, value=value))
                session.add(Setting(key="created_by_version", value=__version__))
                session.add(Setting(key="project_uuid", value=new_uuid()))
                session.add(Coder(name=CONSENSUS_CODER, role="consensus"))
                project._audit(session, "project.create", "project", None, version=__version__)
        except BaseException:
            engine.dispose()
            if sqlite_path is not None:
                remove_database(sqlite_path)
            raise
        return project

    @classmethod
    def build(
        cls,
        target: str | Path,
        fill: Callable[[Self], Filled],
        *,
        actor: str | None = None,
        passphrase: str | None = None,
        doing: str = "importing",
    ) -> Filled:
        """Create the new project ``target`` and fill it (``fill(project)``, which returns what
        this returns). A project file is built under a temporary name beside ``target`` and
        given its name only when complete, so a fill that fails or is killed never leaves a
        project at ``target``; a database URL is filled in place (``fill`` keeps that one
        transaction). The temporary name says what is happening (``.NAME.XXXX.importing``)."""
        if store_engine.is_url(target):
            with cls.create(target, actor=actor, passphrase=passphrase) as project:
                return fill(project)
        final = Path(target)
        if final.exists():
            raise ConflictError(f"{final}: already exists (open it, or choose another name)")
        if not final.parent.is_dir():
            raise NotFoundError(f"{final}: the folder {final.parent} does not exist")
        building = final.with_name(f".{final.name}.{uuid_module.uuid4().hex[:8]}.{doing}")
        try:
            project = cls.create(building, actor=actor, passphrase=passphrase)
            project.name = store_engine.display_name(final)  # messages name what the user named
            try:
                filled = fill(project)
            finally:
                project.close()
            _publish(building, final)
        finally:
            remove_database(building)
        return filled

    @classmethod
    def open(
        cls,
        target: str | Path,
        *,
        actor: str | None = None,
        passphrase: str | None = None,
        password: str | None = None,
    ) -> Self:
        """Open an existing project, migrating (after a backup) one written by an older qualcode.

        An encrypted project file needs its ``passphrase``; a plain one ignores it. ``password``
        is for a database server (else PGPASSWORD or ~/.pgpass, as libpq reads them).
        """
        name = store_engine.display_name(target)
        sqlite_path = None
        if not store_engine.is_url(target):
            sqlite_path = Path(target)
            if not sqlite_path.exists():
                raise NotFoundError(f"{name}: no such project", Hint("init", project=name))
            if sqlite_path.is_dir():
                raise NotFoundError(f"{name}: is a folder, not a project file")
            if cipher.is_encrypted(sqlite_path):
                if not passphrase:
                    raise EncryptionError(
                        f"{name}: encrypted (or not a project); give its passphrase at the "
                        f"prompt or in {cipher.PASSPHRASE_ENV}"
                    )
            elif not store_engine.looks_like_sqlite(sqlite_path):
                raise SchemaError(f"{name}: not a qualcode project (not an SQLite database)")
            else:
                passphrase = None
        else:
            passphrase = None
        engine = store_engine.make_engine(target, passphrase, password=password)
        try:
            if sqlite_path is None:
                store_engine.check_connection(engine, name)
            if not has_tables(engine):
                raise SchemaError(f"{name}: not a qualcode project (the database is empty)")
            result = migrate(engine, name, sqlite_path, passphrase)
            project = cls(engine, name, sqlite_path, actor, result, passphrase)
            if project.setting("app") != "qualcode":
                raise SchemaError(f"{name}: not a qualcode project")
        except (OperationalError, DatabaseError) as exc:
            engine.dispose()
            problem = storage_problem(exc)
            if problem:  # a full or failing disk: neither a wrong passphrase nor a bad file
                raise QualcodeError(f"{name}: cannot be opened ({problem})") from exc
            if passphrase is not None:  # the key is checked by the first read, not twice
                raise cipher.wrong_passphrase(name) from exc
            reason = " ".join(str(exc.orig).split())[:300]
            raise SchemaError(f"{name}: cannot be read as a qualcode project ({reason})") from exc
        except BaseException:
            engine.dispose()
            raise
        return project

    def close(self) -> None:
        self.engine.dispose()

    @property
    def encrypted(self) -> bool:
        return self._passphrase is not None

    def backup(self, reason: str) -> Path | None:
        """Back up the project file into its backup folder (encrypted as the project is);
        None for a database server, which is backed up with its own tools."""
        if self.sqlite_path is None:
            return None
        from ..store import backups  # loaded when a backup is made, not when a project opens

        return backups.backup(self.sqlite_path, reason, passphrase=self._passphrase)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions --------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One user action: commit on success, roll back everything on any error."""
        session = self._sessions()
        try:
            session.connection(execution_options={store_engine.WRITE_OPTION: True})
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "?"
            raise QualcodeError(f"{self.name}: the action was not saved ({reason})") from exc
        except (DBAPIError, StaleDataError) as exc:
            session.rollback()
            # On PostgreSQL with roles (qualcode.teams.access) the server itself refuses: a
            # privilege error, or row security hiding a row from an UPDATE (0 rows matched).
            if isinstance(exc, StaleDataError) or getattr(exc.orig, "sqlstate", "") == "42501":
                raise NotAllowed(
                    f"{self.name}: the database refused this action to {self.actor} "
                    "(not their own work, or not a supervisor); nothing was saved"
                ) from exc
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    # The unit of work, published for the project package's modules (and for code that extends
    # it): one user action is one transaction that carries its own audit event, and a read is a
    # session that is always rolled back. Nothing outside store/ and project/ holds a Session;
    # the other packages call Project methods that use these.
    @contextmanager
    def transaction(
        self,
        action: str | None = None,
        entity: str | None = None,
        entity_uuid: str | None = None,
        **payload: Any,
    ) -> Iterator[Session]:
        """One user action: everything in the block and its audit event commit together.

        With ``action`` and ``entity`` the audit event is written at the end of the block (so
        ``entity_uuid`` and the payload may be filled in by the block through the returned
        session's ``info["audit"]`` dict); without them the block writes its own events.
        """
        with self._write() as session:
            audit: dict[str, Any] = {"entity_uuid": entity_uuid, **payload}
            session.info["audit"] = audit
            yield session
            if action is not None and entity is not None:
                uuid = audit.pop("entity_uuid", None)
                self._audit(session, action, entity, uuid, **audit)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session: one consistent view, rolled back at the end."""
        with self._read() as session:
            yield session

    def _audit(
        self,
        session: Session,
        action: str,
        entity_type: str,
        entity_uuid: str | None,
        actor: str | None = None,
        **payload: Any,
    ) -> None:
        session.add(
            AuditEvent(
                actor=actor or self.actor,
                action=action,
                entity_type=entity_type,
                entity_uuid=entity_uuid,
                payload=payload,
            )
        )

    # -- documents by name (every mixin looks them up the same way) ----------------------------
    def _no_document(self, name: str) -> NotFoundError:
        return NotFoundError(f"no document named '{name}'", Hint("documents"))

    def _document_row(self, session: Session, name: str) -> Document:
        doc = session.scalar(select(Document).where(Document.name == name))
        if doc is None:
            raise self._no_document(name)
        return doc

    # -- settings and the audit trail ------------------------------------------------------
    def setting(self, key: str) -> str | None:
        with self._read() as session:
            row = session.get(Setting, key)
            return row.value if row else None

    def changes_since(self, after: int | None) -> tuple[int, list[str]]:
        """The newest audit entry's id, and who made the entries after ``after`` (None: just
        the id). Every change is audited, so this is how a screen learns that other coders
        (or another program) changed the project: one indexed query, cheap to poll."""
        with self._read() as session:
            newest = session.scalar(select(func.max(AuditEvent.id))) or 0
            if after is None or newest <= after:
                return newest, []
            actors = session.scalars(
                select(AuditEvent.actor).where(AuditEvent.id > after).distinct().limit(50)
            ).all()
            return newest, list(actors)

    def log(
        self,
        *,
        limit: int | None = None,
        actor: str | None = None,
        action: str | None = None,
        entity_uuid: str | None = None,
    ) -> list[AuditEntry]:
        """The audit trail, newest first, optionally filtered (``action`` may be a prefix)."""
        query = select(AuditEvent).order_by(AuditEvent.id.desc())
        if actor:
            query = query.where(AuditEvent.actor == actor)
        if action:
            query = query.where(AuditEvent.action.startswith(action, autoescape=True))
        if entity_uuid:
            query = query.where(AuditEvent.entity_uuid == entity_uuid)
        if limit:
            query = query.limit(limit)
        with self._read() as session:
            return [
                AuditEntry(
                    e.id, aware(e.at), e.actor, e.action, e.entity_type, e.entity_uuid, e.payload
                )
                for e in session.scalars(query)
            ]

    # -- roles -----------------------------------------------------------------------------
    # A project becomes a team project when it has a supervisor. From then on the library
    # enforces the roles: only supervisors change the codebook, the coders, the blinding and
    # reconcile; a coder changes only their own codings and memos. Before that, whoever works
    # on the file may do everything (one researcher, or a file copied to each coder).
    def _team(self, session: Session) -> bool:
        supervisor = select(Coder.id).where(Coder.role == "supervisor").limit(1)
        return session.scalar(supervisor) is not None

    def _is_supervisor(self, session: Session, name: str | None = None) -> bool:
        role = session.scalar(select(Coder.role).where(Coder.name == (name or self.actor)))
        return role == "supervisor"

    def _require_supervisor(self, session: Session, what: str) -> None:
        if self._team(session) and not self._is_supervisor(session):
            raise NotAllowed(f"only a supervisor may {what}; {self.actor} is not one")

    def _require_own(self, session: Session, owner: str | None, what: str) -> None:
        """A coder acts on their own codings and memos only (supervisors on anyone's)."""
        if owner is None or owner == self.actor:
            return
        self._owner_check(session, what)(owner)

    def _owner_check(self, session: Session, what: str) -> Callable[[str | None], None]:
        """The rule of ``_require_own`` with the roles looked up once, for many rows: the
        returned function raises NotAllowed for an owner the acting coder may not act for
        (another coder, or the consensus coder)."""
        if not self._team(session) or self._is_supervisor(session):
            return lambda owner: None

        def check(owner: str | None) -> None:
            if owner is not None and owner != self.actor:
                raise NotAllowed(
                    f"{self.actor} may not {what} of {owner}; only a supervisor may change "
                    "another coder's work"
                )

        return check

    # -- blind coding --------------------------------------------------------------------
    # While a team project is blind, a coder sees only their own codings: not in the coding
    # view, not in suggestions learnt from others, not in agreement or reports. Supervisors
    # see everything and unblind the project when the coding is done.
    def _blind_for_actor(self, session: Session) -> bool:
        blind = session.get(Setting, "blind")
        if blind is None or blind.value != "on" or not self._team(session):
            return False
        return not self._is_supervisor(session)

    def blind_for_actor(self) -> bool:
        """True when the acting coder may see only their own codings."""
        with self._read() as session:
            return self._blind_for_actor(session)

    def require_unblinded(self, what: str) -> None:
        if self.blind_for_actor():
            raise NotAllowed(
                f"{self.name}: coding is blind, so only a supervisor may {what} until a "
                "supervisor unblinds the project"
            )

    def set_blind(self, on: bool = True) -> None:
        """Blind (or unblind) the coders of a team project; supervisors only."""
        with self._write() as session:
            if not self._team(session):
                raise QualcodeError(
                    f"{self.name}: blind coding needs a supervisor", Hint("add-supervisor")
                )
            self._require_supervisor(session, "blind or unblind the coders")
            row = session.get(Setting, "blind")
            value = "on" if on else "off"
            if row is None:
                session.add(Setting(key="blind", value=value))
            else:
                row.value = value
            self._audit(session, "project.blind" if on else "project.unblind", "project", None)

    def role(self, name: str | None = None) -> str | None:
        """The role of a coder (the acting one by default); None for an unknown name."""
        with self._read() as session:
            return session.scalar(select(Coder.role).where(Coder.name == (name or self.actor)))

    # -- coders ----------------------------------------------------------------------------
    def coders(self) -> list[CoderInfo]:
        with self._read() as session:
            rows = session.scalars(select(Coder).order_by(Coder.name))
            return [CoderInfo(c.name, c.role, c.uuid) for c in rows]

    def add_coder(self, name: str, role: str = "coder") -> CoderInfo:
        name = _clean_name(name, "coder")
        if role not in CODER_ROLES or role == "consensus":
            raise QualcodeError(f"coder role '{role}' is not one of: coder, supervisor")
        with self._write() as session:
            self._require_supervisor(session, "add coders")
            if session.scalar(select(Coder).where(Coder.name == name)):
                raise ConflictError(f"coder '{name}' already exists")
            coder = Coder(name=name, role=role)
            session.add(coder)
            session.flush()
            self._audit(session, "coder.create", "coder", coder.uuid, name=name, role=role)
            return CoderInfo(coder.name, coder.role, coder.uuid)

    def _coder(self, session: Session, name: str, *, create: bool = True) -> Coder:
        """The coder called ``name``; a new name becomes a coder (audited) unless create=False."""
        name = _clean_name(name, "coder")
        coder = session.scalar(select(Coder).where(Coder.name == name))
        if coder is None:
            if not create:
                raise NotFoundError(f"no coder named '{name}'")
            try:
                with session.begin_nested():  # another process may add the same name now
                    coder = Coder(name=name, role="coder")
                    session.add(coder)
            except IntegrityError:
                found = session.scalar(select(Coder).where(Coder.name == name))
                if found is None:
                    raise
                return found
            self._audit(session, "coder.create", "coder", coder.uuid, name, name=name, role="coder")
        return coder


def _publish(building: Path, final: Path) -> None:
    """Give a finished project its name, never over a file made meanwhile."""
    meanwhile = f"{final}: was created meanwhile; the new project was not kept"
    try:
        os.link(building, final)
    except FileExistsError:
        raise ConflictError(meanwhile) from None
    except OSError:  # a file system without hard links
        if final.exists():
            raise ConflictError(meanwhile) from None
        os.replace(building, final)


def _url_user(name: str) -> str | None:
    """The user a database URL logs in as: on a team server, that is the coder."""
    if not store_engine.is_url(name):
        return None
    try:
        return make_url(name).username or None
    except ArgumentError:
        return None


def _clean_name(name: str, what: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise QualcodeError(f"a {what} name cannot be empty")
    if has_control_characters(cleaned):
        shown = terminal_safe(cleaned, "?")[:60]
        raise QualcodeError(
            f"{what} name '{shown}': holds control characters; use letters, digits and punctuation"
        )
    return cleaned
