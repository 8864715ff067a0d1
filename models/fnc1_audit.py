"""What the dev table's FNC-1 row can show: do the body sentences it gives the model hold the disagreement?

The FNC-1 row (``checker eval nli-news --set fnc1``) scores a headline against the three body sentences most
like it. A ``disagree`` body may disagree elsewhere, or only by reporting a claim it doubts; then no judge
of the three sentences could tell it from ``agree``. Readers label a sample of the items as the model sees
them (contradiction / entailment / neutral, by the guide, without the FNC-1 label), and this script says how
many of each class hold what the class promises, and how the model ranks the items the readers agree on.

    python models/fnc1_audit.py export --data ../shared/data --out /tmp/fnc   # items.jsonl for readers
    python models/fnc1_audit.py score --data ../shared/data \\
        --answers models/data/fnc1-audit.jsonl [--model DIR]

The labels are committed as references (item number, the headline's SHA-1, label, reader, date): no FNC-1
text enters the repository; ``export`` rebuilds the items from the data.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checker.evaluation.nli_news import auc, fnc1_items, item_scores  # noqa: E402
from checker.runtime.embedder import embed  # noqa: E402
from checker.runtime.nli import load_nli  # noqa: E402

#: items per class, and the seed of their order
PER_CLASS = 40
SEED = 5


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def items(data: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """(FNC-1 label, the item's (headline, sentence) pairs), shuffled: the first PER_CLASS of each class of
    the dev table's own draw."""
    disagree, agree = fnc1_items(data, embed, PER_CLASS)
    out = [("disagree", x) for x in disagree] + [("agree", x) for x in agree]
    random.Random(SEED).shuffle(out)
    return out


def export(data: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "items.jsonl").open("w", encoding="utf-8") as fh:
        for n, (_, pairs) in enumerate(items(data)):
            row = {"id": n, "headline": pairs[0][0], "sentences": [s for _, s in pairs]}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{out / 'items.jsonl'}: give it to readers with the guide; keep the FNC-1 labels from them")


def score(data: Path, answers: Path, model_dir: Path | None) -> None:
    drawn = items(data)
    labels: dict[str, dict[int, str]] = {}
    for line in answers.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["headline_sha1"] != sha1(drawn[row["id"]][1][0][0]):
            sys.exit(f"{answers}: item {row['id']} is not the item the data gives (another draw?)")
        labels.setdefault(row["reader"], {})[row["id"]] = row["label"]
    for reader, got in labels.items():
        print(
            reader,
            {
                c: dict(Counter(got[i] for i, (k, _) in enumerate(drawn) if k == c))
                for c in ("disagree", "agree")
            },
        )
    agreed = {
        i: next(iter(labels.values()))[i]
        for i in range(len(drawn))
        if len({g[i] for g in labels.values()}) == 1
    }
    by_class = {
        c: dict(Counter(v for i, v in agreed.items() if drawn[i][0] == c)) for c in ("disagree", "agree")
    }
    print(f"readers agree on {len(agreed)} of {len(drawn)}: {by_class}")
    scores = item_scores(load_nli(model_dir), [pairs for _, pairs in drawn])
    dis = [s for (k, _), s in zip(drawn, scores, strict=True) if k == "disagree"]
    agr = [s for (k, _), s in zip(drawn, scores, strict=True) if k == "agree"]
    print(f"model AUC, disagree vs agree (these {len(drawn)}): {auc(dis, agr):.3f}")
    con = [scores[i] for i, v in agreed.items() if v == "contradiction"]
    ent = [scores[i] for i, v in agreed.items() if v == "entailment"]
    print(f"model AUC, readers' contradiction vs entailment ({len(con)} / {len(ent)}): {auc(con, ent):.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("export")
    e.add_argument("--data", type=Path, required=True)
    e.add_argument("--out", type=Path, required=True)
    s = sub.add_parser("score")
    s.add_argument("--data", type=Path, required=True)
    s.add_argument("--answers", type=Path, required=True)
    s.add_argument("--model", type=Path, help="default: checker's NLI model")
    args = ap.parse_args()
    if args.cmd == "export":
        export(args.data, args.out)
    else:
        score(args.data, args.answers, args.model)


if __name__ == "__main__":
    main()
