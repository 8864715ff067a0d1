"""The report's decision thresholds tried on dev: every pair scored once, then reported at each threshold.

    python -m checker.evaluation.sweep --corpus DATA/polnear/dev/text \\
        --judgements eval/corpus/polnear-dev.jsonl --split dev \\
        --threshold 0.3 0.4 0.5 --uncued 0.6 0.85 [--format json]

For each (``CONTRADICTION_THRESHOLD``, ``UNCUED_THRESHOLD``): on the judged corpus, the pairs reported,
precision@k over the judged top k, the unjudged in the top k and the gold pairs reported; on eval/'s cases
of ``--split``, contradiction precision, recall, F1 and precision@1. The pairs are scored with the
thresholds in ``config`` (follow-ups are sought around the pairs that reach ``CONTRADICTION_THRESHOLD``),
so the chosen value is then confirmed by a plain run. ``--set NAME=VALUE`` scores with another value of a
setting the scoring reads (``OPPOSITE_GATE``, ``ANTONYM_MIN_SIMILARITY``, ``FIGURE_MIN_CONTRADICTION``);
``--gates G ...`` counts the corpus's candidates whose first reading passes each gate. DATA is wherever the
data sets are (PolNeAR's texts); nothing is read from a fixed place.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from checker import config


@contextmanager
def uncued(value: float) -> Iterator[None]:
    """``config.UNCUED_THRESHOLD`` set to ``value`` for what ``infer.reportable`` decides inside."""
    old = config.UNCUED_THRESHOLD
    config.UNCUED_THRESHOLD = value
    try:
        yield
    finally:
        config.UNCUED_THRESHOLD = old


def corpus_rows(
    paths: Sequence[Path], judgements: Path, grid: Sequence[tuple[float, float]], k: int = 20
) -> list[dict[str, Any]]:
    from checker import pipeline
    from checker.evaluation import corpus
    from checker.io.inputs import load_inputs
    from checker.stages import infer

    verdicts = corpus.read_judgements(judgements)
    documents, _ = load_inputs([str(p) for p in paths])
    every = pipeline.check(documents, threshold=0.0)
    rows = []
    for t, u in grid:
        with uncued(u):
            reported = [c for c in every.contradictions if infer.reportable(c, t)]
        r = corpus.evaluate(replace(every, contradictions=reported, threshold=t), verdicts, k)
        rows.append({
            "threshold": t,
            "uncued": u,
            "reported": r["reported"],
            "judged_in_top_k": r["judged_in_top_k"],
            "precision_at_k": r["precision_at_k"],
            "contradictions_in_top_k": r["contradictions_in_top_k"],
            "gold_reported": r["gold_reported"],
            "gold_pairs": r["gold_pairs"],
        })  # fmt: skip
    return rows


def cases_rows(
    split: str, grid: Sequence[tuple[float, float]], root: Path | None = None
) -> list[dict[str, Any]]:
    from checker.evaluation import cases, end_to_end

    root = root or cases.default_cases_dir()
    limits = cases.read_thresholds(cases.default_thresholds(root))
    runs = [end_to_end.run_case(c) for c in cases.load_cases(root) if c.split == split]
    rows = []
    for t, u in grid:
        with uncued(u):
            r = end_to_end.evaluate(runs, t, limits)
        m = r["splits"][split]
        c = m["contradictions"]
        rows.append({"threshold": t, "uncued": u, "precision": c["precision"], "recall": c["recall"],
                     "f1": c["f1"], "precision_at_1": m["precision_at_1"],
                     "false_alarms": m["false_alarms"]["per_case"]})  # fmt: skip
    return rows


def gate_counts(paths: Sequence[Path], gates: Sequence[float]) -> list[dict[str, Any]]:
    """For each gate on the model's probabilities, how many of the corpus's candidates pass it: by their
    highest contradiction or entailment either way (``OPPOSITE_GATE``) and by their highest contradiction
    (``FIGURE_MIN_CONTRADICTION``), read as ``infer.score`` first reads them."""
    from checker.io.inputs import load_inputs
    from checker.pipeline import candidates_of, statements_of
    from checker.runtime.nli import load_nli
    from checker.stages import infer

    model = load_nli()
    documents, _ = load_inputs([str(p) for p in paths])
    _, statements, _ = statements_of(documents)
    live, cands, *_ = candidates_of(statements)
    by_id = {s.id: s for s in live}
    pairs, owner = [], []
    for n, cand in enumerate(cands):
        for pa in infer._pieces(by_id[cand.a]):
            for pb in infer._pieces(by_id[cand.b]):
                pairs += [(pa, pb), (pb, pa)]
                owner += [n, n]
    either, contra = [0.0] * len(cands), [0.0] * len(cands)
    for n, p in zip(owner, model.predict(pairs), strict=True):
        either[n] = max(either[n], p["contradiction"], p["entailment"])
        contra[n] = max(contra[n], p["contradiction"])
    return [
        {
            "gate": g,
            "candidates": len(cands),
            "contradiction_or_entailment": sum(x >= g for x in either),
            "contradiction": sum(x >= g for x in contra),
        }  # fmt: skip
        for g in gates
    ]


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, nargs="+", help="texts, or folders of them, checked as one corpus")
    ap.add_argument("--judgements", type=Path)
    ap.add_argument("--split", help="eval/'s cases of this split (dev)")
    ap.add_argument("--cases", type=Path, help="a directory of YAML cases (default: eval/cases)")
    ap.add_argument("--threshold", type=float, nargs="+", default=[config.CONTRADICTION_THRESHOLD])
    ap.add_argument("--uncued", type=float, nargs="+", default=[config.UNCUED_THRESHOLD])
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--format", choices=("table", "json"), default="table")
    ap.add_argument("--gates", type=float, nargs="+", help="count the candidates passing each (--corpus)")
    ap.add_argument(
        "--set", nargs="+", default=[], metavar="NAME=VALUE", help="score with these config values instead"
    )
    args = ap.parse_args(argv)
    for item in args.set:
        name, _, value = item.partition("=")
        if not hasattr(config, name) or not isinstance(getattr(config, name), float):
            ap.error(f"--set {item}: not a numeric setting of checker.config")
        setattr(config, name, float(value))
    grid = [(t, max(u, t)) for t in args.threshold for u in args.uncued]
    grid = list(dict.fromkeys(grid))
    out: dict[str, Any] = {}
    paths = [f for p in args.corpus or () for f in (sorted(p.glob("*.txt")) if p.is_dir() else [p])]
    if args.gates and paths:
        out["gates"] = gate_counts(paths, args.gates)
    if paths and args.judgements is not None:
        out["corpus"] = corpus_rows(paths, args.judgements, grid, args.k)
    if args.split:
        out["cases"] = cases_rows(args.split, grid, args.cases)
    if args.format == "json":
        print(json.dumps(out, indent=1))
        return
    for name, rows in out.items():
        print(name)
        keys = list(rows[0])
        print("  " + "  ".join(f"{key:>14}" for key in keys))
        for row in rows:
            print("  " + "  ".join(f"{row[key]!s:>14}" for key in keys))


if __name__ == "__main__":
    main()
