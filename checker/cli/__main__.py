"""``python -m checker.cli``: the ``checker`` command."""

from checker.cli import app

app()
