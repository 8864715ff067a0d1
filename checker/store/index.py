"""The vector index over stored statements' embeddings: a FAISS index in one file beside the database.

The database is the truth; the index is a cache of it, stamped with how many live statements of current
documents it holds and the highest statement key. A stamp behind the store is brought up to date by adding
the new rows (statements are only ever added), and an index that no longer matches (a document edited, a
store replaced, a missing or unreadable file) is rebuilt from the database. The file is written whole and
renamed into place, so a reader never sees half of one.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import and_, func, select

from checker import config
from checker.store import schema
from checker.store.database import Database

DIM = 384


def index_path(db: Database) -> Path:
    """``<file>.index`` beside a SQLite store; for a server, a file under ``CHECKER_INDEX_DIR`` (default
    ``~/.cache/checker/index``) named for its URL."""
    if db.path is not None:
        return db.path.with_name(db.path.name + ".index")
    root = Path(os.environ.get("CHECKER_INDEX_DIR") or Path.home() / ".cache" / "checker" / "index")
    return root / (hashlib.sha1(db.url.encode()).hexdigest()[:16] + ".index")


def _live_current():  # noqa: ANN202 - a SQLAlchemy join
    return schema.statements.join(
        schema.documents,
        and_(schema.documents.c.pk == schema.statements.c.document_pk, schema.documents.c.current),
    )


def stamp(db: Database, up_to: int | None = None) -> tuple[int, int]:
    """(live statements of current documents, highest statement key), up to key ``up_to`` when given."""
    q = select(func.count(), func.max(schema.statements.c.pk)).select_from(_live_current())
    q = q.where(schema.statements.c.live)
    if up_to is not None:
        q = q.where(schema.statements.c.pk <= up_to)
    with db.engine.connect() as conn:
        n, top = conn.execute(q).one()
    return int(n), int(top or 0)


def _make(kind: str):  # noqa: ANN202 - a faiss index
    import faiss

    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(DIM, config.STORE_HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = config.STORE_HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = config.STORE_HNSW_EF_SEARCH
        return index
    return faiss.IndexFlatIP(DIM)


@dataclass
class VectorIndex:
    """Embedding rows of stored statements (``keys[r]``: the statement key of row ``r``)."""

    index: object  # faiss.Index
    keys: np.ndarray
    count: int  # statements in it
    top: int  # the highest statement key in it
    kind: str

    def search(self, queries: np.ndarray, k: int) -> list[dict[int, float]]:
        """Per query row, the statements of its ``k`` nearest rows with their best similarity."""
        if len(queries) == 0 or len(self.keys) == 0:
            return [{} for _ in range(len(queries))]
        sims, rows = self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k)  # type: ignore[attr-defined]
        out = []
        for srow, rrow in zip(sims, rows, strict=True):
            best: dict[int, float] = {}
            for s, r in zip(srow, rrow, strict=True):
                if r >= 0:
                    key = int(self.keys[r])
                    best[key] = max(best.get(key, -1.0), float(s))
            out.append(best)
        return out

    def add(self, keys: np.ndarray, vectors: np.ndarray, count: int, top: int) -> None:
        if len(vectors):
            self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))  # type: ignore[attr-defined]
            self.keys = np.concatenate([self.keys, keys.astype(np.int64)])
        self.count, self.top = count, top


def _rows(db: Database, after: int) -> tuple[np.ndarray, np.ndarray]:
    """The embedding rows of live statements of current documents with a key above ``after``."""
    q = (
        select(schema.statements.c.pk, schema.statements.c.embedding)
        .select_from(_live_current())
        .where(schema.statements.c.live, schema.statements.c.pk > after)
        .order_by(schema.statements.c.pk)
    )
    keys, blocks = [], []
    with db.engine.connect() as conn:
        for pk, blob in conn.execute(q):
            rows = np.frombuffer(blob, dtype=np.float32).reshape(-1, DIM)
            keys.append(np.full(len(rows), pk, dtype=np.int64))
            blocks.append(rows)
    if not blocks:
        return np.zeros(0, dtype=np.int64), np.zeros((0, DIM), dtype=np.float32)
    return np.concatenate(keys), np.concatenate(blocks)


def _read(path: Path) -> VectorIndex | None:
    import faiss

    try:
        with np.load(path, allow_pickle=False) as f:
            meta = json.loads(str(f["meta"]))
            index = faiss.deserialize_index(f["index"])
            keys = f["keys"]
    except (OSError, ValueError, KeyError, RuntimeError):
        return None  # missing or unreadable: rebuilt from the database
    return VectorIndex(index, keys, meta["count"], meta["top"], meta["kind"])


def _write(path: Path, vi: VectorIndex) -> None:
    import faiss

    path.parent.mkdir(parents=True, exist_ok=True)
    meta = json.dumps({"count": vi.count, "top": vi.top, "kind": vi.kind})
    buf = io.BytesIO()
    np.savez(buf, index=faiss.serialize_index(vi.index), keys=vi.keys, meta=np.array(meta))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(buf.getbuffer())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as any file the user makes, not mkstemp's private 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def open_index(db: Database, kind: str | None = None, write: bool = True) -> VectorIndex:
    """The index of ``db``'s live statements, brought up to date (and saved when it changed)."""
    kind = kind or config.STORE_INDEX
    path = index_path(db)
    count, top = stamp(db)
    vi = _read(path)
    if vi is not None and vi.kind == kind and (vi.count, vi.top) == (count, top):
        return vi
    if vi is None or vi.kind != kind or vi.top > top or stamp(db, up_to=vi.top)[0] != vi.count:
        vi = VectorIndex(_make(kind), np.zeros(0, dtype=np.int64), 0, 0, kind)
    keys, vectors = _rows(db, vi.top)
    vi.add(keys, vectors, count, top)
    if write:
        try:
            _write(path, vi)
        except OSError:
            pass  # a read-only place: the index serves this run and is rebuilt next time
    return vi
