"""One active coding per (document, code, coder, span), and no REPLACE over the audit trail.

A partial unique index makes the database itself refuse a second active coding with the same
document, code, coder, start and end, so that coders applying the same span at the same moment
(on a server) cannot both succeed. Projects that already hold such duplicates keep the oldest
one active; each extra one is removed as a user removal is (``deleted_at`` set, the row kept),
its memos move to the one kept, a favourite mark carries over, and the audit trail gets a
``coding.remove`` entry by ``qualcode`` naming the coding kept. Nothing is lost.

In a project file, ``REPLACE INTO audit_events`` deleted rows without firing the DELETE trigger;
a BEFORE INSERT trigger now refuses an insert that reuses an existing id. On a server set up
for a team by an older qualcode, the row-security functions get a fixed search path.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

KEY = ("document_id", "code_id", "coder_id", "start", "end")
ACTIVE = "deleted_at IS NULL"

codings = sa.table(
    "codings",
    sa.column("id", sa.Integer),
    sa.column("uuid", sa.String),
    sa.column("document_id", sa.Integer),
    sa.column("code_id", sa.Integer),
    sa.column("coder_id", sa.Integer),
    sa.column("start", sa.Integer),
    sa.column("end", sa.Integer),
    sa.column("favourite", sa.Boolean),
    sa.column("deleted_at", sa.DateTime(timezone=True)),
)
memos = sa.table("memos", sa.column("coding_id", sa.Integer))
audit_events = sa.table(
    "audit_events",
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("entity_type", sa.String),
    sa.column("entity_uuid", sa.String),
    sa.column("payload", sa.JSON),
)


def upgrade() -> None:
    _remove_duplicates()
    op.create_index(
        "uq_codings_active",
        "codings",
        list(KEY),
        unique=True,
        sqlite_where=sa.text(ACTIVE),
        postgresql_where=sa.text(ACTIVE),
    )
    if op.get_bind().dialect.name == "postgresql":
        _fix_search_paths()
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER audit_events_no_replace BEFORE INSERT ON audit_events "
            "WHEN EXISTS (SELECT 1 FROM audit_events WHERE id = NEW.id) "
            "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
        )


def _fix_search_paths() -> None:
    """A server set up for a team by an older qualcode: its row-security functions looked up
    ``coders`` through the caller's search path, where a temporary table comes first. Fixing
    their path closes that at once; ``qualcode team setup`` run again does the rest."""
    bind = op.get_bind()
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar()
    path = f'pg_catalog, "{str(schema).replace(chr(34), chr(34) * 2)}", pg_temp'
    for function in ("qualcode_is_me(integer)", "qualcode_is_supervisor()"):
        if bind.execute(sa.text("SELECT to_regprocedure(:f)"), {"f": function}).scalar():
            op.execute(f"ALTER FUNCTION {function} SET search_path = {path}")


def _remove_duplicates() -> None:
    bind = op.get_bind()
    columns = [codings.c[name] for name in KEY]
    doubled = bind.execute(
        sa.select(*columns)
        .where(codings.c.deleted_at.is_(None))
        .group_by(*columns)
        .having(sa.func.count() > 1)
    ).all()
    now = datetime.now(UTC)
    for key in doubled:
        rows = bind.execute(
            sa.select(codings.c.id, codings.c.uuid, codings.c.favourite)
            .where(*(column == value for column, value in zip(columns, key, strict=True)))
            .where(codings.c.deleted_at.is_(None))
            .order_by(codings.c.id)
        ).all()
        kept, extra = rows[0], rows[1:]
        ids = [row.id for row in extra]
        bind.execute(sa.update(codings).where(codings.c.id.in_(ids)).values(deleted_at=now))
        bind.execute(sa.update(memos).where(memos.c.coding_id.in_(ids)).values(coding_id=kept.id))
        if any(row.favourite for row in extra) and not kept.favourite:
            bind.execute(sa.update(codings).where(codings.c.id == kept.id).values(favourite=True))
        bind.execute(
            sa.insert(audit_events),
            [
                {
                    "at": now,
                    "actor": "qualcode",
                    "action": "coding.remove",
                    "entity_type": "coding",
                    "entity_uuid": row.uuid,
                    "payload": {"reason": "duplicate", "kept": kept.uuid, "schema": revision},
                }
                for row in extra
            ],
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_events_no_replace")
    op.drop_index("uq_codings_active", table_name="codings")
