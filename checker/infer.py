"""NLI on candidate pairs (both directions), a rule for numbers stated differently, and the reason."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from checker import config, opposite, pair
from checker.errors import ModelError, UsageError
from checker.records import Candidate, Contradiction, Statement

_NEGATION = re.compile(r"\b(?:not|never|no|n't|neither|nor|none)\b|n't\b", re.I)
#: numbers written as words, as news style writes small ones and sentence-initial ones ("Twelve people")
_NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
    if n > 1  # "one" is rarely a count ("one of", "no one")
} | {w: str(10 * n) for n, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), 3)}
#: words after a number that are not what it counts ("two of the men", "in 2016 the")
_NOT_COUNTED = frozenset("of the a an and or to in on at for from by with than".split())
_NUMBER = re.compile(
    r"\b(\d[\d,]*(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")\s*(%|percent|per cent)?\s*([a-z]+)?", re.I
)


@dataclass
class NLIModel:
    """A cross-encoder with ``predict(pairs) -> [{"entailment": p, "neutral": p, "contradiction": p}]``."""

    encoder: object  # sentence_transformers.CrossEncoder or OnnxCrossEncoder
    labels: tuple[str, ...]
    path: str
    backend: str = "torch"

    def predict(
        self, pairs: Sequence[tuple[str, str]], batch_size: int = config.NLI_BATCH_SIZE
    ) -> list[dict]:
        if not pairs:
            return []
        probs = self.encoder.predict(
            list(pairs),
            batch_size=batch_size,
            apply_softmax=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        probs = np.asarray(probs, dtype=np.float64).reshape(len(pairs), len(self.labels))
        return [{label: float(p[i]) for i, label in enumerate(self.labels)} for p in probs]


def weights_digest(model_dir: str | Path) -> str:
    """SHA-256 of the model's weights file(s): what an ONNX export records as its source."""
    digest = hashlib.sha256()
    for f in sorted(Path(model_dir).glob("*.safetensors")) or sorted(Path(model_dir).glob("*.bin")):
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _threads() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class OnnxCrossEncoder:
    """The cross-encoder's ONNX export on onnxruntime, with the model's own tokenizer; pairs are batched by
    length so each batch is padded only to its longest pair."""

    def __init__(self, model_dir: str | Path, onnx_file: str | Path, max_length: int = config.NLI_MAX_LENGTH):
        import onnxruntime as ort
        from transformers import AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        self.max_length = max_length
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.intra_op_num_threads = _threads()
        opts.inter_op_num_threads = 1
        # idle threads sleep instead of spinning: on shared or busy cores spinning halves throughput
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(onnx_file), opts, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}

    def predict(
        self, pairs: Sequence[tuple[str, str]], batch_size: int = config.NLI_BATCH_SIZE,
        apply_softmax: bool = True, **_: object,
    ) -> np.ndarray:  # fmt: skip
        enc = self.tokenizer(
            [a for a, _ in pairs], [b for _, b in pairs], truncation=True, max_length=self.max_length
        )
        lengths = np.array([len(ids) for ids in enc["input_ids"]])
        order = np.argsort(-lengths, kind="stable")
        out = np.zeros((len(pairs), 0), dtype=np.float32)
        lo = 0
        while lo < len(order):
            # at most batch_size pairs and config.NLI_BATCH_TOKENS tokens (padded): long pairs go in small
            # batches, so onnxruntime's memory arena stays the size of one modest batch
            size = max(1, min(batch_size, config.NLI_BATCH_TOKENS // int(lengths[order[lo]])))
            idx = order[lo : lo + size]
            lo += size
            width = int(lengths[idx[0]])
            feed = {}
            for name in ("input_ids", "attention_mask", "token_type_ids"):
                if name in self.inputs and name in enc:
                    pad = self.tokenizer.pad_token_id if name == "input_ids" else 0
                    rows = np.full((len(idx), width), pad or 0, dtype=np.int64)
                    for r, i in enumerate(idx):
                        ids = enc[name][i]
                        rows[r, : len(ids)] = ids
                    feed[name] = rows
            logits = self.session.run(None, feed)[0]
            if out.shape[1] == 0:
                out = np.zeros((len(pairs), logits.shape[1]), dtype=np.float32)
            out[idx] = logits
        if apply_softmax:
            out = np.exp(out - out.max(axis=1, keepdims=True))
            out /= out.sum(axis=1, keepdims=True)
        return out


def _onnx_file(path: Path) -> tuple[Path | None, str]:
    """The int8 export of the model at ``path`` when it exists and was made from these weights; else None
    and why not."""
    onnx_file = path / config.NLI_ONNX_FILE
    record = onnx_file.parent / "export.json"
    if not onnx_file.is_file() or not record.is_file():
        problem = "has no int8 ONNX export"
    else:
        try:
            source = json.loads(record.read_text(encoding="utf-8")).get("source_weights_sha256")
        except (OSError, ValueError, AttributeError):
            source = None
        if source == weights_digest(path):
            return onnx_file, ""
        problem = "has an int8 ONNX export made from other weights"
    return None, problem


@lru_cache(maxsize=4)
def load_nli(path: str | Path | None = None, backend: str | None = None) -> NLIModel:
    """The project's NLI cross-encoder from ``models/`` (or ``path``), loaded once per process.

    ``backend``: "onnx-int8" or "torch" (default ``config.NLI_BACKEND``); "onnx-int8" falls back to torch
    when the model has no up-to-date int8 export.
    """
    path = Path(path or config.NLI_MODEL_DIR)
    backend = backend or config.NLI_BACKEND
    if backend not in config.NLI_BACKENDS:
        raise UsageError(f"NLI backend {backend!r} is not one of {', '.join(config.NLI_BACKENDS)}")
    if not (path / "config.json").is_file():
        missing = "no such directory" if not path.is_dir() else "no config.json in it"
        raise ModelError(
            f"{path}: NLI model not found ({missing}; rebuild it with python models/train_nli.py, "
            "or set CHECKER_NLI_MODEL to a model directory)"
        )
    onnx_file, problem = _onnx_file(path) if backend == "onnx-int8" else (None, "")
    if onnx_file is not None:
        try:
            fast = OnnxCrossEncoder(path, onnx_file)
            id2label = json.loads((path / "config.json").read_text(encoding="utf-8"))["id2label"]
        except Exception as exc:  # noqa: BLE001 - a broken export is a broken model file for the user
            raise ModelError(
                f"{onnx_file}: cannot load the int8 ONNX model ({type(exc).__name__}: {exc})"
            ) from exc
        return NLIModel(fast, _labels(path, id2label), str(path), "onnx-int8")

    import torch
    from sentence_transformers.cross_encoder import CrossEncoder

    try:
        # weights ship in fp16; on CPU fp32 matmuls are faster and exact, so load them as fp32
        enc = CrossEncoder(
            str(path),
            device="cpu",
            max_length=config.NLI_MAX_LENGTH,
            local_files_only=True,
            model_kwargs={"dtype": torch.float32},
        )
    except Exception as exc:  # noqa: BLE001 - any load failure is a broken model file for the user
        raise ModelError(
            f"{path}: cannot load the NLI model, its files are corrupt or incomplete "
            f"({type(exc).__name__}: {exc})"
        ) from exc
    if problem:  # said once the fallback loaded, so a broken model is still one error line
        sys.stderr.write(
            f"checker: note: {path} {problem}; using the fp32 torch model (rebuild it with "
            "python models/export_onnx.py, or set CHECKER_NLI_BACKEND=torch)\n"
        )
    return NLIModel(enc, _labels(path, enc.model.config.id2label), str(path), "torch")


def _labels(path: Path, id2label: dict) -> tuple[str, ...]:
    """The head's labels in index order; they must be ``config.NLI_LABELS``."""
    labels = tuple(str(id2label.get(i, id2label.get(str(i)))).lower() for i in range(len(id2label)))
    if set(labels) != set(config.NLI_LABELS):
        raise ModelError(f"{path}: the NLI model has labels {labels}, expected {config.NLI_LABELS}")
    return labels


#: words before a number that make it a bound or an estimate: (low, high) as multiples of the number
_BOUNDS = {
    "more than": (1.0, float("inf")), "over": (1.0, float("inf")), "above": (1.0, float("inf")),
    "at least": (1.0, float("inf")), "upwards of": (1.0, float("inf")), "in excess of": (1.0, float("inf")),
    "fewer than": (0.0, 1.0), "less than": (0.0, 1.0), "under": (0.0, 1.0), "below": (0.0, 1.0),
    "up to": (0.0, 1.0), "at most": (0.0, 1.0), "no more than": (0.0, 1.0),
    "nearly": (0.9, 1.0), "almost": (0.9, 1.0), "close to": (0.9, 1.0), "just under": (0.9, 1.0),
    "about": (0.9, 1.1), "around": (0.9, 1.1), "roughly": (0.9, 1.1), "approximately": (0.9, 1.1),
    "some": (0.9, 1.1), "an estimated": (0.9, 1.1), "estimated": (0.9, 1.1), "just over": (1.0, 1.1),
}  # fmt: skip
#: words before a number that make it a difference, not the count itself ("a majority of 21 votes")
_DIFFERENCE = ("majority of", "margin of", "lead of", "gap of")
_BEFORE = re.compile(r"((?:[a-z]+\s+){0,2})$", re.I)


@dataclass(frozen=True)
class Figure:
    """A number as a statement gives it: the value, and the range it allows ("more than 3,000")."""

    text: str
    low: float
    high: float


def numbers(text: str) -> dict[str, Figure]:
    """``{"people": Figure("630", 630, 630), ...}``: each number keyed by the word it counts, with the range
    a bound or an estimate before it allows ("about 3,400" is 3,060-3,740). A difference ("a majority of
    21 votes") is not the count and is left out."""
    out = {}
    for m in _NUMBER.finditer(text):
        value, pct, word = m.groups()
        key = "percent" if pct else (word or "").lower()
        if not key or key in _NOT_COUNTED:
            continue
        before = _BEFORE.search(text[: m.start()]).group(1).lower().split()
        lead = " ".join(before)
        if any(lead.endswith(d) for d in _DIFFERENCE):
            continue
        number = _NUMBER_WORDS.get(value.lower(), value.replace(",", ""))
        try:
            x = float(number)
        except ValueError:
            continue
        low, high = next((b for w, b in _BOUNDS.items() if lead == w or lead.endswith(" " + w)), (1.0, 1.0))
        out[key] = Figure(number, x * low, x * high)
    return out


def numeric_conflict(a: str, b: str) -> str | None:
    """The first quantity both texts count (by the word after the number) whose ranges cannot meet:
    "630 vs 500 people"; "more than 3,000" and "about 3,400" people can both be true."""
    na, nb = numbers(a), numbers(b)
    for key in sorted(na.keys() & nb.keys()):
        fa, fb = na[key], nb[key]
        if fa.high < fb.low or fb.high < fa.low:
            return f"{fa.text} vs {fb.text} {key}"
    return None


_DATES = {
    "weekday": re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"),
    "month": re.compile(
        r"\b((?:January|February|March|April|May|June|July|August|September|October|November|December)"
        r"(?:\s+\d{1,2})?)\b"
    ),
    "year": re.compile(r"\b((?:19|20)\d\d)\b"),
}


def date_conflict(a: str, b: str) -> str | None:
    """One date of a kind on each side, and they differ: "on Sunday" vs "on Monday"."""
    for pattern in _DATES.values():
        da, db = set(pattern.findall(a)), set(pattern.findall(b))
        if len(da) == len(db) == 1 and da != db:
            return f"{da.pop()} vs {db.pop()}"
    return None


def reason(a: Statement, b: Statement) -> tuple[str, str]:
    """The kind of contradiction and a short human reason."""
    if a.speaker_id == b.speaker_id:
        return "reversal", f"{a.speaker_name} said opposite things on {a.date or '?'} and {b.date or '?'}"
    deny = a if a.negated else b if b.negated else None
    if deny is not None:
        other = b if deny is a else a
        return "denial", f"{deny.speaker_name} denies what {other.speaker_name} asserts"
    num = numeric_conflict(a.proposition, b.proposition)
    if num:
        return "numeric", f"different figures: {num}"
    when = date_conflict(a.proposition, b.proposition)
    if when:
        return "numeric", f"different dates: {when}"
    if bool(_NEGATION.search(a.proposition)) != bool(_NEGATION.search(b.proposition)):
        return "negation", "one statement negates the other"
    pair = opposite.antonym_pair(a.proposition, b.proposition)
    if pair:
        return "antonym", f"'{pair[0]}' vs '{pair[1]}'"
    return "other", "the NLI model judges the statements incompatible"


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def chunks(text: str, max_words: int = config.NLI_MAX_WORDS) -> list[str]:
    """``text`` in pieces of at most ``max_words`` words, cut at sentence ends where possible, so a pair of
    pieces fits the model's window: a long statement is split, never silently truncated."""
    words = text.split()
    if len(words) <= max_words:
        return [text]
    out: list[str] = []
    current: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        sw = sentence.split()
        if current and len(current) + len(sw) > max_words:
            out.append(" ".join(current))
            current = []
        while len(sw) > max_words:  # one sentence longer than the window: cut it by words
            out.append(" ".join(sw[:max_words]))
            sw = sw[max_words:]
        current += sw
    if current:
        out.append(" ".join(current))
    return out


def _pieces(st: Statement) -> list[str]:
    """What is scored of a statement: each conjunct of its proposition, each within the model's window."""
    return [piece for part in (st.parts or (st.proposition,)) for piece in chunks(part)]


def _predict(model: NLIModel, pairs: list[tuple[str, str]]) -> list[dict]:
    """Probabilities for each pair; the same two texts (a quote reported twice) are scored once."""
    unique = list(dict.fromkeys(pairs))
    at = {p: i for i, p in enumerate(unique)}
    probs = model.predict(unique)
    return [probs[at[p]] for p in pairs]


def _contradiction(probs: list[dict], k: int) -> float:
    """The higher contradiction of the two directions at ``k`` and ``k + 1``."""
    return max(probs[k]["contradiction"], probs[k + 1]["contradiction"])


def score(
    candidates: Sequence[Candidate], statements: dict[str, Statement], model: NLIModel
) -> list[Contradiction]:
    """Score each candidate in both directions; contradiction = the higher of the two, or the probability that
    one statement entails the other's opposite (``opposite.opposites``), or the number rule.

    Long propositions are scored piece by piece; a pair's scores are those of its most contradictory pieces.
    Opposites are checked only where the two directions found some contradiction or entailment
    (``config.OPPOSITE_GATE``): a pair the model reads as wholly neutral is about different things.
    """
    pairs: list[tuple[str, str]] = []
    spans = []
    for c in candidates:
        start = len(pairs)
        for pa in _pieces(statements[c.a]):
            for pb in _pieces(statements[c.b]):
                pairs += [(pa, pb), (pb, pa)]
        spans.append((start, len(pairs)))
    probs = _predict(model, pairs)
    best = []
    checks: list[list[tuple[str, str, int, int]]] = []  # per candidate: (side, opposite, first, end index)
    flips: list[tuple[str, str]] = []
    turned_round: dict[str, list[str]] = {}
    mains: dict[str, list[str]] = {}  # per statement: its parts' main claims
    views: list[tuple[int, int]] = []  # per candidate: where its main-claim pairs are in ``flips``
    for c, (lo, hi) in zip(candidates, spans, strict=True):
        i = max(range(lo, hi, 2), key=lambda i: _contradiction(probs, i))
        best.append(i)
        mine = []
        signal = max(max(p["contradiction"], p["entailment"]) for p in probs[lo:hi])
        if signal >= config.OPPOSITE_GATE:
            a, b = statements[c.a], statements[c.b]
            for side, st, other in (("a", a, b), ("b", b, a)):
                if st.id not in turned_round:  # a statement is in many candidates: turn it round once
                    turned_round[st.id] = opposite.hypotheses(st)
                for text in turned_round[st.id]:
                    if not opposite.answers(st.proposition, text, other.proposition):
                        continue
                    first = len(flips)
                    # the other statement as premise: a claim that entails P contradicts a denial of P
                    flips += [(piece, text) for piece in _pieces(other)]
                    mine.append((side, text, first, len(flips)))
            # "opposes the bill and will vote against it next week" vs "has backed it from the start": the
            # model reads the main claims, without what else each side adds, more surely
            for st in (a, b):
                if st.id not in mains:
                    mains[st.id] = [opposite.main_claim(p) for p in st.parts or (st.proposition,)]
            first = len(flips)
            for ma, pa in zip(mains[a.id], a.parts or (a.proposition,), strict=True):
                for mb, pb in zip(mains[b.id], b.parts or (b.proposition,), strict=True):
                    if (ma, mb) != (pa, pb):
                        flips += [(ma, mb), (mb, ma)]
            views.append((first, len(flips)))
        else:
            views.append((0, 0))
        checks.append(mine)
    flip_probs = _predict(model, flips)
    out = []
    for c, i, mine, (vlo, vhi), (lo, hi) in zip(candidates, best, checks, views, spans, strict=True):
        a, b = statements[c.a], statements[c.b]
        ab, ba = probs[i], probs[i + 1]
        # how surely each side is entailed by the other as it stands: "b" by a (even indices), "a" by b
        as_said = {
            "b": max(p["entailment"] for p in probs[lo:hi:2]),
            "a": max(p["entailment"] for p in probs[lo + 1 : hi : 2]),
        }
        value = max(ab["contradiction"], ba["contradiction"])
        main_claims = None
        if vhi > vlo:
            k = max(range(vlo, vhi, 2), key=lambda k: _contradiction(flip_probs, k))
            main = _contradiction(flip_probs, k)
            if main > value:
                value = main
                main_claims = {"a": flips[k][0], "b": flips[k][1], "contradiction": round(main, 4)}
        turned = None
        for side, text, first, end in mine:
            entail = max(p["entailment"] for p in flip_probs[first:end])
            # a premise that entails the statement as much as its opposite tells them apart by nothing
            # but shared words ("cuts energy use" vs "raises energy use"): no evidence either way
            if entail <= as_said[side]:
                continue
            if entail > value and (turned is None or entail > turned["entailment"]):
                turned = {"of": side, "text": text, "entailment": round(entail, 4)}
        if turned is not None:
            value = turned["entailment"]
            main_claims = None
        kind, why = reason(a, b)
        # the same claim with a different figure or date is a contradiction whatever NLI says; dates
        # need a closer match, since two events on two days are often told in near-identical words
        if (
            kind == "numeric"
            and c.similarity >= (0.75 if why.startswith("different dates") else 0.6)
            and not pair.different_things(a, b, either=True)
        ):
            value = max(value, config.RULE_SCORE)
        elif _same_claim_opposite_word(a, b, c.similarity):
            value = max(value, config.RULE_SCORE)
        out.append(Contradiction(a, b, value, ab, ba, c.similarity, kind, why, turned, c.via, main_claims))
    return out


def _same_claim_opposite_word(a: Statement, b: Statement, similarity: float) -> bool:
    """One claim told with a word and its antonym ("won the contract" vs "lost the tender"), neither side
    negated (a negation may turn the antonym back: "is not opposed" vs "supports")."""
    return (
        similarity >= config.ANTONYM_MIN_SIMILARITY
        and not (_NEGATION.search(a.proposition) or _NEGATION.search(b.proposition))
        and opposite.antonym_pair(a.proposition, b.proposition) is not None
        and not pair.different_things(a, b)
    )


def reportable(c: Contradiction, threshold: float) -> bool:
    """Whether ``c`` is reported at ``threshold``. A pair kept only as a nearest neighbour, with little in
    common, needs ``config.NEAREST_THRESHOLD`` too, and one with no cue but the model's reading (reason
    "other") ``config.UNCUED_THRESHOLD``: NLI over-reads unrelated sentences as contradictory."""
    if c.via == "nearest":
        threshold = max(threshold, config.NEAREST_THRESHOLD)
    if c.reason == "other":
        threshold = max(threshold, config.UNCUED_THRESHOLD)
    return c.score >= threshold
