"""``checker eval``: the labeled end-to-end set in ``eval/cases`` (who said what, and which pairs contradict).

Pure functions: ``load_cases`` reads and validates the YAML cases, ``score_case`` compares one case's report
with its gold, ``split_metrics`` aggregates, ``gate`` applies the thresholds in ``eval/thresholds.json``.
``run_cases`` runs the pipeline; ``command`` is the typer callback behind ``checker eval``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from checker import config, infer
from checker.errors import InputError, UsageError
from checker.records import Contradiction, Document, Report, Statement

#: Categories of the shipped set (a case in another set may use any name).
CATEGORIES = (
    "consent-denial", "negation", "antonym", "numeric", "reversal", "hedged", "reported-position",
    "paraphrase", "lexical-overlap",
)  # fmt: skip
#: Decision thresholds tried on the dev split to report the dev-optimal one.
SWEEP = tuple(round(0.05 * i, 2) for i in range(2, 20))
#: The split whose figures the gate checks when it is run.
DEFAULT_SPLIT = "default"

_CASE_KEYS = {"id", "category", "description", "documents", "statements", "contradictions"}
_DOC_KEYS = {"id", "source", "date", "text", "file"}
_STATEMENT_KEYS = {"id", "doc", "speaker", "aliases", "content", "occurrence"}
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class GoldStatement:
    """A labeled attributed statement: who (name and aliases) and what (a span of the document)."""

    id: str
    doc: str
    speaker: str
    aliases: tuple[str, ...]
    start: int
    end: int
    content: str


@dataclass(frozen=True)
class Case:
    """2-6 documents (the seed: 1), their gold statements, and the gold contradictions between them."""

    id: str
    category: str
    description: str
    split: str
    path: str
    documents: tuple[Document, ...]
    statements: tuple[GoldStatement, ...]
    contradictions: tuple[frozenset[str], ...]


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


# ---------------------------------------------------------------- loading


def _fail(path: Path | str, where: str, problem: str) -> InputError:
    return InputError(str(path), f"{where}: {problem}")


def _string(value: Any, path: Path, where: str, *, required: bool = True) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, where, "expected a non-empty string")
    return value


def _mapping(value: Any, path: Path, where: str, allowed: set[str], required: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, where, "expected a mapping")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise _fail(path, where, f"unknown field {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")
    missing = sorted(required - set(value))
    if missing:
        raise _fail(path, where, f"missing field {missing[0]!r}")
    return value


def _list(value: Any, path: Path, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(path, where, "expected a list")
    return value


def _document(raw: Any, path: Path, where: str) -> Document:
    d = _mapping(raw, path, where, _DOC_KEYS, {"id", "source"})
    doc_id = _string(d["id"], path, f"{where}.id")
    if ("text" in d) == ("file" in d):
        raise _fail(path, where, "give exactly one of 'text' or 'file'")
    if "file" in d:
        file = (path.parent / _string(d["file"], path, f"{where}.file")).resolve()
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as e:
            raise _fail(path, f"{where}.file", f"cannot read {file}: {e.strerror or e}") from None
    else:
        text = _string(d["text"], path, f"{where}.text")
    text = text.replace("\r\n", "\n").rstrip("\n")
    return Document(
        id=doc_id,
        text=text,
        source=_string(d["source"], path, f"{where}.source"),
        date=_string(d.get("date"), path, f"{where}.date", required=False) or None,
        path=str(path),
    )


def _statement(raw: Any, path: Path, where: str, docs: dict[str, Document]) -> GoldStatement:
    s = _mapping(raw, path, where, _STATEMENT_KEYS, {"id", "doc", "speaker", "content"})
    sid = _string(s["id"], path, f"{where}.id")
    doc_id = _string(s["doc"], path, f"{where}.doc")
    if doc_id not in docs:
        raise _fail(path, f"{where}.doc", f"no document with id {doc_id!r}")
    aliases = tuple(_string(a, path, f"{where}.aliases") for a in _list(s.get("aliases", []), path, where))
    content = _string(s["content"], path, f"{where}.content")
    text = docs[doc_id].text
    starts = [m.start() for m in re.finditer(re.escape(content), text)]
    occurrence = s.get("occurrence")
    if not starts:
        raise _fail(path, f"{where}.content", f"not found in {doc_id!r}: {content[:60]!r}")
    if occurrence is None and len(starts) > 1:
        problem = f"occurs {len(starts)} times in {doc_id!r}: extend it or give occurrence"
        raise _fail(path, f"{where}.content", problem)
    if occurrence is not None and (
        not isinstance(occurrence, int) or isinstance(occurrence, bool) or not 1 <= occurrence <= len(starts)
    ):
        raise _fail(path, f"{where}.occurrence", f"expected an integer from 1 to {len(starts)}")
    start = starts[(occurrence or 1) - 1]
    speaker = _string(s["speaker"], path, f"{where}.speaker")
    return GoldStatement(sid, doc_id, speaker, aliases, start, start + len(content), content)


def parse_case(data: Any, path: Path, split: str = DEFAULT_SPLIT) -> Case:
    """Validate one case (already parsed from YAML); every error names the file and the field."""
    c = _mapping(data, path, "case", _CASE_KEYS, _CASE_KEYS - {"description"})
    raw_docs = _list(c["documents"], path, "documents")
    if not 1 <= len(raw_docs) <= 6:
        raise _fail(path, "documents", f"expected 1 to 6 documents, got {len(raw_docs)}")
    docs: dict[str, Document] = {}
    for i, raw in enumerate(raw_docs):
        doc = _document(raw, path, f"documents[{i}]")
        if doc.id in docs:
            raise _fail(path, f"documents[{i}].id", f"duplicate document id {doc.id!r}")
        docs[doc.id] = doc
    statements: dict[str, GoldStatement] = {}
    for i, raw in enumerate(_list(c["statements"], path, "statements")):
        st = _statement(raw, path, f"statements[{i}]", docs)
        if st.id in statements:
            raise _fail(path, f"statements[{i}].id", f"duplicate statement id {st.id!r}")
        statements[st.id] = st
    pairs: list[frozenset[str]] = []
    for i, raw in enumerate(_list(c["contradictions"], path, "contradictions")):
        where = f"contradictions[{i}]"
        if not isinstance(raw, list) or len(raw) != 2 or not all(isinstance(x, str) for x in raw):
            raise _fail(path, where, "expected a pair of statement ids, e.g. [s1, s2]")
        unknown = [x for x in raw if x not in statements]
        if unknown:
            raise _fail(path, where, f"no statement with id {unknown[0]!r}")
        pair = frozenset(raw)
        if len(pair) != 2:
            raise _fail(path, where, "a statement cannot contradict itself")
        if pair in pairs:
            raise _fail(path, where, "duplicate pair")
        pairs.append(pair)
    return Case(
        id=_string(c["id"], path, "id"),
        category=_string(c["category"], path, "category"),
        description=_string(c.get("description"), path, "description", required=False),
        split=split,
        path=str(path),
        documents=tuple(docs.values()),
        statements=tuple(statements.values()),
        contradictions=tuple(pairs),
    )


def load_case(path: Path, split: str = DEFAULT_SPLIT) -> Case:
    """Read and validate one YAML case file."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(str(path), f"cannot read: {e.strerror or e}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise InputError(str(path), f"{line}invalid YAML: {getattr(e, 'problem', None) or e}") from None
    return parse_case(data, path, split)


def load_cases(root: Path) -> list[Case]:
    """Every ``*.yaml``/``*.yml`` case under ``root``; a case's split is its first folder under ``root``
    (``dev``, ``test``), or ``default`` for a file directly in ``root``. Case ids are unique in the set."""
    if not root.is_dir():
        raise InputError(str(root), "no such directory of cases")
    files = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise InputError(str(root), "no cases (*.yaml) found")
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for f in files:
        rel = f.relative_to(root).parts
        case = load_case(f, rel[0] if len(rel) > 1 else DEFAULT_SPLIT)
        if case.id in seen:
            raise InputError(str(f), f"id: {case.id!r} is also the id of {seen[case.id]}")
        seen[case.id] = str(f)
        cases.append(case)
    return cases


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


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    """Precision, recall and F1 (each 0 when undefined)."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def split_metrics(results: Sequence[CaseResult]) -> dict[str, Any]:
    """Statement P/R/F1, contradiction P/R/F1 (micro), precision@1 and false alarms over ``results``."""
    with_gold = [r for r in results if r.case.contradictions]
    without = [r for r in results if not r.case.contradictions]
    tp, fp, fn = (sum(getattr(r, k) for r in results) for k in ("tp", "fp", "fn"))
    n_pred = sum(r.predicted_statements for r in results)
    n_gold = sum(len(r.case.statements) for r in results)
    p = sum(r.matched_predicted for r in results) / n_pred if n_pred else 0.0
    rec = sum(r.matched_gold for r in results) / n_gold if n_gold else 0.0
    statements = {"precision": round(p, 4), "recall": round(rec, 4),
                  "f1": round(2 * p * rec / (p + rec), 4) if p + rec else 0.0,
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
        "contradictions": {**prf(tp, tp + fp, tp + fn), "tp": tp, "fp": fp, "fn": fn},
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


def read_thresholds(path: Path) -> dict[str, Any]:
    """``{"split": "test", "min": {"contradictions.precision": 0.8, ...}}``, validated."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(str(path), f"cannot read: {e.strerror or e}") from None
    except json.JSONDecodeError as e:
        raise InputError(str(path), f"invalid JSON: {e}") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("split"), str)
        or not isinstance(data.get("min"), dict)
    ):
        raise InputError(str(path), 'expected {"split": NAME, "min": {"METRIC.FIELD": NUMBER, ...}}')
    for key, value in data["min"].items():
        if key.count(".") != 1 or not isinstance(value, int | float) or isinstance(value, bool):
            raise InputError(str(path), f"min.{key}: expected 'metric.field': number")
    return data


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


def default_cases_dir() -> Path:
    """``eval/cases`` in the working directory, else in the project checkout."""
    for root in (Path.cwd(), config.PROJECT_ROOT):
        if (root / config.EVAL_CASES_DIR).is_dir():
            return root / config.EVAL_CASES_DIR
    where = f"{config.EVAL_CASES_DIR}: no such directory here or in {config.PROJECT_ROOT}"
    raise UsageError(f"{where} (use --cases)")


def default_thresholds(cases_dir: Path) -> Path:
    """``thresholds.json`` beside the cases (or in their parent), else the project's."""
    for place in (cases_dir, cases_dir.parent):
        if (place / config.EVAL_THRESHOLDS).is_file():
            return place / config.EVAL_THRESHOLDS
    return config.PROJECT_ROOT / "eval" / config.EVAL_THRESHOLDS


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


def command(
    ctx: typer.Context,
    cases: Annotated[
        Path | None, typer.Option("--cases", help="A directory of YAML cases (default: eval/cases).")
    ] = None,
    split: Annotated[str, typer.Option(help="dev, test or all (a folder name under --cases).")] = "all",
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    threshold: Annotated[
        float | None,
        typer.Option(
            help=f"Decision threshold for a contradiction (default {config.CONTRADICTION_THRESHOLD}).",
            min=0.0,
            max=1.0,
            show_default=False,
        ),
    ] = None,  # fmt: skip
    thresholds: Annotated[
        Path | None, typer.Option(help="The gate's JSON (default: thresholds.json beside the cases).")
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback for unexpected errors.")] = False,
) -> None:
    """Run the labeled set (no subcommand): statement and contradiction P/R/F1, precision@1, false alarms.

    Exit status: 0 the gate passed (or was not applied), 4 a figure is below eval/thresholds.json, 1 an
    error, 2 a usage error. Subcommands measure parts: `checker eval nli FILE`.
    """
    if ctx.invoked_subcommand is not None:
        return
    from checker.cli import fail_on_errors

    with fail_on_errors(debug):
        if fmt not in ("table", "json"):
            raise UsageError(f"--format: {fmt!r} is not one of 'table', 'json'")
        root = cases if cases is not None else default_cases_dir()
        if cases is not None and not cases.exists():
            raise UsageError(f"{cases}: no such directory")
        limits = read_thresholds(thresholds or default_thresholds(root))
        chosen = [c for c in load_cases(root) if split == "all" or c.split == split]
        if not chosen:
            raise UsageError(f"--split: no cases in split {split!r} under {root}")
        started = time.perf_counter()
        runs = [run_case(c) for c in chosen]
        result = evaluate(runs, config.CONTRADICTION_THRESHOLD if threshold is None else threshold, limits)
        result = {"cases_dir": str(root), **result, "seconds": round(time.perf_counter() - started, 1)}
    if fmt == "json":
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        typer.echo(render_table(result), nl=False)
    if not result["gate"]["passed"]:
        if fmt == "json":
            typer.echo(f"checker: gate failed: {'; '.join(result['gate']['failures'])}", err=True)
        raise typer.Exit(config.EXIT_BELOW_GATE)
