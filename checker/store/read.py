"""Reading the store: statements, documents, speakers and contradictions on record."""

from __future__ import annotations

import json

import numpy as np
from sqlalchemy import and_, func, select

from checker.records import Contradiction, DocumentStatus, Speaker, Statement
from checker.store import schema
from checker.store.database import Database
from checker.store.index import DIM


def statements(db: Database, where, order=None) -> list[tuple[int, Statement, np.ndarray | None]]:  # noqa: ANN001
    """Stored statements matching ``where`` (over statements joined to their documents): key, record and
    embedding rows (None when not checked)."""
    s, d = schema.statements.c, schema.documents.c
    q = (
        select(s.pk, s.record, s.embedding)
        .join_from(schema.statements, schema.documents, d.pk == s.document_pk)
        .where(where)
    )
    if order is not None:
        q = q.order_by(*order)
    out = []
    with db.engine.connect() as conn:
        for pk, record, blob in conn.execute(q):
            vec = np.frombuffer(blob, dtype=np.float32).reshape(-1, DIM) if blob is not None else None
            out.append((pk, Statement.from_dict(json.loads(record)), vec))
    return out


def documents(db: Database, doc_ids: set[str]) -> list[DocumentStatus]:
    """The current versions of the stored documents ``doc_ids`` (status "stored")."""
    d = schema.documents.c
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(d.doc_id, d.outlet, d.date, d.path, d.statements, d.version)
            .where(d.doc_id.in_(sorted(doc_ids)), d.current)
            .order_by(d.doc_id)
        ).all()
    return [
        DocumentStatus(
            r.doc_id,
            r.outlet,
            r.date,
            r.path,
            "stored",
            statements=r.statements,
            note=f"stored, version {r.version}" if r.version > 1 else "stored",
        )
        for r in rows
    ]


def stats(db: Database) -> dict[str, int]:
    """Counts: current documents (and all versions), statements of current documents, speakers, and
    contradictions found."""
    d, s = schema.documents.c, schema.statements.c
    with db.engine.connect() as conn:
        docs = conn.execute(select(func.count()).where(d.current)).scalar_one()
        versions = conn.execute(select(func.count()).select_from(schema.documents)).scalar_one()
        stmts = conn.execute(
            select(func.count())
            .select_from(schema.statements.join(schema.documents, d.pk == s.document_pk))
            .where(d.current)
        ).scalar_one()
        speakers = conn.execute(select(func.count()).select_from(schema.speakers)).scalar_one()
        contradictions = conn.execute(select(func.count()).select_from(schema.contradictions)).scalar_one()
    return {
        "documents": int(docs),
        "document_versions": int(versions),
        "statements": int(stmts),
        "speakers": int(speakers),
        "contradictions": int(contradictions),
    }


def speakers(db: Database) -> list[tuple[Speaker, int]]:
    """Every speaker entity with its aliases (the texts that named it) and its statements in current
    documents, most statements first."""
    sp, s, d, m = schema.speakers.c, schema.statements.c, schema.documents.c, schema.mentions.c
    with db.engine.connect() as conn:
        counts = dict(
            conn.execute(
                select(s.speaker_id, func.count())
                .join_from(schema.statements, schema.documents, d.pk == s.document_pk)
                .where(d.current)
                .group_by(s.speaker_id)
            ).all()
        )
        aliases: dict[str, list[str]] = {}
        for sid, alias in conn.execute(
            select(m.speaker_id, m.text).distinct().order_by(m.speaker_id, m.text)
        ):
            aliases.setdefault(sid, []).append(alias)
        rows = conn.execute(select(sp.id, sp.name, sp.kind)).all()
    out = [
        (
            Speaker(r.id, r.name, r.kind, tuple(("", 0, 0, a) for a in aliases.get(r.id, ()))),
            int(counts.get(r.id, 0)),
        )
        for r in rows
    ]
    return sorted(out, key=lambda x: (-x[1], x[0].name))


def find_speaker(db: Database, name: str) -> list[str]:
    """The speaker ids ``name`` may mean: its id, a name or alias equal to it, or a surname match."""
    sp, m = schema.speakers.c, schema.mentions.c
    low = name.strip().lower()
    with db.engine.connect() as conn:
        rows = conn.execute(select(sp.id, sp.name)).all()
        alias_rows = conn.execute(select(m.speaker_id, m.text).distinct()).all()
    exact = {r.id for r in rows if r.id == low or r.name.lower() == low}
    exact |= {sid for sid, t in alias_rows if t.lower() == low}
    if exact:
        return sorted(exact)
    return sorted(r.id for r in rows if r.name.lower().split()[-1:] == low.split()[-1:] and " " not in low)


def said(
    db: Database,
    speaker: str,
    *,
    since: str | None = None,
    about: str | None = None,
    limit: int | None = None,
) -> list[Statement]:
    """One speaker's statements in current documents: newest first, or with ``about`` most similar to
    it first. ``speaker`` is an id, a name, an alias or a surname."""
    ids = find_speaker(db, speaker)
    if not ids:
        return []
    s, d = schema.statements.c, schema.documents.c
    where = and_(s.speaker_id.in_(ids), d.current)
    if since:
        where = and_(where, s.date >= since)
    found = statements(db, where, order=(s.date.desc(), s.pk.desc()))
    if about:
        from checker.runtime.embedder import embed as embed_texts

        q = embed_texts([about])[0]
        score = [float((v @ q).max()) if v is not None else -1.0 for _, _, v in found]
        found = [f for _, f in sorted(zip(score, found, strict=True), key=lambda x: -x[0])]
    out = [st for _, st, _ in found]
    return out[:limit] if limit else out


def contradictions(
    db: Database, *, speaker: str | None = None, since: str | None = None, min_score: float | None = None
) -> list[Contradiction]:
    """The contradictions ``check --ingest`` found and stored, best first."""
    c, s = schema.contradictions.c, schema.statements.c
    q = select(c.record, c.a_pk, c.b_pk).order_by(c.score.desc(), c.pk)
    if min_score is not None:
        q = q.where(c.score >= min_score)
    ids = find_speaker(db, speaker) if speaker else None
    with db.engine.connect() as conn:
        rows = conn.execute(q).all()
        if speaker is not None or since is not None:
            keep = set()
            sides_pk = sorted({r.a_pk for r in rows} | {r.b_pk for r in rows})
            sq = select(s.pk, s.speaker_id, s.date).where(s.pk.in_(sides_pk))
            info = {pk: (sid, date) for pk, sid, date in conn.execute(sq)}
            for r in rows:
                sides = [info.get(r.a_pk, ("", None)), info.get(r.b_pk, ("", None))]
                if ids is not None and not any(sid in ids for sid, _ in sides):
                    continue
                if since is not None and not any((date or "") >= since for _, date in sides):
                    continue
                keep.add((r.a_pk, r.b_pk))
            rows = [r for r in rows if (r.a_pk, r.b_pk) in keep]
    return [contradiction_from_dict(json.loads(r.record)) for r in rows]


def speakers_of(db: Database, ids: set[str]) -> list[Speaker]:
    if not ids:
        return []
    sp = schema.speakers.c
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(sp.id, sp.name, sp.kind).where(sp.id.in_(sorted(ids))).order_by(sp.id)
        ).all()
    return [Speaker(r.id, r.name, r.kind) for r in rows]


def contradiction_from_dict(d: dict) -> Contradiction:
    return Contradiction(
        a=Statement.from_dict(d["a"]),
        b=Statement.from_dict(d["b"]),
        score=d["score"],
        nli_ab=d["nli"]["a_to_b"],
        nli_ba=d["nli"]["b_to_a"],
        similarity=d["similarity"],
        reason=d["reason"],
        explanation=d["explanation"],
        opposite=d.get("opposite"),
        via=d.get("via", "similar"),
        main_claims=d.get("main_claims"),
        about=d.get("about", ""),
    )
