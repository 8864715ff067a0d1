"""``checker eval claims``: the claim gate (``stages.claims``) against readers' labels of statements.

A labels file (JSONL) holds one reader's label of one statement a line, the statement named by its document id
and content span: ``{"doc", "start", "end", "claim": bool, "category", "reason", "reader", "date"}``. The
documents run through the stages up to the gate; each labelled span is matched to the extracted statement with
the same span (else the one overlapping it most, by half of the shorter span at least). A statement's gold is
its readers' label when they agree; statements they disagree on are counted apart.

A label may name the proposition its reader saw (``"sha1"``, ``jsonl.digest``) and whether the
proposition states what the speaker asserts (``"faithful"``: ``"yes"``/``"no"``). Such labels hold only
while the statement has that proposition: they then replace the span's labels without a ``sha1``; once
the proposition changes they are counted as stale, and the labels without one (if any) stand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.errors import InputError
from checker.evaluation.end_to_end import overlap
from checker.evaluation.jsonl import digest, objects
from checker.evaluation.metrics import rounded
from checker.records import Statement
from checker.stages.claims import is_claim

MIN_OVERLAP = 0.5


@dataclass(frozen=True)
class Label:
    doc: str
    start: int
    end: int
    claim: bool
    category: str
    reader: str
    sha1: str = ""
    faithful: str = ""


def read_labels(path: Path) -> list[Label]:
    """Every label in a JSONL file; a bad line is an error naming its number."""
    out = []
    for n, raw in objects(path):
        try:
            doc, start, end = str(raw["doc"]), int(raw["start"]), int(raw["end"])
            label = Label(doc, start, end, raw["claim"], str(raw["category"]), str(raw["reader"]),
                          str(raw.get("sha1", "")), str(raw.get("faithful", "")))  # fmt: skip
        except (KeyError, TypeError, ValueError) as e:
            problem = f"line {n}: expected doc, start, end, claim, category, reader ({e})"
            raise InputError(str(path), problem) from None
        if not isinstance(label.claim, bool):
            raise InputError(str(path), f"line {n}: claim must be true or false")
        if label.faithful not in ("", "yes", "no"):
            raise InputError(str(path), f"line {n}: faithful must be yes or no")
        out.append(label)
    if not out:
        raise InputError(str(path), "no labels")
    return out


def _statement(label: Label, statements: Sequence[Statement]) -> Statement | None:
    """The extracted statement with the labelled span, else the one overlapping it most (half at least)."""
    best, best_overlap = None, MIN_OVERLAP
    for st in statements:
        if st.doc_id != label.doc:
            continue
        if (st.content.start, st.content.end) == (label.start, label.end):
            return st
        o = overlap((st.content.start, st.content.end), (label.start, label.end))
        if o >= best_overlap and (best is None or o > best_overlap):
            best, best_overlap = st, o
    return best


def evaluate(statements: Sequence[Statement], labels: Sequence[Label]) -> dict[str, Any]:
    """Precision and recall of the gate for both classes: claims kept, non-claims set aside."""
    spans: dict[tuple[str, int, int], list[Label]] = {}
    for label in labels:
        spans.setdefault((label.doc, label.start, label.end), []).append(label)
    tp = fp = fn = tn = disputed = missing = stale = 0
    readings: list[str] = []
    wrong = []
    for labelled in spans.values():
        st = _statement(labelled[0], statements)
        if st is None:
            missing += 1
            continue
        group = _current(labelled, st)
        if not group:
            stale += 1
            continue
        if any(lab.faithful for lab in group):
            said = {lab.faithful for lab in group if lab.faithful}
            readings.append(said.pop() if len(said) == 1 else "disputed")
        if len({lab.claim for lab in group}) > 1:
            disputed += 1
            continue
        gold, kept = group[0].claim, is_claim(st)
        tp += gold and kept
        fp += kept and not gold
        fn += gold and not kept
        tn += not (gold or kept)
        if gold != kept:
            wrong.append({"doc": st.doc_id, "start": st.content.start, "end": st.content.end,
                          "proposition": st.proposition, "gold": group[0].category,
                          "gate": st.not_checkable or "claim"})  # fmt: skip
    out = {
        "statements": len(spans),
        "disputed": disputed,
        "not_extracted": missing,
        "stale": stale,
        "claims": {**rounded(tp, tp + fp, tp + fn), "n": tp + fn},
        "not_claims": {**rounded(tn, tn + fn, tn + fp), "n": tn + fp},
        "confusion": {
            "claim_kept": tp,
            "claim_set_aside": fn,
            "not_claim_kept": fp,
            "not_claim_set_aside": tn,
        },
        "errors": wrong,
    }
    if readings:  # labels that say whether the proposition is what the speaker asserts
        n = sum(r != "disputed" for r in readings)
        out["faithful"] = {
            "statements": len(readings),
            "faithful": readings.count("yes"),
            "unfaithful": readings.count("no"),
            "disputed": readings.count("disputed"),
            "share": round(readings.count("yes") / n, 4) if n else None,
        }
    return out


def _current(labels: Sequence[Label], st: Statement) -> list[Label]:
    """The labels that hold for ``st``: those given to its proposition, else those that name none."""
    now = digest(st.proposition)
    given = [lab for lab in labels if lab.sha1 and lab.sha1 == now]
    return given or [lab for lab in labels if not lab.sha1]
