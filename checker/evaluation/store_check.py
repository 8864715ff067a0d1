"""Does a store check find what a whole-corpus check finds, and how fast? (``checker eval store``)

For each new document: the contradictions between it and the stored documents that a whole-corpus check of
the stored documents and the new ones reports (the reference), against those ``Store.check`` reports for
it alone; and the time of ``Store.check`` against the time of ``checker.check`` on the document alone.

The reference is one whole-corpus check of the stored and all the new documents, its pairs kept when one side
is a new document and the other a stored one (pairs between two new documents are left out); it is written
to a file and reused, as it costs as much as checking the whole corpus.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from checker import config
from checker.errors import InputError
from checker.io import load_inputs
from checker.records import Contradiction, Document

Key = tuple[str, int, int, str, int, int]


def pair_key(c: Contradiction) -> Key:
    """A pair by both sides' document and content span, the lesser side first."""
    a = (c.a.doc_id, c.a.content.start, c.a.content.end)
    b = (c.b.doc_id, c.b.content.start, c.b.content.end)
    lo, hi = sorted((a, b))
    return (*lo, *hi)


def pick(documents: Sequence[Document], n: int) -> list[Document]:
    """``n`` documents spread evenly over the list (sorted by id), the same every run."""
    docs = sorted(documents, key=lambda d: d.id)
    if n >= len(docs):
        return docs
    step = len(docs) / n
    return [docs[int(k * step)] for k in range(n)]


def _read(paths: Sequence[str]) -> list[Document]:
    documents, _ = load_inputs(list(paths))
    if not documents:
        raise InputError(", ".join(paths), "no readable documents")
    return documents


def reference(stored: Sequence[Document], new: Sequence[Document], on_stage=None) -> dict:  # noqa: ANN001
    """The whole-corpus check's pairs between each new document and the stored ones."""
    from checker import pipeline
    from checker.runtime.nli import load_nli

    model = load_nli()
    t0 = time.perf_counter()
    stage = on_stage or (lambda *_: None)
    _, statements, _ = pipeline.statements_of([*stored, *new], stage)
    live, cands, vectors, starts, common = pipeline.candidates_of(statements, stage)
    new_ids = {d.id for d in new}
    doc_of = {s.id: s.doc_id for s in live}

    def across(a: str, b: str) -> bool:
        return (doc_of[a] in new_ids) != (doc_of[b] in new_ids)

    cands = [c for c in cands if across(c.a, c.b)]
    found, scored = pipeline.contradictions_of(
        live, cands, vectors, starts, common, model, config.CONTRADICTION_THRESHOLD, stage
    )
    pairs: dict[str, list] = {d.id: [] for d in new}
    for c in found:
        if not across(c.a.id, c.b.id):
            continue
        doc = c.a.doc_id if c.a.doc_id in new_ids else c.b.doc_id
        pairs[doc].append({"key": list(pair_key(c)), "score": round(c.score, 4), "reason": c.reason})
    return {
        "stored": len(stored),
        "new": sorted(new_ids),
        "candidates": len(scored),
        "seconds": round(time.perf_counter() - t0, 1),
        "pairs": pairs,
    }


@dataclass
class StoreCheckResult:
    store: str
    rows: list[dict] = field(default_factory=list)

    def summary(self) -> dict:
        ref = sum(len(r["reference"]) for r in self.rows)
        hit = sum(r["found"] for r in self.rows)
        ratios = [r["store_seconds"] / r["alone_seconds"] for r in self.rows if r["alone_seconds"] > 0]
        return {
            "store": self.store,
            "documents": len(self.rows),
            "reference_pairs": ref,
            "found": hit,
            "recall": round(hit / ref, 3) if ref else None,
            "store_reported": sum(r["store_reported"] for r in self.rows),
            "median_store_seconds": round(statistics.median(r["store_seconds"] for r in self.rows), 2),
            "median_alone_seconds": round(statistics.median(r["alone_seconds"] for r in self.rows), 2),
            "median_ratio": round(statistics.median(ratios), 2) if ratios else None,
            "median_candidates": statistics.median(r["candidates"] for r in self.rows),
        }

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "documents": self.rows}


def evaluate(
    db: str,
    new_paths: Sequence[str],
    reference_file: Path,
    n: int = 20,
    stored_paths: Sequence[str] = (),
    progress: Callable[[str], None] = lambda _: None,
) -> StoreCheckResult:
    """Check ``n`` of the new documents against the store at ``db``, one at a time, against the reference
    (read from ``reference_file``, or computed from ``stored_paths`` and written there)."""
    import checker
    from checker.store import Store

    new = pick(_read(new_paths), n)
    if reference_file.is_file():
        ref = json.loads(reference_file.read_text(encoding="utf-8"))
        missing = [d.id for d in new if d.id not in ref["pairs"]]
        if missing:
            raise InputError(str(reference_file), f"no reference for {missing[0]}; delete it to recompute")
    else:
        if not stored_paths:
            raise InputError(str(reference_file), "no such reference file (give --stored to compute it)")
        progress(f"reference: a whole-corpus check of {', '.join(stored_paths)} and {len(new)} new documents")
        ref = reference(_read(stored_paths), new)
        reference_file.write_text(json.dumps(ref, indent=1), encoding="utf-8")
    result = StoreCheckResult(db)
    with Store(db) as store:
        checker.check([new[0]])  # the models load once, before any timing
        for doc in new:
            t0 = time.perf_counter()
            report = store.check([doc])
            t_store = time.perf_counter() - t0
            t0 = time.perf_counter()
            checker.check([doc])
            t_alone = time.perf_counter() - t0
            got = {pair_key(c) for c in report.contradictions}
            want = [tuple(p["key"]) for p in ref["pairs"][doc.id]]
            result.rows.append(
                {
                    "doc": doc.id,
                    "reference": [p["key"] for p in ref["pairs"][doc.id]],
                    "found": sum(1 for k in want if k in got),
                    "missed": [list(k) for k in want if k not in got],
                    "store_reported": len(report.contradictions),
                    "candidates": report.pairs_scored,
                    "store_seconds": round(t_store, 3),
                    "alone_seconds": round(t_alone, 3),
                }
            )
            progress(
                f"{doc.id}: {result.rows[-1]['found']}/{len(want)} in {t_store:.1f} s (alone {t_alone:.1f} s)"
            )
    return result
