"""Helpers for stage tests: run the real spaCy stages on small texts."""

from __future__ import annotations

from checker.pipeline import statements_of
from checker.records import Document, Statement


def run(*texts: str, dates: tuple[str | None, ...] = ()) -> list[Statement]:
    docs = [Document(f"d{i}", t, date=dates[i] if i < len(dates) else None) for i, t in enumerate(texts)]
    return statements_of(docs)[1]


def by_speaker(statements: list[Statement], name: str) -> list[Statement]:
    return [s for s in statements if s.speaker_name == name]


def check_offsets(statements: list[Statement], *texts: str) -> None:
    for s in statements:
        text = texts[int(s.doc_id[1:])]
        for span in (s.speaker, s.cue, s.content):
            assert text[span.start : span.end] == span.text, (s.id, span)
