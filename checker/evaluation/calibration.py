"""Calibration of the NLI model's contradiction score on the real-news dev (``nli_news``): a temperature
fitted there, and the score's reliability before and after.

An item's score is what the pipeline reads: the highest contradiction probability of its pairs, either
direction. The temperature divides the score's log-odds (``runtime.nli.calibrate``): a monotone map, so the
report's order and every decision at 0.5 stay as they were. It minimises the binary log loss of "a real
contradiction" over the dev sets, each set weighing the same however many items it has, so the judged PolNeAR
pairs count as much as Emergent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from checker.evaluation import nli_news
from checker.runtime.nli import NLIModel, calibrate

#: Temperatures tried (then refined around the best): 0.25 to 8 on a log scale.
GRID = np.exp(np.linspace(np.log(0.25), np.log(8.0), 121))
BINS = 10
_EPS = 1e-7


@dataclass(frozen=True)
class DevSet:
    """One dev set: each item's contradiction score as the model gives it, and whether it is real."""

    name: str
    raw: np.ndarray
    real: np.ndarray  # bool per item

    def scores(self, temperature: float) -> np.ndarray:
        return np.array([calibrate(float(s), temperature) for s in self.raw])


def dev_set(
    model: NLIModel, name: str, real: Sequence[nli_news.Item], other: Sequence[nli_news.Item]
) -> DevSet:
    raw = nli_news.item_scores(model, [*real, *other])
    return DevSet(name, np.array(raw), np.array([True] * len(real) + [False] * len(other)))


def dev_sets(
    model: NLIModel, data: Path, corpus: Sequence[Path] = (), judgements: Path | None = None
) -> list[DevSet]:
    """The real-news dev of ``nli_news``: Emergent, FNC-1, ClaimDiff, written-g5 (contradiction vs the rest)
    and, given a corpus and its judgements, the judged pairs."""
    from checker.runtime.embedder import embed

    sets = [
        dev_set(model, "emergent", *nli_news.emergent_items(data)),
        dev_set(model, "fnc1", *nli_news.fnc1_items(data, embed)),
        dev_set(model, "claimdiff", *nli_news.claimdiff_items(data)),
        dev_set(model, "written-g5", *nli_news.written_items(data)),
    ]
    if corpus and judgements is not None:
        real, other, _ = nli_news.judged_items(corpus, judgements)
        sets.append(dev_set(model, "judged", real, other))
    return sets


def log_loss(scores: np.ndarray, real: np.ndarray) -> float:
    p = np.clip(scores, _EPS, 1 - _EPS)
    return float(-np.mean(np.where(real, np.log(p), np.log(1 - p))))


def mean_log_loss(sets: Sequence[DevSet], temperature: float) -> float:
    """The sets' log losses at ``temperature``, averaged with each set weighing the same."""
    return float(np.mean([log_loss(s.scores(temperature), s.real) for s in sets]))


def fit_temperature(sets: Sequence[DevSet]) -> float:
    """The temperature with the least mean log loss: the best of ``GRID``, then a finer grid around it."""
    losses = [mean_log_loss(sets, t) for t in GRID]
    best = int(np.argmin(losses))
    lo, hi = GRID[max(best - 1, 0)], GRID[min(best + 1, len(GRID) - 1)]
    fine = np.linspace(lo, hi, 41)
    return float(fine[int(np.argmin([mean_log_loss(sets, t) for t in fine]))])


def reliability(scores: np.ndarray, real: np.ndarray, bins: int = BINS) -> list[dict[str, Any]]:
    """Equal-width score bins: each bin's items, mean score and share of real contradictions."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(scores, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        inside = which == b
        n = int(inside.sum())
        rows.append({
            "lo": round(float(edges[b]), 2),
            "hi": round(float(edges[b + 1]), 2),
            "n": n,
            "mean_score": round(float(scores[inside].mean()), 4) if n else None,
            "real": round(float(real[inside].mean()), 4) if n else None,
        })  # fmt: skip
    return rows


def expected_calibration_error(scores: np.ndarray, real: np.ndarray, bins: int = BINS) -> float:
    """The items' mean gap between score and share real, bin by bin (``reliability``)."""
    rows = reliability(scores, real, bins)
    return float(sum(r["n"] * abs(r["mean_score"] - r["real"]) for r in rows if r["n"]) / max(len(real), 1))


def summary(sets: Sequence[DevSet], temperature: float) -> list[dict[str, Any]]:
    """Each set's log loss and calibration error at temperature 1 and at ``temperature``, and the temperature
    the set alone would choose."""
    out = []
    for s in sets:
        before, after = s.raw, s.scores(temperature)
        out.append({
            "set": s.name,
            "items": len(s.real),
            "real": int(s.real.sum()),
            "alone": round(fit_temperature([s]), 3),
            "log_loss": [round(log_loss(before, s.real), 4), round(log_loss(after, s.real), 4)],
            "ece": [
                round(expected_calibration_error(before, s.real), 4),
                round(expected_calibration_error(after, s.real), 4),
            ],
        })  # fmt: skip
    return out
