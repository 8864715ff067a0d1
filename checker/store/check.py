"""Checking new documents against the store: the nearest stored statements and those about the same people,
paired and scored as in a whole-corpus check."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from sqlalchemy import and_, select

from checker import config
from checker.pipeline import StageCallback, contradictions_of, live_statements, statements_each
from checker.records import Contradiction, Document, DocumentStatus, Report, Speaker, Statement
from checker.stages import embed, pair
from checker.store import read, schema, write
from checker.store.database import Database
from checker.store.index import DIM, VectorIndex, open_index
from checker.store.provenance import embedding_model, nli_model


def common(db: Database, new: Sequence[Statement], stored: int) -> frozenset[str]:
    """``pair.common_topics`` over the ``stored`` live statements of the store and the new ones."""
    t = schema.topic_counts.c
    bar = max(config.COMMON_TOPIC_MIN, config.COMMON_TOPIC_SHARE * (stored + len(new)))
    with db.engine.connect() as conn:
        rows = conn.execute(select(t.key, t.statements).where(t.statements > bar - len(new))).all()
    counts = Counter(dict(rows))
    counts.update(t for st in new for t in set(st.topics))
    return frozenset(key for key, n in counts.items() if n > bar)


def nearby(
    db: Database, index: VectorIndex, new: Sequence[Statement], vectors: np.ndarray, exclude: set[str]
) -> set[int]:
    """Stored statements worth pairing with the new ones: each new row's nearest stored statements, and
    the latest statements about each person a new statement's subject names."""
    hits: set[int] = set()
    for best in index.search(vectors, config.STORE_NEIGHBOURS):
        hits.update(best)
    subjects = sorted({sub[:256] for st in new for sub in st.subjects})
    if subjects:
        k, s, d = schema.keys.c, schema.statements.c, schema.documents.c
        with db.engine.connect() as conn:
            for sub in subjects:
                q = (
                    select(s.pk)
                    .join_from(schema.keys, schema.statements, s.pk == k.statement_pk)
                    .join(schema.documents, and_(d.pk == s.document_pk, d.current))
                    .where(k.kind == "subject", k.key == sub, s.live)
                    .order_by(s.date.desc(), s.pk.desc())
                    .limit(config.STORE_SUBJECT_LIMIT)
                )
                hits.update(conn.execute(q).scalars())
    return hits - _of_documents(db, exclude)


def _of_documents(db: Database, doc_ids: set[str]) -> set[int]:
    """The stored statements of documents ``doc_ids`` (any version): a new version is not checked against
    its old self."""
    if not doc_ids:
        return set()
    d, s = schema.documents.c, schema.statements.c
    with db.engine.connect() as conn:
        return set(
            conn.execute(
                select(s.pk)
                .join_from(schema.statements, schema.documents, d.pk == s.document_pk)
                .where(d.doc_id.in_(sorted(doc_ids)))
            ).scalars()
        )


def _best(vectors: np.ndarray, starts: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Per statement (``starts``: its first row), its best similarity to any of ``rows``."""
    if len(vectors) == 0 or len(rows) == 0:
        return np.zeros(len(starts))
    return np.maximum.reduceat((vectors @ rows.T).max(axis=1), starts)


def _stack(blocks: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Statements' embedding rows one after another, and each statement's first row."""
    if not blocks:
        return np.zeros((0, DIM), dtype=np.float32), np.zeros(0, dtype=np.intp)
    starts = np.cumsum([0] + [len(b) for b in blocks[:-1]]).astype(np.intp)
    return np.concatenate(blocks), starts


Loaded = tuple[int, Statement, np.ndarray]


def _choosers(
    index: VectorIndex, old: Sequence[Loaded], new_rows: np.ndarray
) -> tuple[list[tuple[Loaded, set[int]]], list[Loaded]]:
    """Which stored statements may choose a new one as a neighbour, as in a whole-corpus check (each
    statement keeps its nearest comparable ones, ``pair.candidates``): those with a new statement among
    their ``STORE_CHOOSER_NEIGHBOURS`` nearest, each with those neighbours (to rank the new one against);
    and the rest. Only statements within ``STORE_CHOOSER_FLOOR`` of a new one are looked up."""
    if not old:
        return [], []
    vectors, starts = _stack([v for _, _, v in old])
    best = _best(vectors, starts, new_rows)
    # a statement less similar to every new one than to its own K-th nearest stored one cannot choose one
    bars = index.bar([pk for pk, _, _ in old])
    maybe = [k for k, b in enumerate(best) if b >= max(config.STORE_CHOOSER_FLOOR, bars[k])]
    rows, row_starts = _stack([old[k][2] for k in maybe])
    found = index.search(rows, config.STORE_CHOOSER_NEIGHBOURS + 1) if maybe else []
    choosing, chosen = [], [o for k, o in enumerate(old) if k not in set(maybe)]
    for m, k in enumerate(maybe):
        end = row_starts[m + 1] if m + 1 < len(row_starts) else len(rows)
        near: dict[int, float] = {}
        for hits in found[row_starts[m] : end]:
            for pk, sim in hits.items():
                near[pk] = max(near.get(pk, -1.0), sim)
        near.pop(old[k][0], None)  # itself
        ranked = sorted(near.values(), reverse=True)
        k_th = config.STORE_CHOOSER_NEIGHBOURS
        bar = ranked[k_th - 1] if len(ranked) >= k_th else -1.0
        if best[k] >= bar:
            choosing.append((old[k], set(near)))
        else:
            chosen.append(old[k])
    return choosing, chosen


def _load(db: Database, pks: set[int]) -> list[tuple[int, Statement, np.ndarray]]:
    """Stored live statements by key, with their embedding rows, in key order."""
    if not pks:
        return []
    s = schema.statements.c
    rows = []
    keys = sorted(pks)
    for lo in range(0, len(keys), 5000):  # bounded IN lists
        rows += read.statements(db, s.pk.in_(keys[lo : lo + 5000]), order=(s.pk,))
    return [(pk, st, v) for pk, st, v in rows if v is not None]


def quotes_near(
    db: Database, stored: Sequence[Statement], have: set[int]
) -> list[tuple[int, Statement, np.ndarray]]:
    """Live quotes of the stored statements' documents within ``FOLLOW_UP_SENTENCES`` of them: what
    follow-ups (``pair.follow_ups``) may pair, as in a whole-corpus check."""
    near: dict[str, set[int]] = {}
    for st in stored:
        near.setdefault(st.doc_id, set()).update(
            range(st.sentence - config.FOLLOW_UP_SENTENCES, st.sentence + config.FOLLOW_UP_SENTENCES + 1)
        )
    if not near:
        return []
    s, d = schema.statements.c, schema.documents.c
    rows = read.statements(db, and_(d.doc_id.in_(sorted(near)), d.current, s.live))
    return [
        (pk, st, v)
        for pk, st, v in rows
        if pk not in have and st.kind in pair.QUOTED and st.sentence in near[st.doc_id] and v is not None
    ]


def _noop(stage: str, done: int, total: int) -> None:
    return None


def check(
    db: Database,
    documents: Sequence[Document],
    *,
    ingest: bool = False,
    threshold: float | None = None,
    skipped: Sequence[DocumentStatus] = (),
    on_stage: StageCallback | None = None,
) -> Report:
    """The new documents' statements checked against the store's (and each other): the report as
    ``checker.check`` gives it, stored documents listed with status "stored". ``ingest``: also store the
    new documents and the contradictions found."""
    from checker.runtime.nli import load_nli
    from checker.runtime.tagger import describe as describe_extractor

    on_stage = on_stage or _noop
    threshold = config.CONTRADICTION_THRESHOLD if threshold is None else threshold
    model = load_nli()
    known = write.known_people(db)
    on_stage("parse", 0, len(documents))
    per_doc = list(statements_each(documents, known, config.STORE_PARSE_BATCH))
    on_stage("parse", len(documents), len(documents))
    statements = [st for _, found, _ in per_doc for st in found]
    people: dict[str, Speaker] = {}
    for _, _, found_people in per_doc:
        for p in found_people:
            people[p.id] = replace(p, mentions=people[p.id].mentions + p.mentions) if p.id in people else p
    new = live_statements(statements)
    on_stage("embed", 0, len(new))
    vec_new, starts_new = embed.vectors(new)
    on_stage("embed", len(new), len(new))
    index = open_index(db)
    exclude = _of_documents(db, {d.id for d in documents})
    near = nearby(db, index, new, vec_new, set()) - exclude
    common_nouns = common(db, new, index.count)
    old = _load(db, near)
    choosing, chosen = _choosers(index, old, vec_new)
    theirs = set().union(*(ns for _, ns in choosing)) - near - exclude
    stored = [o for o, _ in choosing] + chosen + _load(db, theirs)
    combined = list(new) + [st for _, st, _ in stored]
    pieces = embed.per_statement(vec_new, starts_new)
    vectors, starts = _stack(pieces + [v for _, _, v in stored])
    new_ids = {st.id for st in new}
    on_stage("pair", 0, len(combined))
    cands = [
        c
        for c in pair.candidates(
            combined, vectors, starts=starts, common=common_nouns, choosers=len(new) + len(choosing)
        )
        if c.a in new_ids or c.b in new_ids
    ]
    on_stage("pair", len(combined), len(combined))
    paired = {c.a for c in cands} | {c.b for c in cands}
    extra = quotes_near(db, [st for _, st, _ in stored if st.id in paired], {pk for pk, _, _ in stored})
    if extra:  # what follow-ups may pair with, after the candidates
        vectors, starts = _stack(pieces + [v for _, _, v in stored + extra])
        combined += [st for _, st, _ in extra]
    found, scored = contradictions_of(
        combined, cands, vectors, starts, common_nouns, model, threshold, on_stage
    )
    found = [c for c in found if c.a.id in new_ids or c.b.id in new_ids]
    pk_of = {st.id: pk for pk, st, _ in stored + extra}
    if ingest:
        for doc, doc_statements, doc_people in per_doc:
            _, pks = write.store_document(db, doc, doc_statements, doc_people)
            pk_of.update(pks)
        write.save_contradictions(db, found, pk_of)
    counts = Counter(st.doc_id for st in statements)
    statuses = [
        DocumentStatus(d.id, d.source, d.date, d.path, "checked", statements=counts.get(d.id, 0), note=d.note)
        for d in documents
    ]
    stored_docs = {c.a.doc_id for c in found} | {c.b.doc_id for c in found}
    statuses += read.documents(db, stored_docs - {d.id for d in documents}) + list(skipped)
    shown = statements + _others(found, statements)
    speaker_list = sorted(people.values(), key=lambda p: p.id)
    speaker_list += read.speakers_of(db, {st.speaker_id for st in shown} - set(people))
    models = {
        "spacy": config.SPACY_MODEL,
        "attribution": describe_extractor(),
        "embedding": embedding_model(),
        "nli": nli_model(),
        "store": db.url,
    }
    return Report(
        statuses,
        shown,
        speaker_list,
        found,
        threshold,
        pairs_all=len(new) * index.count + pair.count_comparable(new),
        pairs_scored=len(scored),
        models=models,
        scored_pairs=[(c.a, c.b) for c in scored],
    )


def _others(found: Sequence[Contradiction], statements: Sequence[Statement]) -> list[Statement]:
    """The stored statements in ``found`` that are not among ``statements``, in order of appearance."""
    seen = {st.id for st in statements}
    out = []
    for c in found:
        for st in (c.a, c.b):
            if st.id not in seen:
                seen.add(st.id)
                out.append(st)
    return out
