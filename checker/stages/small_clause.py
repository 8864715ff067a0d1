"""A claim told as its cue's object and a predicate about it, a small clause: "accused Holt of being a
Democrat" asserts "Holt was a Democrat", "called the charges unsubstantiated" that "the charges were
unsubstantiated", "dismissed the report as false" that "the report was false", "puts the figure at $498
billion" that "the figure is $498 billion"; and "assured the American people that the claims are false", a
clause behind the one it is told to, that "the claims are false".

The content the attribution stage extracts starts at the object, so without this its proposition is a noun
phrase ("Holt of being a Democrat"), which is no claim and is never compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from checker.stages.cues import ACCUSE_VERBS, ADDRESSEE_VERBS, AS_VERBS, FIGURE_VERBS, JUDGE_VERBS

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

#: An object pronoun as the subject it becomes ("accused her of" -> "she was").
_SUBJECT_CASE = {"her": "she", "him": "he", "them": "they", "us": "we", "me": "I"}
_PLURAL = frozenset({"they", "them", "we", "us", "you"})
_NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "NUM"})
#: A reflexive object is the cue's subject: "described himself as a conservative" (``proposition``).
REFLEXIVES = frozenset({"himself", "herself", "itself", "themselves", "myself", "ourselves"})
#: ``SmallClause.how`` of a clause told to someone, whose own subject and verb stand as they are.
ADDRESSEE = "addressee"
#: Edits: character offsets into the parse and the replacement, as ``proposition`` applies them.
Edit = tuple[int, int, str]


@dataclass(frozen=True)
class SmallClause:
    """How a content is read as a clause: ``subject`` heads what the claim is about, ``root`` heads the
    clause (the subject itself for a predicate told of an object), ``edits`` turn the content into it, and
    ``how`` names the construction."""

    subject: Token
    root: Token
    edits: tuple[Edit, ...]
    how: str


def _copula(verb: Token, subject: Token) -> str:
    """ "was"/"were" after a cue in the past ("called", "was accusing"), else "is"/"are"/"am"."""
    past = verb.tag_ == "VBD" or any(c.dep_ == "aux" and c.tag_ == "VBD" for c in verb.children)
    plural = (
        subject.tag_ in ("NNS", "NNPS")
        or subject.lower_ in _PLURAL
        or any(c.dep_ == "conj" for c in subject.children)
    )
    if subject.lower_ == "me":
        return "was" if past else "am"
    if past:
        return "were" if plural else "was"
    return "are" if plural else "is"


def _end(tok: Token) -> int:
    return tok.idx + len(tok.text)


def _object(span: SpacySpan) -> Token | None:
    """The direct object of a verb before the content whose phrase opens the content, or None."""
    words = [t for t in span if not (t.is_punct or t.is_space)]
    if not words:
        return None
    first = words[0]
    for t in words:
        if t.dep_ == "dobj" and t.head.i < span.start and t.left_edge.i <= first.i and t.pos_ in _NOMINAL:
            return t
        if t.i > first.i + 12:
            break
    return None


def _inside(span: SpacySpan, tok: Token) -> bool:
    return span.start <= tok.i < span.end


def read(span: SpacySpan, cue: SpacySpan | None, negated: bool = False) -> SmallClause | None:
    """The small clause the parsed content ``span`` tells of its ``cue`` (the attribution's verb, parsed in
    the same paragraph), or None when it tells none. Of a denial (``negated``) only a clause told to someone
    is read: what "denied calling the charges false" asserts is no predicate of the charges."""
    obj = _object(span)
    if obj is None or cue is None or cue.doc is not span.doc or not cue.start <= obj.head.i < cue.end:
        return None  # "claiming the paintings depict Jesus as a blond": the predicate is not the cue's
    if _not_asserted(obj.head) or obj.doc[obj.right_edge.i].tag_ == "POS":
        return None  # "stopped short of calling", "few would describe"; "the DNC's | suspension arbitrary"
    found = _read(span, obj)
    return None if found is None or (negated and found.how != ADDRESSEE) else found


#: Heads under which a cue asserts nothing: "stopped short of calling", "will be unable to accuse".
_WITHHELD = frozenset("short unable refuse decline fail avoid stop reluctant hesitate".split())
_NOBODY = frozenset("few nobody none no".split())


def _not_asserted(verb: Token) -> bool:
    """The cue is negated, withheld, or said by few or nobody ("few people would have described X as Y")."""
    if any(c.dep_ == "neg" for c in verb.children):
        return True
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is not None and (subj.lower_ in _NOBODY or any(c.lower_ in _NOBODY for c in subj.children)):
        return True
    return any(a.lemma_.lower() in _WITHHELD for a in list(verb.ancestors)[:3])


def _predicate(span: SpacySpan, at: int) -> bool:
    """Some word of the content follows the character offset ``at``: the predicate is not cut off."""
    return any(t.idx >= at and not (t.is_punct or t.is_space) for t in span)


def _read(span: SpacySpan, obj: Token) -> SmallClause | None:
    verb = obj.head
    lemma = verb.lemma_.lower()
    after = [c for c in verb.children if c.i > obj.right_edge.i and _inside(span, c)]
    case = [(obj.idx, _end(obj), _SUBJECT_CASE[obj.lower_])] if obj.lower_ in _SUBJECT_CASE else []
    be = _copula(verb, obj)
    for c in after:
        if lemma in ADDRESSEE_VERBS and c.dep_ == "ccomp" and any(g.dep_ == "nsubj" for g in c.children):
            # "assured the American people that P", "told reporters P": P
            start = c.left_edge
            if start.dep_ == "mark" and start.lower_ == "that":
                start = start.nbor()
            subj = next(g for g in c.children if g.dep_ == "nsubj")
            return SmallClause(subj, c, ((span.start_char, start.idx, ""),), ADDRESSEE)
        if lemma in JUDGE_VERBS and c.dep_ == "oprd":
            # "called the charges unsubstantiated", "called the report Friday a lie": what lies between
            # the object and its predicate ("Friday") says when it was called, not what
            last = max(t.i for t in obj.subtree if t.i < c.left_edge.i and not t.is_punct)
            edit = (_end(obj.doc[last]), c.left_edge.idx, f" {be} ")
            if _predicate(span, c.left_edge.idx):
                return SmallClause(obj, obj, (*case, edit), "object predicate")
        if lemma in AS_VERBS and c.dep_ == "prep" and c.lower_ == "as" and c.n_rights:
            # "dismissed the report as false", "described her as being in the suburbs"
            nxt = c.nbor() if c.i + 1 < len(c.doc) else c
            stop = _end(nxt) if nxt.lower_ == "being" else _end(c)
            if _predicate(span, stop):
                return SmallClause(obj, obj, (*case, (c.idx, stop, be)), "as")
        if lemma in FIGURE_VERBS and c.dep_ == "prep" and c.lower_ == "at" and _figure(span, c):
            # "puts the figure at $498 billion"
            return SmallClause(obj, obj, (*case, (c.idx, _end(c), be)), "figure")
    for c in [*after, *(c for c in obj.children if c.i > obj.i)]:
        prep = ACCUSE_VERBS.get(lemma)
        if prep and c.dep_ == "prep" and c.lower_ == prep and _inside(span, c):
            gerund = next((g for g in c.children if g.dep_ == "pcomp" and g.tag_ == "VBG"), None)
            if gerund is None:
                continue
            # "accused Holt of being a Democrat" -> "Holt was a Democrat"; "of having lied" -> "had lied";
            # "of misrepresenting herself" -> "was misrepresenting herself"
            if gerund.lemma_ == "be":
                edit = (c.idx, _end(gerund), be)
            elif gerund.lower_ == "having":
                edit = (c.idx, _end(gerund), "had")
            else:
                edit = (c.idx, _end(c), be)
            return SmallClause(obj, obj, (*case, edit), "accusation")
    return None


def _figure(span: SpacySpan, prep: Token) -> bool:
    return any((t.like_num or t.tag_ == "CD") and _inside(span, t) for t in prep.subtree)


def judges(cue_lemma: str, content: SpacySpan | None, cue: SpacySpan | None) -> bool:
    """Whether a cue of ``cue_lemma`` tells a predicate of its object in the parsed ``content`` ("called the
    charges unsubstantiated"): then "call" asserts, where "called for" and "called on X to" demand."""
    return (
        cue_lemma in JUDGE_VERBS
        and content is not None
        and len(content) > 0
        and read(content, cue) is not None
    )


#: What a small clause's subject cannot be when nothing else names it: "called it shameful", "calls this a
#: false narrative". What "it" stands for lies outside the statement; the previous statement's object, which
#: an object "it" is taken to be elsewhere (``proposition``), was wrong for 6 of the 7 such subjects two
#: readers saw (``eval/corpus/claims-small-clauses.jsonl``), so the claim is not compared (``claims``).
POINTERS = frozenset({"it", "this", "that", "these", "those"})
