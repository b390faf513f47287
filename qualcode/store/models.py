"""The project's tables as a SQLAlchemy 2.0 typed ORM.

Integer primary keys join rows inside one project; the ``uuid`` column identifies a row across
projects (exports, merges, REFI-QDA GUIDs). Positions are code-point offsets into
``Document.text``, which never changes after import. Nothing is hard-deleted by a user action:
codings and memos carry ``deleted_at`` so undo, audit and merge can see them.

The schema is created and changed only by the Alembic migrations in ``migrations/``; a test checks
that the migrated database matches these models.
"""

from __future__ import annotations

import uuid as uuid_module
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ..vocabulary import (  # noqa: F401  (re-exported for the project package)
    ATTRIBUTE_TYPES,
    CODER_ROLES,
    CONSENSUS_CODER,
    DOCUMENT_KINDS,
    ORIGINS,
    RECONCILE_CHOICES,
    SPEAKER_ROLES,
    SUGGESTION_STATUSES,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_uuid() -> str:
    return str(uuid_module.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _uuid_column() -> Mapped[str]:
    return mapped_column(String(36), unique=True, nullable=False, default=new_uuid)


class Setting(Base):
    """Project-wide key/value settings (project uuid, name, created)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    values: Mapped[list[AttributeValue]] = relationship(
        back_populates="case", cascade="all, delete-orphan"
    )


class Attribute(Base):
    """A typed case attribute (a REFI-QDA variable): group, site, age band, ..."""

    __tablename__ = "attributes"
    __table_args__ = (
        CheckConstraint(
            "type IN ('text', 'integer', 'float', 'boolean', 'date')", name="attribute_type"
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    type: Mapped[str] = mapped_column(String(20), nullable=False, default="text")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")


class AttributeValue(Base):
    """One case's value of one attribute, stored as canonical text and read by the type."""

    __tablename__ = "attribute_values"
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    attribute_id: Mapped[int] = mapped_column(
        ForeignKey("attributes.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[str] = mapped_column(Text, nullable=False)
    case: Mapped[Case] = relationship(back_populates="values")
    attribute: Mapped[Attribute] = relationship()


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('interview', 'focus-group', 'notes', 'survey-response')",
            name="document_kind",
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    name: Mapped[str] = mapped_column(String(300), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="interview")
    text: Mapped[str] = mapped_column(Text, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    words: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    source_name: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    source_format: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), nullable=True, index=True
    )
    case: Mapped[Case | None] = relationship()


class Speaker(Base):
    """A speaker label as written in one document, with its role and optional case."""

    __tablename__ = "speakers"
    __table_args__ = (UniqueConstraint("document_id", "label", name="uq_speakers_document_label"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
    )
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), nullable=True, index=True
    )
    case: Mapped[Case | None] = relationship()


class Turn(Base):
    """A span of a document spoken by one speaker (or unlabelled: speaker_id is NULL)."""

    __tablename__ = "turns"
    __table_args__ = (
        CheckConstraint('start <= body_start AND body_start <= "end"', name="turn_span"),
        Index("ix_turns_document_ordinal", "document_id", "ordinal", unique=True),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
    )
    ordinal: Mapped[int] = mapped_column(Integer, nullable=False)
    speaker_id: Mapped[int | None] = mapped_column(
        ForeignKey("speakers.id", ondelete="SET NULL"), nullable=True
    )
    start: Mapped[int] = mapped_column(Integer, nullable=False)
    body_start: Mapped[int] = mapped_column(Integer, nullable=False)
    end: Mapped[int] = mapped_column(Integer, nullable=False)
    ts_start: Mapped[float | None] = mapped_column(Float, nullable=True)
    ts_end: Mapped[float | None] = mapped_column(Float, nullable=True)


class Code(Base):
    """A code; a theme is a code with children. Names are unique among siblings."""

    __tablename__ = "codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("codes.id", ondelete="RESTRICT"), nullable=True
    )
    name: Mapped[str] = mapped_column(String(500), nullable=False)
    definition: Mapped[str] = mapped_column(Text, nullable=False, default="")
    inclusion: Mapped[str] = mapped_column(Text, nullable=False, default="")
    exclusion: Mapped[str] = mapped_column(Text, nullable=False, default="")
    example: Mapped[str] = mapped_column(Text, nullable=False, default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    color: Mapped[str | None] = mapped_column(String(9), nullable=True)
    codable: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    parent: Mapped[Code | None] = relationship(remote_side="Code.id")


# Sibling names are unique; COALESCE makes the root level (parent NULL) count as one parent.
Index("uq_codes_sibling_name", func.coalesce(Code.parent_id, 0), Code.name, unique=True)


class Coder(Base):
    __tablename__ = "coders"
    __table_args__ = (
        CheckConstraint("role IN ('coder', 'supervisor', 'consensus')", name="coder_role"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="coder")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Coding(Base):
    """A code applied to a span of a document by a coder. Removing sets ``deleted_at``."""

    __tablename__ = "codings"
    __table_args__ = (
        CheckConstraint('start >= 0 AND start < "end"', name="coding_span"),
        CheckConstraint(
            "origin IN ('manual', 'suggestion', 'autocode', 'consensus', 'imported')",
            name="coding_origin",
        ),
        Index("ix_codings_document_coder", "document_id", "coder_id"),
        Index("ix_codings_code", "code_id"),
        # One active coding per document, code, coder and span, even with concurrent writers
        # (schema 0004); removed ones stay as history. The index is partial (WHERE deleted_at IS
        # NULL) on both backends: migration 0004 makes it so. Declaring ``sqlite_where`` or
        # ``postgresql_where`` here would load that SQLAlchemy dialect (and, for SQLite, asyncio
        # through aiosqlite) whenever the models are imported, about 40 ms of the start-up
        # budget. Schemas are made by the migrations, never by create_all.
        Index(
            "uq_codings_active", "document_id", "code_id", "coder_id", "start", "end", unique=True
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
    )
    code_id: Mapped[int] = mapped_column(
        ForeignKey("codes.id", ondelete="RESTRICT"), nullable=False
    )
    coder_id: Mapped[int] = mapped_column(
        ForeignKey("coders.id", ondelete="RESTRICT"), nullable=False
    )
    start: Mapped[int] = mapped_column(Integer, nullable=False)
    end: Mapped[int] = mapped_column(Integer, nullable=False)
    origin: Mapped[str] = mapped_column(String(20), nullable=False, default="manual")
    favourite: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    """Marked by the researcher as a quote to use in the write-up (schema 0002)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    document: Mapped[Document] = relationship()
    code: Mapped[Code] = relationship()
    coder: Mapped[Coder] = relationship()


class Memo(Base):
    """Free text by a coder on the project, a document, a code, a coding or a case."""

    __tablename__ = "memos"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN document_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN code_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN coding_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN case_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name="memo_one_target",
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    coder_id: Mapped[int] = mapped_column(
        ForeignKey("coders.id", ondelete="RESTRICT"), nullable=False
    )
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), nullable=True
    )
    code_id: Mapped[int | None] = mapped_column(
        ForeignKey("codes.id", ondelete="CASCADE"), nullable=True
    )
    coding_id: Mapped[int | None] = mapped_column(
        ForeignKey("codings.id", ondelete="CASCADE"), nullable=True
    )
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), nullable=True
    )
    text: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    coder: Mapped[Coder] = relationship()


class Suggestion(Base):
    """An excerpt an engine proposes for a code; accepting it creates a Coding."""

    __tablename__ = "suggestions"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'rejected')", name="suggestion_status"),
        Index("ix_suggestions_document_code", "document_id", "code_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
    )
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), nullable=False)
    start: Mapped[int] = mapped_column(Integer, nullable=False)
    end: Mapped[int] = mapped_column(Integer, nullable=False)
    engine: Mapped[str] = mapped_column(String(50), nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)
    explanation: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="pending")
    for_coder_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="SET NULL"), nullable=True
    )
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="SET NULL"), nullable=True
    )
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReconcileDecision(Base):
    """A supervisor's decision on one disagreement: which version of a code's codings in one
    region of a document becomes the consensus coder's (schema 0003).

    The region is where the compared coders' codings of the code overlap each other; a later
    decision on the same region supersedes this one (``superseded_at``), so the history stays.
    """

    __tablename__ = "reconcile_decisions"
    __table_args__ = (
        CheckConstraint(
            "choice IN ('coder', 'all', 'neither', 'edit', 'agreed')", name="reconcile_choice"
        ),
        Index("ix_reconcile_decisions_code_document", "code_id", "document_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), nullable=False)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
    )
    start: Mapped[int] = mapped_column(Integer, nullable=False)
    end: Mapped[int] = mapped_column(Integer, nullable=False)
    choice: Mapped[str] = mapped_column(String(20), nullable=False)
    chosen_coder_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="SET NULL"), nullable=True
    )
    """The coder whose version was accepted (choice ``coder``)."""
    coders: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    """Names of the coders whose codings were compared."""
    unit: Mapped[str] = mapped_column(String(20), nullable=False, default="sentence")
    codings: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    """UUIDs of the consensus codings this decision made."""
    decided_by: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditEvent(Base):
    """Append-only record of every change: triggers refuse UPDATE, DELETE and REPLACE on this
    table (REPLACE since schema 0004)."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    action: Mapped[str] = mapped_column(String(50), nullable=False, index=True)
    entity_type: Mapped[str] = mapped_column(String(30), nullable=False)
    entity_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
