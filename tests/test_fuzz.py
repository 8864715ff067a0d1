"""Invariants over arbitrary text and bytes, for every text-facing stage: no exception, offsets inside the
text and pointing at their substring, the same output on a rerun.

Budgets are fixed per test (``max_examples``); the hypothesis profile in conftest.py makes CI derandomized.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from stages import check_offsets

from checker.io import decode, html_to_text, load_inputs
from checker.io.language import not_english_reason
from checker.pipeline import statements_of
from checker.records import Contradiction, Document, DocumentStatus, Report
from checker.report import FORMATS, VIEWS, render
from checker.stages.attribute import find_quotes
from checker.stages.segment import chunks, paragraphs

PIECES = st.sampled_from(
    ["“", "”", '"', "‘", "’", "\n", "\n\n", " said ", " denied that ", "according to ", ", he added.", ". ",
     "The minister", "Both the US and France", " the PMO ", "(PMO)", " it ", "Netanyahu", "“We will win,”",
     "–", ":", "42", "no", " not ", "Prime Minister Benjamin Netanyahu", " she ", " they ", "told reporters",
     " said on Monday that ", "The Prime Minister’s Office (PMO)", " Hamas ", "«", "»", "\t", "\u00a0",
     "\r\n", "<script>", "</p>", "&amp;", "😀", "é"]
)  # fmt: skip
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=30).map("".join)


def _parse(*texts: str):  # noqa: ANN202
    docs = [Document(f"d{i}", t) for i, t in enumerate(texts)]
    return statements_of(docs)


# ---------------------------------------------------------------------------------------------------------
# Reading: bytes and markup


@settings(max_examples=300)
@given(st.binary(max_size=200), st.booleans())
def test_decode_gives_text_or_a_reason(data: bytes, html: bool) -> None:
    try:
        text, note = decode(data, html=html)
    except ValueError as e:
        assert str(e) and "\n" not in str(e)
        return
    assert "\r" not in text and isinstance(note, str)
    assert decode(data, html=html) == (text, note)


@settings(max_examples=200)
@given(TEXTS)
def test_html_to_text_never_fails_and_drops_scripts(text: str) -> None:
    out = html_to_text(f"<p>{text}</p><script>SECRET()</script><nav>SECRET</nav>")
    assert "SECRET" not in out
    assert out == out.strip() and "\n\n" not in out


@settings(max_examples=100)
@given(st.lists(st.binary(max_size=60), max_size=6))
def test_jsonl_lines_are_each_read_or_skipped(tmp_path_factory, lines: list[bytes]) -> None:  # noqa: ANN001
    path = tmp_path_factory.mktemp("jsonl") / "feed.jsonl"
    path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines))
    docs, skipped = load_inputs([str(path)])
    assert len({d.id for d in docs} | {s.id for s in skipped}) == len(docs) + len(skipped)  # ids unique
    assert all(s.reason for s in skipped)
    assert len(docs) + len(skipped) <= max(len(lines), 1)


@settings(max_examples=200)
@given(TEXTS, st.integers(min_value=1, max_value=20))
def test_chunks_keep_every_word(text: str, max_words: int) -> None:
    pieces = chunks(text, max_words=max_words)
    assert " ".join(pieces).split() == text.split()
    if len(text.split()) > max_words:
        assert all(0 < len(p.split()) <= max_words for p in pieces)


@settings(max_examples=200)
@given(TEXTS)
def test_language_check_never_fails(text: str) -> None:
    reason = not_english_reason(text)
    assert reason is None or "English" in reason


# ---------------------------------------------------------------------------------------------------------
# Segmentation and attribution


@settings(max_examples=300)
@given(TEXTS)
def test_quotes_and_paragraphs_stay_inside_the_text(text: str) -> None:
    spans = paragraphs(text)
    for s, e in spans:
        assert 0 <= s < e <= len(text) and text[s:e].strip() == text[s:e]
    for q in find_quotes(text, spans):
        assert 0 <= q.start <= q.inner_start <= q.inner_end <= q.end <= len(text)


@settings(max_examples=60)
@given(TEXTS)
def test_sentences_and_statements_point_at_their_text_and_are_stable(text: str) -> None:
    parsed, statements, people = _parse(text)
    for sent in parsed[0].sentences:
        assert 0 <= sent.start <= sent.end <= len(text) and text[sent.start : sent.end] == sent.text
    check_offsets(statements, text)
    assert _parse(text)[1] == statements


# ---------------------------------------------------------------------------------------------------------
# Speaker resolution, across documents


@settings(max_examples=40)
@given(TEXTS, TEXTS)
def test_speakers_point_at_their_mentions_and_cover_every_statement(a: str, b: str) -> None:
    _, statements, people = _parse(a, b)
    texts = {"d0": a, "d1": b}
    check_offsets(statements, a, b)
    for person in people:
        assert person.id and person.name
        for doc_id, start, end, mention in person.mentions:
            assert texts[doc_id][start:end] == mention
    assert len({p.id for p in people}) == len(people)
    assert all(s.speaker_id for s in statements)
    again = _parse(a, b)
    assert again[1] == statements and [p.to_dict() for p in again[2]] == [p.to_dict() for p in people]


# ---------------------------------------------------------------------------------------------------------
# Rendering


def _report(text: str) -> Report:
    _, statements, people = _parse(text)
    probs = {"contradiction": 0.9, "entailment": 0.05, "neutral": 0.05}
    found = [
        Contradiction(a, b, 0.9, probs, probs, 0.5, "other", f"{a.proposition} vs {b.proposition}")
        for a, b in zip(statements, statements[1:], strict=False)
    ]
    documents = [
        DocumentStatus("d0", None, None, None, "checked", statements=len(statements)),
        DocumentStatus("bad", None, None, "bad.txt", "skipped", reason=text[:40] or "is empty"),
    ]
    return Report(documents, statements, people, found, 0.5)


@settings(max_examples=40)
@given(TEXTS)
def test_every_format_renders_and_is_stable(text: str) -> None:
    report = _report(text)
    for view in VIEWS:
        for fmt in FORMATS:
            out = render(report, fmt, view=view, width=100)
            if fmt == "jsonl":  # one object a line, none when there is nothing to list
                assert all(isinstance(json.loads(line), dict) for line in out.splitlines())
            else:
                assert out.strip()
            assert render(report, fmt, view=view, width=100) == out
    data = json.loads(render(report, "json"))
    for st_ in data["statements"]:
        for key in ("speaker", "cue", "content"):
            assert text[st_[key]["start"] : st_[key]["end"]] == st_[key]["text"]
