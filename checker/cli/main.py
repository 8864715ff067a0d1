"""The ``checker`` command line: ``checker check`` and ``checker statements``."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from checker import __version__, config
from checker.cli import measure
from checker.cli import store as store_commands
from checker.cli.common import (
    PROG,
    SUFFIX_FORMATS,
    DebugOpt,
    Format,
    FormatOpt,
    OneLineErrors,
    OutputOpt,
    PathsArg,
    ThresholdOpt,
    error,
    fail_on_errors,
    nothing_readable,
    one_line,
    progress,
    where,
)
from checker.cli.store import DbOpt
from checker.errors import CheckerError
from checker.io import SUPPORTED_SUFFIXES, load_inputs
from checker.records import Report
from checker.report import render

if TYPE_CHECKING:
    pass


app = typer.Typer(
    name=PROG,
    cls=OneLineErrors,
    help="Who said what, and which statements contradict each other across sources.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"{PROG} {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", help="Show the version and exit.", callback=_version, is_eager=True),
    ] = False,
) -> None:
    """Who said what, and which statements contradict each other across sources."""


def _resolve_format(fmt: Format | None, output: Path | None) -> str:
    if fmt is not None:
        return fmt.value
    if output is not None:
        return SUFFIX_FORMATS.get(output.suffix.lower(), "json")
    return "table" if sys.stdout.isatty() else "json"


def _write(text: str, output: Path | None) -> None:
    if text and not text.endswith("\n"):  # empty JSONL (nothing found) stays empty, not a blank line
        text += "\n"
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        raise CheckerError(f"{output}: cannot write: {e.strerror or e}") from None


def _run(
    view: str,
    paths: list[str],
    fmt: Format | None,
    output: Path | None,
    debug: bool,
    threshold: float | None = None,
    db: str | None = None,
    ingest: bool = False,
) -> None:
    """Load, check, render, write; map every failure to one stderr line and an exit code."""
    with fail_on_errors(debug):
        fmt_name = _resolve_format(fmt, output)
        documents, skipped = load_inputs(paths)
        if not documents:
            if not skipped:
                raise CheckerError(
                    f"{', '.join(paths)}: no documents found (looked for {', '.join(SUPPORTED_SUFFIXES)})"
                )
            error(nothing_readable(paths, skipped))
            raise typer.Exit(config.EXIT_ERROR)
        from checker import pipeline

        with progress() as on_stage:
            if db is not None or ingest:
                from checker.store import Store

                with Store(db, create=ingest) as store:
                    report: Report = store.check(
                        documents, ingest=ingest, threshold=threshold, skipped=skipped, on_stage=on_stage
                    )
            else:
                report = pipeline.check(
                    documents, threshold=threshold, skipped=skipped, on_stage=on_stage, nli=view == "check"
                )
        to_terminal = output is None and sys.stdout.isatty()
        width = shutil.get_terminal_size().columns if to_terminal else 120
        color = to_terminal and not os.environ.get("NO_COLOR")
        _write(render(report, fmt_name, view=view, width=width, color=color), output)

    for status in report.documents:
        if status.note:
            typer.echo(f"{PROG}: note: {where(status)}: {one_line(status.note)}", err=True)
    reported = {d.id for d in report.skipped}
    all_skipped = report.skipped + [s for s in skipped if s.id not in reported]
    for status in all_skipped:
        typer.echo(f"{PROG}: skipped {where(status)}: {one_line(status.reason)}", err=True)
    if all_skipped:
        raise typer.Exit(config.EXIT_SKIPPED)


@app.command()
def check(
    paths: PathsArg,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    threshold: ThresholdOpt = None,
    db: DbOpt = None,
    ingest: Annotated[
        bool, typer.Option("--ingest", help="Also store the documents and the contradictions found (--db).")
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """Find statements that contradict each other across the documents (with --db: and the store's).

    Exit status: 0 all documents checked, 3 some were skipped, 1 nothing could be read, 2 usage error.
    """
    _run("check", paths, fmt, output, debug, threshold=threshold, db=db, ingest=ingest)


@app.command()
def statements(
    paths: PathsArg, fmt: FormatOpt = None, output: OutputOpt = None, debug: DebugOpt = False
) -> None:
    """List who said what: the attributed statements, grouped by speaker.

    Exit status: 0 all documents checked, 3 some were skipped, 1 nothing could be read, 2 usage error.
    """
    _run("statements", paths, fmt, output, debug)


measure.register(app)
store_commands.register(app)


if __name__ == "__main__":
    app()
