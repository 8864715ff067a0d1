"""A probe for NLI v3, not the shipped recipe: the shipped cross-encoder (v2) fine-tuned for one epoch on the
news-style written pairs, to see what such data does to real news before a recipe is built on it.

    python models/probe_news_finetune.py --data ../shared/data --out /tmp/nli-probe     # ~10 min, 2 cores

Training: ``nli-news/written-g1..g4`` and ``written-politics-p1..p2`` (8,400 pairs) and 4,000 pairs of v2's
public data (snli-dev, sick-train, mnli-dev-matched) so it does not forget them; batch 32, lr 2e-5, one
epoch, max length 128. Held out: ``written-g5`` and ``written-politics-p3``. Measure it with ``checker eval
nli FILE --model OUT --backend torch`` and, on real news, ``CHECKER_NLI_MODEL=OUT CHECKER_NLI_BACKEND=torch
checker eval corpus ...``. It writes fp32 weights outside the repository; nothing here is shipped.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

WRITTEN = [
    "written-g1",
    "written-g2",
    "written-g3",
    "written-g4",
    "written-politics-p1",
    "written-politics-p2",
]
OLD = ["snli-dev", "sick-train", "mnli-dev-matched"]
LABELS = ("contradiction", "entailment", "neutral")


def _rows(path: Path) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8") as fh:
        out = [json.loads(line) for line in fh if line.strip()]
    return [(r["premise"], r["hypothesis"], r["label"]) for r in out if r["label"] in LABELS]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--base", type=Path, default=Path(__file__).resolve().parent / "nli-minilm-l6")
    ap.add_argument("--out", type=Path, default=Path("/tmp/nli-probe"))
    ap.add_argument("--old", type=int, default=4000, help="pairs of the old public data mixed in")
    args = ap.parse_args()

    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(13)
    rng = random.Random(13)
    train = [row for name in WRITTEN for row in _rows(args.data / "nli-news" / f"{name}.jsonl")]
    old = [row for name in OLD for row in _rows(args.data / "nli" / f"{name}.jsonl")]
    rng.shuffle(old)
    train += old[: args.old]
    rng.shuffle(train)
    tok = AutoTokenizer.from_pretrained(args.base)
    model = AutoModelForSequenceClassification.from_pretrained(args.base, dtype=torch.float32)
    label_id = {str(v).lower(): int(k) for k, v in model.config.id2label.items()}
    opt = torch.optim.AdamW(model.parameters(), lr=2e-5, weight_decay=0.01)
    batch, steps = 32, (len(train) + 31) // 32

    def schedule(step: int) -> float:  # 10% warm-up, then linear decay
        return min(1.0, (step + 1) / (0.1 * steps)) * max(0.0, (steps - step) / steps)

    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule)
    model.train()
    started = time.time()
    for step in range(steps):
        rows = train[step * batch : (step + 1) * batch]
        enc = tok([r[0] for r in rows], [r[1] for r in rows], truncation=True, max_length=128, padding=True,
                  return_tensors="pt")  # fmt: skip
        loss = model(**enc, labels=torch.tensor([label_id[r[2]] for r in rows])).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        if step % 50 == 0:
            print(f"step {step}/{steps} loss {loss.item():.3f} {time.time() - started:.0f} s", flush=True)
    model.eval()
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out)
    tok.save_pretrained(args.out)
    for name in ("config_sentence_transformers.json", "modules.json", "sentence_bert_config.json"):
        if (args.base / name).is_file():
            (args.out / name).write_text((args.base / name).read_text())
    print(f"{len(train)} pairs, {time.time() - started:.0f} s, saved to {args.out}")


if __name__ == "__main__":
    main()
