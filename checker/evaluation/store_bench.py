"""The store's vector index at scale: exact search over a memory-mapped matrix (what ships), and, where
faiss-cpu is installed, FAISS's HNSW graph for comparison.

``python -m checker.evaluation.store_bench [--sizes 25000,100000,1000000] [--kinds exact,hnsw]``

The vectors are synthetic (unit vectors drawn at random: a million real statements are not at hand); the
queries are stored vectors moved a little, 30 per search, as from one new article's statements, each asking
for ``STORE_NEIGHBOURS`` neighbours. Recall is of the exact neighbours. The machine's speed is measured in the
same run (an fp32 matrix product, GFLOP/s) so that the figures compare across machines.

``python -m checker.evaluation.store_bench --simulate STORE.db --to COPY.db --statements 1000000``: a copy of
a SQLite store whose index also holds synthetic rows up to that many (keys no statement has, so they are
searched but never loaded), for timing ``checker eval store`` against a store of that size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from checker import config
from checker.evaluation.machine import reference_gflops
from checker.store.index import DIM, VectorIndex, _map, _write_meta

QUERIES = 30


def _vectors(n: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, DIM), dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _fill(folder: Path, n: int, count: int = 0, top: int = 0, first_key: int = 0) -> None:
    """Append ``n`` synthetic rows (keys ``first_key - 1`` down) to an index folder."""
    meta = json.loads((folder / "meta.json").read_text())
    with (
        open(folder / "vectors.f32", "ab") as fv,
        open(folder / "keys.i64", "ab") as fk,
        open(folder / "bars.f32", "ab") as fb,
    ):
        for lo in range(0, n, 100_000):
            m = min(100_000, n - lo)
            fv.write(_vectors(m, 10 + lo).tobytes())
            fk.write((first_key - 1 - np.arange(lo, lo + m, dtype=np.int64)).tobytes())
            fb.write(np.full(m, -1.0, dtype=np.float32).tobytes())  # never loaded: no bar needed
    meta["rows"] += n
    if count:
        meta["count"], meta["top"] = count, top
    _write_meta(folder, meta)


def _exact(n: int, queries: np.ndarray) -> tuple[dict, np.ndarray]:
    k = config.STORE_NEIGHBOURS
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "vectors.f32").touch()
        (folder / "keys.i64").touch()
        _write_meta(folder, {"rows": 0, "count": 0, "top": 0})
        t0 = time.perf_counter()
        _fill(folder, n, count=n, top=0, first_key=0)
        build = time.perf_counter() - t0
        t0 = time.perf_counter()
        vi: VectorIndex = _map(folder, json.loads((folder / "meta.json").read_text()))
        load = time.perf_counter() - t0
        vi.search(queries, k)  # warm: the pages in memory
        t0, reps = time.perf_counter(), 3
        for _ in range(reps):
            found = vi.search(queries, k)
        search = (time.perf_counter() - t0) / reps
        size = os.path.getsize(folder / "vectors.f32") + os.path.getsize(folder / "keys.i64")
    exact = np.array([sorted(f, key=f.get, reverse=True) for f in found])
    row = {"statements": n, "kind": "exact (shipped)", "build_s": round(build, 2),
           "file_mb": round(size / 2**20, 1), "open_s": round(load, 3),
           "search_ms_per_article": round(1000 * search, 1), "recall_at_k": 1.0}  # fmt: skip
    return row, exact


def _hnsw(n: int, base: np.ndarray, queries: np.ndarray, exact: np.ndarray) -> dict | None:
    try:
        import faiss
    except ImportError:
        return None
    k = config.STORE_NEIGHBOURS
    t0 = time.perf_counter()
    index = faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction, index.hnsw.efSearch = 80, 128
    index.add(base[:n])
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    _, rows = index.search(queries, k)
    search = time.perf_counter() - t0
    keys = -1 - rows  # the synthetic keys of _fill
    recall = float(np.mean([len(set(r) & set(e)) / k for r, e in zip(keys, exact, strict=True)]))
    return {"statements": n, "kind": "hnsw (faiss, M 32, ef 80/128)", "build_s": round(build, 2),
            "search_ms_per_article": round(1000 * search, 1), "recall_at_k": round(recall, 4)}  # fmt: skip


def run(sizes: list[int], kinds: list[str]) -> dict:
    rows = []
    for n in sorted(sizes):
        base = _vectors(n, 10) if n <= 100_000 else None  # the same rows _fill writes (one block)
        rng = np.random.default_rng(2)
        picked = _vectors(min(n, 100_000), 10)[rng.integers(0, min(n, 100_000), QUERIES)]
        queries = picked + 0.05 * _vectors(QUERIES, 3)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        row, exact = _exact(n, queries)
        rows.append(row)
        print(json.dumps(row), flush=True)
        if "hnsw" in kinds and base is not None:
            hnsw = _hnsw(n, base, queries, exact)
            if hnsw is not None:
                rows.append(hnsw)
                print(json.dumps(hnsw), flush=True)
    return {
        "reference_gflops": round(reference_gflops(), 1),
        "k": config.STORE_NEIGHBOURS,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rows": rows,
    }


def simulate(store: str, to: str, statements: int) -> dict:
    """Copy the SQLite store ``store`` to ``to`` with its index padded with synthetic rows."""
    from checker.store.database import open_database
    from checker.store.index import index_path, open_index

    shutil.copyfile(store, to)
    db = open_database(to, create=False)
    vi = open_index(db)
    pad = max(0, statements - vi.count)
    _fill(index_path(db), pad)
    db.engine.dispose()
    return {"store": to, "real_rows": len(vi.keys), "synthetic_rows": pad, "index_rows": len(vi.keys) + pad}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="25000,100000,1000000")
    parser.add_argument("--kinds", default="exact,hnsw")
    parser.add_argument("--simulate", help="a SQLite store to copy with a padded index")
    parser.add_argument("--to", help="where the copy goes (with --simulate)")
    parser.add_argument("--statements", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.simulate:
        print(json.dumps(simulate(args.simulate, args.to, args.statements), indent=1))
        return
    print(json.dumps(run([int(s) for s in args.sizes.split(",")], args.kinds.split(",")), indent=1))


if __name__ == "__main__":
    main()
