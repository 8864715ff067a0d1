"""The proposition a statement asserts: its content without the attribution frame, a denial turned
into the negation of what was denied, and a subject pronoun that refers to the speaker named."""

from __future__ import annotations

import re

from checker.records import Statement
from checker.segment import ParsedDocument
from checker.speakers import PRONOUNS

_NEGATORS = frozenset({"not", "n't", "never"})
_THIRD_PERSON = {"he": "person", "she": "person", "it": "org", "they": "plural"}
_FIRST_PERSON = {"i": "person", "we": "org"}
_THIRD_PERSON_VERB = {"am": "is", "'m": "is", "have": "has", "'ve": "has", "do": "does", "are": "is"}
_QUOTE_MARKS = re.compile(r"[“”\"‘]|(?<![A-Za-z])’|’(?![A-Za-z])")


def _edits_negate(root) -> list[tuple[int, int, str]]:  # noqa: ANN001
    """Character edits (relative to the parse) that negate the clause headed by ``root``."""
    near = list(root.children) + [
        g for c in root.children if c.dep_ in ("acomp", "attr", "xcomp") for g in c.children
    ]
    for child in near:
        if child.dep_ == "neg" and child.i > root.i - 3:  # denying a negative asserts the positive
            end = child.idx + len(child.text_with_ws)
            return [(child.idx, end, "")]
    auxes = [c for c in root.children if c.dep_ in ("aux", "auxpass") and c.i < root.i]
    if auxes:
        a = auxes[0]
        return [(a.idx + len(a.text), a.idx + len(a.text), " not")]
    if root.lemma_ == "be":
        return [(root.idx + len(root.text), root.idx + len(root.text), " not")]
    do = {"VBD": "did", "VBZ": "does", "VBP": "do"}.get(root.tag_)
    if do and root.pos_ == "VERB":
        return [(root.idx, root.idx + len(root.text), f"{do} not {root.lemma_}")]
    return []


def _apply(text: str, base: int, edits: list[tuple[int, int, str]]) -> str:
    for start, end, repl in sorted(edits, reverse=True):
        s, e = start - base, end - base
        if 0 <= s <= e <= len(text):
            text = text[:s] + repl + text[e:]
    return text


def build(
    st: Statement, pd: ParsedDocument, speaker_kind: str = "", drop: tuple[int, int] | None = None
) -> str:
    """The asserted proposition of ``st`` as plain text (less the parse's characters ``drop``, if given)."""
    text = st.content.text
    para = pd.paragraph_at(st.content.start)
    edits: list[tuple[int, int, str]] = [(*drop, "")] if drop else []
    if para is not None and st.content.end <= para.end:
        base = st.content.start - para.start
        span = para.doc.char_span(base, st.content.end - para.start, alignment_mode="expand")
        if span is not None and len(span):
            root = span.root
            if st.negated:
                negation = _edits_negate(root)
                if not negation:
                    return f"It is not true that {_clean(text)}"
                edits += negation
            subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            # who the subject pronoun is: the speaker, for "he" in reported speech and "I"/"we" in a quote
            people = _FIRST_PERSON if st.kind == "direct" else _THIRD_PERSON
            want = people.get(subj.lower_) if subj is not None else None
            if want and st.speaker_name and _agrees(want, speaker_kind):
                name = st.speaker.text if st.speaker.text.lower() not in PRONOUNS else st.speaker_name
                edits.append((subj.idx, subj.idx + len(subj.text), name))
                verb = subj.nbor() if subj.i + 1 < len(subj.doc) else None
                if st.kind == "direct" and verb is not None and verb.lower_ in _THIRD_PERSON_VERB:
                    # "I am" -> "Obi is", "I have" -> "Obi has"
                    space = " " if verb.idx == subj.idx + len(subj.text) else ""  # "I'm" -> "Obi is"
                    third = space + _THIRD_PERSON_VERB[verb.lower_]
                    edits.append((verb.idx, verb.idx + len(verb.text), third))
            text = _apply(para.doc.text[span.start_char : span.end_char], span.start_char, edits)
    elif st.negated:
        return f"It is not true that {_clean(text)}"
    return _clean(text)


def parts(st: Statement, pd: ParsedDocument, speaker_kind: str = "") -> list[str]:
    """The conjuncts of a denial of alternatives: denying "A or B" asserts not-A and not-B, and a claim
    contradicts the denial when it contradicts either. Empty for anything else (the proposition is one)."""
    if not st.negated:
        return []
    para = pd.paragraph_at(st.content.start)
    if para is None or st.content.end > para.end:
        return []
    span = para.doc.char_span(
        st.content.start - para.start, st.content.end - para.start, alignment_mode="expand"
    )
    if span is None or not len(span):
        return []
    root = span.root
    conj = next((c for c in root.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")), None)
    cc = next((c for c in root.children if c.dep_ == "cc" and c.lower_ in ("or", "nor")), None)
    if conj is None or cc is None or not (root.i < cc.i < conj.i):
        return []
    if any(start >= root.idx for start, _, _ in _edits_negate(root)):
        return []  # the negation rewrites the verb itself ("did not approve"): only "had not" is split
    # "had not responded to or approved P" -> "had not approved P" and "had not responded to P"
    first = build(st, pd, speaker_kind, drop=(root.idx, conj.idx))
    second = build(st, pd, speaker_kind, drop=(cc.idx, conj.idx + len(conj.text)))
    return [first, second]


def _agrees(pronoun_kind: str, speaker_kind: str) -> bool:
    if pronoun_kind == "person":
        return speaker_kind == "person"
    if pronoun_kind == "org":
        return speaker_kind in ("organization", "place", "anonymous")
    return False


def _clean(text: str) -> str:
    text = _QUOTE_MARKS.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" ,;:")
    return text[:1].upper() + text[1:] if text else text
