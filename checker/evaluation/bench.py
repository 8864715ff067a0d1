"""``checker bench``: the whole pipeline over documents as one corpus, timed stage by stage, and the recall
of candidate-pair pruning on the labeled set in ``eval/`` (the share of its gold contradiction pairs sent to
NLI). Pure measurement: nothing here changes results."""

from __future__ import annotations

import json
import platform
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from checker import config, pipeline
from checker.evaluation import cases as eval_cases
from checker.evaluation.end_to_end import match_statement
from checker.evaluation.machine import reference_gflops
from checker.evaluation.memory import PeakSampler
from checker.io import documents_from_strings
from checker.records import Candidate, Document
from checker.runtime import backends as nli_backends
from checker.runtime import embedder, precision, work
from checker.runtime.nli import choose_backend, load_nli
from checker.runtime.parser import load_spacy


class StageTimer:
    """An ``on_stage`` callback: a stage runs from its first report until the next stage's first report."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.order: list[str] = []
        self.first: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.first:
            self.first[stage] = time.perf_counter()
            self.order.append(stage)

    def mark(self, stage: str) -> None:
        """Start ``stage`` now (for work that reports no progress of its own)."""
        self(stage, 0, 0)

    def seconds(self, end: float | None = None) -> dict[str, float]:
        end = time.perf_counter() if end is None else end
        bounds = [self.first[s] for s in self.order[1:]] + [end]
        return {s: round(b - self.first[s], 3) for s, b in zip(self.order, bounds, strict=True)}


def peak_rss_mb() -> float:
    """This process's peak resident set size in MiB (``ru_maxrss`` is KiB on Linux, bytes on macOS). The
    parse's forked workers are not in it: their own peak starts from this process's resident set at the fork,
    most of it pages they share with it, so it cannot tell what they add."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


@dataclass(frozen=True)
class BenchResult:
    """What ``checker bench`` reports; ``nli_pairs_per_second`` counts candidate pairs (both directions)."""

    documents: int
    statements: int
    pairs_all: int
    pairs_scored: int
    seconds: float
    stage_seconds: dict[str, float]
    nli_pairs_per_second: float
    peak_rss_mb: float
    pairs_scored_share: float
    nli_backend: str
    threads: int
    cpus: int
    machine: str
    contradictions: int
    #: the machine's fp32 matrix-product speed, measured in the same run (``evaluation.machine``)
    reference_gflops: float = 0.0
    #: the same measured before and after the run: on a shared machine the speed drifts while a run lasts
    #: (2026-12-01, one 2-core AMD EPYC: 101 to 170 GFLOP/s within the hour); ``reference_gflops`` is their
    #: mean, and the wider the two are apart, the less a difference in machine units between runs says
    reference_gflops_ends: tuple[float, float] = (0.0, 0.0)
    #: per article: tokens through each model, its calls, NLI calls per candidate pair, candidates per
    #: checked statement, and each stage's cost in machine units (seconds x reference GFLOP/s, i.e. the
    #: GFLOP the machine could have done meanwhile); the models' share of the reference speed
    work: dict[str, Any] = field(default_factory=dict)
    #: processes the spaCy parse may run in (``config.parse_processes``)
    parse_processes: int = 1
    #: the most memory this process and its parse workers held at once (PSS, sampled; ``evaluation.memory``)
    peak_pss_tree_mb: float = 0.0
    #: what the torch encoders (tagger, embedder) compute in: bf16 or fp32 (``runtime.precision``)
    encoder_precision: str = "fp32"
    pruning: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        if self.pruning is None:
            del out["pruning"]
        return out


def run(documents: Sequence[Document]) -> BenchResult:
    """Run ``pipeline.check`` once over ``documents`` (one corpus), loading the models first, timed."""
    import torch

    first = reference_gflops()
    timer = StageTimer()
    timer.mark("load")
    model = load_nli()
    load_spacy()
    embedder.load_embedder()
    work.reset()
    with work.counting(), PeakSampler() as memory:
        report = pipeline.check(documents, on_stage=timer)
    end = time.perf_counter()
    stages = timer.seconds(end)
    counts = work.snapshot()
    work.reset()
    last = reference_gflops()
    gflops = (first + last) / 2
    nli_seconds = stages.get("nli", 0.0)
    scored = report.pairs_scored
    return BenchResult(
        documents=len(documents),
        statements=len(report.statements),
        pairs_all=report.pairs_all,
        pairs_scored=scored,
        seconds=round(end - timer.started, 3),
        stage_seconds=stages,
        nli_pairs_per_second=round(scored / nli_seconds, 1) if nli_seconds > 0 else 0.0,
        peak_rss_mb=peak_rss_mb(),
        pairs_scored_share=round(scored / report.pairs_all, 5) if report.pairs_all else 0.0,
        nli_backend=getattr(model, "backend", config.NLI_BACKEND),
        threads=torch.get_num_threads(),
        cpus=config.available_cores(),
        machine=f"{platform.machine()} {platform.processor() or platform.system()}".strip(),
        contradictions=len(report.contradictions),
        reference_gflops=round(gflops, 1),
        reference_gflops_ends=(round(first, 1), round(last, 1)),
        work=work_per_article(counts, stages, gflops, len(documents), scored, report),
        parse_processes=config.parse_processes(),
        peak_pss_tree_mb=memory.peak_mb,
        encoder_precision=precision.name(),
    )


def work_per_article(
    counts: dict[str, int], stages: dict[str, float], gflops: float, documents: int, scored: int, report: Any
) -> dict[str, Any]:
    """The work behind the timings, per article, and the timings in machine units (see ``BenchResult``)."""
    n = max(documents, 1)
    live = len(pipeline.live_statements(report.statements))
    models = ("tagger", "embedder", "nli")
    out: dict[str, Any] = {
        "tokens": {m: round(counts.get(f"{m}.tokens", 0) / n, 1) for m in models},
        "model_calls": {m: round(counts.get(f"{m}.calls", 0) / n, 1) for m in models},
        "nli_calls_per_candidate": round(counts.get("nli.calls", 0) / scored, 2) if scored else 0.0,
        "candidates_per_statement": round(scored / live, 2) if live else 0.0,
        "machine_units": {s: round(sec * gflops / n, 1) for s, sec in stages.items() if s != "load"},
    }
    out["machine_units_total"] = round(sum(out["machine_units"].values()), 1)
    flop = config.MINILM_L6_FLOP_PER_TOKEN / 1e9
    # the share of the reference speed a model ran at, where a stage is that model's work alone
    for model, stage in (("embedder", "embed"), ("nli", "nli")):
        sec = stages.get(stage, 0.0)
        if sec > 0 and gflops > 0:
            out[f"{model}_share_of_reference"] = round(
                counts.get(f"{model}.tokens", 0) * flop / sec / gflops, 3
            )
    return out


@dataclass
class PruningRecall:
    """Gold contradiction pairs of the eval set and how many survive pruning.

    ``reachable``: both statements of the pair were extracted (matched by a predicted statement), so pruning
    could keep it; ``kept``: a candidate pair sent to NLI matches it. ``recall`` = kept / reachable.
    """

    cases: int
    gold_pairs: int
    reachable: int
    kept: int
    recall: float
    recall_of_all: float
    pairs_all: int
    pairs_scored: int
    lost: list[dict[str, str]] = field(default_factory=list)


def gold_pairs_kept(
    case_contradictions: Sequence[frozenset[str]], gold_of: dict[str, str | None], candidates: Sequence
) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    """``(reachable, kept)`` gold pairs: both ends matched by some statement; a candidate matches the pair.

    ``gold_of`` maps a predicted statement id to the gold statement id it matches (or None).
    """
    matched = {g for g in gold_of.values() if g is not None}
    reachable = {p for p in case_contradictions if p <= matched}
    kept = set()
    for c in candidates:
        ga, gb = gold_of.get(c.a), gold_of.get(c.b)
        if ga and gb and frozenset({ga, gb}) in reachable:
            kept.add(frozenset({ga, gb}))
    return reachable, kept


def pruning_recall(cases_dir: Path | None = None) -> PruningRecall:
    """Run the pipeline on every eval case; count the gold pairs among the pairs sent to NLI (the candidates
    and the follow-ups of the contradictions found)."""
    cases = eval_cases.load_cases(cases_dir or eval_cases.default_cases_dir())
    gold_total = reachable_total = kept_total = pairs_all = pairs_scored = 0
    lost: list[dict[str, str]] = []
    for case in cases:
        docs, _ = documents_from_strings(list(case.documents))
        report = pipeline.check(docs, threshold=0.0)
        gold_of = {}
        for st in report.statements:
            g = match_statement(st, case.statements)
            gold_of[st.id] = g.id if g else None
        scored = [Candidate(a, b, 0.0) for a, b in report.scored_pairs]
        reachable, kept = gold_pairs_kept(case.contradictions, gold_of, scored)
        gold_total += len(case.contradictions)
        reachable_total += len(reachable)
        kept_total += len(kept)
        pairs_all += report.pairs_all
        pairs_scored += report.pairs_scored
        for p in sorted(reachable - kept, key=sorted):
            lost.append({"case": case.id, "pair": " / ".join(sorted(p))})
    return PruningRecall(
        cases=len(cases),
        gold_pairs=gold_total,
        reachable=reachable_total,
        kept=kept_total,
        recall=round(kept_total / reachable_total, 4) if reachable_total else 0.0,
        recall_of_all=round(kept_total / gold_total, 4) if gold_total else 0.0,
        pairs_all=pairs_all,
        pairs_scored=pairs_scored,
        lost=lost,
    )


def render_table(result: BenchResult) -> str:
    """A short human summary of a bench run."""
    lines = [
        f"documents {result.documents}  statements {result.statements}  pairs {result.pairs_scored:,} "
        f"scored of {result.pairs_all:,} ({100 * result.pairs_scored_share:.2f}%)",
        f"total {result.seconds:.1f} s  NLI {result.nli_pairs_per_second} pairs/s ({result.nli_backend})"
        f"  peak RSS {result.peak_rss_mb:.0f} MiB (with the parse workers {result.peak_pss_tree_mb:.0f} MiB "
        f"PSS)  threads {result.threads}  parse processes {result.parse_processes}  encoders "
        f"{result.encoder_precision}",
        "stages: " + "  ".join(f"{k} {v:.1f} s" for k, v in result.stage_seconds.items()),
    ]
    if result.work:
        w = result.work
        before, after = result.reference_gflops_ends
        lines += [
            f"machine: {result.reference_gflops:.0f} GFLOP/s fp32 (mean of {before:.0f} before and "
            f"{after:.0f} after); per article "
            f"{w['machine_units_total']:,.0f} machine units (s x GFLOP/s): "
            + "  ".join(f"{k} {v:,.0f}" for k, v in w["machine_units"].items()),
            "tokens per article: "
            + "  ".join(f"{k} {v:,.0f}" for k, v in w["tokens"].items())
            + f"; NLI calls per candidate {w['nli_calls_per_candidate']}, candidates per statement "
            f"{w['candidates_per_statement']}",
        ]
    if result.pruning:
        p = result.pruning
        lines.append(
            f"pruning on eval/: kept {p['kept']} of {p['reachable']} reachable gold pairs "
            f"(recall {p['recall']:.3f}; {p['kept']} of all {p['gold_pairs']}), "
            f"scoring {p['pairs_scored']} of {p['pairs_all']} pairs"
        )
    return "\n".join(lines)


def to_json(result: BenchResult | BackendChoice) -> str:
    return json.dumps(result.to_dict(), indent=2)


@dataclass(frozen=True)
class BackendChoice:
    """``checker bench --backends``: each NLI backend on the probe batch, and the one this machine uses."""

    machine: dict[str, Any]
    probe_pairs: int
    tolerance: float
    trials: list[nli_backends.Trial]
    chosen: str
    cache: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def backends() -> BackendChoice:
    """Measure every NLI backend afresh on this machine, keep the choice (``runtime.backends``), report it."""
    path = Path(config.NLI_MODEL_DIR)
    load_nli(None, "onnx-int8")  # a missing or broken model: one error line, before anything is timed
    chosen, trials = choose_backend(path, again=True)
    pairs, _ = nli_backends.read_probe()
    return BackendChoice(
        nli_backends.machine(), len(pairs), config.NLI_BACKEND_TOLERANCE, trials, chosen,
        str(nli_backends.cache_file()),
    )  # fmt: skip


def render_backends(choice: BackendChoice) -> str:
    m = choice.machine
    lines = [
        f"machine: {m['cpu']} ({', '.join(m['features']) or 'no features listed'}), {m['cores']} cores",
        f"probe: {choice.probe_pairs} labelled pairs; a backend may be chosen when its accuracy is within "
        f"{100 * choice.tolerance:.1f} points of torch fp32's",
        f"{'backend':<10} {'pairs/s':>8} {'accuracy':>9}  chosen",
    ]
    for t in choice.trials:
        if t.note:
            lines.append(f"{t.backend:<10} {'-':>8} {'-':>9}  {t.note}")
            continue
        mark = "" if t.agrees else "(accuracy differs)"
        mark = "<- this machine's" if t.backend == choice.chosen else mark
        lines.append(f"{t.backend:<10} {t.pairs_per_second:>8.1f} {t.accuracy:>9.4f}  {mark}")
    lines.append(f"kept in {choice.cache}; CHECKER_NLI_BACKEND names one instead")
    return "\n".join(lines)
