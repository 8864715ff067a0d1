"""Paragraphs and sentences, and the spaCy parse every later stage reads."""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from checker import config
from checker.records import Document, Sentence

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

_PARAGRAPH = re.compile(r"[^\n]+")
#: spaCy's parser cost grows with length; a longer paragraph is parsed in pieces at sentence-like breaks.
_MAX_PARAGRAPH_CHARS = 20_000


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: ``doc`` is its spaCy parse, whose character offsets start at ``start``."""

    index: int
    start: int
    end: int
    doc: Doc


@dataclass(frozen=True)
class ParsedDocument:
    document: Document
    paragraphs: list[Paragraph]
    sentences: list[Sentence] = field(default_factory=list)

    def paragraph_at(self, offset: int) -> Paragraph | None:
        for para in self.paragraphs:
            if para.start <= offset < para.end:
                return para
        return None

    def span(self, start: int, end: int, *, clip: bool = False) -> SpacySpan | None:
        """The parsed tokens over the document's characters ``start:end``, widened to whole tokens, in the
        paragraph holding ``start``. None when no paragraph holds it, or when the range runs past that
        paragraph's end (with ``clip``, the range is cut at the paragraph's end instead)."""
        para = self.paragraph_at(start)
        if para is None:
            return None
        if end > para.end:
            if not clip:
                return None
            end = para.end
        return para.doc.char_span(start - para.start, end - para.start, alignment_mode="expand")


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


def _processes(chars: int) -> int:
    """How many processes parse ``chars`` characters: ``config.parse_processes()`` where forking pays."""
    processes = config.parse_processes()  # a bad setting is an error whatever the input's size
    if chars < config.PARSE_PARALLEL_MIN_CHARS or multiprocessing.get_start_method() != "fork":
        return 1  # elsewhere each worker would load spaCy anew
    return processes


def parse(documents: Sequence[Document], nlp: Language, batch_size: int = 64) -> list[ParsedDocument]:
    """Parse every paragraph of every document in one ``nlp.pipe`` stream (on ``config.parse_processes()``
    cores when there is enough text)."""
    spans = [paragraphs(d.text) for d in documents]
    flat = [(di, s, e) for di, doc_spans in enumerate(spans) for s, e in doc_spans]
    processes = _processes(sum(e - s for _, s, e in flat))
    if processes > 1:  # batches go round the workers: several each, so none waits on a long last one
        batch_size = max(1, min(batch_size, len(flat) // (4 * processes)))
    texts = (documents[di].text[s:e] for di, s, e in flat)
    paras: list[list[Paragraph]] = [[] for _ in documents]
    stream = nlp.pipe(texts, batch_size=batch_size, n_process=processes)
    for (di, s, e), sdoc in zip(flat, stream, strict=True):
        # the tok2vec activations (a quarter of a parsed Doc's memory) served the parser and NER; nothing
        # downstream reads them
        sdoc.tensor = _NO_TENSOR
        paras[di].append(Paragraph(len(paras[di]), s, e, sdoc))
    return [ParsedDocument(d, ps, list(sentences(d, ps))) for d, ps in zip(documents, paras, strict=True)]


def sentences(document: Document, paragraphs: Sequence[Paragraph]) -> Iterator[Sentence]:
    """The sentences of the parsed paragraphs, numbered through the document."""
    n = 0
    for para in paragraphs:
        for sent in para.doc.sents:
            start, end = para.start + sent.start_char, para.start + sent.end_char
            yield Sentence(document.id, n, para.index, start, end, document.text[start:end])
            n += 1


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def chunks(text: str, max_words: int = config.NLI_MAX_WORDS) -> list[str]:
    """``text`` in pieces of at most ``max_words`` words, cut at sentence ends where possible, so a pair of
    pieces fits the model's window: a long statement is split, never silently truncated."""
    words = text.split()
    if len(words) <= max_words:
        return [text]
    out: list[str] = []
    current: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        sw = sentence.split()
        if current and len(current) + len(sw) > max_words:
            out.append(" ".join(current))
            current = []
        while len(sw) > max_words:  # one sentence longer than the window: cut it by words
            out.append(" ".join(sw[:max_words]))
            sw = sw[max_words:]
        current += sw
    if current:
        out.append(" ".join(current))
    return out
