"""The vector index over stored statements' embeddings: exact search over a memory-mapped matrix beside the
database.

The database is the truth; the index is a cache of it: a folder with the embedding rows (``vectors.f32``,
raw float32), their statement keys (``keys.i64``) and ``meta.json`` (how many rows are valid, and the count
and highest key of the live statements of current documents they hold). Statements are only ever added, so
an index behind the store is extended by appending the new rows and then rewriting ``meta.json`` (renamed
into place): rows past ``meta.json``'s count, from an append that was cut short, are ignored and overwritten.
An index out of step with the store (an edited document, a replaced store, an unreadable file) is rebuilt
in a new folder that is renamed into place. Opening maps the files, so a check reads only what it touches,
and no process ever sees half an index. Why exact search and not a graph index: README, "Claim store".
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import and_, func, select

from checker import config
from checker.store import schema
from checker.store.database import Database

DIM = 384
#: rows of the matrix multiplied at once by ``search`` (64 MB of float32)
BLOCK = 1 << 16
_OPEN: dict[Path, VectorIndex] = {}


def index_path(db: Database) -> Path:
    """``<file>.index`` beside a SQLite store; for a server, a folder under ``CHECKER_INDEX_DIR`` (default
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


@dataclass
class VectorIndex:
    """Embedding rows of stored statements (``keys[r]``: the statement key of row ``r``)."""

    vectors: np.ndarray  # (rows, DIM) float32, usually a read-only memory map
    keys: np.ndarray  # (rows,) int64
    count: int  # live statements in it
    top: int  # the highest statement key in it
    #: per row, the similarity of its ``STORE_CHOOSER_NEIGHBOURS``-th nearest other row when it was added (the
    #: store only grows, so a row's true bar is at least this): a stored statement less similar than its bar
    #: to a new one cannot choose it as a neighbour (``store.check``)
    bars: np.ndarray | None = None

    def bar(self, keys: Sequence[int]) -> np.ndarray:
        """Each statement's bar (the highest of its rows'); -1 where unknown."""
        out = np.full(len(keys), -1.0, dtype=np.float32)
        if self.bars is None or len(self.keys) == 0:
            return out
        order = self._order()
        sorted_keys = self.keys[order]
        for n, key in enumerate(keys):
            lo, hi = np.searchsorted(sorted_keys, [key, key + 1])
            if hi > lo:
                out[n] = float(np.max(self.bars[order[lo:hi]]))
        return out

    def _order(self) -> np.ndarray:
        if getattr(self, "_sorted", None) is None or len(self._sorted) != len(self.keys):
            self._sorted = np.argsort(self.keys, kind="stable")
        return self._sorted

    def search(self, queries: np.ndarray, k: int) -> list[dict[int, float]]:
        """Per query row, the statements of its ``k`` most similar rows, with their best similarity."""
        q = np.ascontiguousarray(queries, dtype=np.float32)
        rows = len(self.keys)
        if len(q) == 0 or rows == 0:
            return [{} for _ in range(len(q))]
        k = min(k, rows)
        first = max(BLOCK, k)  # the first block holds at least k rows: each query's best k start there
        sims = q @ np.asarray(self.vectors[:first]).T
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k] if sims.shape[1] > k else None
        if part is None:
            part = np.broadcast_to(np.arange(sims.shape[1]), sims.shape).copy()
        best_sim, best_row = np.take_along_axis(sims, part, axis=1), part
        thr = best_sim.min(axis=1)
        for lo in range(first, rows, BLOCK):
            sims = q @ np.asarray(self.vectors[lo : lo + BLOCK]).T
            # later blocks: only what beats a query's k-th best so far (few, once the first block is in)
            hit = sims > thr[:, None]
            for qi in np.flatnonzero(hit.any(axis=1)):
                cols = np.flatnonzero(hit[qi])
                s_all = np.concatenate([best_sim[qi], sims[qi, cols]])
                r_all = np.concatenate([best_row[qi], cols + lo])
                top = np.argpartition(-s_all, k - 1)[:k]
                best_sim[qi], best_row[qi] = s_all[top], r_all[top]
                thr[qi] = best_sim[qi].min()
        out = []
        for srow, rrow in zip(best_sim, best_row, strict=True):
            found: dict[int, float] = {}
            for s, r in zip(srow.tolist(), self.keys[rrow].tolist(), strict=True):
                if s > found.get(r, -2.0):
                    found[r] = s
            out.append(found)
        return out


def _rows(db: Database, after: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The embedding rows of live statements of current documents with a key above ``after``, in blocks."""
    q = (
        select(schema.statements.c.pk, schema.statements.c.embedding)
        .select_from(_live_current())
        .where(schema.statements.c.live, schema.statements.c.pk > after)
        .order_by(schema.statements.c.pk)
    )
    with db.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=5000).execute(q)
        for part in result.partitions():
            keys, blocks = [], []
            for pk, blob in part:
                rows = np.frombuffer(blob, dtype=np.float32).reshape(-1, DIM)
                keys.append(np.full(len(rows), pk, dtype=np.int64))
                blocks.append(rows)
            if blocks:
                yield np.concatenate(keys), np.concatenate(blocks)


def _meta(path: Path) -> dict | None:
    try:
        meta = json.loads((path / "meta.json").read_text())
        rows = int(meta["rows"])
        short = (path / "vectors.f32").stat().st_size < rows * DIM * 4
        if short or (path / "keys.i64").stat().st_size < rows * 8:
            return None
        return {"rows": rows, "count": int(meta["count"]), "top": int(meta["top"])}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _map(path: Path, meta: dict) -> VectorIndex:
    rows = meta["rows"]
    if rows == 0:
        vectors, keys = np.zeros((0, DIM), dtype=np.float32), np.zeros(0, dtype=np.int64)
    else:
        vectors = np.memmap(path / "vectors.f32", dtype=np.float32, mode="r", shape=(rows, DIM))
        keys = np.fromfile(path / "keys.i64", dtype=np.int64, count=rows)
    bars = None
    if (path / "bars.f32").is_file() and (path / "bars.f32").stat().st_size >= rows * 4:
        bars = np.fromfile(path / "bars.f32", dtype=np.float32, count=rows)
    return VectorIndex(vectors, keys, meta["count"], meta["top"], bars)


def _write_meta(path: Path, meta: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=path, prefix="meta.", suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(meta, f)
        f.flush()
        os.fsync(f.fileno())
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # as any file the user makes, not mkstemp's private 0600
    os.replace(tmp, path / "meta.json")


def _append(
    db: Database, path: Path, meta: dict, count: int, top: int, known: dict[int, float] | None = None
) -> dict:
    """Append the rows of statements above ``meta``'s top and their bars (from ``known``, a statement's
    bar in the index this one replaces, else measured), then record them in ``meta.json``."""
    rows = first = meta["rows"]
    (path / "bars.f32").touch()
    with (
        open(path / "vectors.f32", "r+b") as fv,
        open(path / "keys.i64", "r+b") as fk,
        open(path / "bars.f32", "r+b") as fb,
    ):
        for f, width in ((fv, DIM * 4), (fk, 8), (fb, 4)):
            f.truncate(rows * width)  # drop what an append cut short left behind
            f.seek(0, os.SEEK_END)
        for keys, vectors in _rows(db, meta["top"]):
            fv.write(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
            fk.write(keys.astype(np.int64).tobytes())
            rows += len(keys)
        fv.flush()
        fk.flush()
        if rows > first:
            every = _map(path, {"rows": rows, "count": count, "top": top})
            new_keys = every.keys[first:]
            bars = np.array([(known or {}).get(int(k), np.nan) for k in new_keys], dtype=np.float32)
            todo = np.flatnonzero(np.isnan(bars))
            for lo in range(0, len(todo), 4096):
                part = todo[lo : lo + 4096]
                bars[part] = _kth(every, np.asarray(every.vectors[first + part]))
            fb.write(bars.tobytes())
        for f in (fv, fk, fb):
            f.flush()
            os.fsync(f.fileno())
    meta = {"rows": rows, "count": count, "top": top}
    _write_meta(path, meta)
    return meta


def _kth(index: VectorIndex, rows: np.ndarray) -> np.ndarray:
    """Each row's similarity to its ``STORE_CHOOSER_NEIGHBOURS``-th nearest other row of ``index``."""
    k = config.STORE_CHOOSER_NEIGHBOURS + 1  # the first is the row itself
    out = np.full(len(rows), -1.0, dtype=np.float32)
    if len(index.keys) < k:
        return out
    best = np.full((len(rows), 0), -np.inf, dtype=np.float32)
    for lo in range(0, len(index.keys), BLOCK):
        sims = rows @ np.asarray(index.vectors[lo : lo + BLOCK]).T
        both = np.concatenate([best, sims], axis=1)
        best = -np.partition(-both, k - 1, axis=1)[:, :k] if both.shape[1] > k else both
    return np.sort(best, axis=1)[:, 0].astype(np.float32)


def _rebuild(db: Database, path: Path, count: int, top: int) -> dict:
    """A new index of the whole store, renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(dir=path.parent, prefix=path.name + ".new."))
    try:
        (fresh / "vectors.f32").touch()
        (fresh / "keys.i64").touch()
        meta = _append(db, fresh, {"rows": 0, "count": 0, "top": 0}, count, top, _known_bars(path))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(fresh, 0o777 & ~umask)  # as any folder the user makes, not mkdtemp's private 0700
        old = path.with_name(path.name + ".old." + fresh.name.rsplit(".", 1)[-1])
        if path.exists():
            os.replace(path, old)
        os.replace(fresh, path)
        shutil.rmtree(old, ignore_errors=True)
        return meta
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


def _known_bars(path: Path) -> dict[int, float]:
    """The bars of the index at ``path`` by statement key (a rebuild keeps them: measuring a million again
    would cost a million searches), or none."""
    meta = _meta(path)
    if meta is None:
        return {}
    old = _map(path, meta)
    if old.bars is None:
        return {}
    return dict(zip(old.keys.tolist(), old.bars.tolist(), strict=True))


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One process at a time brings the index up to date (others wait, then find it so)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def open_index(db: Database) -> VectorIndex:
    """The index of ``db``'s live statements, brought up to date first when the store has moved on."""
    path = index_path(db)
    count, top = stamp(db)
    cached = _OPEN.get(path)
    if cached is not None and (cached.count, cached.top) == (count, top):
        return cached
    meta = _meta(path)
    if meta is None or (meta["count"], meta["top"]) != (count, top):
        with _locked(path):
            meta = _meta(path)
            if meta is not None and (meta["count"], meta["top"]) == (count, top):
                pass  # another process brought it up to date meanwhile
            elif meta is not None and meta["top"] <= top and stamp(db, up_to=meta["top"])[0] == meta["count"]:
                meta = _append(db, path, meta, count, top)
            else:
                meta = _rebuild(db, path, count, top)
    _OPEN[path] = _map(path, meta)
    return _OPEN[path]
