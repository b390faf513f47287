"""A supervisor's reconcile decisions: which coder's version became the consensus coding.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reconcile_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=20), nullable=False),
        sa.Column("chosen_coder_id", sa.Integer(), nullable=True),
        sa.Column("coders", sa.JSON(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("codings", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "choice IN ('coder', 'all', 'neither', 'edit', 'agreed')",
            name=op.f("ck_reconcile_decisions_reconcile_choice"),
        ),
        sa.ForeignKeyConstraint(
            ["code_id"],
            ["codes.id"],
            name=op.f("fk_reconcile_decisions_code_id_codes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_reconcile_decisions_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["chosen_coder_id"],
            ["coders.id"],
            name=op.f("fk_reconcile_decisions_chosen_coder_id_coders"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconcile_decisions")),
        sa.UniqueConstraint("uuid", name=op.f("uq_reconcile_decisions_uuid")),
    )
    op.create_index(
        "ix_reconcile_decisions_code_document",
        "reconcile_decisions",
        ["code_id", "document_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_reconcile_decisions_code_document", table_name="reconcile_decisions")
    op.drop_table("reconcile_decisions")
