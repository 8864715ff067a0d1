"""``checker eval nli-news``: the NLI model on real news, the development table for every model choice.

Each set asks one question of the model's contradiction score (the higher of the two directions, as the
pipeline scores a pair): does it rank real conflicts above the rest?

- **emergent**: a rumoured claim vs a news headline on it (Emergent train): ``against`` vs ``for``.
- **fnc1**: an FNC-1 competition-test headline vs the body's sentences most like it (the highest score of
  those): ``disagree`` vs ``agree``.
- **claimdiff**: two outlets' claims on one event (ClaimDiff weak, train): claim b ``weakens`` a vs not.
- **written-g5**: the held-out file of written news-style pairs: 3-way accuracy and contradiction F1.
- **judged**: PolNeAR dev statement pairs that careful readers judged (``eval/corpus``): real vs not.

Each gives the ROC AUC, and the share of each class flagged at ``config.CONTRADICTION_THRESHOLD``. Samples
are seeded, so two models are compared on the same pairs. None of these is trained on.
"""

from __future__ import annotations

import csv
import json
import random
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from checker import config
from checker.errors import InputError
from checker.evaluation.metrics import prf, ratio
from checker.runtime.nli import NLIModel, both_ways

SETS = ("emergent", "fnc1", "claimdiff", "written-g5", "judged")
#: Pairs of each class drawn from the larger sets (all are used where a class has fewer).
PER_CLASS = 300
#: Body sentences compared with an FNC-1 headline.
FNC1_SENTENCES = 3
SEED = 13
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“])")


def auc(positive: Sequence[float], negative: Sequence[float]) -> float:
    """ROC AUC: the chance that a random positive scores above a random negative (ties count half)."""
    if not positive or not negative:
        return float("nan")
    scores = np.asarray([*positive, *negative], dtype=np.float64)
    order = scores.argsort(kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores):  # ties share their mean rank
        tied = scores == value
        ranks[tied] = ranks[tied].mean()
    n_pos = len(positive)
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * len(negative)))


def contradiction(model: NLIModel, pairs: Sequence[tuple[str, str]]) -> list[float]:
    """Each pair's contradiction from its two directions (``both_ways``), as the pipeline reads it."""
    probs = model.predict([x for a, b in pairs for x in ((a, b), (b, a))])
    pairs_both_ways = zip(probs[::2], probs[1::2], strict=True)
    return [both_ways(ab["contradiction"], ba["contradiction"]) for ab, ba in pairs_both_ways]


def _ranked(
    name: str, positive: list[float], negative: list[float], labels: tuple[str, str]
) -> dict[str, Any]:
    t = config.CONTRADICTION_THRESHOLD
    return {
        "set": name,
        "n": {labels[0]: len(positive), labels[1]: len(negative)},
        "auc": round(auc(positive, negative), 4),
        "flagged": {
            labels[0]: round(ratio(sum(s >= t for s in positive), len(positive)), 4),
            labels[1]: round(ratio(sum(s >= t for s in negative), len(negative)), 4),
        },
    }


def _draw(rows: list, n: int, rng: random.Random) -> list:
    return rows if len(rows) <= n else rng.sample(rows, n)


def _jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        raise InputError(str(path), "no such file")
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


#: One item of a ranked set: its pairs; its score is the highest contradiction of any, either direction.
Item = list[tuple[str, str]]


def item_scores(model: NLIModel, items: Sequence[Item]) -> list[float]:
    """Each item's score: the highest contradiction probability of its pairs, either direction."""
    flat = [pair for item in items for pair in item]
    per_pair = contradiction(model, flat)
    out, at = [], 0
    for item in items:
        out.append(max(per_pair[at : at + len(item)], default=0.0))
        at += len(item)
    return out


def emergent_items(data: Path, per_class: int = PER_CLASS) -> tuple[list[Item], list[Item]]:
    """Emergent train: ``against`` items, ``for`` items."""
    rng = random.Random(SEED)
    rows = _jsonl(data / "stance" / "emergent-train.jsonl")
    against = _draw([(r["claim"], r["headline"]) for r in rows if r["label"] == "against"], per_class, rng)
    support = _draw([(r["claim"], r["headline"]) for r in rows if r["label"] == "for"], per_class, rng)
    return [[p] for p in against], [[p] for p in support]


def emergent(model: NLIModel, data: Path, per_class: int = PER_CLASS) -> dict[str, Any]:
    against, support = emergent_items(data, per_class)
    return _ranked("emergent", item_scores(model, against), item_scores(model, support), ("against", "for"))


def sentences(body: str) -> list[str]:
    """An FNC-1 body's sentences of four words or more."""
    return [s.strip() for p in body.split("\n") for s in _SENTENCE_END.split(p) if len(s.split()) >= 4]


def fnc1_items(
    data: Path, embed: Callable[[Sequence[str]], np.ndarray], per_class: int = PER_CLASS
) -> tuple[list[Item], list[Item]]:
    """FNC-1 competition test: ``disagree`` items, ``agree`` items, each a headline against the body's
    ``FNC1_SENTENCES`` sentences most like it."""
    rng = random.Random(SEED)
    stance_path = data / "stance" / "fnc1-competition-test-stances.csv"
    body_path = data / "stance" / "fnc1-competition-test-bodies.csv"
    for p in (stance_path, body_path):
        if not p.is_file():
            raise InputError(str(p), "no such file")
    with body_path.open(encoding="utf-8") as fh:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
    with stance_path.open(encoding="utf-8") as fh:
        stances = list(csv.DictReader(fh))
    items: dict[str, list[Item]] = {}
    for label in ("disagree", "agree"):
        items[label] = []
        for r in _draw([r for r in stances if r["Stance"] == label], per_class, rng):
            sents = sentences(bodies[r["Body ID"]]) or [bodies[r["Body ID"]][:500]]
            vecs = embed([r["Headline"], *sents])
            best = np.argsort(-(vecs[1:] @ vecs[0]))[:FNC1_SENTENCES]
            items[label].append([(r["Headline"], sents[i]) for i in best])
    return items["disagree"], items["agree"]


def fnc1(
    model: NLIModel, data: Path, embed: Callable[[Sequence[str]], np.ndarray], per_class: int = PER_CLASS
) -> dict[str, Any]:
    disagree, agree = fnc1_items(data, embed, per_class)
    return _ranked("fnc1", item_scores(model, disagree), item_scores(model, agree), ("disagree", "agree"))


def claimdiff_items(data: Path, per_class: int = PER_CLASS) -> tuple[list[Item], list[Item]]:
    """ClaimDiff weak train: claim b ``weakens`` a, and the rest."""
    rng = random.Random(SEED)
    path = data / "claimdiff" / "claimdiff-weak-train.json"
    if not path.is_file():
        raise InputError(str(path), "no such file")
    rows = json.loads(path.read_text(encoding="utf-8"))["data"]
    weakens = _draw([(r["claim_a"], r["claim_b"]) for r in rows if str(r["relation"]) == "1"], per_class, rng)
    other = _draw([(r["claim_a"], r["claim_b"]) for r in rows if str(r["relation"]) != "1"], per_class, rng)
    return [[p] for p in weakens], [[p] for p in other]


def claimdiff(model: NLIModel, data: Path, per_class: int = PER_CLASS) -> dict[str, Any]:
    weakens, other = claimdiff_items(data, per_class)
    return _ranked("claimdiff", item_scores(model, weakens), item_scores(model, other), ("weakens", "not"))


def written_rows(data: Path, name: str = "written-g5") -> list[dict]:
    """A written file's pairs that carry one of the three labels."""
    return [r for r in _jsonl(data / "nli-news" / f"{name}.jsonl") if r["label"] in config.NLI_LABELS]


def written_items(data: Path, name: str = "written-g5") -> tuple[list[Item], list[Item]]:
    """A written file's contradictions, and the rest."""
    rows = written_rows(data, name)
    return (
        [[(r["premise"], r["hypothesis"])] for r in rows if r["label"] == "contradiction"],
        [[(r["premise"], r["hypothesis"])] for r in rows if r["label"] != "contradiction"],
    )


def written(model: NLIModel, data: Path, name: str = "written-g5") -> dict[str, Any]:
    rows = written_rows(data, name)
    probs = model.predict([(r["premise"], r["hypothesis"]) for r in rows])
    gold = [r["label"] for r in rows]
    pred = [max(p, key=p.get) for p in probs]
    tp = sum(g == p == "contradiction" for g, p in zip(gold, pred, strict=True))
    _, _, f1 = prf(tp, pred.count("contradiction"), gold.count("contradiction"))
    out = _ranked(
        name,
        [p["contradiction"] for p, g in zip(probs, gold, strict=True) if g == "contradiction"],
        [p["contradiction"] for p, g in zip(probs, gold, strict=True) if g != "contradiction"],
        ("contradiction", "other"),
    )
    accuracy = ratio(sum(g == p for g, p in zip(gold, pred, strict=True)), len(gold))
    return out | {"accuracy": round(accuracy, 4), "contradiction_f1": round(f1, 4)}


def judged_items(corpus: Sequence[Path], judgements: Path) -> tuple[list[Item], list[Item], int]:
    """The judged PolNeAR dev pairs whose both sides checker extracts, on its propositions: real ones, the
    rest, and how many pairs the file judges."""
    from checker.evaluation.corpus import is_side, judged_pairs, read_judgements
    from checker.io.inputs import load_inputs
    from checker.pipeline import statements_of

    pairs = judged_pairs(read_judgements(judgements))
    docs, _ = load_inputs([str(p) for p in corpus])
    _, statements, _ = statements_of(docs)
    by_doc: dict[str, list] = {}
    for st in statements:
        if st.proposition:
            by_doc.setdefault(st.doc_id, []).append(st)
    real: list[Item] = []
    other: list[Item] = []
    for pair in pairs:
        a = next((s for s in by_doc.get(pair.a.doc, []) if is_side(s, pair.a)), None)
        b = next((s for s in by_doc.get(pair.b.doc, []) if is_side(s, pair.b)), None)
        if a is not None and b is not None:
            (real if pair.is_gold else other).append([(a.proposition, b.proposition)])
    return real, other, len(pairs)


def judged(model: NLIModel, corpus: Sequence[Path], judgements: Path) -> dict[str, Any]:
    """The judged PolNeAR dev pairs whose both sides checker extracts, scored on its propositions."""
    real, other, n_judged = judged_items(corpus, judgements)
    out = _ranked("judged", item_scores(model, real), item_scores(model, other), ("real", "not"))
    return out | {"pairs_judged": n_judged, "pairs_extracted": len(real) + len(other)}


def evaluate(
    model: NLIModel,
    data: Path,
    sets: Sequence[str] = SETS,
    corpus: Sequence[Path] = (),
    judgements: Path | None = None,
) -> dict[str, Any]:
    """The rows for ``sets`` (``judged`` needs ``corpus`` and ``judgements``) and the seconds taken."""
    unknown = [s for s in sets if s not in SETS]
    if unknown:
        raise InputError(unknown[0], f"unknown set; choose from {', '.join(SETS)}")
    if not data.is_dir():
        raise InputError(str(data), "no such data directory")
    from checker.runtime.embedder import embed

    rows = []
    started = time.perf_counter()
    for name in sets:
        if name == "emergent":
            rows.append(emergent(model, data))
        elif name == "fnc1":
            rows.append(fnc1(model, data, embed))
        elif name == "claimdiff":
            rows.append(claimdiff(model, data))
        elif name == "written-g5":
            rows.append(written(model, data))
        elif name == "judged":
            if not corpus or judgements is None:
                raise InputError("judged", "needs --corpus and --judgements")
            rows.append(judged(model, corpus, judgements))
    return {
        "model": model.path,
        "backend": model.backend,
        "threshold": config.CONTRADICTION_THRESHOLD,
        "sets": rows,
        "seconds": round(time.perf_counter() - started, 1),
    }


def print_table(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"NLI on real news: {Path(result['model']).name} ({result['backend']}), "
                  f"flagged at {result['threshold']}")  # fmt: skip
    for col in ("set", "positive vs negative", "n", "AUC", "flagged +", "flagged -", "acc", "C-F1"):
        table.add_column(col, justify="left" if col in ("set", "positive vs negative") else "right")
    for r in result["sets"]:
        (pos, n_pos), (neg, n_neg) = r["n"].items()
        table.add_row(
            r["set"],
            f"{pos} vs {neg}",
            f"{n_pos}/{n_neg}",
            f"{r['auc']:.3f}",
            f"{r['flagged'][pos]:.2f}",
            f"{r['flagged'][neg]:.2f}",
            f"{r['accuracy']:.3f}" if "accuracy" in r else "",
            f"{r['contradiction_f1']:.3f}" if "contradiction_f1" in r else "",
        )
    Console().print(table)
