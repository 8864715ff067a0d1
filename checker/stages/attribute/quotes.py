"""Quotations: where each opens and closes, over several paragraphs when a paragraph opens with a mark."""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.records import Span
from checker.stages import cues
from checker.stages.attribute.spans import make_span


@dataclass(frozen=True)
class Quote:
    """A quotation: ``start``/``end`` include the marks; ``inner_*`` exclude them; may span paragraphs."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool

    def contains(self, offset: int) -> bool:
        return self.inner_start <= offset < self.inner_end


def find_quotes(text: str, paragraph_spans: list[tuple[int, int]]) -> list[Quote]:
    """Quotations in ``text``; an unclosed quote continues when the next paragraph opens with a mark."""
    quotes: list[Quote] = []
    chain: int | None = None  # start of a quote left open at the end of the previous paragraph
    for n, (pstart, pend) in enumerate(paragraph_spans):
        open_at: int | None = None
        if chain is not None and text[pstart] in cues.QUOTE_OPEN:
            open_at, chain = chain, None
            i = pstart + 1
        else:
            if chain is not None:  # never closed, and the next paragraph does not continue it
                prev_end = paragraph_spans[n - 1][1]
                quotes.append(Quote(chain, prev_end, chain + 1, prev_end, False))
                chain = None
            i = pstart
        single: int | None = None
        while i < pend:
            ch = text[i]
            if open_at is None and ch in cues.QUOTE_OPEN and ch != "”":
                open_at = i
            elif open_at is not None and ch in cues.QUOTE_CLOSE and (ch != '"' or i > open_at):
                quotes.append(Quote(open_at, i + 1, open_at + 1, i, True))
                open_at = None
            elif open_at is None and ch in cues.SINGLE_OPEN:
                single = i
            elif single is not None and ch in cues.SINGLE_CLOSE and not text[i + 1 : i + 2].isalpha():
                quotes.append(Quote(single, i + 1, single + 1, i, True))
                single = None
            i += 1
        if open_at is not None:
            chain = open_at
    if chain is not None:
        end = paragraph_spans[-1][1]
        quotes.append(Quote(chain, end, chain + 1, end, False))
    return quotes


def in_quote(quotes: list[Quote], offset: int) -> Quote | None:
    for q in quotes:
        if q.contains(offset):
            return q
    return None


_FRAME_GAP = re.compile(r"^[\s,;:–—\-]*$")


def adjacent_quote(quotes: list[Quote], text: str, frame_start: int, frame_end: int) -> Quote | None:
    """A quote that ends right before the frame ("“...,” X said") or starts right after it."""
    for q in quotes:
        if q.end <= frame_start and _FRAME_GAP.match(text[q.end : frame_start]):
            if frame_start - q.end <= 4:
                return q
        if q.start >= frame_end and _FRAME_GAP.match(text[frame_end : q.start]) and q.start - frame_end <= 3:
            return q
    return None


def balanced(text: str, start: int, end: int) -> Span:
    """A content span that opens a quotation also takes its closing mark ("“on all fronts,”")."""
    chunk = text[start:end]
    opens = sum(chunk.count(c) for c in "“‘") + chunk.count('"') % 2
    closes = sum(chunk.count(c) for c in "”’")
    if opens > closes:
        m = re.match(r"[^“”\n]{0,3}?[”\"’]", text[end : end + 4])
        if m:
            end += m.end()
    return make_span(text, start, end)


def quote_span(text: str, q: Quote) -> Span:
    start, end = q.inner_start, q.inner_end
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;"):
        end -= 1
    return make_span(text, start, end)
