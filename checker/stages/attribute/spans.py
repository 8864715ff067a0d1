"""Shared by both extractors: spaCy tokens to character spans, noun phrases and coordinated speakers, and
the builder that numbers one document's statements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from checker.records import Kind, Span, Statement
from checker.stages.segment import Paragraph, ParsedDocument

if TYPE_CHECKING:
    from spacy.tokens import Token

_NP_LEFT = frozenset("det compound amod poss nmod nummod quantmod case advmod npadvmod punct".split())


def char_at(para: Paragraph, tok: Token) -> int:
    return para.start + tok.idx


def token_end(para: Paragraph, tok: Token) -> int:
    return para.start + tok.idx + len(tok.text)


def np_tokens(head: Token) -> list[Token]:
    """The noun phrase of ``head`` without relative clauses, appositions after a comma, or conjuncts."""
    keep = {head.i}
    for child in head.lefts:
        if child.dep_ in _NP_LEFT or child.dep_ == "preconj":
            keep.update(t.i for t in child.subtree)
    for child in head.rights:
        if child.dep_ in ("conj", "cc", "relcl", "acl", "punct"):
            break
        if child.dep_ == "appos":
            # "(PMO)" belongs to the mention; ", one of his advisers," does not.
            if child.i > 0 and child.doc[child.i - 1].text == "(":
                keep.update(t.i for t in child.subtree)
                if child.i + 1 < len(child.doc) and child.doc[child.i + 1].text == ")":
                    keep.update({child.i - 1, child.i + 1})
            break
        if child.dep_ in ("prep", "compound", "nummod", "amod", "case") and child.text.lower() != "according":
            keep.update(t.i for t in child.subtree)
    doc = head.doc
    lo, hi = min(keep), max(keep)
    toks = [doc[i] for i in range(lo, hi + 1)]
    while toks and (toks[0].dep_ in ("preconj", "punct", "cc") or toks[0].text in ",;"):
        toks = toks[1:]
    while toks and (toks[-1].is_punct and toks[-1].text not in ")"):
        toks = toks[:-1]
    return toks or [head]


def speaker_tokens(head: Token) -> list[Token]:
    """``np_tokens`` of a speaker, with a name in apposition to a description: "The club's doctor, Miriam
    Osei," is the doctor's mention whole (the name is who speaks); "Miriam Osei, the club's doctor" is not
    widened (the name comes first)."""
    toks = np_tokens(head)
    if head.pos_ != "NOUN" or head.ent_type_:
        return toks
    for child in head.rights:
        if child.dep_ in ("conj", "cc", "relcl", "acl"):
            break
        named = child.ent_type_ in ("PERSON", "ORG")
        if child.dep_ == "appos" and named and head.doc[child.i - 1].text != "(":
            name = [t for t in child.subtree if t.ent_type_ == child.ent_type_]
            if name and name[-1].i >= child.i and all(t.ent_type_ for t in head.doc[name[0].i : child.i + 1]):
                return [t for t in head.doc[toks[0].i : name[-1].i + 1]]
            break
    return toks


def conjuncts(head: Token) -> list[Token]:
    """``head`` and its coordinated siblings: "Both the US and France" -> [US, France]."""
    out = [head]
    for child in head.children:
        if child.dep_ == "conj" and child.pos_ in ("PROPN", "NOUN", "PRON"):
            out.extend(conjuncts(child))
    return out


def make_span(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


def tokens_in(pd: ParsedDocument, start: int, end: int) -> list[Token]:
    """The parsed tokens over ``start:end``, cut at the end of the paragraph holding ``start``."""
    span = pd.span(start, end, clip=True)
    return list(span) if span is not None else []


def rng(span: Span) -> tuple[int, int]:
    return (span.start, span.end)


def touch(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return min(a[1], b[1]) > max(a[0], b[0])


class Builder:
    """Collects statements of one document, numbering them in order."""

    def __init__(self, pd: ParsedDocument) -> None:
        self.pd = pd
        self.text = pd.document.text
        self.statements: list[Statement] = []

    def sentence_of(self, offset: int) -> int:
        for s in self.pd.sentences:
            if s.start <= offset < s.end:
                return s.index
        return max((s.index for s in self.pd.sentences if s.start <= offset), default=0)

    def add(
        self, speaker: Span, cue: Span, content: Span, kind: Kind, negated: bool, directive: bool
    ) -> None:
        if not content.text.strip() or len(content.text.split()) < 2:
            return
        for s in self.statements:  # one speaker mention says one content once
            if s.speaker.start == speaker.start and s.content.start == content.start:
                return
        self.statements.append(
            Statement(
                id=f"{self.pd.document.id}:s{len(self.statements) + 1}",
                doc_id=self.pd.document.id,
                speaker=speaker,
                cue=cue,
                content=content,
                kind=kind,
                sentence=self.sentence_of(cue.start),
                negated=negated,
                is_assertion=not directive,
                date=self.pd.document.date,
            )
        )


#: ``config.ATTRIBUTION_POLICY`` values: how the tagger's and the rules' statements merge (``extract``).
