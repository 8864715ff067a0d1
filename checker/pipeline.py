"""The whole path: documents -> statements -> speakers -> pairs -> NLI -> report."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from checker.records import Document, DocumentStatus, Report

#: ``on_stage(stage, done, total)`` is called as work advances; the CLI draws a progress bar from it.
StageCallback = Callable[[str, int, int], None]


def check(
    documents: Sequence[Document],
    *,
    threshold: float | None = None,
    skipped: Sequence[DocumentStatus] = (),
    on_stage: StageCallback | None = None,
) -> Report:
    """Run every stage on ``documents`` and return the report (``skipped`` are listed as such)."""
    raise NotImplementedError("in progress")
