"""The store's vector index at scale: build time, size, search time and recall, "flat" against "hnsw".

``python -m checker.evaluation.store_bench [--sizes 25000,100000,1000000] [--kinds flat,hnsw]``

The vectors are synthetic (unit vectors drawn at random: a million real statements are not at hand); the
queries are stored vectors moved a little, 30 of them per search, as from one new article's statements, each
asking for ``STORE_NEIGHBOURS`` neighbours. Recall is of the exact (flat) neighbours. The machine's speed is
measured in the same run (an fp32 matrix product, GFLOP/s) so that the figures compare across machines.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import time

import numpy as np

from checker import config
from checker.store.index import DIM, _make

QUERIES = 30


def reference_gflops(seconds: float = 2.0) -> float:
    """The machine's fp32 matrix-product speed, GFLOP/s."""
    a = np.random.default_rng(0).standard_normal((1024, 1024), dtype=np.float32)
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        a @ a
        n += 1
    return 2 * 1024**3 * n / (time.perf_counter() - t0) / 1e9


def _vectors(n: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, DIM), dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def measure(n: int, kind: str, base: np.ndarray, queries: np.ndarray, exact: np.ndarray | None) -> dict:
    import faiss

    k = config.STORE_NEIGHBOURS
    t0 = time.perf_counter()
    index = _make(kind)
    index.add(base[:n])
    build = time.perf_counter() - t0
    buf = io.BytesIO()
    np.save(buf, faiss.serialize_index(index))
    t0 = time.perf_counter()
    faiss.deserialize_index(np.load(io.BytesIO(buf.getvalue())))
    load = time.perf_counter() - t0
    index.search(queries, k)  # warm
    t0, reps = time.perf_counter(), 5
    for _ in range(reps):
        _, rows = index.search(queries, k)
    search = (time.perf_counter() - t0) / reps
    recall = None
    if exact is not None:
        recall = float(np.mean([len(set(r) & set(e)) / k for r, e in zip(rows, exact, strict=True)]))
    return {
        "statements": n,
        "kind": kind,
        "build_s": round(build, 2),
        "file_mb": round(buf.tell() / 2**20, 1),
        "load_s": round(load, 3),
        "search_ms_per_article": round(1000 * search, 1),
        "recall_at_k": None if recall is None else round(recall, 4),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def run(sizes: list[int], kinds: list[str]) -> dict:
    import faiss

    faiss.omp_set_num_threads(2)
    base = _vectors(max(sizes), 1)
    rng = np.random.default_rng(2)
    rows = []
    for n in sorted(sizes):
        picked = base[rng.integers(0, n, QUERIES)]
        queries = picked + 0.05 * _vectors(QUERIES, 3)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        exact = None
        for kind in ["flat", *[k for k in kinds if k != "flat"]]:
            if kind not in kinds and kind != "flat":
                continue
            row = measure(n, kind, base, queries, exact)
            if kind == "flat":
                flat = _make("flat")
                flat.add(base[:n])
                exact = flat.search(queries, config.STORE_NEIGHBOURS)[1]
                row["recall_at_k"] = 1.0
            if kind in kinds:
                rows.append(row)
                print(json.dumps(row), flush=True)
    return {"reference_gflops": round(reference_gflops(), 1), "k": config.STORE_NEIGHBOURS, "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25000,100000,1000000")
    parser.add_argument("--kinds", default="flat,hnsw")
    args = parser.parse_args()
    out = run([int(s) for s in args.sizes.split(",")], args.kinds.split(","))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
