"""The proposition a statement asserts: its content without the attribution frame, a denial turned
into the negation of what was denied, and a subject pronoun that refers to the speaker named."""

from __future__ import annotations

import re

from checker.records import Statement
from checker.segment import ParsedDocument
from checker.speakers import PRONOUNS

_NEGATORS = frozenset({"not", "n't", "never"})
_THIRD_PERSON = {"he": "person", "she": "person", "it": "org", "they": "plural"}
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


def build(st: Statement, pd: ParsedDocument, speaker_kind: str = "") -> str:
    """The asserted proposition of ``st`` as plain text."""
    text = st.content.text
    para = pd.paragraph_at(st.content.start)
    edits: list[tuple[int, int, str]] = []
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
            if st.kind != "direct":
                subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                want = _THIRD_PERSON.get(subj.lower_) if subj is not None else None
                if want and st.speaker_name and _agrees(want, speaker_kind):
                    name = st.speaker.text if st.speaker.text.lower() not in PRONOUNS else st.speaker_name
                    edits.append((subj.idx, subj.idx + len(subj.text), name))
            text = _apply(para.doc.text[span.start_char : span.end_char], span.start_char, edits)
    elif st.negated:
        return f"It is not true that {_clean(text)}"
    return _clean(text)


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
