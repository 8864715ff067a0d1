"""How much work the models did: tokens through each and model calls, counted as they run (for ``checker
bench``: cost per article in units that compare across machines). Counting never changes a result."""

from __future__ import annotations

from collections import Counter

#: "<model>.tokens" (tokens fed, padding excluded), "<model>.calls" (texts or pairs scored), "<model>.batches"
COUNTS: Counter[str] = Counter()


def add(model: str, tokens: int, calls: int, batches: int = 1) -> None:
    COUNTS[f"{model}.tokens"] += tokens
    COUNTS[f"{model}.calls"] += calls
    COUNTS[f"{model}.batches"] += batches


def reset() -> None:
    COUNTS.clear()


def snapshot() -> dict[str, int]:
    return dict(sorted(COUNTS.items()))
