"""Errors a user can cause. Each one prints as a single line naming the input and the problem."""

from __future__ import annotations


class CheckerError(Exception):
    """Base class: a problem with the input, the options or the installation, not a bug."""

    exit_code = 1


class InputError(CheckerError):
    """A document that cannot be read: missing, empty, binary, undecodable, too large, malformed."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}")


class UsageError(CheckerError):
    exit_code = 2


class ModelError(CheckerError):
    """A model that is missing or cannot be loaded."""


class MissingPathError(InputError):
    """A path on the command line that does not exist: a usage error, so nothing runs."""

    exit_code = 2
