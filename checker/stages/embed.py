"""The embed stage: a unit vector per proposition piece, for pairing by similarity."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from checker.records import Statement
from checker.runtime.embedder import embed
from checker.stages.segment import chunks


def per_statement(vectors: np.ndarray, starts: np.ndarray) -> list[np.ndarray]:
    """Each statement's rows of ``vectors`` (``starts``: each one's first row, as ``vectors`` gives it)."""
    return np.split(vectors, starts[1:]) if len(starts) else []


def vectors(statements: Sequence[Statement]) -> tuple[np.ndarray, np.ndarray]:
    """The embedding rows of every statement's proposition and each statement's first row.

    A proposition longer than the embedding window is embedded piece by piece, never truncated: statement
    ``i``'s rows run from ``starts[i]`` to ``starts[i + 1]`` (see ``pair.candidates``).
    """
    pieces = [chunks(s.proposition) for s in statements]
    starts = np.cumsum([0] + [len(p) for p in pieces[:-1]]) if pieces else np.zeros(0, dtype=np.intp)
    return embed([piece for p in pieces for piece in p]), starts
