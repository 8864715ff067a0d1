"""The ``checker`` command line: ``checker check`` and ``checker statements``."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from checker import __version__, config
from checker.cli import measure
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
    one_line,
)
from checker.errors import CheckerError
from checker.io import SUPPORTED_SUFFIXES, load_inputs
from checker.records import DocumentStatus, Report
from checker.report import render

if TYPE_CHECKING:
    from checker.pipeline import StageCallback


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


def _where(status: DocumentStatus) -> str:
    return status.path or status.id


#: The most reasons (and files per reason) that the one-line "no readable documents" error spells out.
_MAX_LISTED = 8


def _nothing_readable(paths: Sequence[str], skipped: Sequence[DocumentStatus]) -> str:
    """One line for "every input was skipped": the file and problem, or each problem with its files."""
    if len(skipped) == 1:
        return f"{_where(skipped[0])}: {skipped[0].reason}"
    single = paths[0] if len(paths) == 1 else None
    root = single if single is not None and os.path.isdir(single) else None
    groups: dict[str, list[str]] = {}
    for status in skipped:
        name = _where(status)
        if root is not None and status.path:
            name = os.path.relpath(status.path, root)
        groups.setdefault(one_line(status.reason), []).append("" if name == single else name)
    parts = []
    for reason, names in list(groups.items())[:_MAX_LISTED]:
        named = [n for n in names if n]
        label = ", ".join(named[:_MAX_LISTED])
        if len(named) > _MAX_LISTED:
            label += f" and {len(named) - _MAX_LISTED} more"
        parts.append(f"{label}: {reason}" if label else reason)
    if len(groups) > _MAX_LISTED:
        rest = sum(len(names) for names in list(groups.values())[_MAX_LISTED:])
        parts.append(f"{rest} more with other problems")
    detail = " | ".join(parts)
    if single is not None:
        return f"{single}: no readable documents ({len(skipped)} skipped: {detail})"
    return f"no readable documents among {len(paths)} inputs ({len(skipped)} skipped): {detail}"


@contextmanager
def _progress() -> Iterator[StageCallback | None]:
    """A progress bar on stderr when it is a terminal; no callback otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        tasks: dict[str, Any] = {}

        def on_stage(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total or None)
            progress.update(tasks[stage], completed=done, total=total or None)

        yield on_stage


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
            error(_nothing_readable(paths, skipped))
            raise typer.Exit(config.EXIT_ERROR)
        from checker import pipeline

        with _progress() as on_stage:
            report: Report = pipeline.check(
                documents, threshold=threshold, skipped=skipped, on_stage=on_stage, nli=view == "check"
            )
        to_terminal = output is None and sys.stdout.isatty()
        width = shutil.get_terminal_size().columns if to_terminal else 120
        color = to_terminal and not os.environ.get("NO_COLOR")
        _write(render(report, fmt_name, view=view, width=width, color=color), output)

    for status in report.documents:
        if status.note:
            typer.echo(f"{PROG}: note: {_where(status)}: {one_line(status.note)}", err=True)
    reported = {d.id for d in report.skipped}
    all_skipped = report.skipped + [s for s in skipped if s.id not in reported]
    for status in all_skipped:
        typer.echo(f"{PROG}: skipped {_where(status)}: {one_line(status.reason)}", err=True)
    if all_skipped:
        raise typer.Exit(config.EXIT_SKIPPED)


@app.command()
def check(
    paths: PathsArg,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    threshold: ThresholdOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Find statements that contradict each other across the documents.

    Exit status: 0 all documents checked, 3 some were skipped, 1 nothing could be read, 2 usage error.
    """
    _run("check", paths, fmt, output, debug, threshold=threshold)


@app.command()
def statements(
    paths: PathsArg, fmt: FormatOpt = None, output: OutputOpt = None, debug: DebugOpt = False
) -> None:
    """List who said what: the attributed statements, grouped by speaker.

    Exit status: 0 all documents checked, 3 some were skipped, 1 nothing could be read, 2 usage error.
    """
    _run("statements", paths, fmt, output, debug)


measure.register(app)


if __name__ == "__main__":
    app()
