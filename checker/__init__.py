"""checker: who said what, and which statements contradict each other across sources.

>>> import checker
>>> report = checker.check(["seeds/israel-truce-times-of-israel.txt"])
>>> report.contradictions[0].reason
'denial'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from checker.records import Contradiction, Document, Report, Speaker, Statement

if TYPE_CHECKING:
    from checker.runtime.nli import NLIModel
    from checker.store import Store

__version__ = "0.1.0"
__all__ = [
    "Contradiction",
    "Document",
    "Report",
    "Speaker",
    "Statement",
    "Store",
    "check",
    "load_nli",
    "__version__",
]


def __getattr__(name: str) -> object:
    if name == "Store":  # the claim store, imported when asked for (SQLAlchemy and FAISS are not light)
        from checker.store import Store

        return Store
    raise AttributeError(f"module 'checker' has no attribute {name!r}")


def check(inputs: str | Document | Sequence[str | Document], *, threshold: float | None = None) -> Report:
    """Check texts, paths or ``Document`` records against each other; each item is one source.

    A string that names an existing file or directory is read from disk; any other string is the text
    itself. Inputs that cannot be read are listed in ``report.documents`` as skipped, with the reason.
    """
    from checker import io, pipeline
    from checker.errors import InputError

    items = [inputs] if isinstance(inputs, str | Document) else list(inputs)
    documents, skipped = io.documents_from_strings(items)
    if not documents:
        reason = skipped[0].reason if skipped else "no input given"
        raise InputError(skipped[0].path or skipped[0].id if skipped else "input", reason)
    return pipeline.check(documents, threshold=threshold, skipped=skipped)


def load_nli(path: str | None = None) -> NLIModel:
    """The project's NLI cross-encoder: ``.predict([(premise, hypothesis), ...])`` gives one
    ``{"entailment": p, "neutral": p, "contradiction": p}`` per pair."""
    from checker.runtime.nli import load_nli as _load

    return _load(path)
