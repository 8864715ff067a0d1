"""BIO tagging of attribution spans with a token classifier: windows, labels, decoding, prediction.

Shared by ``models/train_attribution.py`` (which runs on a machine without spaCy or checker installed) and
``checker.tagger``: only the standard library at import time; torch is imported inside the functions.

A window is a run of whole paragraphs (lines) that fits ``max_length`` wordpieces with [CLS] and [SEP]; a
longer paragraph is cut after the last sentence end that fits (else at the limit). Every wordpiece keeps its
character offsets into the document, so tags map back to character spans.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from checker.runtime import work

LABELS = ("O", "B-SOURCE", "I-SOURCE", "B-CUE", "I-CUE", "B-CONTENT", "I-CONTENT")
ROLE_OF = {"SOURCE": "source", "CUE": "cue", "CONTENT": "content"}
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*$")


@dataclass
class Window:
    """Wordpieces of one window: ids without special tokens, and document offsets of each."""

    doc: int
    ids: list[int]
    offsets: list[tuple[int, int]]


def _paragraph_of(text: str) -> list[int]:
    """For each character, the index of its line."""
    out, n = [], 0
    for ch in text:
        out.append(n)
        if ch == "\n":
            n += 1
    out.append(n)
    return out


def windows(text: str, tokenizer, max_length: int = 256, doc: int = 0) -> list[Window]:  # noqa: ANN001
    """Split ``text`` into windows of whole paragraphs of at most ``max_length`` wordpieces."""
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    ids, offs = list(enc["input_ids"]), [tuple(o) for o in enc["offset_mapping"]]
    if not ids:
        return []
    budget = max_length - 2
    para = _paragraph_of(text)
    groups: list[tuple[int, int]] = []  # token ranges, one per paragraph
    start = 0
    for i in range(1, len(ids) + 1):
        if i == len(ids) or para[offs[i][0]] != para[offs[start][0]]:
            groups.append((start, i))
            start = i
    pieces: list[tuple[int, int]] = []
    for lo, hi in groups:
        while hi - lo > budget:
            cut = lo + budget
            for j in range(lo + budget - 1, lo + budget // 2, -1):
                if _SENTENCE_END.search(text[offs[j][0] : offs[j][1]]):
                    cut = j + 1
                    break
            pieces.append((lo, cut))
            lo = cut
        pieces.append((lo, hi))
    out: list[Window] = []
    cur_lo, cur_hi = pieces[0]
    for lo, hi in pieces[1:]:
        if hi - cur_lo <= budget:
            cur_hi = hi
        else:
            out.append(Window(doc, ids[cur_lo:cur_hi], offs[cur_lo:cur_hi]))
            cur_lo, cur_hi = lo, hi
    out.append(Window(doc, ids[cur_lo:cur_hi], offs[cur_lo:cur_hi]))
    return out


def char_marks(length: int, spans: dict[str, Sequence[tuple[int, int]]]) -> list[tuple[str, int] | None]:
    """For each character of a document: ``(role tag, span number)`` of the gold span holding it, or None.

    PolNeAR is univocal (one label a token); where spans still overlap, the earlier one wins.
    """
    marks: list[tuple[str, int] | None] = [None] * length
    n = 0
    for s, e, tag in sorted((s, e, tag) for tag, role in ROLE_OF.items() for s, e in spans.get(role, ())):
        for i in range(max(0, s), min(e, length)):
            if marks[i] is None:
                marks[i] = (tag, n)
        n += 1
    return marks


def labels_for(window: Window, marks: Sequence[tuple[str, int] | None]) -> list[int]:
    """BIO label ids of a window's wordpieces from ``char_marks`` (a wordpiece takes its first char's)."""
    out: list[int] = []
    prev = None
    for s, _e in window.offsets:
        hit = marks[s] if s < len(marks) else None
        out.append(0 if hit is None else LABELS.index(("I-" if hit == prev else "B-") + hit[0]))
        prev = hit
    return out


def allowed_transitions() -> list[list[bool]]:
    """``ok[a][b]``: tag b may follow tag a (an I- tag only after B- or I- of its role)."""
    ok = []
    for a in LABELS:
        row = []
        for b in LABELS:
            row.append(not b.startswith("I-") or (a != "O" and a[2:] == b[2:]))
        ok.append(row)
    return ok


@lru_cache(maxsize=1)
def _transitions():  # noqa: ANN202 - (trans, start) numpy float32 tables
    """Viterbi's log-space tables: 0 where a tag may follow (or open), -inf where it may not."""
    import numpy as np

    trans = np.where(np.array(allowed_transitions()), np.float32(0.0), np.float32(-np.inf))
    start = np.array([0.0 if not t.startswith("I-") else -np.inf for t in LABELS], dtype=np.float32)
    return trans, start


def viterbi(logprobs) -> list[int]:  # noqa: ANN001 - array-like (n, len(LABELS)): numpy or torch (CPU)
    """The best tag sequence that is valid BIO (no I- tag opens a span)."""
    import numpy as np

    lp = np.asarray(logprobs, dtype=np.float32)
    n = lp.shape[0]
    if n == 0:
        return []
    # numpy, not torch: a few small operations per wordpiece, where torch's per-call overhead was 12% of the
    # tagger's time; float32 throughout and argmax's first-maximum rule, so the tags are the same
    trans, start = _transitions()
    score = lp[0] + start
    back = np.empty((n - 1, len(LABELS)), dtype=np.intp)
    for i in range(1, n):
        total = score[:, None] + trans  # (prev, cur)
        back[i - 1] = total.argmax(axis=0)
        score = total.max(axis=0) + lp[i]
    tag = int(score.argmax())
    path = [tag]
    for arg in back[::-1]:
        tag = int(arg[tag])
        path.append(tag)
    return path[::-1]


def decode(window: Window, tags: Sequence[int]) -> list[tuple[str, int, int]]:
    """``(role, start, end)`` character spans from a window's tags (an I- tag after O opens a span)."""
    out: list[list] = []
    open_role = None
    for (s, e), t in zip(window.offsets, tags, strict=True):
        label = LABELS[t]
        if label == "O":
            open_role = None
            continue
        role = ROLE_OF[label[2:]]
        if label.startswith("B-") or open_role != role:
            out.append([role, s, e])
            open_role = role
        else:
            out[-1][2] = e
    return [(r, s, e) for r, s, e in out]


def predict(
    model,
    tokenizer,
    texts: Sequence[str],
    max_length: int = 256,
    batch_size: int = 32,  # noqa: ANN001
) -> list[list[tuple[str, int, int]]]:
    """Tagged ``(role, start, end)`` spans of each text, by a token-classification model."""
    import torch

    wins = [w for d, text in enumerate(texts) for w in windows(text, tokenizer, max_length, d)]
    order = sorted(range(len(wins)), key=lambda i: len(wins[i].ids))
    out: list[list[tuple[str, int, int]]] = [[] for _ in texts]
    found: dict[int, list[tuple[str, int, int]]] = {}
    device = next(model.parameters()).device
    model.eval()
    cls, sep, pad = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id or 0
    for lo in range(0, len(order), batch_size):
        batch = [wins[i] for i in order[lo : lo + batch_size]]
        width = max(len(w.ids) for w in batch) + 2
        ids = torch.full((len(batch), width), pad, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for b, w in enumerate(batch):
            ids[b, : len(w.ids) + 2] = torch.tensor([cls, *w.ids, sep])
            mask[b, : len(w.ids) + 2] = 1
        work.add("tagger", int(mask.sum()), len(batch))
        with torch.no_grad():
            logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits.float().cpu()
        logp = torch.log_softmax(logits, dim=-1).numpy()
        for b, w in enumerate(batch):
            tags = viterbi(logp[b, 1 : len(w.ids) + 1])
            found[order[lo + b]] = decode(w, tags)
    for i, w in enumerate(wins):
        out[w.doc].extend(found.get(i, []))
    return out
