"""The first schema: documents by version, speakers and mentions, statements with embeddings, their keys,
contradictions found, and what built the store.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "store_info",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "documents",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.String(512), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("current", sa.Boolean, nullable=False),
        sa.Column("outlet", sa.Text),
        sa.Column("date", sa.String(32)),
        sa.Column("url", sa.Text),
        sa.Column("path", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("statements", sa.Integer, nullable=False),
        sa.Column("ingested_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("doc_id", "version", name="uq_document_version"),
    )
    op.create_index("ix_documents_current", "documents", ["doc_id", "current"])
    op.create_table(
        "speakers",
        sa.Column("id", sa.String(512), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
    )
    op.create_table(
        "mentions",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("speaker_id", sa.String(512), sa.ForeignKey("speakers.id"), nullable=False),
        sa.Column(
            "document_pk", sa.Integer, sa.ForeignKey("documents.pk", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_index("ix_mentions_speaker_id", "mentions", ["speaker_id"])
    op.create_index("ix_mentions_document_pk", "mentions", ["document_pk"])
    op.create_table(
        "statements",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "document_pk", sa.Integer, sa.ForeignKey("documents.pk", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("statement_id", sa.String(600), nullable=False),
        sa.Column("speaker_id", sa.String(512), nullable=False),
        sa.Column("date", sa.String(32)),
        sa.Column("live", sa.Boolean, nullable=False),
        sa.Column("proposition", sa.Text, nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("embedding", sa.LargeBinary),
    )
    op.create_index("ix_statements_document_pk", "statements", ["document_pk"])
    op.create_index("ix_statements_speaker_id", "statements", ["speaker_id"])
    op.create_table(
        "statement_keys",
        sa.Column(
            "statement_pk", sa.Integer, sa.ForeignKey("statements.pk", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(256), nullable=False),
    )
    op.create_index("ix_statement_keys_key", "statement_keys", ["kind", "key"])
    op.create_index("ix_statement_keys_statement", "statement_keys", ["statement_pk"])
    op.create_table(
        "contradictions",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("a_pk", sa.Integer, sa.ForeignKey("statements.pk", ondelete="CASCADE"), nullable=False),
        sa.Column("b_pk", sa.Integer, sa.ForeignKey("statements.pk", ondelete="CASCADE"), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("found_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("a_pk", "b_pk", name="uq_contradiction_pair"),
    )


def downgrade() -> None:
    for table in ("contradictions", "statement_keys", "statements", "mentions", "speakers", "documents"):
        op.drop_table(table)
    op.drop_table("store_info")
