"""The store's tables (SQLAlchemy Core), one schema for SQLite and PostgreSQL; alembic migrates it.

A document is stored once per version of its text: re-ingesting the same text changes nothing, an edited
text is a new version and the old one stays on record (``current`` false). A statement is kept whole as its
record's JSON (``Statement.to_dict``) beside the columns that queries filter on, and its embedding rows as
float32 bytes.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

#: What built the store: the embedding and NLI models (a store answers only to the models that filled it).
info = Table(
    "store_info",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(512), nullable=False),
    Column("version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("current", Boolean, nullable=False),
    Column("outlet", Text),
    Column("date", String(32)),
    Column("url", Text),
    Column("path", Text),
    Column("text", Text, nullable=False),
    Column("statements", Integer, nullable=False),
    Column("ingested_at", String(32), nullable=False),
    UniqueConstraint("doc_id", "version", name="uq_document_version"),
)
Index("ix_documents_current", documents.c.doc_id, documents.c.current)

speakers = Table(
    "speakers",
    metadata,
    Column("id", String(512), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(16), nullable=False),
)

#: Each time a document names a speaker: the entity's aliases are its mentions' texts.
mentions = Table(
    "mentions",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("speaker_id", String(512), ForeignKey("speakers.id"), nullable=False, index=True),
    Column(
        "document_pk", Integer, ForeignKey("documents.pk", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
)

statements = Table(
    "statements",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column(
        "document_pk", Integer, ForeignKey("documents.pk", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("statement_id", String(600), nullable=False),
    Column("speaker_id", String(512), nullable=False, index=True),
    Column("date", String(32)),
    #: a checkable assertion with a proposition: what ``check`` compares (``pipeline.live_statements``)
    Column("live", Boolean, nullable=False),
    Column("proposition", Text, nullable=False),
    Column("record", Text, nullable=False),
    Column("embedding", LargeBinary),  # float32 rows, one per piece of the proposition; null when not live
)

#: What a statement is about, for finding stored statements about the same things: "topic" (a noun lemma of
#: the content, ``Statement.topics``) and "subject" (a person its proposition's subject names).
keys = Table(
    "statement_keys",
    metadata,
    Column("statement_pk", Integer, ForeignKey("statements.pk", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("key", String(256), nullable=False),
)
Index("ix_statement_keys_key", keys.c.kind, keys.c.key)
Index("ix_statement_keys_statement", keys.c.statement_pk)

#: Live statements of current documents naming each topic (``pair.common_topics`` without a count per check).
topic_counts = Table(
    "topic_counts",
    metadata,
    Column("key", String(256), primary_key=True),
    Column("statements", Integer, nullable=False),
)

contradictions = Table(
    "contradictions",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("a_pk", Integer, ForeignKey("statements.pk", ondelete="CASCADE"), nullable=False),
    Column("b_pk", Integer, ForeignKey("statements.pk", ondelete="CASCADE"), nullable=False),
    Column("score", Float, nullable=False),
    Column("reason", String(16), nullable=False),
    Column("record", Text, nullable=False),  # Contradiction.to_dict
    Column("found_at", String(32), nullable=False),
    UniqueConstraint("a_pk", "b_pk", name="uq_contradiction_pair"),
)
