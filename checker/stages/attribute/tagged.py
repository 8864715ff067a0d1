"""Statements from the attribution tagger's spans: each cue with the nearest source and contents of its
paragraph, put into checker's conventions with the parse (coordinated sources split, a leading "that" and
a quotation's marks dropped, topics left out)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from checker.records import Kind, Span
from checker.stages import cues, small_clause
from checker.stages.attribute.spans import (
    Builder,
    char_at,
    conjuncts,
    make_span,
    np_tokens,
    token_end,
    tokens_in,
)
from checker.stages.segment import ParsedDocument


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


def group_spans(
    tagged: Sequence[tuple[str, int, int]],
    paragraph_spans: Sequence[tuple[int, int]],
    sentence_spans: Sequence[tuple[int, int]] = (),
) -> list[tuple[tuple[int, int] | None, tuple[int, int], list[tuple[int, int]]]]:
    """``(source, cue, contents)`` per tagged cue: the nearest source and contents in its paragraph.

    Sources and cues pair one-to-one, closest first; a cue left without one shares the nearest source of its
    sentence ("Trump said P and added Q"; of its paragraph when no sentences are given). Each content goes
    to the nearest cue in its paragraph; a content in a paragraph without a cue continues the last cue of
    the paragraph before (a quote running over paragraphs), else the first cue of the paragraph after. Cues
    with no content are left out.
    """

    def para(offset: int) -> int:
        for n, (s, e) in enumerate(paragraph_spans):
            if s <= offset < e:
                return n
        return -1

    cues_ = sorted((s, e) for r, s, e in tagged if r == "cue")
    sources = sorted((s, e) for r, s, e in tagged if r == "source")
    contents = sorted((s, e) for r, s, e in tagged if r == "content")
    cue_para = [para(c[0]) for c in cues_]
    pairs = sorted(
        (_gap(c, src), i, j)
        for i, c in enumerate(cues_)
        for j, src in enumerate(sources)
        if para(src[0]) == cue_para[i]
    )
    source_of: dict[int, tuple[int, int]] = {}
    taken: set[int] = set()
    for _, i, j in pairs:
        if i not in source_of and j not in taken:
            source_of[i] = sources[j]
            taken.add(j)

    def sentence(offset: int) -> int:
        return next((n for n, (s, e) in enumerate(sentence_spans) if s <= offset < e), -1)

    for _, i, j in pairs:  # "Trump said P and added Q": a second cue shares the nearest source
        if i not in source_of and sentence(cues_[i][0]) == sentence(sources[j][0]):
            source_of[i] = sources[j]
    contents_of: dict[int, list[tuple[int, int]]] = {}
    for c in contents:
        p = para(c[0])
        same = [i for i, cp in enumerate(cue_para) if cp == p]
        # a cue of a sentence the content lies in comes first: in "A told the radio that P. B said Q" the
        # content P is nearer B's cue in characters than A's, but it is A's
        touched = {n for n, (s, e) in enumerate(sentence_spans) if s < c[1] and c[0] < e}
        same = [i for i in same if sentence(cues_[i][0]) in touched] or same
        if same:
            i = min(same, key=lambda i: (_gap(cues_[i], c), i))
        else:
            before = [i for i, cp in enumerate(cue_para) if cp == p - 1]
            after = [i for i, cp in enumerate(cue_para) if cp == p + 1]
            if before:
                i = before[-1]
            elif after:
                i = after[0]
            else:
                continue
        contents_of.setdefault(i, []).append(c)
    return [(source_of.get(i), cues_[i], contents_of[i]) for i in range(len(cues_)) if i in contents_of]


def _speakers_of(pd: ParsedDocument, start: int, end: int) -> list[Span]:
    """The tagged source, split into its conjuncts ("Both the US and France" -> the US, France)."""
    text = pd.document.text
    toks = tokens_in(pd, start, end)
    whole = [make_span(text, start, end)]
    if not toks:
        return whole
    para = pd.paragraph_at(start)
    inside = {t.i for t in toks}
    root = next((t for t in toks if t.head.i not in inside or t.head is t), toks[0])
    heads = [h for h in conjuncts(root) if h.i in inside]
    if len(heads) < 2:
        return whole
    out = []
    for h in heads:
        np = [t for t in np_tokens(h) if t.i in inside]
        if np:
            out.append(make_span(text, char_at(para, np[0]), token_end(para, np[-1])))
    return out or whole


def cue_lemma(pd: ParsedDocument, cue: tuple[int, int]) -> str:
    """The cue's main word: its first verb ("has learned" -> learn), else its first word."""
    toks = tokens_in(pd, *cue)
    verbs = [t for t in toks if t.pos_ == "VERB"] or [t for t in toks if t.pos_ == "AUX"] or toks
    return verbs[0].lemma_.lower() if verbs else ""


def _is_topic(pd: ParsedDocument, span: Span, cue: Span | None = None) -> bool:
    """ "about the so-called “Bibi doctrine”": a preposition's phrase with no clause says what was spoken
    of, not what was claimed. So does a phrase with quotation marks (a scare quote, a nickname) whose
    preposition the tagger put in the cue ("issued a “clarification” about | the so-called “Bibi
    doctrine”"); without quotation marks such a phrase is left a content, as PolNeAR annotates "spoke of X"
    (dropping those too cost 0.007 source F1 on dev)."""
    toks = tokens_in(pd, span.start, span.end)
    cue_toks = tokens_in(pd, cue.start, cue.end) if cue is not None else []
    after_adp = (
        bool(toks and cue_toks)
        and cue_toks[-1].pos_ == "ADP"
        and cue_toks[-1].i + 1 == toks[0].i
        and any(ch in span.text for ch in '“”"')
    )
    if not toks or (toks[0].pos_ != "ADP" and not after_adp):
        return False
    return not any(t.pos_ in ("VERB", "AUX") and t.dep_ != "amod" for t in toks)


def _source_head(pd: ParsedDocument, source: Span) -> str:
    toks = tokens_in(pd, source.start, source.end)
    inside = {t.i for t in toks}
    root = next((t for t in toks if t.head.i not in inside or t.head is t), None)
    return root.lemma_.lower() if root is not None else ""


_LEADING_THAT = re.compile(r"(?:that|whether|if)\b[\s,]*", re.I)


def _content_span(text: str, start: int, end: int) -> tuple[Span, Kind]:
    """checker's content convention for a tagged content span, and its kind.

    A whole quotation loses its marks (a direct quote); a leading "that" is part of the frame.
    """
    start, end = _strip(text, start, end)
    m = _LEADING_THAT.match(text, start, end)
    if m and m.group(0).lower().startswith("that") and m.end() < end:
        start = m.end()
    chunk = text[start:end]
    if chunk[:1] in cues.QUOTE_OPEN:
        inner = chunk[1:]
        closes = sum(inner.count(c) for c in cues.QUOTE_CLOSE if c != '"') + inner.count('"')
        opens = sum(inner.count(c) for c in "“„«")
        if closes <= opens + 1 and (not closes or inner.rstrip(" .,;").endswith(tuple(cues.QUOTE_CLOSE))):
            s, e = start + 1, end
            while e > s and (text[e - 1] in cues.QUOTE_CLOSE or text[e - 1] in " ,;"):
                e -= 1
            return make_span(text, *_strip(text, s, e, keep_period=True)), "direct"
    kind = "partial" if any(ch in chunk for ch in '“”"‘') else "indirect"
    return make_span(text, start, end), kind


def _strip(text: str, start: int, end: int, keep_period: bool = False) -> tuple[int, int]:
    while start < end and text[start] in " \t\n,;:—–-":
        start += 1
    while end > start and text[end - 1] in " \t\n,;:—–-" + ("" if keep_period else "."):
        end -= 1
    return start, end


def tagged_statements(b: Builder, pd: ParsedDocument, tagged: Sequence[tuple[str, int, int]]) -> None:
    """Statements from the tagger's spans: one per (speaker conjunct, content) of each cue with a source."""
    text = b.text
    paragraph_spans = [(p.start, p.end) for p in pd.paragraphs]
    sentence_spans = [(s.start, s.end) for s in pd.sentences]
    for source, cue, contents in group_spans(tagged, paragraph_spans, sentence_spans):
        if source is None:
            continue  # an attribution with no source ("it was reported that ...") has no speaker to check
        cue_span = make_span(text, *_strip(text, *cue))
        lemma = cue_lemma(pd, cue)
        if cue_span.text.lower().startswith("according"):
            lemma = "according"
        speakers = [s for s in _speakers_of(pd, *_strip(text, *source)) if any(c.isalnum() for c in s.text)]
        if not speakers:
            continue
        head = _source_head(pd, speakers[0])
        for content_range in contents:
            content, kind = _content_span(text, *content_range)
            if kind != "direct" and _is_topic(pd, content, cue_span):
                continue  # "issued a “clarification” about the so-called “Bibi doctrine”": a topic, no claim
            if lemma == "according" and kind == "indirect":
                kind = "according_to"
            # "called the charges unsubstantiated" asserts, where "called for" demands
            directive = not cues.is_assertion(lemma, head) and not small_clause.judges(
                lemma, pd.span(content.start, content.end), pd.span(cue_span.start, cue_span.end)
            )
            for speaker in speakers:
                b.add(
                    speaker,
                    cue_span,
                    content,
                    kind,
                    negated=lemma in cues.DENIAL_VERBS and kind != "direct",
                    directive=directive,
                )
