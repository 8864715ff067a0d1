"""checker: who said what, and which statements contradict each other across sources."""

from checker.records import Contradiction, Document, Report, Speaker, Statement

__version__ = "0.1.0"
__all__ = ["Contradiction", "Document", "Report", "Speaker", "Statement", "check", "load_nli", "__version__"]


def check(inputs, *, threshold=None):  # noqa: ANN001 - filled in by pipeline work
    raise NotImplementedError


def load_nli():
    raise NotImplementedError
