"""The claim store's commands: ``ingest``, ``stats``, ``speakers``, ``said``, ``contradictions``
(``check --db`` lives with ``check``). A thin layer over ``checker.store.Store``."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from checker import config
from checker.cli.common import (
    PROG,
    DebugOpt,
    Format,
    MeasureFormat,
    MeasureFormatOpt,
    PathsArg,
    fail_on_errors,
    nothing_readable,
    one_line,
    progress,
)
from checker.errors import CheckerError

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="The store: a SQLite file or postgresql://user@host/db (default: $CHECKER_DB, else checker.db).",
        show_default=False,
    ),
]
SinceOpt = Annotated[
    str | None, typer.Option("--since", help="Only statements dated on or after this (YYYY-MM-DD).")
]


def _store(db: str | None, create: bool = False):  # noqa: ANN202 - checker.store.Store (SQLAlchemy, late)
    from checker.store import Store

    return Store(db, create=create)


def _echo_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _date(value: str | None, option: str) -> str | None:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise CheckerError(f"{option} {value}: not a date (give YYYY-MM-DD)") from None


def register(app: typer.Typer) -> None:
    @app.command()
    def ingest(
        paths: PathsArg,
        db: DbOpt = None,
        fmt: MeasureFormatOpt = MeasureFormat.table,
        debug: DebugOpt = False,
    ) -> None:
        """Store documents with their speakers and statements, to check new ones against later.

        The same text again is a no-op; an edited text (same id) is a new version. Exit status: 0 all
        stored, 3 some inputs were skipped, 1 nothing could be read or the store cannot be used.
        """
        from checker.io import load_inputs

        with fail_on_errors(debug):
            documents, skipped = load_inputs(paths)
            if not documents and skipped:
                raise CheckerError(nothing_readable(paths, skipped))
            store = _store(db, create=True)
            with progress() as on_stage:
                result = store.ingest(documents, on_stage=on_stage)
            store.close()
        data = result.to_dict() | {"skipped": [s.to_dict() for s in skipped], "store": store.url}
        if fmt == MeasureFormat.json:
            _echo_json(data)
        else:
            typer.echo(
                f"{store.url}: {result.documents_added} documents added"
                + (f" ({result.documents_versioned} as new versions)" if result.documents_versioned else "")
                + f", {result.documents_unchanged} unchanged, {result.statements_added} statements added"
                f" in {result.seconds:.1f} s"
            )
        for status in skipped:
            typer.echo(f"{PROG}: skipped {status.path or status.id}: {one_line(status.reason)}", err=True)
        if skipped:
            raise typer.Exit(config.EXIT_SKIPPED)

    @app.command()
    def stats(db: DbOpt = None, fmt: MeasureFormatOpt = MeasureFormat.table, debug: DebugOpt = False) -> None:
        """Counts of the store: documents, statements, speakers, contradictions."""
        with fail_on_errors(debug):
            store = _store(db)
            counts = store.stats()
            store.close()
        if fmt == MeasureFormat.json:
            _echo_json(counts)
        else:
            for key, value in counts.items():
                typer.echo(f"{key:<18} {value}")

    @app.command()
    def speakers(
        db: DbOpt = None,
        fmt: MeasureFormatOpt = MeasureFormat.table,
        limit: Annotated[int | None, typer.Option("--limit", min=1, help="Show the first N.")] = None,
        debug: DebugOpt = False,
    ) -> None:
        """The speakers on record with their statement counts, most first."""
        with fail_on_errors(debug):
            store = _store(db)
            rows = store.speakers()[:limit] if limit else store.speakers()
            store.close()
        if fmt == MeasureFormat.json:
            _echo_json(
                [
                    {"id": s.id, "name": s.name, "kind": s.kind, "statements": n,
                     "aliases": sorted({m[3] for m in s.mentions})}
                    for s, n in rows
                ]
            )  # fmt: skip
            return
        for s, n in rows:
            typer.echo(f"{n:>6}  {s.name}  ({s.kind}, {s.id})")

    @app.command()
    def said(
        speaker: Annotated[str, typer.Argument(help="A speaker's name, alias, surname or id.")],
        db: DbOpt = None,
        since: SinceOpt = None,
        about: Annotated[str | None, typer.Option("--about", help="Rank by similarity to this text.")] = None,
        limit: Annotated[int | None, typer.Option("--limit", min=1, help="Show the first N.")] = None,
        fmt: MeasureFormatOpt = MeasureFormat.table,
        debug: DebugOpt = False,
    ) -> None:
        """What one speaker said, newest first (or most like --about first)."""
        with fail_on_errors(debug):
            since = _date(since, "--since")
            store = _store(db)
            if not store.find_speaker(speaker):
                raise CheckerError(f"{speaker}: no such speaker in {store.url} (see checker speakers)")
            found = store.said(speaker, since=since, about=about, limit=limit)
            store.close()
        if fmt == MeasureFormat.json:
            _echo_json([st.to_dict() for st in found])
            return
        if not found:
            typer.echo(f"No statements by {speaker}" + (f" since {since}." if since else "."))
        for st in found:
            typer.echo(
                f"{st.date or '(no date)':<10}  {st.doc_id}  {st.speaker_name}: {one_line(st.content.text)}"
            )

    @app.command()
    def contradictions(
        db: DbOpt = None,
        speaker: Annotated[
            str | None, typer.Option("--speaker", help="Only those involving this speaker.")
        ] = None,
        since: SinceOpt = None,
        min_score: Annotated[
            float | None, typer.Option("--min-score", min=0.0, max=1.0, help="Only scores from this up.")
        ] = None,
        fmt: Annotated[
            Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
        ] = Format.table,
        debug: DebugOpt = False,
    ) -> None:
        """The contradictions found by check --ingest, best first."""
        from checker.records import Report
        from checker.report import render

        with fail_on_errors(debug):
            since = _date(since, "--since")
            store = _store(db)
            found = store.contradictions(speaker=speaker, since=since, min_score=min_score)
            docs = store.documents({c.a.doc_id for c in found} | {c.b.doc_id for c in found})
            store.close()
            sides = list({st.id: st for c in found for st in (c.a, c.b)}.values())
            report = Report(docs, sides, [], found, min_score if min_score is not None else 0.0)
            text = render(report, fmt.value, view="check", width=120, color=False)
            sys.stdout.write(text.rstrip("\n") + "\n")
