"""``checker eval attribution DIR``: the extractor's spans against PolNeAR's, and pronoun speakers resolved.

DIR holds ``text/`` and ``attributions/`` in PolNeAR's layout. Every text runs through the same stages as
``checker statements`` (parse, attribute, resolve speakers); the statements' speaker, cue and content spans
are scored against each annotator's file as ``checker/polnear.py`` defines (exact and overlap match,
averaged over an article's annotators).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from checker.evaluation import polnear
from checker.records import Document, Statement
from checker.runtime import tagger

NOTE = (
    "exact = same span after trimming surrounding space and punctuation (and, for content, a leading "
    "complementizer 'that': content_strict keeps it); overlap = the spans share half of each; "
    "discontinuous gold spans count one span per fragment; an article with several annotators is scored "
    "against each and averaged"
)


def predicted_spans(statements: Sequence[Statement]) -> dict[str, list[tuple[int, int]]]:
    """The distinct speaker, cue and content spans of one document's statements."""
    out: dict[str, set[tuple[int, int]]] = {r: set() for r in polnear.ROLES}
    for st in statements:
        out["source"].add((st.speaker.start, st.speaker.end))
        out["cue"].add((st.cue.start, st.cue.end))
        out["content"].add((st.content.start, st.content.end))
    return {r: sorted(v) for r, v in out.items()}


def pronoun_counts(article: polnear.Article, statements: Sequence[Statement]) -> tuple[float, float, float]:
    """``(gold pronoun sources, found as a speaker, resolved to the antecedent)``, averaged over annotators.

    A gold pronoun source is found when a statement's speaker is that span (trimmed); it is resolved when the
    statement's speaker name and the gold antecedent (``polnear.pronoun_antecedents``) share a name word.
    """
    text = article.text
    by_span: dict[tuple[int, int], list[Statement]] = {}
    for st in statements:
        by_span.setdefault(polnear.trim(text, st.speaker.start, st.speaker.end), []).append(st)
    weight = 1.0 / len(article.annotations)
    n = found = right = 0.0
    for ann in article.annotations:
        for (s, e), antecedent in polnear.pronoun_antecedents(article, ann):
            n += weight
            hits = by_span.get(polnear.trim(text, s, e), [])
            if hits:
                found += weight
                if any(polnear.same_entity(antecedent, st.speaker_name) for st in hits):
                    right += weight
    return n, found, right


def eval_attribution(path: Path, limit: int | None = None) -> dict:
    """Span P/R/F1 by role (exact and overlap) and pronoun-speaker accuracy of the extractor on ``path``."""
    from checker.pipeline import statements_of

    articles = polnear.read_dir(path, limit)
    documents = [Document(a.id, a.text, path=a.path) for a in articles]
    started = time.perf_counter()
    _, statements, _ = statements_of(documents)
    seconds = time.perf_counter() - started
    by_doc: dict[str, list[Statement]] = {}
    for st in statements:
        by_doc.setdefault(st.doc_id, []).append(st)
    totals = polnear.empty_totals()
    pron = [0.0, 0.0, 0.0]
    n_gold = 0.0
    for art in articles:
        sts = by_doc.get(art.id, [])
        polnear.score_article(art, predicted_spans(sts), totals)
        for k, v in enumerate(pronoun_counts(art, sts)):
            pron[k] += v
        n_gold += sum(len(a.attributions) for a in art.annotations) / len(art.annotations)
    result: dict = {name: totals[name].prf() for name in polnear.METRICS}
    result["pronoun_resolution"] = {
        "accuracy": round(pron[2] / pron[0], 4) if pron[0] else 0.0,
        "accuracy_found": round(pron[2] / pron[1], 4) if pron[1] else 0.0,
        "n": round(pron[0], 1),
        "found": round(pron[1], 1),
    }
    result["n_docs"] = len(articles)
    result["n_gold"] = round(n_gold, 1)  # attributions (E lines), averaged over annotators
    result["n_pred"] = len(statements)
    result["spans"] = {
        "gold": {r: round(totals[r].gold, 1) for r in polnear.ROLES},
        "pred": {r: round(totals[r].pred, 1) for r in polnear.ROLES},
    }
    result["annotators"] = sum(len(a.annotations) for a in articles)
    result["seconds"] = round(seconds, 1)
    result["extractor"] = tagger.describe()
    result["note"] = NOTE
    return result


def print_table(result: dict, directory: Path) -> None:
    """The figures of ``eval_attribution`` as a table on stdout."""
    from rich.console import Console
    from rich.table import Table

    title = (
        f"{directory}: {result['n_docs']} articles, {result['annotators']} annotation files, "
        f"{result['n_gold']} gold attributions, {result['n_pred']} statements, {result['seconds']} s"
    )
    table = Table(title=title)
    for col in ("role", "exact P", "R", "F1", "overlap P", "R ", "F1 ", "gold", "pred"):
        table.add_column(col, justify="left" if col == "role" else "right")
    for role in (*polnear.ROLES, "content_strict"):
        e, o = result[role], result[f"{role}_overlap" if role in polnear.ROLES else "content_overlap"]
        table.add_row(
            role,
            *(f"{e[k]:.3f}" for k in ("p", "r", "f1")),
            *(f"{o[k]:.3f}" for k in ("p", "r", "f1")),
            str(result["spans"]["gold"].get(role, "")),
            str(result["spans"]["pred"].get(role, "")),
        )
    console = Console()
    console.print(table)
    pr = result["pronoun_resolution"]
    console.print(
        f"pronoun sources resolved to the gold antecedent: {pr['accuracy']:.3f} of {pr['n']} "
        f"({pr['accuracy_found']:.3f} of the {pr['found']} found as speakers)"
    )
    console.print(f"extractor: {result['extractor']}")
    console.print(NOTE)
