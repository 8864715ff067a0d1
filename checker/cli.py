"""The ``checker`` command line: ``checker check`` and ``checker statements``."""

from __future__ import annotations

import os
import shutil
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

try:  # newer typer vendors click as typer._click
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
except ImportError:  # pragma: no cover
    from click.exceptions import ClickException, NoArgsIsHelpError

from checker import __version__, config
from checker.errors import CheckerError
from checker.io import SUPPORTED_SUFFIXES, load_inputs
from checker.records import DocumentStatus, Report
from checker.render import render

if TYPE_CHECKING:
    from checker.pipeline import StageCallback

PROG = "checker"


class Format(StrEnum):
    """The choices of ``--format`` (the same as ``checker.render.FORMATS``)."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    html = "html"


_SUFFIX_FORMATS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".md": "markdown",
                   ".markdown": "markdown", ".html": "html", ".htm": "html", ".txt": "table"}  # fmt: skip


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def error(message: str) -> None:
    """Print ``checker: error: <message>`` as one line on stderr."""
    typer.echo(f"{PROG}: error: {_one_line(message)}", err=True)


class _OneLineErrors(TyperGroup):
    """Usage errors (bad option, unknown format, missing argument) print as one line, not click's block."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as e:
            e.show()
            sys.exit(e.exit_code)
        except ClickException as e:
            error(e.format_message().replace("Value error, ", ""))  # pydantic's prefix, from typer's coercion
            sys.exit(e.exit_code)
        except typer.Abort:
            error("aborted")
            sys.exit(config.EXIT_ERROR)
        sys.exit(rv if isinstance(rv, int) else config.EXIT_OK)


app = typer.Typer(
    name=PROG,
    cls=_OneLineErrors,
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


# Options shared by the commands.
PathsArg = Annotated[
    list[str],
    typer.Argument(
        help=f"Files ({', '.join(SUPPORTED_SUFFIXES)}), directories (searched recursively) or - for stdin.",
        show_default=False,
        metavar="PATH",
    ),
]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format. Default: table on a terminal, else json (or from the --output suffix).",
        show_default=False,
        case_sensitive=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write the output to this file (UTF-8) instead of stdout.", dir_okay=False
    ),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show a traceback for unexpected errors.")]


def _resolve_format(fmt: Format | None, output: Path | None) -> str:
    if fmt is not None:
        return fmt.value
    if output is not None:
        return _SUFFIX_FORMATS.get(output.suffix.lower(), "json")
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
        groups.setdefault(_one_line(status.reason), []).append("" if name == single else name)
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


@contextmanager
def fail_on_errors(debug: bool = False) -> Iterator[None]:
    """Map a ``CheckerError`` to its one-line message and exit code, anything else to one line and 1."""
    try:
        yield
    except typer.Exit:
        raise
    except CheckerError as e:
        if debug:
            traceback.print_exc()
        error(str(e))
        raise typer.Exit(e.exit_code) from None
    except Exception as e:
        if debug:
            raise
        error(f"{type(e).__name__}: {e} (run with --debug for a traceback)")
        raise typer.Exit(config.EXIT_ERROR) from None


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
            typer.echo(f"{PROG}: note: {_where(status)}: {_one_line(status.note)}", err=True)
    reported = {d.id for d in report.skipped}
    all_skipped = report.skipped + [s for s in skipped if s.id not in reported]
    for status in all_skipped:
        typer.echo(f"{PROG}: skipped {_where(status)}: {_one_line(status.reason)}", err=True)
    if all_skipped:
        raise typer.Exit(config.EXIT_SKIPPED)


@app.command()
def check(
    paths: PathsArg,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            help="Report pairs whose contradiction score reaches this "
            f"(default {config.CONTRADICTION_THRESHOLD}).",
            min=0.0,
            max=1.0,
            show_default=False,
        ),
    ] = None,
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


class BenchFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
def bench(
    paths: PathsArg,
    fmt: Annotated[
        BenchFormat, typer.Option("--format", "-f", help="table or json.", case_sensitive=False)
    ] = BenchFormat.table,
    limit: Annotated[int | None, typer.Option(help="Only the first N documents.", min=1)] = None,
    pruning_recall: Annotated[
        bool, typer.Option("--pruning-recall", help="Also the share of eval/ gold pairs that pruning keeps.")
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """Time the whole pipeline over the documents as one corpus: stages, pairs, NLI pairs/s, peak RSS."""
    from checker import bench as bench_mod

    with fail_on_errors(debug):
        documents, skipped = load_inputs(paths)
        documents = documents[:limit] if limit else documents
        if not documents:
            raise CheckerError(f"{', '.join(paths)}: no readable documents ({len(skipped)} skipped)")
        result = bench_mod.run(documents)
        if pruning_recall:
            from dataclasses import asdict

            result.pruning = asdict(bench_mod.pruning_recall())
    typer.echo(bench_mod.to_json(result) if fmt == BenchFormat.json else bench_mod.render_table(result))


def _register_subcommands() -> None:
    from checker.evaluate import app as eval_app

    app.add_typer(eval_app, name="eval")


_register_subcommands()


if __name__ == "__main__":
    app()
