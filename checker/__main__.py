"""``python -m checker``: the ``checker`` command."""

from checker.cli import app

app()
