"""Topic counts: how many live statements of current documents name each noun, kept as documents are
stored, so that a check finds the corpus's common nouns without counting every statement's keys.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "topic_counts",
        sa.Column("key", sa.String(256), primary_key=True),
        sa.Column("statements", sa.Integer, nullable=False),
    )
    op.execute(
        "INSERT INTO topic_counts (key, statements) "
        "SELECT k.key, count(*) FROM statement_keys k "
        "JOIN statements s ON s.pk = k.statement_pk "
        "JOIN documents d ON d.pk = s.document_pk "
        "WHERE k.kind = 'topic' AND s.live AND d.current GROUP BY k.key"
    )


def downgrade() -> None:
    op.drop_table("topic_counts")
