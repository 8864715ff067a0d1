"""Paragraphs and sentences, and the spaCy parse every later stage reads."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from checker.records import Document, Sentence

_PARAGRAPH = re.compile(r"[^\n]+")
#: spaCy's parser cost grows with length; a longer paragraph is parsed in pieces at sentence-like breaks.
_MAX_PARAGRAPH_CHARS = 20_000


@dataclass
class Paragraph:
    """One paragraph: ``doc`` is its spaCy parse, whose character offsets start at ``start``."""

    index: int
    start: int
    end: int
    doc: object  # spacy.tokens.Doc


@dataclass
class ParsedDocument:
    document: Document
    paragraphs: list[Paragraph]
    sentences: list[Sentence] = field(default_factory=list)

    def paragraph_at(self, offset: int) -> Paragraph | None:
        for para in self.paragraphs:
            if para.start <= offset < para.end:
                return para
        return None


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each non-blank line-delimited paragraph, stripped of surrounding space."""
    spans = []
    for m in _PARAGRAPH.finditer(text):
        chunk = m.group(0)
        if not chunk.strip():
            continue
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk) - len(chunk.rstrip())
        start, end = m.start() + lead, m.end() - trail
        while end - start > _MAX_PARAGRAPH_CHARS:
            cut = _split_point(text, start, start + _MAX_PARAGRAPH_CHARS)
            spans.append((start, len(text[:cut].rstrip())))
            start = cut
            while start < end and text[start].isspace():
                start += 1
        if end > start:
            spans.append((start, end))
    return spans


def _split_point(text: str, start: int, limit: int) -> int:
    """The last sentence end (else space) before ``limit``, so no piece exceeds the parser's budget."""
    window = text[start:limit]
    for pattern in (r"[.!?][\"”’)]?\s", r"\s"):
        hits = list(re.finditer(pattern, window))
        if hits:
            return start + hits[-1].end()
    return limit


_NO_TENSOR = np.zeros((0, 0), dtype="float32")


def parse(documents: Sequence[Document], nlp, batch_size: int = 64) -> list[ParsedDocument]:  # noqa: ANN001
    """Parse every paragraph of every document in one ``nlp.pipe`` stream."""
    spans = [paragraphs(d.text) for d in documents]
    flat = [(di, s, e) for di, doc_spans in enumerate(spans) for s, e in doc_spans]
    texts = (documents[di].text[s:e] for di, s, e in flat)
    out = [ParsedDocument(d, []) for d in documents]
    for (di, s, e), sdoc in zip(flat, nlp.pipe(texts, batch_size=batch_size), strict=True):
        # the tok2vec activations (a quarter of a parsed Doc's memory) served the parser and NER; nothing
        # downstream reads them
        sdoc.tensor = _NO_TENSOR
        pd = out[di]
        pd.paragraphs.append(Paragraph(len(pd.paragraphs), s, e, sdoc))
    for pd in out:
        pd.sentences = list(sentences(pd))
    return out


def sentences(pd: ParsedDocument) -> Iterator[Sentence]:
    n = 0
    for para in pd.paragraphs:
        for sent in para.doc.sents:
            start, end = para.start + sent.start_char, para.start + sent.end_char
            yield Sentence(pd.document.id, n, para.index, start, end, pd.document.text[start:end])
            n += 1
