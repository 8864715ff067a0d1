"""Precision, recall and F1: computed here for every measure (each names its fields as its output always
has)."""

from __future__ import annotations


def ratio(part: float, whole: float) -> float:
    """``part / whole``, 0 when ``whole`` is 0."""
    return part / whole if whole else 0.0


def f1(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall, 0 when both are 0."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def prf(tp: float, n_pred: float, n_gold: float) -> tuple[float, float, float]:
    """``(precision, recall, f1)`` of ``tp`` right among ``n_pred`` predicted and ``n_gold`` gold (each 0 when
    undefined)."""
    p, r = ratio(tp, n_pred), ratio(tp, n_gold)
    return p, r, f1(p, r)


def rounded(tp: float, n_pred: float, n_gold: float, digits: int = 4) -> dict[str, float]:
    """``{"precision", "recall", "f1"}``, rounded."""
    p, r, f = prf(tp, n_pred, n_gold)
    return {"precision": round(p, digits), "recall": round(r, digits), "f1": round(f, digits)}
