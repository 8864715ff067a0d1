"""Rendering a report: a table on a terminal, JSON, JSONL, Markdown or HTML."""

from __future__ import annotations

from checker.report.render import FORMATS, VIEWS, render, speaker_groups, summary, to_html

__all__ = ["FORMATS", "VIEWS", "render", "speaker_groups", "summary", "to_html"]
