"""How much work the models did: tokens through each and model calls, counted as they run (for ``checker
bench``: cost per article in units that compare across machines). Counting never changes a result."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

#: "<model>.tokens" (tokens fed, padding excluded), "<model>.calls" (texts or pairs scored), "<model>.batches"
COUNTS: Counter[str] = Counter()


_counting = False


@contextmanager
def counting() -> Iterator[None]:
    """Count tokens that cost a tokenizer pass of their own (the embedder's, the torch NLI backend's) within
    this block; elsewhere only what the models' own code already has in hand is counted."""
    global _counting
    before, _counting = _counting, True
    try:
        yield
    finally:
        _counting = before


def counts_tokens() -> bool:
    return _counting


def add(model: str, tokens: int, calls: int, batches: int = 1) -> None:
    COUNTS[f"{model}.tokens"] += tokens
    COUNTS[f"{model}.calls"] += calls
    COUNTS[f"{model}.batches"] += batches


def reset() -> None:
    COUNTS.clear()


def snapshot() -> dict[str, int]:
    return dict(sorted(COUNTS.items()))
