"""The claim store: documents, speakers and statements kept in SQLite or PostgreSQL, and new documents
checked against everything on record (``Store``)."""

from __future__ import annotations

from checker.store.database import StoreError, default_url
from checker.store.store import IngestResult, Store

__all__ = ["IngestResult", "Store", "StoreError", "default_url"]
