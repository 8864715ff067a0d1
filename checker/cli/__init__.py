"""The ``checker`` command line."""

from checker.cli.main import Format, app

__all__ = ["Format", "app"]
