"""The store's exact vector search against a brute-force sort, over block edges and small indexes."""

from __future__ import annotations

import numpy as np
import pytest

import checker.store.index as ix
from checker.store.index import VectorIndex


@pytest.mark.parametrize(
    ("rows", "k", "block"),
    [(1000, 64, 256), (100, 64, 256), (50, 64, 16), (5000, 17, 1000), (3, 5, 2), (700, 10, 64)],
)
def test_search_finds_the_k_most_similar_rows(rows: int, k: int, block: int, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(ix, "BLOCK", block)
    rng = np.random.default_rng(rows + k)
    vectors = rng.standard_normal((rows, ix.DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    keys = np.arange(rows, dtype=np.int64) // 2  # two rows per statement, as a long proposition's pieces
    queries = vectors[:7] + 0.01
    found = VectorIndex(vectors, keys, rows // 2, rows).search(queries, k)
    sims = queries @ vectors.T
    for q in range(len(queries)):
        want: dict[int, float] = {}
        for r in np.argsort(-sims[q])[: min(k, rows)]:
            want[int(keys[r])] = max(want.get(int(keys[r]), -2.0), float(sims[q, r]))
        assert set(found[q]) == set(want)
        assert all(abs(found[q][key] - want[key]) < 1e-5 for key in want)


def test_an_empty_index_finds_nothing() -> None:
    empty = VectorIndex(np.zeros((0, ix.DIM), dtype=np.float32), np.zeros(0, dtype=np.int64), 0, 0)
    assert empty.search(np.ones((2, ix.DIM), dtype=np.float32), 5) == [{}, {}]
