"""``Store``: what checker has read, kept in a database, and new documents checked against all of it."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from checker import config
from checker.errors import InputError
from checker.pipeline import StageCallback, statements_each
from checker.records import Contradiction, Document, DocumentStatus, Report, Speaker, Statement
from checker.store import check as checking
from checker.store import read, write
from checker.store.database import Database, check_models, open_database
from checker.store.provenance import embedding_model, nli_model

Inputs = str | Document | Sequence[str | Document]


def _noop(stage: str, done: int, total: int) -> None:
    return None


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


class Store:
    """A claim store at ``url`` (a SQLite file path, ``sqlite:///...`` or ``postgresql://...``; default
    ``CHECKER_DB``, else ``checker.db``). Documents are known by id: the same text again is a no-op, an
    edited text a new version.

    >>> with Store("archive.db") as store:                          # doctest: +SKIP
    ...     store.ingest(["monday/"])
    ...     report = store.check(["tuesday.txt"], ingest=True)      # the same Report as checker.check
    ...     store.said("Netanyahu", since="2024-09-01")
    """

    def __init__(self, url: str | None = None, *, create: bool = True) -> None:
        """``create``: make the store when there is none (else that is a ``StoreError``)."""
        built = {"embedding": embedding_model(), "nli": nli_model()}
        self.db: Database = open_database(url, built, create=create)
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

    def ingest(self, inputs: Inputs, on_stage: StageCallback | None = None) -> IngestResult:
        """Store documents (paths, texts or ``Document`` records) with their speakers and statements, each
        document whole or not at all, in input order."""
        on_stage = on_stage or _noop
        t0 = time.perf_counter()
        documents, skipped = _documents(inputs)
        todo = [d for d in documents if write.state(self.db, d)[0] != "unchanged"]
        unchanged = len(documents) - len(todo)
        added = versioned = statements = 0
        on_stage("ingest", 0, len(todo))
        known = write.known_people(self.db)
        for n, (doc, found, people) in enumerate(statements_each(todo, known, config.STORE_PARSE_BATCH), 1):
            state, pks = write.store_document(self.db, doc, found, people)
            if state == "unchanged":  # another process stored it meanwhile
                unchanged += 1
            else:
                added += 1
                versioned += state == "version"
                statements += len(pks)
            on_stage("ingest", n, len(todo))
        return IngestResult(added, unchanged, statements, time.perf_counter() - t0, skipped, versioned)

    def check(
        self,
        inputs: Inputs,
        *,
        ingest: bool = False,
        threshold: float | None = None,
        skipped: Sequence[DocumentStatus] = (),
        on_stage: StageCallback | None = None,
    ) -> Report:
        """The new documents' statements checked against the store's (and each other's): the report as
        ``checker.check`` gives it, the stored documents it cites listed with status "stored". ``ingest``:
        also store the new documents and the contradictions found."""
        check_models(self.db, {"nli": nli_model()})
        documents, unread = _documents(inputs)
        skipped = [*skipped, *unread]
        if not documents:
            reason = skipped[0].reason if skipped else "no input given"
            raise InputError(skipped[0].path or skipped[0].id if skipped else "input", reason)
        return checking.check(
            self.db, documents, ingest=ingest, threshold=threshold, skipped=skipped, on_stage=on_stage
        )

    def documents(self, doc_ids: set[str]) -> list[DocumentStatus]:
        """The current versions of the stored documents ``doc_ids`` (status "stored")."""
        return read.documents(self.db, doc_ids)

    def stats(self) -> dict[str, int]:
        """Counts: current documents (and all versions), their statements, speakers, contradictions."""
        return read.stats(self.db)

    def speakers(self) -> list[tuple[Speaker, int]]:
        """Every speaker with its aliases and its statements in current documents, most first."""
        return read.speakers(self.db)

    def find_speaker(self, name: str) -> list[str]:
        """The speaker ids ``name`` may mean: an id, a name or alias, or a surname."""
        return read.find_speaker(self.db, name)

    def said(
        self, speaker: str, *, since: str | None = None, about: str | None = None, limit: int | None = None
    ) -> list[Statement]:
        """One speaker's statements, newest first, or most like ``about`` first."""
        return read.said(self.db, speaker, since=since, about=about, limit=limit)

    def contradictions(
        self, *, speaker: str | None = None, since: str | None = None, min_score: float | None = None
    ) -> list[Contradiction]:
        """The contradictions ``check(..., ingest=True)`` found and stored, best first."""
        return read.contradictions(self.db, speaker=speaker, since=since, min_score=min_score)
