"""PolNeAR attributions (brat standoff) and span scoring against them.

Pure python (no spaCy, no typer) so that ``models/train_attribution.py`` can use it on a bare machine.

Conventions, used by ``checker eval attribution`` and the training script alike:

- **Spans.** Every ``Source``, ``Cue`` and ``Content`` T line is a gold span, whether or not an E line links
  it. A discontinuous span (``s1 e1;s2 e2``) is scored as one span per fragment, after joining fragments that
  only whitespace separates (brat splits a span at every line break). This is PolNeAR read as a tag sequence.
- **Exact match**: the same ``(start, end)`` once both spans are trimmed of surrounding whitespace and
  punctuation (``TRIM``: quotation marks, brackets, ``. , ; : ! ?``, dashes), so "“... wraps.”" and
  "... wraps" are one span. Words are never trimmed: PolNeAR's content starts at "that" when the clause
  has one.
- **Content** also drops a leading complementizer "that" on both sides (PolNeAR's content starts with it;
  checker's content is the clause without it, which its propositions are built from). ``content_strict``
  keeps it: PolNeAR's own convention.
- **Overlap match**: the trimmed spans share at least half of the characters of each.
- Matching is one-to-one: a gold span is credited to at most one predicted span and vice versa.
- **Several annotators**: an article is scored against each annotator's file and its counts averaged, so each
  article weighs the same however many people annotated it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from checker.errors import InputError
from checker.evaluation.metrics import prf

ROLES = ("source", "cue", "content")
TRIM = " \t\r\n\u00a0.,;:!?\"'“”‘’«»()[]{}—–-…"
PRONOUNS = frozenset("he she they it we i you him her them us".split())
_T_LINE = re.compile(r"^T\d+\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")
_CAPITAL = re.compile(r"\b[A-Z][\w’'.\-]*")
#: Capitalized words that do not name anyone: determiners and titles at a phrase's start.
_NOT_NAMES = frozenset(
    """
    The A An This That These Those His Her Their Its Our Mr Mrs Ms Mr. Mrs. Ms. Dr Dr. Sen Sen. Rep Rep. Gov
    Gov. President Former Republican Democratic Democrat Presidential Candidate Nominee Secretary Vice Both
    """.split()
)

Spans = tuple[tuple[int, int], ...]


@dataclass
class Attribution:
    """One E line: the fragments of its source, cue and content (any may be empty)."""

    id: str
    source: list[tuple[int, int]] = field(default_factory=list)
    cue: list[tuple[int, int]] = field(default_factory=list)
    content: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Annotation:
    """One annotator's file for one article: gold spans by role, and the linked attributions."""

    annotator: str
    spans: dict[str, list[tuple[int, int]]]
    attributions: list[Attribution]


@dataclass
class Article:
    id: str
    text: str
    annotations: list[Annotation]
    path: str = ""


def _fragments(offsets: str, text: str) -> list[tuple[int, int]]:
    """``"s1 e1;s2 e2"`` as fragments, joining those that only whitespace separates."""
    frags = sorted(tuple(int(x) for x in part.split()) for part in offsets.split(";"))
    out: list[list[int]] = []
    for s, e in frags:
        if out and not text[out[-1][1] : s].strip():
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out if e > s]


def parse_ann(ann: str, text: str, annotator: str = "") -> Annotation:
    """One brat file's Source/Cue/Content spans and E-line attributions (other lines are skipped)."""
    spans: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
    by_id: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[tuple[str, str]] = []
    for line in ann.splitlines():
        m = _T_LINE.match(line)
        if m:
            role = m.group(1).lower()
            frags = _fragments(m.group(2), text)
            if any(e > len(text) for _, e in frags):
                raise InputError(annotator or "annotation", f"span {m.group(2)} is past the text's end")
            by_id[line.split("\t", 1)[0]] = (role, frags)
            if role in spans:
                spans[role].extend(frags)
            continue
        m = _E_LINE.match(line)
        if m:
            events.append((m.group(1), m.group(2)))
    attributions = []
    for eid, args in events:
        att = Attribution(eid)
        for arg in args.split():
            role, _, tid = arg.partition(":")
            role = re.sub(r"\d+$", "", role.lower())  # Content2 -> content
            if role in ROLES and tid in by_id:
                getattr(att, role).extend(by_id[tid][1])
        attributions.append(att)
    for role in ROLES:
        spans[role] = sorted(set(spans[role]))
    return Annotation(annotator, spans, attributions)


def read_dir(path: Path, limit: int | None = None) -> list[Article]:
    """The articles of a PolNeAR split: ``DIR/text/X.txt`` with ``DIR/attributions/X_<annotator>.ann``."""
    text_dir, ann_dir = path / "text", path / "attributions"
    if not path.is_dir():
        raise InputError(str(path), "no such directory")
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise InputError(str(path), "expected text/ and attributions/ inside (PolNeAR's layout)")
    anns: dict[str, list[Path]] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        stem, _, _annotator = ann.stem.rpartition("_")
        anns.setdefault(stem, []).append(ann)
    articles = []
    for txt in sorted(text_dir.glob("*.txt")):
        files = anns.get(txt.stem)
        if not files:
            continue
        text = txt.read_text(encoding="utf-8")
        annotations = [
            parse_ann(f.read_text(encoding="utf-8"), text, f.stem.rpartition("_")[2]) for f in files
        ]
        articles.append(Article(txt.stem, text, annotations, str(txt)))
        if limit and len(articles) >= limit:
            break
    if not articles:
        raise InputError(str(path), "no article with an annotation file")
    return articles


# -- scoring ---------------------------------------------------------------------------------------


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` without surrounding whitespace and punctuation (``TRIM``)."""
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and text[end - 1] in TRIM:
        end -= 1
    return start, end


_COMPLEMENTIZER = re.compile(r"that\b[\s,]*", re.I)


def trim_content(text: str, start: int, end: int) -> tuple[int, int]:
    """``trim``, then without a leading "that" ("that the wall ..." -> "the wall ...")."""
    start, end = trim(text, start, end)
    m = _COMPLEMENTIZER.match(text, start, end)
    if m and m.end() < end:
        start, end = trim(text, m.end(), end)
    return start, end


def _trimmed(text: str, spans: Iterable[tuple[int, int]], content: bool = False) -> list[tuple[int, int]]:
    cut = trim_content if content else trim
    return sorted({t for t in (cut(text, s, e) for s, e in spans) if t[1] > t[0]})


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """The spans share at least half of the characters of each."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter > 0 and 2 * inter >= a[1] - a[0] and 2 * inter >= b[1] - b[0]


def matches(gold: Sequence[tuple[int, int]], pred: Sequence[tuple[int, int]], exact: bool = True) -> int:
    """How many gold spans are matched one-to-one by predicted spans (both already trimmed)."""
    if exact:
        return len(set(gold) & set(pred))
    pairs = sorted(
        ((min(g[1], p[1]) - max(g[0], p[0]), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)
         if overlaps(g, p)),
        reverse=True,
    )  # fmt: skip
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, i, j in pairs:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
    return len(used_g)


@dataclass
class Counts:
    """True positives, gold and predicted spans; fractional when averaged over annotators."""

    tp: float = 0.0
    gold: float = 0.0
    pred: float = 0.0

    def add(self, tp: float, gold: float, pred: float, weight: float = 1.0) -> None:
        self.tp += tp * weight
        self.gold += gold * weight
        self.pred += pred * weight

    def prf(self) -> dict[str, float]:
        p, r, f1 = prf(self.tp, self.pred, self.gold)
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(f1, 4)}


METRICS = ("source", "cue", "content", "source_overlap", "cue_overlap", "content_overlap", "content_strict")


def score_article(
    article: Article, predicted: dict[str, Iterable[tuple[int, int]]], totals: dict[str, Counts]
) -> None:
    """Add one article's counts (averaged over its annotators) to ``totals``, keyed by ``METRICS``."""
    weight = 1.0 / len(article.annotations)
    text = article.text
    pred = {r: _trimmed(text, predicted.get(r, ()), r == "content") for r in ROLES}
    strict = _trimmed(text, predicted.get("content", ()))
    for ann in article.annotations:
        for role in ROLES:
            gold = _trimmed(text, ann.spans[role], role == "content")
            for name, exact in ((role, True), (f"{role}_overlap", False)):
                tp = matches(gold, pred[role], exact)
                totals.setdefault(name, Counts()).add(tp, len(gold), len(pred[role]), weight)
        gold = _trimmed(text, ann.spans["content"])
        tp = matches(gold, strict)
        totals.setdefault("content_strict", Counts()).add(tp, len(gold), len(strict), weight)


def empty_totals() -> dict[str, Counts]:
    return {name: Counts() for name in METRICS}


# -- pronoun sources -----------------------------------------------------------------------------


def name_words(text: str) -> set[str]:
    """The capitalized words of a mention that can name someone ("the Clinton campaign" -> {"Clinton"})."""
    words = {w.rstrip(".’'").removesuffix("’s").removesuffix("'s") for w in _CAPITAL.findall(text)}
    return {w for w in words if w and w not in _NOT_NAMES and w + "." not in _NOT_NAMES}


def pronoun_antecedents(article: Article, ann: Annotation) -> list[tuple[tuple[int, int], str]]:
    """Each gold source that is a bare pronoun, with its gold antecedent's text.

    The antecedent is the nearest preceding gold source (same annotator) that is not a pronoun and has a
    capitalized word that can be a name (``name_words``). Pronouns without one are left out.
    """
    text = article.text
    sources = sorted(ann.spans["source"])
    out = []
    for k, (s, e) in enumerate(sources):
        if text[s:e].strip().lower() not in PRONOUNS:
            continue
        for ps, pe in reversed(sources[:k]):
            mention = text[ps:pe]
            if mention.strip().lower() not in PRONOUNS and name_words(mention):
                out.append(((s, e), mention))
                break
    return out


def same_entity(antecedent: str, resolved_name: str) -> bool:
    """The resolved speaker's name and the gold antecedent share a name word ("Clinton")."""
    return bool(name_words(antecedent) & name_words(resolved_name))
