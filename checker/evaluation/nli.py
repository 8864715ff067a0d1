"""``checker eval nli FILE.jsonl``: the NLI model's accuracy on labeled pairs, per label, and its speed."""

from __future__ import annotations

import json
import time
from pathlib import Path

from checker import config
from checker.errors import InputError
from checker.evaluation.metrics import prf

#: A binary gold label: right when the model says neutral or contradiction.
NOT_ENTAILMENT = "not_entailment"


def read_pairs(path: Path, limit: int | None = None) -> list[tuple[str, str, str]]:
    """``(premise, hypothesis, label)`` from JSONL; a bad line is an error naming its number."""
    if not path.is_file():
        raise InputError(str(path), "no such file")
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                label = str(r["label"]).lower()
                rows.append((str(r["premise"]), str(r["hypothesis"]), label))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InputError(
                    str(path), f"line {n}: expected JSON with premise, hypothesis, label ({exc})"
                ) from None
            if label not in (*config.NLI_LABELS, NOT_ENTAILMENT):
                raise InputError(str(path), f"line {n}: unknown label {label!r}")
            if limit and len(rows) >= limit:
                break
    if not rows:
        raise InputError(str(path), "no labeled pairs")
    gold = {label for _, _, label in rows}
    if NOT_ENTAILMENT in gold and gold & {"neutral", "contradiction"}:
        raise InputError(str(path), "mixes not_entailment with neutral/contradiction labels: use one scheme")
    return rows


def nli_metrics(gold: list[str], pred: list[str]) -> dict:
    """Accuracy, per-label precision/recall/F1 and the confusion matrix (gold -> predicted -> count).

    With binary gold labels (``not_entailment``), predictions are folded to entailment / not_entailment.
    """
    binary = NOT_ENTAILMENT in gold
    folded = [("entailment" if p == "entailment" else NOT_ENTAILMENT) if binary else p for p in pred]
    labels = ("entailment", NOT_ENTAILMENT) if binary else config.NLI_LABELS
    per_label = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, folded, strict=True) if g == p == label)
        predicted, actual = folded.count(label), gold.count(label)
        prec, rec, f1 = prf(tp, predicted, actual)
        per_label[label] = {
            "precision": round(prec, 4),
            "recall": round(rec, 4),
            "f1": round(f1, 4),
            "n": actual,
        }
    confusion = {g: {p: 0 for p in config.NLI_LABELS} for g in labels}
    for g, p in zip(gold, pred, strict=True):
        confusion[g][p] += 1
    correct = sum(1 for g, p in zip(gold, folded, strict=True) if g == p)
    return {
        "n": len(gold),
        "accuracy": round(correct / len(gold), 4),
        "per_label": per_label,
        "confusion": confusion,
    }


def _rounded(probs: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in probs.items()}


def eval_nli(
    path: Path,
    model_path: Path | None = None,
    limit: int | None = None,
    backend: str | None = None,
    errors: int = 0,
) -> dict:
    """Metrics of the NLI model on a JSONL file; with ``errors`` > 0, that many misclassified pairs too."""
    from checker.runtime.nli import load_nli

    rows = read_pairs(path, limit)
    model = load_nli(str(model_path) if model_path else None, backend)
    started = time.perf_counter()
    probs = model.predict([(p, h) for p, h, _ in rows])
    seconds = time.perf_counter() - started
    pred = [max(p, key=p.get) for p in probs]
    result = nli_metrics([g for _, _, g in rows], pred)
    result["pairs_per_second"] = round(len(rows) / seconds, 1)
    result["file"] = str(path)
    result["model"] = model.path
    result["backend"] = model.backend
    if NOT_ENTAILMENT in result["confusion"]:
        result["note"] = "gold not_entailment counts as correct for neutral or contradiction"
    if errors:
        wrong = [
            {"premise": p, "hypothesis": h, "gold": g, "predicted": y, "probs": _rounded(pr)}
            for (p, h, g), y, pr in zip(rows, pred, probs, strict=True)
            if not (g == y or (g == NOT_ENTAILMENT and y != "entailment"))
        ]
        result["errors"] = wrong[:errors]
    return result


def print_table(result: dict, title: str) -> None:
    """The figures of ``eval_nli`` as a table on stdout, then the misclassified pairs asked for."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{title}: n={result['n']}  accuracy={result['accuracy']:.4f}  "
                  f"{result['pairs_per_second']} pairs/s ({result['backend']})")  # fmt: skip
    for col in ("label", "precision", "recall", "f1", "n"):
        table.add_column(col, justify="left" if col == "label" else "right")
    for label, m in result["per_label"].items():
        table.add_row(label, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", str(m["n"]))
    console = Console()
    console.print(table)
    console.print("confusion (gold -> predicted):", result["confusion"])
    if "note" in result:
        console.print(result["note"])
    from rich.text import Text

    for e in result.get("errors", []):
        line = Text(f"{e['gold']} -> {e['predicted']}  ", style="bold")
        line.append(e["premise"]).append("  ||  ", style="dim").append(e["hypothesis"])
        console.print(line, soft_wrap=True)
