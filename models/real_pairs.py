"""Real candidate pairs for NLI v3: what the pipeline sends to NLI on PolNeAR train, sampled for readers, and
rebuilt from the committed labels (references only: no news text enters the repository).

    # 1. every candidate pair of some months of PolNeAR train, one corpus a month (~3 min each)
    python models/real_pairs.py candidates --text ../shared/data/polnear/train/text \
        --months 2016-02 2016-03 --out /tmp/real/candidates.jsonl
    # 2. a sample across v2's scores, heavier at the top, in shuffled batches for readers (no scores in them)
    python models/real_pairs.py sample --candidates /tmp/real/candidates.jsonl --n 3200 --batches 16 \
        --out /tmp/real/batches
    # how many of the labelled contradictions pairing reaches at each cap on candidates per statement
    python models/real_pairs.py reach --labels models/data/polnear-train-pairs.jsonl \
        --text ../shared/data/polnear/train/text --months 2016-01 2016-02 --caps 3 2
    # 3. training rows from the labels (premise, hypothesis, label), the text rebuilt by the pipeline
    python models/real_pairs.py build --labels models/data/polnear-train-pairs.jsonl \
        --text ../shared/data/polnear/train/text --out /tmp/real/train.jsonl

A label line: ``{"a": {"doc", "start", "end", "sha1"}, "b": {...}, "label_ab", "label_ba", "reader", "date",
"batch"}``: both statements by document id and content span, ``sha1`` the first 12 hex digits of the
proposition the readers saw, ``label_ab`` with a as premise (contradiction | entailment | neutral | unsure).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

#: Shares of the sample by v2's contradiction score: the top is where the false alarms to unlearn are.
STRATA = ((0.5, 1.01, 0.35), (0.1, 0.5, 0.25), (0.01, 0.1, 0.2), (0.0, 0.01, 0.2))
CONTEXT = 400


def digest(text: str) -> str:
    from checker.evaluation.jsonl import digest as proposition_digest

    return proposition_digest(text)


def _month_docs(text: Path, months: list[str]) -> dict[str, list[Path]]:
    groups: dict[str, list[Path]] = defaultdict(list)
    for p in sorted(text.glob("*.txt")):
        month = p.name.split("_")[1][:7]
        if month in months:
            groups[month].append(p)
    return groups


def _side(st, doc) -> dict:  # noqa: ANN001 - checker records
    from checker.evaluation.corpus import context

    return {
        "doc": st.doc_id,
        "start": st.content.start,
        "end": st.content.end,
        "speaker": st.speaker_name,
        "proposition": st.proposition,
        "sha1": digest(st.proposition),
        "context": context(doc, st.content.start, st.content.end, CONTEXT),
    }


def candidates(args: argparse.Namespace) -> None:
    from checker.io.inputs import load_inputs
    from checker.pipeline import candidates_of, statements_of
    from checker.runtime.nli import load_nli
    from checker.stages import infer

    model = load_nli()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    done = set()
    if args.out.is_file():
        done = {json.loads(line)["group"] for line in args.out.open(encoding="utf-8")}
    for month, paths in _month_docs(args.text, args.months).items():
        if month in done:
            continue
        started = time.time()
        docs, _ = load_inputs([str(p) for p in paths])
        by_id = {d.id: d for d in docs}
        _, statements, _ = statements_of(docs)
        live, cands, *_ = candidates_of(statements)
        scored = infer.score(cands, {s.id: s for s in live}, model)
        with args.out.open("a", encoding="utf-8") as fh:
            for c in scored:
                row = {
                    "group": month,
                    "score": round(c.score, 4),
                    "reason": c.reason,
                    "via": c.via,
                    "about": c.about,
                    "a": _side(c.a, by_id[c.a.doc_id]),
                    "b": _side(c.b, by_id[c.b.doc_id]),
                }
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(
            f"{month}: {len(docs)} docs, {len(scored)} candidates, {time.time() - started:.0f} s", flush=True
        )


def reach(args: argparse.Namespace) -> None:
    """Of the distinct pairs labelled a contradiction (either direction), how many are pair candidates at
    each cap on candidates per statement (``pair.candidates``' ``max_per_statement``), each month one corpus;
    the pairs a lower cap loses are scored by NLI to show whether the higher cap would report them."""
    from checker.evaluation.corpus import Side, is_side
    from checker.io.inputs import load_inputs
    from checker.pipeline import live_statements, statements_of
    from checker.runtime.nli import load_nli
    from checker.stages import embed, infer, pair

    gold: dict[tuple, tuple[Side, Side]] = {}
    for line in args.labels.open(encoding="utf-8"):
        row = json.loads(line)
        if "contradiction" in (row["label_ab"], row["label_ba"]):
            key = tuple(sorted((s["doc"], s["start"], s["end"]) for s in (row["a"], row["b"])))
            gold.setdefault(key, (Side(*key[0]), Side(*key[1])))
    model, totals = load_nli(), defaultdict(int)
    print(f"{len(gold)} distinct pairs labelled a contradiction", flush=True)
    for month, paths in _month_docs(args.text, args.months).items():
        docs, _ = load_inputs([str(p) for p in paths])
        ids = {d.id for d in docs}
        labelled = [(x, y) for x, y in gold.values() if x.doc in ids and y.doc in ids]
        live = live_statements(statements_of(docs)[1])
        by_id = {s.id: s for s in live}
        vectors, starts = embed.vectors(live)
        common = pair.common_topics(live)
        found: dict[int, dict[int, object]] = {}
        for cap in args.caps:
            cands = pair.candidates(live, vectors, starts=starts, common=common, max_per_statement=cap)
            found[cap] = {}
            for i, (x, y) in enumerate(labelled):
                for c in cands:
                    a, b = by_id[c.a], by_id[c.b]
                    if (is_side(a, x) and is_side(b, y)) or (is_side(b, x) and is_side(a, y)):
                        found[cap][i] = c
                        break
            totals[cap] += len(found[cap])
        totals["labelled"] += len(labelled)
        print(
            month,
            f"{len(labelled)} labelled;",
            ", ".join(f"cap {k}: {len(v)}" for k, v in found.items()),
            flush=True,
        )
        top, *rest = args.caps
        for cap in rest:
            lost = [c for i, c in found[top].items() if i not in found[cap]]
            for c in infer.score(lost, by_id, model) if lost else []:
                print(
                    f"  lost at cap {cap}: {c.score:.3f} {c.a.speaker_name}: {c.a.proposition[:80]!r} / "
                    f"{c.b.speaker_name}: {c.b.proposition[:80]!r}",
                    flush=True,
                )
    print("total", dict(totals), flush=True)


def sample(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    rows = [json.loads(line) for line in args.candidates.open(encoding="utf-8")]
    rows = [r for r in rows if r["a"]["proposition"].strip().lower() != r["b"]["proposition"].strip().lower()]
    picked, carry = [], 0
    for lo, hi, share in STRATA:  # a stratum short of its share passes the rest down to the next
        pool = [r for r in rows if lo <= r["score"] < hi]
        rng.shuffle(pool)
        quota = round(args.n * share) + carry
        picked += pool[:quota]
        carry = max(0, quota - len(pool))
    rng.shuffle(picked)
    _write_batches(picked, args.batches, args.out)
    counts = {f"{lo}-{hi}": sum(lo <= r["score"] < hi for r in picked) for lo, hi, _ in STRATA}
    print(f"{len(picked)} of {len(rows)} candidates in {args.batches} batches; by score {counts}")


def hard(args: argparse.Namespace) -> None:
    """The next round: the unlabelled candidates a new model (``--model``) scores most contradictory (where
    its false alarms are), in batches for readers as ``sample`` writes them."""
    from checker.evaluation.nli_news import contradiction
    from checker.runtime.nli import load_nli

    labelled = set()
    for line in args.labels.open(encoding="utf-8"):
        lab = json.loads(line)
        labelled.add(tuple((lab[k]["doc"], lab[k]["start"], lab[k]["sha1"]) for k in "ab"))
    rows, seen = [], set()
    for line in args.candidates.open(encoding="utf-8"):
        r = json.loads(line)
        key = tuple((r[k]["doc"], r[k]["start"], r[k]["sha1"]) for k in "ab")
        same = r["a"]["proposition"].strip().lower() == r["b"]["proposition"].strip().lower()
        if key not in labelled and key not in seen and not same:
            seen.add(key)
            rows.append(r)
    model = load_nli(str(args.model), "torch")
    scores = contradiction(model, [(r["a"]["proposition"], r["b"]["proposition"]) for r in rows])
    ranked = [r for _, r in sorted(zip(scores, range(len(rows)), strict=True), reverse=True)[: args.n]]
    picked = [rows[i] for i in ranked]
    random.Random(args.seed).shuffle(picked)
    _write_batches(picked, args.batches, args.out, args.prefix)
    print(f"{len(picked)} of {len(rows)} unlabelled candidates, top score {max(scores):.3f}, "
          f"last kept {sorted(scores, reverse=True)[len(picked) - 1]:.3f}")  # fmt: skip


def _write_batches(picked: list[dict], batches: int, out: Path, prefix: str = "batch") -> None:
    out.mkdir(parents=True, exist_ok=True)
    per = -(-len(picked) // batches)
    for b in range(batches):
        with (out / f"{prefix}-{b + 1:02d}.jsonl").open("w", encoding="utf-8") as fh:
            for i, r in enumerate(picked[b * per : (b + 1) * per], 1):
                fh.write(json.dumps({"i": i, "a": r["a"], "b": r["b"]}, ensure_ascii=False) + "\n")


def collect(args: argparse.Namespace) -> None:
    """The readers' answers (``ANSWERS/batch-NN.jsonl``, ``{"i", "label_ab", "label_ba", "note"}``) joined to
    their batches as label lines (references: no text, not even the notes); the reader is ``--reader-prefix``
    + batch number."""
    valid = {"contradiction", "entailment", "neutral", "unsure"}
    out, missing = [], 0
    for batch in sorted(args.batches.glob("*.jsonl")):
        answers_file = args.answers / batch.name
        if not answers_file.is_file():
            print(f"{batch.name}: no answers yet", file=sys.stderr)
            continue
        answers = {}
        for line in answers_file.open(encoding="utf-8"):
            if line.strip():
                a = json.loads(line)
                if a.get("label_ab") in valid and a.get("label_ba") in valid:
                    answers[int(a["i"])] = a
        for line in batch.open(encoding="utf-8"):
            pair = json.loads(line)
            ans = answers.get(pair["i"])
            if ans is None:
                missing += 1
                continue
            out.append({
                "a": {k: pair["a"][k] for k in ("doc", "start", "end", "sha1")},
                "b": {k: pair["b"][k] for k in ("doc", "start", "end", "sha1")},
                "label_ab": ans["label_ab"],
                "label_ba": ans["label_ba"],
                "reader": f"{args.reader_prefix}{batch.stem.split('-')[1]}",
                "date": args.date,
                "batch": batch.stem,
            })  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for row in out:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(out)} labels written, {missing} pairs unanswered", file=sys.stderr)


def build(args: argparse.Namespace) -> None:
    """Training rows from the labels: the referenced documents are run through the pipeline's statement stages
    and each labelled side found by document and content span; a side whose proposition changed since it was
    labelled (another sha1) is dropped and counted, and so is a direction its readers disagree on."""
    from checker.io.inputs import load_inputs
    from checker.pipeline import statements_of

    labels = [json.loads(line) for f in args.labels for line in f.open(encoding="utf-8") if line.strip()]
    months = sorted({lab[k]["doc"].split("_")[1][:7] for lab in labels for k in ("a", "b")})
    # a span may hold two statements (two speakers of one quote): each proposition, by its sha1
    found: dict[tuple[str, int, int], dict[str, str]] = defaultdict(dict)
    if args.candidates:  # the export of step 1, made by this pipeline from the same text: a cache
        for line in args.candidates.open(encoding="utf-8"):
            row = json.loads(line)
            for s in (row["a"], row["b"]):
                found[s["doc"], s["start"], s["end"]][s["sha1"]] = s["proposition"]
    else:  # each whole month as one corpus, as the candidates were made: speakers and pronouns resolve alike
        for paths in _month_docs(args.text, months).values():
            docs, _ = load_inputs([str(p) for p in paths])
            _, statements, _ = statements_of(docs)
            for s in statements:
                found[s.doc_id, s.content.start, s.content.end][digest(s.proposition)] = s.proposition
    # a pair read by several readers: each direction's label where they all agree, else left out as unsure
    readings: dict[tuple, list[dict]] = defaultdict(list)
    for lab in labels:
        readings[tuple((lab[k]["doc"], lab[k]["start"], lab[k]["end"], lab[k]["sha1"]) for k in "ab")].append(
            lab
        )
    out, stale, unsure = [], 0, 0
    for (side_a, side_b), labs in readings.items():
        a, b = (found.get(side[:3], {}).get(side[3]) for side in (side_a, side_b))
        if a is None or b is None:
            stale += 1
            continue
        agreed = {d: {lab[d] for lab in labs} for d in ("label_ab", "label_ba")}
        agreed = {d: seen.pop() if len(seen) == 1 else "unsure" for d, seen in agreed.items()}
        for premise, hypothesis, label in ((a, b, agreed["label_ab"]), (b, a, agreed["label_ba"])):
            if label == "unsure":
                unsure += 1
                continue
            out.append(
                {"premise": premise, "hypothesis": hypothesis, "label": label, "source": "polnear-real"}
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for row in out:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(
        f"{len(out)} rows from {len(labels)} labels of {len(readings)} pairs; {stale} pairs stale, "
        f"{unsure} directions unsure or disputed",
        file=sys.stderr,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("candidates")
    c.add_argument("--text", type=Path, required=True)
    c.add_argument("--months", nargs="+", required=True)
    c.add_argument("--out", type=Path, required=True)
    s = sub.add_parser("sample")
    s.add_argument("--candidates", type=Path, required=True)
    s.add_argument("--n", type=int, default=3200)
    s.add_argument("--batches", type=int, default=16)
    s.add_argument("--seed", type=int, default=13)
    s.add_argument("--out", type=Path, required=True)
    h = sub.add_parser("hard")
    h.add_argument("--candidates", type=Path, required=True)
    h.add_argument("--labels", type=Path, required=True)
    h.add_argument("--model", type=Path, required=True)
    h.add_argument("--n", type=int, default=400)
    h.add_argument("--batches", type=int, default=2)
    h.add_argument("--prefix", default="hard")
    h.add_argument("--seed", type=int, default=13)
    h.add_argument("--out", type=Path, required=True)
    k = sub.add_parser("collect")
    k.add_argument("--batches", type=Path, required=True)
    k.add_argument("--answers", type=Path, required=True)
    k.add_argument("--reader-prefix", default="helper-L")
    k.add_argument("--date", required=True)
    k.add_argument("--out", type=Path, required=True)
    r = sub.add_parser("reach")
    r.add_argument("--labels", type=Path, required=True)
    r.add_argument("--text", type=Path, required=True)
    r.add_argument("--months", nargs="+", required=True)
    r.add_argument("--caps", nargs="+", type=int, default=[3, 2])
    b = sub.add_parser("build")
    b.add_argument("--labels", type=Path, nargs="+", required=True, help="one or more label files")
    b.add_argument("--text", type=Path, required=True)
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--candidates", type=Path, help="take the text from step 1's export instead of re-running")
    args = ap.parse_args()
    commands = {
        "candidates": candidates,
        "sample": sample,
        "hard": hard,
        "collect": collect,
        "reach": reach,
        "build": build,
    }
    commands[args.cmd](args)


if __name__ == "__main__":
    main()
