"""What every command shares: one-line errors and their exit codes, the format choices, common options."""

from __future__ import annotations

import os
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

from checker import config
from checker.errors import CheckerError
from checker.io import SUPPORTED_SUFFIXES
from checker.records import DocumentStatus

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


SUFFIX_FORMATS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".md": "markdown",
                   ".markdown": "markdown", ".html": "html", ".htm": "html", ".txt": "table"}  # fmt: skip


class MeasureFormat(StrEnum):
    """The choices of ``--format`` for the measuring commands (``eval``, ``bench``)."""

    table = "table"
    json = "json"


def one_line(message: str) -> str:
    return " ".join(str(message).split())


def error(message: str) -> None:
    """Print ``checker: error: <message>`` as one line on stderr."""
    typer.echo(f"{PROG}: error: {one_line(message)}", err=True)


class OneLineErrors(TyperGroup):
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
ThresholdOpt = Annotated[
    float | None,
    typer.Option(
        help="Report pairs whose contradiction score reaches this "
        f"(default {config.CONTRADICTION_THRESHOLD}).",
        min=0.0,
        max=1.0,
        show_default=False,
    ),
]


MeasureFormatOpt = Annotated[
    MeasureFormat, typer.Option("--format", "-f", help="table or json.", case_sensitive=False)
]


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


def where(status: DocumentStatus) -> str:
    return status.path or status.id


#: The most reasons (and files per reason) that the one-line "no readable documents" error spells out.
_MAX_LISTED = 8


def nothing_readable(paths: Sequence[str], skipped: Sequence[DocumentStatus]) -> str:
    """One line for "every input was skipped": the file and problem, or each problem with its files."""
    if len(skipped) == 1:
        return f"{where(skipped[0])}: {skipped[0].reason}"
    single = paths[0] if len(paths) == 1 else None
    root = single if single is not None and os.path.isdir(single) else None
    groups: dict[str, list[str]] = {}
    for status in skipped:
        name = where(status)
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
def progress() -> Iterator[StageCallback | None]:
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
