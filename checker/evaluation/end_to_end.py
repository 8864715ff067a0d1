"""``checker eval``: the pipeline on the labeled set, scored against its gold (who said what, and which
pairs contradict).

``score_case`` compares one case's report with its gold, ``split_metrics`` aggregates, ``gate`` applies the
thresholds, ``run_case`` runs the pipeline on one case and ``evaluate`` puts it all together.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from checker.errors import InputError
from checker.evaluation.cases import DEFAULT_SPLIT, SWEEP, Case, GoldStatement
from checker.evaluation.metrics import f1, ratio, rounded
from checker.records import Contradiction, Report, Statement
from checker.stages import infer

_TOKEN = re.compile(r"[^\W_]+")


@dataclass
class CaseResult:
    """One case scored at one decision threshold."""

    case: Case
    predicted_statements: int
    matched_predicted: int
    matched_gold: int
    reported: list[dict[str, Any]]  # deduplicated reported pairs, best first, each with ``gold: bool``
    missed: list[tuple[str, str]]
    skipped: list[str] = field(default_factory=list)

    @property
    def tp(self) -> int:
        return sum(1 for r in self.reported if r["gold"])

    @property
    def fp(self) -> int:
        return sum(1 for r in self.reported if not r["gold"])

    @property
    def fn(self) -> int:
        return len(self.missed)


# ---------------------------------------------------------------- matching


def _tokens(name: str) -> list[str]:
    name = name.lower().replace("’", "'")
    words = _TOKEN.findall(name)
    return words[1:] if words[:1] == ["the"] else words


def speaker_matches(predicted: str, gold: GoldStatement) -> bool:
    """The resolved speaker name is the gold name or an alias (case-insensitive, without a leading "the"),
    or one of the two contains the other's last word ("Netanyahu" ~ "Benjamin Netanyahu")."""
    pred = _tokens(predicted)
    if not pred:
        return False
    for name in (gold.speaker, *gold.aliases):
        g = _tokens(name)
        if g and (g == pred or g[-1] in pred or pred[-1] in g):
            return True
    return False


def overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Characters the two spans share, as a share of the shorter span (0 when either is empty)."""
    shorter = min(a[1] - a[0], b[1] - b[0])
    if shorter <= 0:
        return 0.0
    return max(0, min(a[1], b[1]) - max(a[0], b[0])) / shorter


def match_statement(pred: Statement, gold: Sequence[GoldStatement]) -> GoldStatement | None:
    """The gold statement ``pred`` finds: same document, matching speaker, content spans overlapping by at
    least half of the shorter one; the largest overlap wins."""
    best, best_overlap = None, 0.5
    for g in gold:
        if g.doc != pred.doc_id or not speaker_matches(pred.speaker_name, g):
            continue
        o = overlap((pred.content.start, pred.content.end), (g.start, g.end))
        if o >= best_overlap and (best is None or o > best_overlap):
            best, best_overlap = g, o
    return best


def _side(st: Statement, gold: GoldStatement | None) -> dict[str, Any]:
    return {"doc": st.doc_id, "speaker": st.speaker_name, "content": st.content.text,
            "gold": gold.id if gold else None}  # fmt: skip


def score_case(case: Case, report: Report, threshold: float, skipped: Sequence[str] = ()) -> CaseResult:
    """Compare one case's report with its gold, counting contradictions scored at or above ``threshold``.

    A reported pair is right when its two statements match the two statements of a gold pair. Reported pairs
    that land on the same gold statements (one statement extracted twice) count once.
    """
    gold_by_pred = {st.id: match_statement(st, case.statements) for st in report.statements}
    matched_gold = {g.id for g in gold_by_pred.values() if g is not None}
    reported: list[dict[str, Any]] = []
    keys: set[frozenset[str]] = set()
    ranked: list[Contradiction] = sorted(report.contradictions, key=lambda c: -c.score)
    for c in ranked:
        if not infer.reportable(c, threshold):
            continue
        ga, gb = gold_by_pred.get(c.a.id), gold_by_pred.get(c.b.id)
        key = frozenset({ga.id if ga else f"pred:{c.a.id}", gb.id if gb else f"pred:{c.b.id}"})
        if key in keys:
            continue
        keys.add(key)
        reported.append({"score": round(c.score, 4), "reason": c.reason, "gold": key in case.contradictions,
                         "a": _side(c.a, ga), "b": _side(c.b, gb)})  # fmt: skip
    missed = [tuple(sorted(p)) for p in case.contradictions if p not in keys]
    return CaseResult(
        case=case,
        predicted_statements=len(report.statements),
        matched_predicted=sum(1 for g in gold_by_pred.values() if g is not None),
        matched_gold=len(matched_gold),
        reported=reported,
        missed=missed,  # type: ignore[arg-type]
        skipped=list(skipped),
    )


# ---------------------------------------------------------------- metrics


def split_metrics(results: Sequence[CaseResult]) -> dict[str, Any]:
    """Statement P/R/F1, contradiction P/R/F1 (micro), precision@1 and false alarms over ``results``."""
    with_gold = [r for r in results if r.case.contradictions]
    without = [r for r in results if not r.case.contradictions]
    tp, fp, fn = (sum(getattr(r, k) for r in results) for k in ("tp", "fp", "fn"))
    n_pred = sum(r.predicted_statements for r in results)
    n_gold = sum(len(r.case.statements) for r in results)
    p = ratio(sum(r.matched_predicted for r in results), n_pred)
    rec = ratio(sum(r.matched_gold for r in results), n_gold)
    statements = {"precision": round(p, 4), "recall": round(rec, 4), "f1": round(f1(p, rec), 4),
                  "gold": n_gold, "predicted": n_pred}  # fmt: skip
    by_category: dict[str, dict[str, int]] = {}
    for r in results:
        cat = by_category.setdefault(r.case.category, {"cases": 0, "tp": 0, "fp": 0, "fn": 0})
        cat["cases"] += 1
        for k in ("tp", "fp", "fn"):
            cat[k] += getattr(r, k)
    return {
        "cases": len(results),
        "cases_with_contradiction": len(with_gold),
        "cases_without_contradiction": len(without),
        "statements": statements,
        "contradictions": {**rounded(tp, tp + fp, tp + fn), "tp": tp, "fp": fp, "fn": fn},
        "precision_at_1": round(
            sum(bool(r.reported) and r.reported[0]["gold"] for r in with_gold) / len(with_gold), 4
        )
        if with_gold
        else None,  # fmt: skip
        "false_alarms": {
            "per_case": round(sum(r.fp for r in without) / len(without), 4) if without else None,
            "share_of_cases": round(sum(r.fp > 0 for r in without) / len(without), 4) if without else None,
        },
        "by_category": dict(sorted(by_category.items())),
    }


def gate(metrics: dict[str, dict[str, Any]], thresholds: dict[str, Any]) -> dict[str, Any]:
    """Check the gate split's figures against the minimums. The gate applies to its split when that split
    was run; to all cases when the set has no splits; otherwise it is not applied (and passes)."""
    split = thresholds["split"]
    if split not in metrics:
        split = DEFAULT_SPLIT if set(metrics) <= {DEFAULT_SPLIT, "all"} else None
    out: dict[str, Any] = {"split": split, "min": thresholds["min"], "applied": split is not None}
    if split is None:
        out.update(passed=True, failures=[])
        return out
    failures = []
    values = {}
    for key, minimum in thresholds["min"].items():
        metric, name = key.split(".")
        value = metrics[split].get(metric, {}).get(name)
        if value is None:
            raise InputError("thresholds", f"min.{key}: no such figure")
        values[key] = value
        if value < minimum:
            failures.append(f"{split} {key} {value:.3f} < {minimum}")
    out.update(values=values, passed=not failures, failures=failures)
    return out


# ---------------------------------------------------------------- running


@dataclass
class CaseRun:
    """The pipeline's report on one case at threshold 0 (every scored pair), so any threshold can be read."""

    case: Case
    report: Report
    skipped: list[str]
    seconds: float


def run_case(case: Case) -> CaseRun:
    """Run the whole pipeline (real models) on one case's documents."""
    from checker import pipeline
    from checker.io import documents_from_strings

    started = time.perf_counter()
    docs, skipped = documents_from_strings(list(case.documents))
    report = pipeline.check(docs, threshold=0.0, skipped=skipped)
    return CaseRun(case, report, [f"{s.id}: {s.reason}" for s in skipped], time.perf_counter() - started)


def evaluate(runs: Sequence[CaseRun], threshold: float, thresholds: dict[str, Any]) -> dict[str, Any]:
    """Per-split and overall metrics, the gate, per-case failures; the dev-optimal threshold when a dev
    split was run."""
    results = [score_case(r.case, r.report, threshold, r.skipped) for r in runs]
    splits = sorted({r.case.split for r in results})
    metrics = {s: split_metrics([r for r in results if r.case.split == s]) for s in splits}
    if len(splits) > 1:
        metrics["all"] = split_metrics(results)
    dev = [r for r in runs if r.case.split == "dev"]
    if dev:
        sweep = []
        for t in SWEEP:
            m = split_metrics([score_case(r.case, r.report, t) for r in dev])["contradictions"]
            sweep.append({"threshold": t, **{k: m[k] for k in ("precision", "recall", "f1")}})
        best = max(sweep, key=lambda s: (s["f1"], s["threshold"]))
        metrics["dev"]["threshold_sweep"] = sweep
        metrics["dev"]["best_threshold"] = best["threshold"]
    models = next((r.report.models for r in runs if r.report.models), {})
    return {
        "threshold": threshold,
        "models": models,
        "splits": metrics,
        "gate": gate(metrics, thresholds),
        "cases": [_case_dict(r) for r in results],
    }


def _case_dict(r: CaseResult) -> dict[str, Any]:
    gold = {g.id: g for g in r.case.statements}

    def brief(sid: str) -> dict[str, str]:
        return {"id": sid, "speaker": gold[sid].speaker, "content": gold[sid].content}

    return {
        "id": r.case.id,
        "split": r.case.split,
        "category": r.case.category,
        "path": r.case.path,
        "statements": {
            "gold": len(r.case.statements),
            "predicted": r.predicted_statements,
            "matched_gold": r.matched_gold,
            "matched_predicted": r.matched_predicted,
        },  # fmt: skip
        "contradictions": {"gold": len(r.case.contradictions), "tp": r.tp, "fp": r.fp, "fn": r.fn},
        "top_correct": (bool(r.reported) and r.reported[0]["gold"]) if r.case.contradictions else None,
        "missed": [[brief(a), brief(b)] for a, b in r.missed],
        "false_alarms": [p for p in r.reported if not p["gold"]],
        "skipped_documents": r.skipped,
    }


# ---------------------------------------------------------------- output


def render_table(result: dict[str, Any]) -> str:
    """The figures per split, the gate, and every case that failed."""
    from io import StringIO

    from rich.console import Console
    from rich.table import Table

    buf = StringIO()
    console = Console(file=buf, width=120, no_color=True, markup=False, highlight=False, soft_wrap=True)
    table = Table(title=f"checker eval (decision threshold {result['threshold']})")
    table.add_column("figure")
    for split in result["splits"]:
        table.add_column(split, justify="right")
    prf3 = "{precision:.3f} / {recall:.3f} / {f1:.3f}"
    rows: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
        ("cases (with / without contradiction)",
         lambda m: f"{m['cases']} ({m['cases_with_contradiction']}/{m['cases_without_contradiction']})"),
        ("statements P / R / F1", lambda m: prf3.format(**m["statements"])),
        ("contradictions P / R / F1",
         lambda m: prf3.format(**m["contradictions"])),
        ("contradictions TP / FP / FN", lambda m: "{tp} / {fp} / {fn}".format(**m["contradictions"])),
        ("precision@1", lambda m: "-" if m["precision_at_1"] is None else f"{m['precision_at_1']:.3f}"),
        ("false alarms per clean case (share)", lambda m: "-" if m["false_alarms"]["per_case"] is None else
         "{per_case:.2f} ({share_of_cases:.2f})".format(**m["false_alarms"])),
    ]  # fmt: skip
    for label, cell in rows:
        table.add_row(label, *(cell(m) for m in result["splits"].values()))
    console.print(table)
    if "best_threshold" in result["splits"].get("dev", {}):
        best = result["splits"]["dev"]["best_threshold"]
        console.print(f"dev-optimal decision threshold (contradiction F1): {best}")
    for case in result["cases"]:
        if not (case["missed"] or case["false_alarms"]):
            continue
        console.print(f"[{case['split']}] {case['id']} ({case['category']}):")
        for a, b in case["missed"]:
            console.print(f"  missed: {a['speaker']}: {a['content']!r}  <>  {b['speaker']}: {b['content']!r}")
        for p in case["false_alarms"]:
            a, b = p["a"], p["b"]
            console.print(f"  false alarm {p['score']:.2f} {p['reason']}: {a['speaker']}: {a['content']!r}"
                          f"  <>  {b['speaker']}: {b['content']!r}")  # fmt: skip
    g = result["gate"]
    if not g["applied"]:
        console.print("gate: not applied (its split was not run)")
    else:
        detail = "; ".join(g["failures"] or [f"{k} {v:.3f}" for k, v in g["values"].items()])
        console.print(f"gate on {g['split']}: {'PASSED' if g['passed'] else 'FAILED'} {detail}")
    return buf.getvalue()
