"""checker.render: every format and view renders a hand-built Report; user text is escaped."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from checker.errors import UsageError
from checker.records import Document, Report, Span
from checker.report import FORMATS, render, to_html


def test_fixture_offsets_are_true(report: Report, sample_documents: list[Document]) -> None:
    texts = {d.id: d.text for d in sample_documents}
    for st in report.statements:
        for span in (st.speaker, st.cue, st.content):
            assert texts[st.doc_id][span.start : span.end] == span.text


@pytest.mark.parametrize("view", ["check", "statements"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders(report: Report, fmt: str, view: str) -> None:
    out = render(report, fmt, view=view)
    assert isinstance(out, str) and out.strip()
    assert "looks like a PDF" in out or fmt == "jsonl"


def test_json_check_round_trips(report: Report) -> None:
    data = json.loads(render(report, "json"))
    assert set(data) == {
        "documents",
        "speakers",
        "statements",
        "contradictions",
        "threshold",
        "pairs",
        "models",
    }
    assert data == json.loads(report.to_json())
    (c,) = data["contradictions"]
    assert c["score"] == 0.93 and c["reason"] == "denial"
    assert c["a"]["content"] == {"start": 20, "end": 45, "text": "The ceasefire is holding."}
    assert c["nli"]["b_to_a"]["contradiction"] == 0.88
    skipped = [d for d in data["documents"] if d["status"] == "skipped"]
    assert skipped == [
        {
            "id": "scan",
            "source": None,
            "date": None,
            "path": "scan.pdf",
            "status": "skipped",
            "reason": "looks like a PDF, not text",
            "statements": 0,
            "note": "",
        }
    ]


def test_json_statements_view(report: Report) -> None:
    data = json.loads(render(report, "json", view="statements"))
    assert set(data) == {"documents", "speakers"}
    assert [s["name"] for s in data["speakers"]] == ["The minister", "Hamas", "An official"]
    hamas = data["speakers"][1]
    assert set(hamas) == {"id", "name", "kind", "mentions", "statements"}
    assert hamas["kind"] == "organization"
    assert hamas["mentions"] == [{"doc_id": "herald", "start": 0, "end": 5, "text": "Hamas"}]
    (st,) = hamas["statements"]
    assert st["cue"]["text"] == "denied" and st["negated"] is True and st["doc_id"] == "herald"


def test_statements_without_known_speaker_are_grouped(report: Report) -> None:
    report.statements[2] = replace(report.statements[2], speaker_id="")
    report.speakers.pop()
    data = json.loads(render(report, "json", view="statements"))
    orphan = data["speakers"][-1]
    assert orphan["name"] == "An official" and orphan["kind"] == "unresolved"
    assert [s["id"] for s in orphan["statements"]] == ["wire:0"]


def test_jsonl(report: Report) -> None:
    lines = render(report, "jsonl").splitlines()
    assert len(lines) == 1
    row = json.loads(lines[0])
    assert row["rank"] == 1 and row["a"]["id"] == "times:0" and row["b"]["id"] == "herald:0"
    rows = [json.loads(line) for line in render(report, "jsonl", view="statements").splitlines()]
    assert [r["id"] for r in rows] == ["times:0", "herald:0", "wire:0"]


def test_table_check(report: Report) -> None:
    out = render(report, "table", width=140)
    for text in ("Contradictions", "0.93", "denial", "The minister", "Hamas", "The ceasefire is holding."):
        assert text in out
    assert "Skipped 1 document:" in out and "scan.pdf: looks like a PDF, not text" in out
    assert "\x1b[" not in out


def test_table_statements_keeps_user_markup_literal(report: Report) -> None:
    report.statements[2] = replace(report.statements[2], content=Span(0, 22, "[bold]x[/bold] :smile:"))
    out = render(report, "table", view="statements", width=160)
    assert "[bold]x[/bold] :smile:" in out
    assert "An official" in out and "anonymous" in out and "20:45" in out


def test_color_table_has_ansi(report: Report) -> None:
    assert "\x1b[" in render(report, "table", color=True)


def test_no_contradictions_message(empty_report: Report) -> None:
    message = "No contradictions found among 3 statements from 3 documents."
    assert message in render(empty_report, "table")
    assert message in render(empty_report, "markdown")
    assert message in render(empty_report, "html")
    assert "Skipped" not in render(empty_report, "table")


def test_markdown(report: Report) -> None:
    out = render(report, "markdown")
    assert "| # | Score | Reason | Statement A | Statement B |" in out
    assert "| 1 | 0.93 | denial" in out
    assert "## Skipped documents" in out
    statements = render(report, "markdown", view="statements")
    assert "## Hamas (organization)" in statements
    assert "\\<script\\>" in statements and "<script>" not in statements


def test_html_escapes_user_text(report: Report) -> None:
    for view in ("check", "statements"):
        page = render(report, "html", view=view)
        assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
        assert "<script>" not in page and "<b>tags" not in page
    statements = render(report, "html", view="statements")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;tags&lt;/b&gt;" in statements


def test_html_fragment_for_notebooks(report: Report) -> None:
    fragment = to_html(report)
    assert fragment.startswith('<div class="checker-report">') and "<html" not in fragment
    assert report._repr_html_() == fragment
    assert "The minister" in fragment and "0.93" in fragment


def test_unknown_format_and_view(report: Report) -> None:
    with pytest.raises(UsageError, match="table, json, jsonl, markdown, html"):
        render(report, "xml")
    with pytest.raises(UsageError, match="check, statements"):
        render(report, "json", view="speakers")


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_denial_shows_the_asserted_proposition(report: Report, fmt: str) -> None:
    out = render(report, fmt, width=200)
    assert "asserts: The ceasefire is not holding." in out


def test_jsonl_lines_survive_unicode_line_breaks(report: Report) -> None:
    # found by tests/test_fuzz.py: a quote holding U+0085 split a JSONL row in two for str.splitlines
    odd = "one\x85two\u2028three\u2029four"
    st = replace(report.statements[0], proposition=odd)
    report.statements[0] = st
    report.contradictions[0] = replace(report.contradictions[0], a=st)
    (row,) = [json.loads(line) for line in render(report, "jsonl").splitlines()]
    assert row["a"]["proposition"] == odd
    rows = [json.loads(line) for line in render(report, "jsonl", view="statements").splitlines()]
    assert [r["proposition"] for r in rows][0] == odd and len(rows) == 3
