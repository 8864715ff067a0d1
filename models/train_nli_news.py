"""NLI v3: checker's cross-encoder (v2) fine-tuned on news: written news-style pairs, real PolNeAR candidate
pairs labelled by careful readers, and a slice of v2's public data so it does not forget it.

    python models/real_pairs.py build --labels models/data/polnear-train-pairs.jsonl \
        --text ../shared/data/polnear/train/text --out /tmp/real/train.jsonl   # ~10 min
    python models/train_nli_news.py --data ../shared/data --real /tmp/real/train.jsonl --out /tmp/nli-v3
    checker eval nli-news --data ../shared/data --model /tmp/nli-v3 --backend torch \
        --corpus ../shared/data/polnear/dev/text \
        --judgements eval/corpus/polnear-dev.jsonl                                # the real-news dev table

Runs on 2 CPU cores (about 25 minutes per 10,000 pairs on an AVX2 EPYC) or a GPU when there is one. It saves a
checkpoint every ``--checkpoint-every`` steps in ``OUT/checkpoint`` and resumes from it when rerun with the
same arguments; ``OUT/train.log`` logs the loss. The result is fp32 in ``OUT``; ship it with
``--ship models/nli-minilm-l6`` (fp16 safetensors and ``card.json``), then ``python models/export_onnx.py``.

``--fnc1 N`` adds FNC-1 train's agree and disagree pairs and N others as neutral (trial v3d, 2026-12-01: it
did not help; the model card says why).

``--teacher DIR`` learns a trained cross-encoder's probabilities (a larger one, distilled into this size):
each row's loss mixes cross-entropy on its label with the KL divergence from the teacher (``--distil``, the
teacher's weight), and ``--transfer N`` adds N more rows of the public slice's files that only the teacher
labels (the capacity probe of 2026-12-03, the model card); ``--transfer-from FILE`` adds pairs the pipeline
sends to NLI (``real_pairs.py candidates`` on months no measure uses), both ways, for the teacher alone.

Held out, never trained on: ``written-g5`` (the dev table's written set), every evaluation file of v2 (see
``train_nli.py``) and the held-out half of mnli-matched-hard, Emergent, FNC-1, ClaimDiff and PolNeAR dev.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_nli import (  # noqa: E402 - one definition of the labels, the held-out half, the public files and the reader
    LABELS,
    VAL_SHARE,
    is_heldout,
    is_validation,
    negation_pairs,
    news_pairs,
    public_pairs,
    read_jsonl,
)

V2 = Path(__file__).resolve().parent / "nli-minilm-l6"
WRITTEN = ["written-g1", "written-g2", "written-g3", "written-g4", "written-politics-p1",
           "written-politics-p2", "written-politics-p3"]  # fmt: skip
#: Sources the data audit can add (``--add``): evidence against a claim in real text, and others.
EXTRA = ("climate-fever", "healthver", "med", "wikifactcheck-refuted", "rule-news")
OLD = ["snli-dev", "sick-train", "mnli-dev-matched", "snli-counterfactual-train"]
#: the label of a transfer row: only the teacher's probabilities teach it
UNLABELLED = "unlabelled"
#: FNC-1 train stance -> NLI label (the body's sentences as premise, the headline as hypothesis)
FNC1_LABELS = {
    "disagree": "contradiction",
    "agree": "entailment",
    "discuss": "neutral",
    "unrelated": "neutral",
}


def _norm(text: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def fnc1_rows(data: Path, neutral: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """FNC-1 train headlines against their body's sentences most like them (as the dev table reads FNC-1
    test), with no claim Emergent train (the dev table's Emergent row) holds: FNC-1 was built from Emergent's
    articles, so a body any Emergent headline was written about is left out whole."""
    from checker.evaluation.nli_news import FNC1_SENTENCES, sentences
    from checker.runtime.embedder import embed

    seen = {_norm(r["headline"]) for r in read_jsonl(data / "stance" / "emergent-train.jsonl")}
    with (data / "stance" / "fnc1-train-bodies.csv").open(encoding="utf-8") as fh:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
    with (data / "stance" / "fnc1-train-stances.csv").open(encoding="utf-8") as fh:
        stances = list(csv.DictReader(fh))
    tainted = {r["Body ID"] for r in stances if _norm(r["Headline"]) in seen and r["Stance"] != "unrelated"}
    kept = [r for r in stances if r["Body ID"] not in tainted and _norm(r["Headline"]) not in seen]
    signal = [r for r in kept if r["Stance"] in ("agree", "disagree")]
    others = [r for r in kept if r["Stance"] not in ("agree", "disagree")]
    chosen = signal + rng.sample(others, min(neutral, len(others)))
    out = []
    for r in chosen:
        sents = sentences(bodies[r["Body ID"]]) or [bodies[r["Body ID"]][:500]]
        vecs = embed([r["Headline"], *sents])
        best = sorted(np.argsort(-(vecs[1:] @ vecs[0]))[:FNC1_SENTENCES])  # in the body's order
        out.append((" ".join(sents[i] for i in best), r["Headline"], FNC1_LABELS[r["Stance"]]))
    return out


def training_rows(args: argparse.Namespace) -> tuple[list[tuple[str, str, str]], dict[str, int]]:
    """(premise, hypothesis, label), shuffled with the seed, and how many came from each source."""
    rng = random.Random(args.seed)
    counts: dict[str, int] = {}
    rows: list[tuple[str, str, str]] = []

    def add(name: str, new: list[tuple[str, str, str]]) -> None:
        counts[name] = counts.get(name, 0) + len(new)
        rows.extend(new)

    for name in WRITTEN:
        if name in args.skip:
            continue
        pairs = [
            (r["premise"], r["hypothesis"], r["label"])
            for r in read_jsonl(args.data / "nli-news" / f"{name}.jsonl")
        ]
        # a written contradiction holds both ways (the data's README): teach both orders
        add(name, pairs + [(h, p, lab) for p, h, lab in pairs if lab == "contradiction"])
    if args.real and "real" not in args.skip:
        real = [(r["premise"], r["hypothesis"], r["label"]) for r in read_jsonl(args.real)]
        # real candidate pairs are ~95% neutral: keep a share of those, and repeat the rare others
        neutral = [r for r in real if r[2] == "neutral"]
        neutral = rng.sample(neutral, round(len(neutral) * args.real_neutral_share))
        signal = [r for r in real if r[2] != "neutral"] * args.real_signal_repeat
        add("polnear-real", neutral + signal)
    if args.fnc1 and "fnc1-train" not in args.skip:
        fnc = fnc1_rows(args.data, args.fnc1, rng)
        contra = [r for r in fnc if r[2] == "contradiction"]
        # the rare disagreements four times, twice each way round
        add("fnc1-train", fnc + contra + [(h, p, lab) for p, h, lab in contra] * 2)
    if args.public == "all":
        # v2's public training files whole (minus its validation slice) and their counterfactual negations,
        # without v2's rule-made PolNeAR pairs: the arm that starts from the base encoder
        public = [r for r in public_pairs(args.data / "nli") if not is_validation(r[0], r[1], VAL_SHARE)]
        public = [r for r in public if r[3].removesuffix(".jsonl") not in args.skip]
        add("public", [r[:3] for r in public])
        if "negations" not in args.skip:
            add("negations", negation_pairs(public, args.seed))
        for name in args.add:
            if name == "rule-news":  # v2's 26k rule-made PolNeAR pairs, for the audit of what they do
                add(name, news_pairs(args.data / "polnear" / "train" / "text", 30000, args.seed))
            else:
                path = args.data / "nli" / f"{name}.jsonl"
                add(name, [(r["premise"], r["hypothesis"], r["label"]) for r in read_jsonl(path)])
    else:
        old = []
        for name in OLD:
            if name in args.skip:
                continue
            for r in read_jsonl(args.data / "nli" / f"{name}.jsonl"):
                if r["label"] in LABELS and not (
                    name == "mnli-dev-matched" and is_heldout(r["premise"], r["hypothesis"])
                ):
                    old.append((r["premise"], r["hypothesis"], r["label"]))
        rng.shuffle(old)
        add("v2-public", old[: args.old])
        if args.transfer:  # more of the same files, read by the teacher alone (``--teacher``)
            add("transfer", [(p, h, UNLABELLED) for p, h, _ in old[args.old : args.old + args.transfer]])
    for path in args.transfer_from:
        # candidate pairs the pipeline sends to NLI (``real_pairs.py candidates``), both ways, for the teacher
        pairs = [
            (r["a"]["proposition"], r["b"]["proposition"]) if "a" in r else (r["premise"], r["hypothesis"])
            for r in read_jsonl(path)
        ]
        add(f"transfer:{path.name}", [(p, h, UNLABELLED) for a, b in pairs for p, h in ((a, b), (b, a))])
    rows = [r for r in rows if r[2] in LABELS or r[2] == UNLABELLED]
    rng.shuffle(rows)
    return rows, counts


def _is_nli(path: Path) -> bool:
    """Whether the model at ``path`` already has checker's 3-way NLI head."""
    config = json.loads((path / "config.json").read_text())
    return {str(v).lower() for v in config.get("id2label", {}).values()} == set(LABELS)


def _native_bf16(device: str) -> bool:
    if device == "cuda":
        return True
    from checker.runtime.precision import bf16  # the CPU features the pipeline uses for its own encoders

    return bf16()


def length_batches(
    rows: list[tuple[str, str, str]],
    size: int,
    tok,  # noqa: ANN001 - a transformers tokenizer
    seed: int,
) -> list[list[tuple[str, str, str]]]:
    """Batches of rows of similar length, in random order: less padding, the same rows in an epoch.
    Rows are sorted by length within windows of 50 batches, so each batch is still a random draw."""
    window = size * 50
    lengths = [len(tok(p, h, truncation=True, max_length=512)["input_ids"]) for p, h, _ in rows]
    out = []
    for lo in range(0, len(rows), window):
        order = sorted(range(lo, min(lo + window, len(rows))), key=lengths.__getitem__)
        out += [[rows[i] for i in order[j : j + size]] for j in range(0, len(order), size)]
    random.Random(seed).shuffle(out)
    return out


def teacher_probabilities(
    teacher: Path,
    rows: list[tuple[str, str, str]],
    label_id: dict[str, int],
    args: argparse.Namespace,
    device: str,
    bf16: bool,
) -> dict[tuple[str, str], list[float]]:
    """The teacher's probabilities for each distinct (premise, hypothesis), in the student's label order;
    cached in ``OUT/teacher.json`` so that a resumed run does not read them again."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    cache = args.out / "teacher.json"
    if cache.is_file():
        return {(p, h): probs for p, h, probs in json.loads(cache.read_text())}
    tok = AutoTokenizer.from_pretrained(teacher)
    model = AutoModelForSequenceClassification.from_pretrained(teacher, dtype=torch.float32).to(device).eval()
    order = [label_id[str(model.config.id2label[i]).lower()] for i in range(len(label_id))]
    pairs = sorted({(p, h) for p, h, _ in rows}, key=lambda x: len(x[0]) + len(x[1]))
    out: dict[tuple[str, str], list[float]] = {}
    started = time.time()
    with torch.no_grad(), torch.autocast(device, dtype=torch.bfloat16, enabled=bf16):
        for lo in range(0, len(pairs), 64):
            chunk = pairs[lo : lo + 64]
            enc = tok([p for p, _ in chunk], [h for _, h in chunk], truncation=True,
                      max_length=args.max_length, padding=True, return_tensors="pt").to(device)  # fmt: skip
            probs = torch.softmax(model(**enc).logits.float(), dim=-1).tolist()
            for pair, p in zip(chunk, probs, strict=True):
                student = [0.0] * len(p)
                for i, x in enumerate(p):
                    student[order[i]] = x
                out[pair] = student
    print(f"teacher read {len(pairs)} pairs in {time.time() - started:.0f} s", flush=True)
    cache.write_text(json.dumps([[p, h, v] for (p, h), v in out.items()]))
    return out


def distil_loss(logits, batch, taught, label_id, weight, device):  # noqa: ANN001, ANN201 - torch types
    """Per row: the KL divergence from the teacher's probabilities, mixed with cross-entropy on the gold label
    (``weight`` of the teacher); an unlabelled row learns from the teacher alone."""
    import torch

    logp = torch.log_softmax(logits, dim=-1)
    target = torch.tensor([taught[(r[0], r[1])] for r in batch], device=device).clamp_min(1e-8)
    kl = (target * (target.log() - logp)).sum(-1)
    gold = torch.tensor([label_id.get(r[2], 0) for r in batch], device=device)
    ce = torch.nn.functional.cross_entropy(logits, gold, reduction="none")
    labelled = torch.tensor([r[2] != UNLABELLED for r in batch], device=device, dtype=logits.dtype)
    return (labelled * ((1 - weight) * ce + weight * kl) + (1 - labelled) * kl).mean()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--base", type=Path, default=Path(__file__).resolve().parent / "nli-minilm-l6")
    ap.add_argument("--real", type=Path, help="real labelled pairs (real_pairs.py build)")
    ap.add_argument("--real-neutral-share", type=float, default=1.0, help="share of real neutral rows kept")
    ap.add_argument(
        "--real-signal-repeat", type=int, default=1, help="times each real non-neutral row is seen"
    )
    ap.add_argument("--old", type=int, default=5000, help="pairs of v2's public data mixed in")
    ap.add_argument(
        "--public",
        choices=("slice", "all"),
        default="slice",
        help="slice: --old pairs of v2's public data; all: v2's public files whole and their negations "
        "(for training from the base encoder)",
    )
    ap.add_argument(
        "--precision",
        choices=("auto", "bf16", "fp32"),
        default="auto",
        help="bf16 autocast on a CUDA GPU, or on a CPU that multiplies bf16 natively (auto)",
    )
    ap.add_argument(
        "--fnc1",
        type=int,
        default=0,
        help="FNC-1 train: agree and disagree, and this many other rows (neutral)",
    )
    ap.add_argument("--skip", nargs="*", default=[], help="sources left out (for the data audit)")
    ap.add_argument("--add", nargs="*", default=[], choices=EXTRA, help="sources added (with --public all)")
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-5)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--checkpoint-every", type=int, default=100)
    ap.add_argument("--max-minutes", type=float, default=0, help="stop (after a checkpoint) once past this")
    ap.add_argument("--out", type=Path, default=Path("/tmp/nli-v3"))
    ap.add_argument("--ship", type=Path, help="write the trained model here as fp16, with card.json")
    ap.add_argument("--teacher", type=Path, help="a trained NLI cross-encoder whose probabilities to learn")
    ap.add_argument("--distil", type=float, default=0.5, help="weight (0-1) of the teacher on labelled rows")
    ap.add_argument(
        "--transfer",
        type=int,
        default=0,
        help="with --teacher and --public slice: this many more public rows, unlabelled",
    )
    ap.add_argument(
        "--transfer-from",
        type=Path,
        nargs="*",
        default=[],
        help="with --teacher: JSONL pairs (real_pairs.py candidates) only the teacher labels",
    )
    args = ap.parse_args()
    if (args.transfer or args.transfer_from) and not args.teacher:
        ap.error("--transfer and --transfer-from need --teacher")

    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    rows, counts = training_rows(args)
    args.out.mkdir(parents=True, exist_ok=True)
    ckpt = args.out / "checkpoint"
    log = (args.out / "train.log").open("a", encoding="utf-8")

    def say(msg: str) -> None:
        print(msg, flush=True)
        log.write(msg + "\n")
        log.flush()

    start_from = ckpt if (ckpt / "state.pt").is_file() else args.base
    tok = AutoTokenizer.from_pretrained(args.base)
    head = {}
    if start_from == args.base and not _is_nli(args.base):  # a plain encoder: a new 3-way head
        head = {
            "num_labels": 3,
            "id2label": dict(enumerate(LABELS)),
            "label2id": {k: i for i, k in enumerate(LABELS)},
        }
    model = AutoModelForSequenceClassification.from_pretrained(start_from, dtype=torch.float32, **head).to(
        device
    )
    label_id = {str(v).lower(): int(k) for k, v in model.config.id2label.items()}
    bf16 = args.precision == "bf16" or (args.precision == "auto" and _native_bf16(device))
    taught = teacher_probabilities(args.teacher, rows, label_id, args, device, bf16) if args.teacher else {}
    autocast = torch.autocast(device, dtype=torch.bfloat16, enabled=bf16)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    batches = length_batches(rows, args.batch, tok, args.seed)
    steps = round(len(batches) * args.epochs)

    def schedule(step: int) -> float:  # 10% warm-up, then linear decay
        return min(1.0, (step + 1) / max(1, 0.1 * steps)) * max(0.0, (steps - step) / steps)

    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule)
    step = 0
    if start_from == ckpt:
        state = torch.load(ckpt / "state.pt", weights_only=False)
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step = state["step"]
        say(f"resumed at step {step}/{steps}")
    else:
        say(f"start: {len(rows)} rows {counts}, {steps} steps, {device}, bf16 {bf16}, args {vars(args)}")

    def save_checkpoint() -> None:
        tmp = args.out / "checkpoint.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        model.save_pretrained(tmp)
        torch.save({"opt": opt.state_dict(), "sched": sched.state_dict(), "step": step}, tmp / "state.pt")
        shutil.rmtree(ckpt, ignore_errors=True)
        tmp.rename(ckpt)  # a killed run leaves the previous checkpoint whole

    started = time.time()
    model.train()
    while step < steps:
        batch = batches[step % len(batches)]
        enc = tok([r[0] for r in batch], [r[1] for r in batch], truncation=True, max_length=args.max_length,
                  padding=True, return_tensors="pt").to(device)  # fmt: skip
        with autocast:
            logits = model(**enc).logits
        if taught:
            loss = distil_loss(logits.float(), batch, taught, label_id, args.distil, device)
        else:
            loss = torch.nn.functional.cross_entropy(
                logits.float(), torch.tensor([label_id[r[2]] for r in batch], device=device)
            )
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        step += 1
        if step % 25 == 0:
            say(f"step {step}/{steps} loss {loss.item():.3f} {time.time() - started:.0f} s")
        if step % args.checkpoint_every == 0 or step == steps:
            save_checkpoint()
            if args.max_minutes and time.time() - started > 60 * args.max_minutes and step < steps:
                say(f"stopped at step {step} after {args.max_minutes} minutes; rerun to resume")
                return
    model.eval()
    model.save_pretrained(args.out)
    tok.model_max_length = args.max_length  # what it was trained on, and what the pipeline truncates at
    tok.save_pretrained(args.out)
    for name in ("config_sentence_transformers.json", "modules.json", "sentence_bert_config.json"):
        # a cross-encoder's sentence-transformers files, which a plain base encoder does not have
        if (V2 / name).is_file():
            shutil.copy(V2 / name, args.out / name)
    card = {
        "from": "checker NLI v2 (models/nli-minilm-l6 before v3)" if _is_nli(args.base) else str(args.base),
        "precision": "bf16 autocast" if bf16 else "fp32",
        "recipe": "models/train_nli_news.py",
        "rows": len(rows),
        "sources": counts,
        "held_out": "written-g5; Emergent, FNC-1 test, ClaimDiff, PolNeAR dev; v2's evaluation files",
        "epochs": args.epochs,
        "batch_size": args.batch,
        "lr": args.lr,
        "max_length": args.max_length,
        "seed": args.seed,
        "hardware": torch.cuda.get_device_name()
        if device == "cuda"
        else f"CPU, {torch.get_num_threads()} threads",
        "train_minutes": round((time.time() - started) / 60, 1),
    }
    if args.teacher:
        card |= {"teacher": str(args.teacher), "distil": args.distil, "transfer": args.transfer}
    (args.out / "card.json").write_text(json.dumps(card, indent=2) + "\n")
    say(f"done: {len(rows)} rows, {card['train_minutes']} min, saved to {args.out}")
    if args.ship:
        args.ship.mkdir(parents=True, exist_ok=True)
        model.half().save_pretrained(args.ship)
        tok.save_pretrained(args.ship)
        for name in (
            "card.json",
            "config_sentence_transformers.json",
            "modules.json",
            "sentence_bert_config.json",
        ):
            if (args.out / name).is_file():
                shutil.copy(args.out / name, args.ship / name)
        say(f"shipped fp16 to {args.ship}")


if __name__ == "__main__":
    main()
