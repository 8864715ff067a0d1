"""``checker eval corpus``: the top of a real corpus's report against careful readers' judgements.

A judgements file (JSONL) holds one reader's verdict on one pair of statements a line, each statement named by
its document id and the character span of its content:

    {"a": {"doc": ID, "start": N, "end": N}, "b": {...}, "verdict": "contradiction" | "no_contradiction",
     "reason": "one line", "reader": ID, "date": "YYYY-MM-DD", "found_by": "top-20 of <commit>" | "reading"}

No text is copied into it: the spans point into the corpus. A reported pair matches a judged pair when each
side overlaps one side of it by half of the shorter span (as ``checker eval`` matches statements), in either
order. A verdict is the majority's of every reader who judged a matching pair; a tie is ``disputed`` and
counts as no contradiction (the report should not lead with a pair careful readers cannot agree on). A judged
pair is gold, a real contradiction, when the majority of its own readers say so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from checker.errors import InputError
from checker.evaluation.end_to_end import overlap
from checker.evaluation.jsonl import objects
from checker.evaluation.metrics import ratio
from checker.records import Contradiction, Document, Report, Statement
from checker.stages import pair as pairing
from checker.stages import rules

Verdict = Literal["contradiction", "no_contradiction"]
VERDICTS: tuple[Verdict, ...] = ("contradiction", "no_contradiction")
#: A side of a reported pair matches a judged side when they share this share of the shorter span.
MIN_OVERLAP = 0.5
#: Sentences of context around each statement in a file of pairs to judge.
CONTEXT_CHARS = 600


@dataclass(frozen=True)
class Side:
    """One statement of a judged pair: its document and content span."""

    doc: str
    start: int
    end: int


@dataclass(frozen=True)
class Judgement:
    """One reader's verdict on one pair."""

    a: Side
    b: Side
    verdict: Verdict
    reason: str
    reader: str
    date: str
    found_by: str


def majority(judgements: Sequence[Judgement]) -> str:
    """The verdict most readers gave; "disputed" on a tie."""
    yes = sum(j.verdict == "contradiction" for j in judgements)
    no = len(judgements) - yes
    return "contradiction" if yes > no else "no_contradiction" if no > yes else "disputed"


@dataclass(frozen=True)
class JudgedPair:
    """A pair and every reader's judgement of it."""

    a: Side
    b: Side
    judgements: tuple[Judgement, ...]

    @property
    def verdict(self) -> str:
        return majority(self.judgements)

    @property
    def is_gold(self) -> bool:
        return self.verdict == "contradiction"


def _side(raw: Any, path: Path, line: int, key: str) -> Side:
    if not isinstance(raw, dict):
        raise InputError(str(path), f"line {line}: {key!r} must be an object with doc, start, end")
    doc, start, end = raw.get("doc"), raw.get("start"), raw.get("end")
    if not isinstance(doc, str) or not doc:
        raise InputError(str(path), f"line {line}: {key}.doc must be a document id")
    if (
        not (isinstance(start, int) and isinstance(end, int))
        or isinstance(start, bool)
        or not 0 <= start < end
    ):
        raise InputError(
            str(path), f"line {line}: {key}.start and {key}.end must be offsets with start < end"
        )
    return Side(doc, start, end)


def read_judgements(path: Path) -> list[Judgement]:
    """Every judgement in a JSONL file (an empty file has none); a bad line is an error naming its number."""
    out = []
    for n, raw in objects(path):
        verdict = raw.get("verdict")
        if verdict not in VERDICTS:
            raise InputError(
                str(path), f"line {n}: verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}"
            )
        for key in ("reason", "reader", "date", "found_by"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise InputError(str(path), f"line {n}: {key!r} must be a non-empty string")
        try:
            date.fromisoformat(raw["date"])
        except ValueError:
            raise InputError(str(path), f"line {n}: date {raw['date']!r} is not an ISO date") from None
        a, b = _side(raw.get("a"), path, n, "a"), _side(raw.get("b"), path, n, "b")
        out.append(Judgement(a, b, verdict, raw["reason"], raw["reader"], raw["date"], raw["found_by"]))
    return out


def _overlaps(x: Side, y: Side) -> bool:
    return x.doc == y.doc and overlap((x.start, x.end), (y.start, y.end)) >= MIN_OVERLAP


def _same_pair(a: Side, b: Side, j: Judgement) -> bool:
    return (_overlaps(a, j.a) and _overlaps(b, j.b)) or (_overlaps(a, j.b) and _overlaps(b, j.a))


def judged_pairs(judgements: Sequence[Judgement]) -> list[JudgedPair]:
    """The judgements grouped by pair, in file order: a judgement joins the first pair whose two spans its own
    overlap as a reported pair must (readers who quote a statement a little differently judge one pair)."""
    groups: list[tuple[Side, Side, list[Judgement]]] = []
    for j in judgements:
        group = next((g for g in groups if _same_pair(g[0], g[1], j)), None)
        if group is None:
            groups.append((j.a, j.b, [j]))
        else:
            group[2].append(j)
    return [JudgedPair(a, b, tuple(js)) for a, b, js in groups]


def is_side(st: Statement, side: Side) -> bool:
    """Whether ``st`` is the judged ``side``: the same document, content spans overlapping by half."""
    return (
        st.doc_id == side.doc
        and overlap((st.content.start, st.content.end), (side.start, side.end)) >= MIN_OVERLAP
    )


def matches(c: Contradiction, pair: JudgedPair) -> bool:
    """Whether the reported pair ``c`` is the judged ``pair``, in either order."""
    return (is_side(c.a, pair.a) and is_side(c.b, pair.b)) or (is_side(c.a, pair.b) and is_side(c.b, pair.a))


def _statement(st: Statement) -> dict[str, Any]:
    return {"doc": st.doc_id, "start": st.content.start, "end": st.content.end, "speaker": st.speaker_name,
            "content": st.content.text, "proposition": st.proposition}  # fmt: skip


def evaluate(
    report: Report, judgements: Sequence[Judgement], k: int, scored: Sequence[Contradiction] = ()
) -> dict[str, Any]:
    """Precision@k over the judged pairs among the report's top ``k``, the recall of the file's gold pairs
    (real contradictions) by the whole report, the top ``k`` pairs no reader has judged, and where each gold
    pair the report misses was lost (``scored``: every pair scored, to read a missed pair's score from)."""
    pairs = judged_pairs(judgements)
    top = []
    for rank, c in enumerate(report.contradictions[:k], 1):
        readers = [j for p in pairs if matches(c, p) for j in p.judgements]
        row = {"rank": rank, "score": round(c.score, 4), "reason": c.reason,
               "verdict": majority(readers) if readers else None,
               "a": _statement(c.a), "b": _statement(c.b)}  # fmt: skip
        if readers:
            row["readers"] = [f"{j.reader}: {j.verdict}: {j.reason}" for j in readers]
        top.append(row)
    judged = [r for r in top if r["verdict"] is not None]
    right = sum(r["verdict"] == "contradiction" for r in judged)
    gold = [p for p in pairs if p.is_gold]
    reported = [p for p in gold if any(matches(c, p) for c in report.contradictions)]
    return {
        "k": k,
        "reported": len(report.contradictions),
        "judged_in_top_k": len(judged),
        "unjudged_in_top_k": len(top) - len(judged),
        "precision_at_k": round(ratio(right, len(judged)), 4),
        "contradictions_in_top_k": right,
        "gold_pairs": len(gold),
        "gold_reported": len(reported),
        "gold_recall": round(ratio(len(reported), len(gold)), 4),
        "judged_pairs": len(pairs),
        "disputed_pairs": sum(p.verdict == "disputed" for p in pairs),
        "top": top,
        "gold_missed": [
            {
                "a": vars(p.a),
                "b": vars(p.b),
                "reason": p.judgements[0].reason,
                "lost": lost_at(p, report, scored),
            }
            for p in gold
            if p not in reported
        ],
    }


def lost_at(pair: JudgedPair, report: Report, scored: Sequence[Contradiction]) -> str:
    """Where a real contradiction the report misses was lost: a side never extracted, a side set aside by the
    claim gate, the pair never sent to NLI, or its score (``scored``: every pair scored, at threshold 0)."""
    sides = []
    for side in (pair.a, pair.b):
        found = [st for st in report.statements if is_side(st, side)]
        if not found:
            return f"not extracted: {side.doc}:{side.start}-{side.end}"
        sides.append(found)
    if not any(st.checkable for st in sides[0]) or not any(st.checkable for st in sides[1]):
        why = next(st.not_checkable for group in sides for st in group if not st.checkable)
        return f"set aside: {why}"
    ids = [{st.id for st in group} for group in sides]
    sent = [
        (x, y)
        for x, y in report.scored_pairs
        if (x in ids[0] and y in ids[1]) or (x in ids[1] and y in ids[0])
    ]
    if not sent:
        return f"not paired: {_unpaired(sides[0], sides[1], report.statements)}"
    best = max((c for c in scored if (c.a.id, c.b.id) in sent), key=lambda c: c.score, default=None)
    return f"scored {best.score:.3f} ({best.reason}, via {best.via})" if best else "scored, under the report"


def _unpaired(a: Sequence[Statement], b: Sequence[Statement], statements: Sequence[Statement]) -> str:
    """Why no statement of side ``a`` was paired with one of ``b``: the first test of ``stages.pair`` they
    all fail, else that neither was among the other's most similar statements."""
    live = [s for s in statements if s.is_assertion and s.checkable and s.proposition]
    ids = {s.id for s in live}
    a, b = [s for s in a if s.id in ids], [s for s in b if s.id in ids]
    if not (a and b):
        return "not an assertion (a demand, an intention, or a record's evidence)"
    pairs = [(x, y) for x in a for y in b if pairing.comparable(x, y)]
    if not pairs:
        return "not compared (one speaker on one date, or one utterance)"
    pairs = [(x, y) for x, y in pairs if not rules.apart(x, y)]
    if not pairs:
        return "about different people or things"
    common = pairing.common_topics(live)
    shown = next((why for x, y in pairs if (why := rules.about(x, y, common))), "")
    if not shown:
        return "nothing shows they are about one thing (no subject or uncommon noun shared)"
    return f"{shown}, but not among each other's most similar statements"


def context(doc: Document, start: int, end: int, chars: int = CONTEXT_CHARS) -> str:
    """The text around ``start:end``, cut at paragraph breaks where they fall near, the span marked ⟦ ⟧."""
    text = doc.text
    lo = max(0, start - chars)
    hi = min(len(text), end + chars)
    lo = text.find("\n", lo, start) + 1 if text.find("\n", lo, start) >= 0 else lo
    cut = text.rfind("\n", end, hi)
    hi = cut if cut > end else hi
    return (text[lo:start] + "⟦" + text[start:end] + "⟧" + text[end:hi]).strip()


def to_judge(
    report: Report, documents: Sequence[Document], judgements: Sequence[Judgement], k: int
) -> list[dict]:
    """The top ``k`` pairs no reader has judged, as a reader needs them: both statements with their
    speaker, proposition and context, no score (readers judge the text, not the system)."""
    pairs = judged_pairs(judgements)
    by_id = {d.id: d for d in documents}
    out = []
    for c in report.contradictions[:k]:
        if any(matches(c, p) for p in pairs):
            continue
        sides = {}
        for name, st in (("a", c.a), ("b", c.b)):
            sides[name] = {
                **_statement(st),
                "context": context(by_id[st.doc_id], st.content.start, st.content.end),
            }
        out.append(sides)
    return out


def gate(result: dict[str, Any], path: Path) -> dict[str, Any]:
    """The figures against ``{"min": {"precision_at_k": 0.6, "gold_recall": 0.5}}`` in ``path``; not applied
    (and passed) when there is no such file."""
    if not path.is_file():
        return {"applied": False, "passed": True, "failures": []}
    try:
        minimums = json.loads(path.read_text(encoding="utf-8"))["min"]
        failures = [f"{key} {result[key]:.3f} < {low}" for key, low in minimums.items() if result[key] < low]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InputError(
            str(path), f'expected {{"min": {{"precision_at_k": N, "gold_recall": N}}}} ({e})'
        ) from None
    return {"applied": True, "min": minimums, "passed": not failures, "failures": failures}


def render_table(result: dict[str, Any]) -> str:
    """The figures, then the top k with each pair's verdict."""
    from io import StringIO

    from rich.console import Console
    from rich.table import Table

    buf = StringIO()
    console = Console(file=buf, width=140, no_color=True, markup=False, highlight=False, soft_wrap=True)
    r = result
    console.print(
        f"{r['documents']} documents, {r['reported']} pairs reported; top {r['k']}: {r['judged_in_top_k']} "
        f"judged, {r['unjudged_in_top_k']} unjudged; precision@{r['k']} {r['precision_at_k']:.3f} "
        f"({r['contradictions_in_top_k']} real contradictions); gold pairs reported {r['gold_reported']} of "
        f"{r['gold_pairs']} (recall {r['gold_recall']:.3f})"
    )
    table = Table(show_lines=True)
    for col in ("#", "score", "verdict", "a", "b"):
        table.add_column(col, overflow="fold")
    for row in result["top"]:
        a, b = row["a"], row["b"]
        table.add_row(str(row["rank"]), f"{row['score']:.2f} {row['reason']}", row["verdict"] or "UNJUDGED",
                      f"{a['speaker']}: {a['proposition']}",
                      f"{b['speaker']}: {b['proposition']}")  # fmt: skip
    console.print(table)
    g = result["gate"]
    if g["applied"]:
        console.print(f"gate: {'PASSED' if g['passed'] else 'FAILED'} {'; '.join(g['failures'])}")
    return buf.getvalue()
