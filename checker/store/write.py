"""Writing the store: one document with everything it owns in one transaction, and contradictions found."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import Connection, and_, func, insert, or_, select, update

from checker.pipeline import live_statements
from checker.records import Contradiction, Document, Speaker, Statement
from checker.stages import embed
from checker.store import schema
from checker.store.database import Database, retry, transaction


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def keys_of(st: Statement) -> set[tuple[str, str]]:
    return {("topic", t[:256]) for t in st.topics} | {("subject", s[:256]) for s in st.subjects}


def embedding_rows(statements: Sequence[Statement]) -> dict[str, bytes]:
    """Each live statement's embedding rows (one per piece of its proposition) as float32 bytes."""
    live = live_statements(statements)
    rows = embed.per_statement(*embed.vectors(live))
    return {
        st.id: np.ascontiguousarray(r, dtype=np.float32).tobytes() for st, r in zip(live, rows, strict=True)
    }


def state(db: Database, doc: Document) -> tuple[str, int]:
    """ "unchanged", "new" or "version" for ``doc``, and the version it would get."""
    d = schema.documents.c
    with db.engine.connect() as conn:
        row = conn.execute(select(d.content_hash, d.version).where(d.doc_id == doc.id, d.current)).first()
    if row is None:
        return "new", 1
    if row.content_hash == content_hash(doc.text):
        return "unchanged", row.version
    return "version", row.version + 1


def known_people(db: Database) -> Counter[str]:
    sp, m = schema.speakers.c, schema.mentions.c
    q = (
        select(sp.name, func.count(m.pk))
        .join_from(schema.speakers, schema.mentions, sp.id == m.speaker_id)
        .where(sp.kind == "person")
        .group_by(sp.name)
    )
    with db.engine.connect() as conn:
        return Counter({name: int(n) for name, n in conn.execute(q)})


def write_document(
    conn: Connection,
    doc: Document,
    statements: Sequence[Statement],
    people: Sequence[Speaker],
    rows: dict[str, bytes],
) -> tuple[str, dict[str, int]]:
    """One document with everything it owns, inside the caller's transaction; ``("unchanged", {})`` when
    the same text is already stored (another process may have stored it meanwhile)."""
    d = schema.documents.c
    digest = content_hash(doc.text)
    row = conn.execute(select(d.pk, d.content_hash, d.version).where(d.doc_id == doc.id, d.current)).first()
    if row is not None and row.content_hash == digest:
        st = schema.statements.c
        stored = conn.execute(select(st.statement_id, st.pk).where(st.document_pk == row.pk)).all()
        return "unchanged", {sid: pk for sid, pk in stored}
    version = 1 if row is None else row.version + 1
    if row is not None:
        conn.execute(update(schema.documents).where(d.pk == row.pk).values(current=False))
        k, st = schema.keys.c, schema.statements.c
        gone = conn.execute(
            select(k.key, func.count())
            .join_from(schema.keys, schema.statements, st.pk == k.statement_pk)
            .where(st.document_pk == row.pk, st.live, k.kind == "topic")
            .group_by(k.key)
        ).all()
        _count_topics(conn, Counter({key: -n for key, n in gone}))
    pk = conn.execute(
        insert(schema.documents).values(
            doc_id=doc.id,
            version=version,
            content_hash=digest,
            current=True,
            outlet=doc.source,
            date=doc.date,
            url=doc.url,
            path=doc.path,
            text=doc.text,
            statements=len(statements),
            ingested_at=_now(),
        )
    ).inserted_primary_key[0]
    have = set(
        conn.execute(
            select(schema.speakers.c.id).where(schema.speakers.c.id.in_([p.id for p in people]))
        ).scalars()
    )
    new_people = [{"id": p.id, "name": p.name, "kind": p.kind} for p in people if p.id not in have]
    if new_people:
        conn.execute(insert(schema.speakers), new_people)
    mention_rows = [
        {"speaker_id": p.id, "document_pk": pk, "start": s, "end": e, "text": t}
        for p in people
        for (_, s, e, t) in p.mentions
    ]
    if mention_rows:
        conn.execute(insert(schema.mentions), mention_rows)
    pks: dict[str, int] = {}
    for st in statements:
        pks[st.id] = conn.execute(
            insert(schema.statements).values(
                document_pk=pk,
                statement_id=st.id,
                speaker_id=st.speaker_id,
                date=st.date,
                live=st.id in rows,
                proposition=st.proposition,
                record=json.dumps(st.to_dict(), ensure_ascii=False),
                embedding=rows.get(st.id),
            )
        ).inserted_primary_key[0]
    key_rows = [
        {"statement_pk": pks[st.id], "kind": kind, "key": key}
        for st in statements
        if st.id in rows
        for kind, key in sorted(keys_of(st))
    ]
    if key_rows:
        conn.execute(insert(schema.keys), key_rows)
        _count_topics(conn, Counter(r["key"] for r in key_rows if r["kind"] == "topic"))
    return ("version" if version > 1 else "new"), pks


def store_document(
    db: Database, doc: Document, statements: Sequence[Statement], people: Sequence[Speaker]
) -> tuple[str, dict]:
    rows = embedding_rows(statements)  # before the transaction: the lock is held for writing only

    def work() -> tuple[str, dict]:
        with transaction(db) as conn:
            return write_document(conn, doc, statements, people, rows)

    return retry(work)


def save_contradictions(db: Database, found: Sequence[Contradiction], pk_of: dict[str, int]) -> None:
    rows = []
    for c in found:
        a, b = pk_of.get(c.a.id), pk_of.get(c.b.id)
        if a is None or b is None:
            continue
        a, b = min(a, b), max(a, b)
        rows.append(
            {
                "a_pk": a,
                "b_pk": b,
                "score": c.score,
                "reason": c.reason,
                "record": json.dumps(c.to_dict(), ensure_ascii=False),
                "found_at": _now(),
            }
        )
    if not rows:
        return

    def work() -> None:
        c = schema.contradictions.c
        with transaction(db) as conn:
            have = set(
                conn.execute(
                    select(c.a_pk, c.b_pk).where(
                        or_(*[and_(c.a_pk == r["a_pk"], c.b_pk == r["b_pk"]) for r in rows])
                    )
                )
            )
            fresh = [r for r in rows if (r["a_pk"], r["b_pk"]) not in have]
            if fresh:
                conn.execute(insert(schema.contradictions), fresh)

    retry(work)


def _count_topics(conn: Connection, change: Counter[str]) -> None:
    """Add ``change`` to the topic counts (a count that reaches zero is removed)."""
    t = schema.topic_counts.c
    for key, n in sorted(change.items()):
        if n == 0:
            continue
        done = conn.execute(
            update(schema.topic_counts).where(t.key == key).values(statements=t.statements + n)
        ).rowcount
        if not done and n > 0:
            conn.execute(insert(schema.topic_counts).values(key=key, statements=n))
    gone = [key for key, n in change.items() if n < 0]
    if gone:
        conn.execute(schema.topic_counts.delete().where(t.key.in_(gone), t.statements <= 0))
