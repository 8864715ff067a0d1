"""What every command shares: one-line errors and their exit codes, the format choices, common options."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

try:  # newer typer vendors click as typer._click
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
except ImportError:  # pragma: no cover
    from click.exceptions import ClickException, NoArgsIsHelpError

from checker import config
from checker.errors import CheckerError
from checker.io import SUPPORTED_SUFFIXES

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
