"""Invariants over arbitrary text: no exception, offsets inside the text and pointing at their substring."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stages import check_offsets, run

from checker.attribute import find_quotes
from checker.segment import paragraphs

PIECES = st.sampled_from(
    ["“", "”", '"', "‘", "’", "\n", "\n\n", " said ", " denied that ", "according to ", ", he added.", ". ",
     "The minister", "Both the US and France", " the PMO ", "(PMO)", " it ", "Netanyahu", "“We will win,”",
     "–", ":", "42", "no", " not "]
)  # fmt: skip
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_quotes_and_paragraphs_stay_inside_the_text(text):
    spans = paragraphs(text)
    for s, e in spans:
        assert 0 <= s < e <= len(text) and text[s:e].strip() == text[s:e]
    for q in find_quotes(text, spans):
        assert 0 <= q.start <= q.inner_start <= q.inner_end <= q.end <= len(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_statements_point_at_their_text_and_are_stable(text):
    first = run(text)
    check_offsets(first, text)
    assert run(text) == first
