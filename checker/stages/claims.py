"""Which statements are claims: a declarative clause with a subject and a finite verb (a fact, an event, a
figure, a position or a denial) can contradict another claim; a fragment, a noun phrase, a question, an
imperative or an indirect question ("whether they had concerns") cannot, and is not compared.

Read off the parse of the statement's content, sentence by sentence: one sentence that is a claim makes the
statement one ("Don't shoot him. He has no weapon."). Built on 200 statements of PolNeAR train labelled by a
reader (``eval/corpus/README.md``); measured on 300 of PolNeAR dev labelled by two others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from checker.records import Speaker, Statement
from checker.stages import small_clause
from checker.stages.segment import ParsedDocument

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

_SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl", "csubj", "csubjpass"})
#: Tags of a finite verb or auxiliary: past, present, modal.
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
#: Tags of wh-words: a clause opening with one as its subject or modifier is an indirect question or a free
#: relative ("how the information got there", "what looked like several attempts"), not a claim.
_WH = frozenset({"WRB", "WP", "WDT", "WP$"})
#: Subordinators that make a clause a condition, not a claim ("as if" is marked "as" and "if").
_CONDITIONS = frozenset({"if", "unless"})
_NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "NUM"})
_QUOTES = "'\"“”‘’ "
#: How ``not_checkable`` begins for a claim set aside because nobody can be named as its speaker.
NO_SPEAKER = "no speaker"
#: How ``not_checkable`` begins for a claim about what a bare demonstrative points at (``_pointing_subject``).
NO_SUBJECT = "no subject"
#: Not "it": a subject "it" is as often a placeholder for the clause that follows ("It would take two weeks to
#: convene the DNC"), and that clause says what the claim is about.
_POINTERS = frozenset({"this", "that", "these", "those"})


def _clause(sub: SpacySpan) -> str:
    """Why the piece of one sentence ``sub`` is not a claim; "" when it is one."""
    toks = [t for t in sub if not (t.is_punct or t.is_space)]
    if not toks:
        return "fragment"
    if sub.text.strip(_QUOTES).endswith("?"):
        return "question"
    root = sub.root
    if root.pos_ not in ("VERB", "AUX"):
        return "noun phrase" if root.pos_ in _NOMINAL else "fragment"

    def inside(t: Token) -> bool:
        return sub.start <= t.i < sub.end

    subjects = [c for c in root.children if c.dep_ in _SUBJECTS and inside(c)]
    finite = root.tag_ in _FINITE or any(
        c.dep_ in ("aux", "auxpass") and c.tag_ in _FINITE and inside(c) for c in root.children
    )
    if not subjects:
        opens = root.i - toks[0].i <= 2  # "Don't engage", "Please vote"; not "to get emails"
        infinitive = any(c.tag_ == "TO" for c in root.children)
        return "imperative" if root.tag_ == "VB" and not (finite or infinitive) and opens else "fragment"
    if not finite:
        return "fragment"
    first = toks[0]
    if (first.tag_ in _WH or first.lower_ in ("whether", "if")) and (
        first.head.i == root.i or first in subjects
    ):
        return "fragment"  # an indirect question or a condition
    if any(c.dep_ == "mark" and c.lower_ in _CONDITIONS for c in root.children):
        # a condition whose "if" the extraction left outside: "(If) all the Fortune 500 companies paid taxes
        # on their sheltered profits, the researchers tallied, the government would receive ..." asserts
        # nothing of what the companies paid
        return "fragment"
    return ""


def not_a_claim(span: SpacySpan) -> str:
    """Why the parsed content ``span`` is not a claim ("noun phrase", "fragment", "question", "imperative");
    "" when one of its sentences is a claim."""
    reasons = []
    for sent in span.sents:
        sub = span.doc[max(sent.start, span.start) : min(sent.end, span.end)]
        r = _clause(sub)
        if not r:
            return ""
        reasons.append(r)
        # what follows a colon is a clause of its own: "Repeat after me: Obama is not admitting 250,000"
        colon = next((t.i for t in sub if t.text == ":"), None)
        if colon is not None and not _clause(span.doc[colon + 1 : sub.end]):
            return ""
    return reasons[0] if reasons else "fragment"


def why_not_checkable(st: Statement, pd: ParsedDocument) -> str:
    """Why ``st`` is not a checkable claim; "" when it is one, or when its content is not parsed as one piece
    (a quote running over paragraphs): then it is checked."""
    span = pd.span(st.content.start, st.content.end)
    if span is None or not len(span):
        return ""
    why = not_a_claim(span)
    if why and st.negated and _verbal(span):
        return ""  # "denied receiving any payments": the speaker asserts they received none
    told = small_clause.read(span, pd.span(st.cue.start, st.cue.end), st.negated) if why else None
    if told is not None and told.how == small_clause.ADDRESSEE:
        return not_a_claim(span.doc[told.root.left_edge.i : span.end])  # "told reporters that P": P
    return "" if told is not None else why  # "accused Holt of being a Democrat": Holt was one


def _verbal(span: SpacySpan) -> bool:
    """The span opens with a gerund or an infinitive ("receiving any payments", "to have known")."""
    words = [t for t in span if not (t.is_punct or t.is_space)]
    return bool(words) and (words[0].tag_ == "VBG" or (words[0].tag_ == "TO" and len(words) > 1))


def mark(
    parsed: Sequence[ParsedDocument], statements: Sequence[Statement], people: Sequence[Speaker] = ()
) -> list[Statement]:
    """Each statement with ``checkable`` set, and why not: not a claim, or said by nobody checker can name
    (an unresolved "I", "who" or "they": who would be contradicting whom is unknown)."""
    by_doc = {pd.document.id: pd for pd in parsed}
    unresolved = {s.id: s.name for s in people if s.kind == "unresolved"}
    out = []
    for st in statements:
        why = why_not_checkable(st, by_doc[st.doc_id])
        if not why and st.speaker_id in unresolved:
            why = f"{NO_SPEAKER} ({unresolved[st.speaker_id]})"
        if not why:
            pointer = _pointing_subject(st, by_doc[st.doc_id])
            why = f"{NO_SUBJECT} ({pointer})" if pointer else ""
        out.append(replace(st, checkable=not why, not_checkable=why))
    return out


def _pointing_subject(st: Statement, pd: ParsedDocument) -> str:
    """The bare demonstrative ("This", "These") that is the subject of ``st``'s claim and that its proposition
    still holds: what it points at is outside the statement ("This isn't tax reform"), so whether another
    claim is about the same thing cannot be told. "" when the subject is anything else."""
    span = pd.span(st.content.start, st.content.end)
    if span is None or not len(span):
        return ""
    subj = next((c for c in span.root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    pointers = _POINTERS
    if subj is None:  # "calls this a false narrative", "called it shameful"
        told = small_clause.read(span, pd.span(st.cue.start, st.cue.end), st.negated)
        subj, pointers = (told.subject, small_clause.POINTERS) if told is not None else (None, pointers)
    if subj is None or subj.lower_ not in pointers or subj.n_lefts or subj.n_rights:
        return ""
    said = st.proposition.strip(_QUOTES).split()
    return subj.lower_ if said and said[0].lower() == subj.lower_ else ""


def is_claim(st: Statement) -> bool:
    """Whether the gate read ``st`` as a claim (whoever said it)."""
    return not st.not_checkable or st.not_checkable.startswith((NO_SPEAKER, NO_SUBJECT))
