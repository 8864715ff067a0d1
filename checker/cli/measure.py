"""The measuring commands: ``checker eval`` (the labeled set; ``nli`` and ``attribution`` below it) and
``checker bench``. A thin layer over ``checker.evaluation``: options in, figures out."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Annotated

import typer

from checker import config, pipeline
from checker.cli.common import (
    DebugOpt,
    MeasureFormat,
    MeasureFormatOpt,
    PathsArg,
    ThresholdOpt,
    fail_on_errors,
)
from checker.errors import CheckerError, UsageError
from checker.evaluation import attribution, bench, cases, claims, corpus, end_to_end, nli, nli_news
from checker.io import load_inputs
from checker.stages import infer

eval_app = typer.Typer(help="Measure checker on labeled data.")


@eval_app.callback(invoke_without_command=True)
def eval_cases(
    ctx: typer.Context,
    cases_dir: Annotated[
        Path | None, typer.Option("--cases", help="A directory of YAML cases (default: eval/cases).")
    ] = None,
    split: Annotated[str, typer.Option(help="dev, test or all (a folder name under --cases).")] = "all",
    fmt: MeasureFormatOpt = MeasureFormat.table,
    threshold: ThresholdOpt = None,
    thresholds: Annotated[
        Path | None, typer.Option(help="The gate's JSON (default: thresholds.json beside the cases).")
    ] = None,
    debug: DebugOpt = False,
) -> None:
    """Run the labeled set (no subcommand): statement and contradiction P/R/F1, precision@1, false alarms.

    Exit status: 0 the gate passed (or was not applied), 4 a figure is below eval/thresholds.json, 1 an
    error, 2 a usage error. Subcommands measure parts: `checker eval nli FILE`.
    """
    if ctx.invoked_subcommand is not None:
        return
    with fail_on_errors(debug):
        root = cases_dir if cases_dir is not None else cases.default_cases_dir()
        if cases_dir is not None and not cases_dir.exists():
            raise UsageError(f"{cases_dir}: no such directory")
        limits = cases.read_thresholds(thresholds or cases.default_thresholds(root))
        chosen = [c for c in cases.load_cases(root) if split == "all" or c.split == split]
        if not chosen:
            raise UsageError(f"--split: no cases in split {split!r} under {root}")
        started = time.perf_counter()
        runs = [end_to_end.run_case(c) for c in chosen]
        decision = config.CONTRADICTION_THRESHOLD if threshold is None else threshold
        result = end_to_end.evaluate(runs, decision, limits)
        result = {"cases_dir": str(root), **result, "seconds": round(time.perf_counter() - started, 1)}
    if fmt == MeasureFormat.json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        typer.echo(end_to_end.render_table(result), nl=False)
    if not result["gate"]["passed"]:
        if fmt == MeasureFormat.json:
            typer.echo(f"checker: gate failed: {'; '.join(result['gate']['failures'])}", err=True)
        raise typer.Exit(config.EXIT_BELOW_GATE)


@eval_app.command("nli")
def eval_nli(
    file: Annotated[Path, typer.Argument(help="JSONL with premise, hypothesis, label.", show_default=False)],
    fmt: MeasureFormatOpt = MeasureFormat.table,
    model: Annotated[Path | None, typer.Option(help="Another cross-encoder directory.")] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N pairs.", min=1)] = None,
    errors: Annotated[int, typer.Option(help="Also list the first N misclassified pairs.", min=0)] = 0,
    backend: Annotated[
        str | None,
        typer.Option(
            help=f"NLI runtime: {' or '.join(config.NLI_BACKENDS)} (default {config.NLI_BACKEND}).",
            show_default=False,
        ),
    ] = None,
    debug: DebugOpt = False,
) -> None:
    """Accuracy, per-label P/R/F1, confusion matrix and pairs/s of the NLI model on FILE."""
    with fail_on_errors(debug):
        result = nli.eval_nli(file, model, limit, backend, errors)
    if fmt == MeasureFormat.json:
        typer.echo(json.dumps(result, indent=2))
    else:
        nli.print_table(result, file.name)


@eval_app.command("nli-news")
def eval_nli_news(
    data: Annotated[
        Path,
        typer.Option(
            help="The data directory (stance/, claimdiff/, nli-news/ in the shared data's layout).",
            show_default=False,
        ),
    ],
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", help=f"Only these sets ({', '.join(nli_news.SETS)}); repeat for several."),
    ] = None,
    corpus_dir: Annotated[
        list[Path] | None, typer.Option("--corpus", help="The judged corpus (for the judged set).")
    ] = None,
    judgements: Annotated[Path | None, typer.Option(help="Its judgements (eval/corpus/*.jsonl).")] = None,
    model: Annotated[Path | None, typer.Option(help="Another cross-encoder directory.")] = None,
    backend: Annotated[
        str | None, typer.Option(help=f"NLI runtime: {' or '.join(config.NLI_BACKENDS)}.", show_default=False)
    ] = None,
    fmt: MeasureFormatOpt = MeasureFormat.table,
    debug: DebugOpt = False,
) -> None:
    """The NLI model on real news: AUC of its contradiction score on stance, outlet and judged pairs, and the
    held-out written pairs. The development table for every model choice (none of it is trained on)."""
    from checker.runtime.nli import load_nli

    chosen = list(sets or nli_news.SETS)
    if not sets and (not corpus_dir or judgements is None):
        chosen.remove("judged")
        typer.echo("checker: note: the judged set needs --corpus and --judgements; left out", err=True)
    with fail_on_errors(debug):
        loaded = load_nli(str(model) if model else None, backend)
        result = nli_news.evaluate(loaded, data, chosen, corpus_dir or (), judgements)
    if fmt == MeasureFormat.json:
        typer.echo(json.dumps(result, indent=2))
    else:
        nli_news.print_table(result)


@eval_app.command("attribution")
def eval_attribution(
    directory: Annotated[
        Path, typer.Argument(help="A PolNeAR split: text/ and attributions/.", show_default=False)
    ],
    fmt: MeasureFormatOpt = MeasureFormat.table,
    limit: Annotated[int | None, typer.Option(help="Only the first N articles.", min=1)] = None,
    debug: DebugOpt = False,
) -> None:
    """Attribution spans (source, cue, content) against PolNeAR annotations, and pronoun speakers."""
    with fail_on_errors(debug):
        result = attribution.eval_attribution(directory, limit)
    if fmt == MeasureFormat.json:
        typer.echo(json.dumps(result, indent=2))
    else:
        attribution.print_table(result, directory)


@eval_app.command("corpus")
def eval_corpus(
    paths: PathsArg,
    judgements: Annotated[
        Path,
        typer.Option(help="JSONL of readers' verdicts on pairs (eval/corpus/*.jsonl).", show_default=False),
    ],
    k: Annotated[int, typer.Option("--k", help="How many of the report's top pairs to look up.", min=1)] = 20,
    fmt: MeasureFormatOpt = MeasureFormat.table,
    threshold: ThresholdOpt = None,
    to_judge: Annotated[
        Path | None,
        typer.Option(
            help="Write the unjudged top-k pairs here (JSONL, with context, no scores) for readers."
        ),
    ] = None,
    debug: DebugOpt = False,
) -> None:
    """Check the documents as one corpus; the top-k pairs against readers' judgements: precision@k, the
    recall of their real contradictions, and every unjudged pair in the top k.

    Exit status: 0 every top-k pair judged and the gate (thresholds.json beside the judgements) met,
    5 some top-k pair is unjudged, 4 a figure is below the gate, 1 an error, 2 a usage error.
    """
    with fail_on_errors(debug):
        verdicts = corpus.read_judgements(judgements)
        documents, skipped = load_inputs(paths)
        if not documents:
            raise CheckerError(f"{', '.join(paths)}: no readable documents ({len(skipped)} skipped)")
        started = time.perf_counter()
        # every scored pair, to say where a missed real contradiction was lost; the report is those reportable
        every = pipeline.check(documents, threshold=0.0, skipped=skipped)
        decision = config.CONTRADICTION_THRESHOLD if threshold is None else threshold
        reported = [c for c in every.contradictions if infer.reportable(c, decision)]
        report = replace(every, contradictions=reported, threshold=decision)
        result = corpus.evaluate(report, verdicts, k, every.contradictions)
        gate = corpus.gate(result, judgements.parent / config.EVAL_THRESHOLDS)
        result = {"documents": len(documents), **result, "gate": gate,
                  "seconds": round(time.perf_counter() - started, 1)}  # fmt: skip
        if to_judge is not None:
            rows = corpus.to_judge(report, documents, verdicts, k)
            to_judge.write_text(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
            )
    if fmt == MeasureFormat.json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        typer.echo(corpus.render_table(result), nl=False)
    if result["unjudged_in_top_k"]:
        typer.echo(f"checker: {result['unjudged_in_top_k']} of the top {k} pairs are unjudged", err=True)
        raise typer.Exit(config.EXIT_UNJUDGED)
    if not gate["passed"]:
        typer.echo(f"checker: gate failed: {'; '.join(gate['failures'])}", err=True)
        raise typer.Exit(config.EXIT_BELOW_GATE)


@eval_app.command("claims")
def eval_claims(
    paths: PathsArg,
    labels: Annotated[
        Path, typer.Option(help="JSONL of readers' claim / not-a-claim labels (eval/corpus/claims-*).")
    ],
    fmt: MeasureFormatOpt = MeasureFormat.table,
    debug: DebugOpt = False,
) -> None:
    """The claim gate against readers' labels: P and R of claims kept and of non-claims set aside."""
    with fail_on_errors(debug):
        gold = claims.read_labels(labels)
        documents, skipped = load_inputs(paths)
        wanted = {label.doc for label in gold}
        documents = [d for d in documents if d.id in wanted]
        if not documents:
            raise CheckerError(f"{', '.join(paths)}: none of the labelled documents is here")
        _, statements, _ = pipeline.statements_of(documents)
        result = claims.evaluate(statements, gold)
    if fmt == MeasureFormat.json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    c, n = result["claims"], result["not_claims"]
    typer.echo(
        f"{result['statements']} labelled statements ({result['disputed']} disputed, "
        f"{result['not_extracted']} not extracted, {result['stale']} labelled for another proposition); "
        f"claims kept: P {c['precision']:.3f} R {c['recall']:.3f} (n {c['n']}); "
        f"non-claims set aside: P {n['precision']:.3f} R {n['recall']:.3f} (n {n['n']})"
    )
    if "faithful" in result:
        f = result["faithful"]
        typer.echo(
            f"propositions read as the speaker's claim: {f['faithful']} of {f['statements']} "
            f"({f['unfaithful']} not, {f['disputed']} disputed)"
        )


@eval_app.command("store")
def eval_store(
    paths: PathsArg,
    db: Annotated[str, typer.Option("--db", help="The store to check against (see checker ingest).")],
    reference: Annotated[
        Path, typer.Option(help="The whole-corpus reference (JSON): read, or computed with --stored.")
    ],
    stored: Annotated[
        list[str] | None,
        typer.Option(help="The stored documents' paths, to compute a missing reference."),
    ] = None,
    n: Annotated[int, typer.Option("--n", help="How many of the new documents, spread evenly.", min=1)] = 20,
    fmt: MeasureFormatOpt = MeasureFormat.table,
    debug: DebugOpt = False,
) -> None:
    """Check new documents one at a time against a store: the share of a whole-corpus check's
    contradictions found, and the time against checking each document alone."""
    from checker.evaluation import store_check

    with fail_on_errors(debug):
        result = store_check.evaluate(
            db, paths, reference, n=n, stored_paths=stored or (), progress=lambda m: typer.echo(m, err=True)
        )
    summary = result.summary()
    if fmt == MeasureFormat.json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    for key, value in summary.items():
        typer.echo(f"{key:<22} {value}")


def bench_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files, directories (searched recursively) or - for stdin; none with --backends.",
            show_default=False,
            metavar="PATH",
        ),
    ] = None,
    fmt: MeasureFormatOpt = MeasureFormat.table,
    limit: Annotated[int | None, typer.Option(help="Only the first N documents.", min=1)] = None,
    pruning_recall: Annotated[
        bool, typer.Option("--pruning-recall", help="Also the share of eval/ gold pairs that pruning keeps.")
    ] = False,
    backends: Annotated[
        bool,
        typer.Option(
            "--backends",
            help="Time each NLI backend on the probe batch, show which is fastest without costing accuracy, "
            "and keep it as this machine's choice.",
        ),
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """Time the whole pipeline over the documents as one corpus: stages, pairs, NLI pairs/s, peak RSS."""
    with fail_on_errors(debug):
        if backends:
            choice = bench.backends()
            typer.echo(bench.to_json(choice) if fmt == MeasureFormat.json else bench.render_backends(choice))
            if not paths:
                return
        if not paths:
            raise UsageError("give the documents to time (PATH...), or --backends")
        documents, skipped = load_inputs(paths)
        documents = documents[:limit] if limit else documents
        if not documents:
            raise CheckerError(f"{', '.join(paths)}: no readable documents ({len(skipped)} skipped)")
        result = bench.run(documents)
        if pruning_recall:
            result = replace(result, pruning=asdict(bench.pruning_recall()))
    typer.echo(bench.to_json(result) if fmt == MeasureFormat.json else bench.render_table(result))


def register(app: typer.Typer) -> None:
    """Add ``eval`` and ``bench`` to the ``checker`` command."""
    app.command("bench")(bench_command)
    app.add_typer(eval_app, name="eval")
