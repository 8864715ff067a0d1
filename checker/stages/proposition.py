"""The proposition a statement asserts: its content without the attribution frame, a denial turned
into the negation of what was denied, a subject pronoun that refers to the speaker named, a subject
description the document names ("the senator" -> "Ruth Calloway"), and an object "it" or "this project"
replaced by the thing talked about just before (the object of the same or the previous statement).

Both sides of a pair are then read by an NLI model that sees no context: "I will vote against it" cannot
contradict "Obi supports the data retention bill" until "it" is the bill."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from spacy.lang.en.stop_words import STOP_WORDS

from checker import config
from checker.records import Speaker, Statement
from checker.stages import small_clause
from checker.stages.segment import ParsedDocument
from checker.stages.speakers import PRONOUNS, person_name

_THIRD_PERSON = {"he": "person", "she": "person", "it": "org", "they": "plural"}
_FIRST_PERSON = {"i": "person", "we": "org"}
#: possessive pronouns by the speaker they may stand for, in reported speech and in a quote ("its profit")
_THIRD_PERSON_POSSESSIVE = {"his": "person", "her": "person", "its": "org", "their": "org"}
_FIRST_PERSON_POSSESSIVE = {"my": "person", "our": "org"}
_THIRD_PERSON_VERB = {"am": "is", "'m": "is", "have": "has", "'ve": "has", "do": "does", "are": "is"}
_DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
#: Nouns "this NOUN" stands in for a matter named before ("this project" = "the Northline pipeline"); "this
#: company" or "this city" name something else, which is not replaced.
MATTER_NOUNS = frozenset(
    """
    project plan plans bill law legislation measure proposal proposals deal agreement treaty scheme policy
    decision offer contract reform idea move merger takeover ruling rule rules ban
    """.split()
)
#: an object with one of these determiners names nothing a later "it" can refer to ("has no plans")
_NOT_REFERRING = frozenset({"no", "any", "every", "each", "some", "another"})
#: a name for a definite description at a document offset ("the company" -> "Brightcart"), or None
Refer = Callable[[int, str], "str | None"]
_QUOTE_MARKS = re.compile(r"[“”\"‘]|(?<![A-Za-z])’|’(?![A-Za-z])")

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token


def _edits_negate(root: Token) -> list[tuple[int, int, str]]:
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


#: a subject of "any" turned into its negative: denying "any of them had" asserts "none of them had"
_NO_ANY = {"any": "none", "anyone": "no one", "anybody": "nobody", "anything": "nothing"}


def _edits_negate_any(subj: Token) -> list[tuple[int, int, str]]:
    """Edits that negate a clause whose subject is "any ..." by its subject ("any customer data" -> "no
    customer data", "anyone" -> "no one"); empty when the subject has no "any"."""
    if subj.lower_ in _NO_ANY:
        return [(subj.idx, subj.idx + len(subj.text), _NO_ANY[subj.lower_])]
    det = next((c for c in subj.children if c.dep_ == "det" and c.lower_ == "any"), None)
    return [(det.idx, det.idx + len(det.text), "no")] if det is not None else []


def _apply(text: str, base: int, edits: list[tuple[int, int, str]]) -> str:
    """``text`` (starting at offset ``base``) with each edit's characters replaced, last first. Of two edits
    that overlap, the later applies; of two that start together ("his wife" -> "Hillary Clinton" and "his" ->
    "Bill Clinton's"), the wider."""
    done = len(text) + base + 1  # the start of the leftmost edit applied so far
    for start, end, repl in sorted(edits, reverse=True):
        s, e = start - base, end - base
        if 0 <= s <= e <= len(text) and end <= done:
            text = text[:s] + repl + text[e:]
            done = start
    return text


def _content_span(st: Statement, pd: ParsedDocument) -> SpacySpan | None:
    """The parsed tokens of ``st``'s content, when it lies within one paragraph; else None."""
    span = pd.span(st.content.start, st.content.end)
    return span if span is not None and len(span) else None


def _object(root: Token) -> Token | None:
    """The noun a clause is about besides its subject: its direct object, else its first prepositional
    object ("opposes the bill", "agreed to a pay rise")."""
    for c in root.children:
        if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN"):
            return c
    for c in root.children:
        if c.dep_ == "prep":
            for g in c.children:
                if g.dep_ == "pobj" and g.pos_ in ("NOUN", "PROPN"):
                    return g
    return None


def _phrase(head: Token) -> str:
    """A noun phrase up to its head: "the data retention bill", without what follows the head."""
    return _QUOTE_MARKS.sub("", head.doc[head.left_edge.i : head.i + 1].text)


def topic(st: Statement, pd: ParsedDocument) -> str | None:
    """The object of ``st``'s main clause ("the Northline pipeline"), what a later "it" may refer to."""
    span = _content_span(st, pd)
    obj = _object(span.root) if span is not None else None
    if (
        obj is None
        or obj.left_edge.i < span.start
        or any(t.lower_ in _DEMONSTRATIVES | _NOT_REFERRING for t in obj.lefts)
    ):
        return None
    return _phrase(obj)


def _references(span: SpacySpan, subj: Token | None, antecedent: str | None) -> list[tuple[int, int, str]]:
    """Edits that replace an object "it" or "this project" by what it refers to: an object named earlier
    in the same content, else ``antecedent`` (the previous statement's object)."""
    own = _object(span.root)
    edits = []
    for tok in span:
        if tok.dep_ not in ("dobj", "pobj") or (subj is not None and tok.i == subj.i):
            continue
        pointing = tok.lower_ == "it" or (
            tok.lower_ in MATTER_NOUNS
            and any(c.dep_ == "det" and c.lower_ in _DEMONSTRATIVES for c in tok.children)
        )
        if not pointing or tok.left_edge.i < span.start:
            continue
        verb = tok.head
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        # "opposes the bill and will vote against it": the bill; "shook hands on it": not the hands
        if (
            own is not None
            and own.i < tok.left_edge.i
            and own.left_edge.i >= span.start
            and own.head.i != verb.i
        ):
            ref = _phrase(own)
        else:
            ref = antecedent
        if ref:
            edits.append((tok.left_edge.idx, tok.idx + len(tok.text), ref))
    return edits


def build(
    st: Statement,
    pd: ParsedDocument,
    speaker_kind: str = "",
    drop: tuple[int, int] | None = None,
    refer: Refer | None = None,
    antecedent: str | None = None,
) -> str:
    """The asserted proposition of ``st`` as plain text (less the parse's characters ``drop``, if given).

    ``refer`` names a subject description ("the senator"); ``antecedent`` is what an object "it" refers to
    when the content itself names nothing before it (see ``topic``)."""
    text = st.content.text
    para = pd.paragraph_at(st.content.start)
    edits: list[tuple[int, int, str]] = [(*drop, "")] if drop else []
    if para is not None and st.content.end <= para.end:
        span = _content_span(st, pd)
        if span is not None:
            root = span.root
            subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            cue = pd.span(st.cue.start, st.cue.end)
            told = small_clause.read(span, cue, st.negated) if subj is None else None
            if told is not None:  # "accused Holt of being a Democrat" -> "Holt was a Democrat"
                edits += told.edits
                if told.how == small_clause.ADDRESSEE:  # "told reporters that he ...": the clause's own
                    root, subj = told.root, told.subject
                elif told.subject.lower_ in small_clause.REFLEXIVES and st.speaker_name:
                    # "described himself as a conservative": the speaker is
                    edits.append((told.subject.idx, told.subject.idx + len(told.subject.text), _name(st)))
            if st.negated:
                # "denied that any of its planes had been grounded" -> "None of its planes had been grounded"
                negation = _edits_negate_any(subj) if subj is not None else []
                negation = negation or _edits_negate(root)
                if not negation:
                    return f"It is not true that {_clean(text)}"
                edits += negation
            # who the subject pronoun is: the speaker, for "he" in reported speech and "I"/"we" in a quote
            people = _FIRST_PERSON if st.kind == "direct" else _THIRD_PERSON
            want = people.get(subj.lower_) if subj is not None else None
            if want and st.speaker_name and _agrees(want, speaker_kind):
                edits.append((subj.idx, subj.idx + len(subj.text), _name(st)))
                verb = subj.nbor() if subj.i + 1 < len(subj.doc) else None
                if st.kind == "direct" and verb is not None and verb.lower_ in _THIRD_PERSON_VERB:
                    # "I am" -> "Obi is", "I have" -> "Obi has"
                    space = " " if verb.idx == subj.idx + len(subj.text) else ""  # "I'm" -> "Obi is"
                    third = space + _THIRD_PERSON_VERB[verb.lower_]
                    edits.append((verb.idx, verb.idx + len(verb.text), third))
            elif (
                (said := subj or (told.subject if told is not None else None)) is not None
                and refer is not None
                and said.pos_ == "NOUN"
                and said.left_edge.i >= span.start
            ):
                name = refer(para.start + said.left_edge.idx, said.doc[said.left_edge.i : said.i + 1].text)
                if name:  # "the senator" -> "Ruth Calloway", as the speakers stage resolves it
                    edits.append((said.left_edge.idx, said.idx + len(said.text), name))
            owner = _owner(st, subj, speaker_kind)
            if owner is not None:  # "its third-quarter profit" -> "Brightwell Telecom's third-quarter profit"
                edits.append((owner.idx, owner.idx + len(owner.text), _possessive(_name(st))))
            edits += [
                e
                for e in _references(span, subj or (told.subject if told is not None else None), antecedent)
                if not drop or e[1] <= drop[0] or e[0] >= drop[1]
            ]
            text = _apply(para.doc.text[span.start_char : span.end_char], span.start_char, edits)
    elif st.negated:
        return f"It is not true that {_clean(text)}"
    return _clean(text)


def parts(
    st: Statement,
    pd: ParsedDocument,
    speaker_kind: str = "",
    refer: Refer | None = None,
    antecedent: str | None = None,
) -> list[str]:
    """The conjuncts of a denial of alternatives: denying "A or B" asserts not-A and not-B, and a claim
    contradicts the denial when it contradicts either. Empty for anything else (the proposition is one)."""
    span = _content_span(st, pd) if st.negated else None
    if span is None:
        return []
    root = span.root
    conj = next((c for c in root.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")), None)
    cc = next((c for c in root.children if c.dep_ == "cc" and c.lower_ in ("or", "nor")), None)
    if conj is None or cc is None or not (root.i < cc.i < conj.i):
        return []
    if any(start >= root.idx for start, _, _ in _edits_negate(root)):
        return []  # the negation rewrites the verb itself ("did not approve"): only "had not" is split
    # "had not responded to or approved P" -> "had not approved P" and "had not responded to P"
    first = build(st, pd, speaker_kind, (root.idx, conj.idx), refer, antecedent)
    second = build(st, pd, speaker_kind, (cc.idx, conj.idx + len(conj.text)), refer, antecedent)
    return [first, second]


def _name(st: Statement) -> str:
    """The speaker as the text names them ("Senator Obi"), or their resolved name behind a pronoun."""
    return st.speaker.text if st.speaker.text.lower() not in PRONOUNS else st.speaker_name


def _possessive(name: str) -> str:
    return name + ("'" if name.endswith("s") else "'s")


def _owner(st: Statement, subj: Token | None, speaker_kind: str) -> Token | None:
    """The possessive pronoun of the subject that stands for the speaker ("Brightwell said *its* profit
    rose", "'*Our* sales doubled,' the company said"), or None."""
    if subj is None or not st.speaker_name:
        return None
    mine = _FIRST_PERSON_POSSESSIVE if st.kind == "direct" else _THIRD_PERSON_POSSESSIVE
    for c in subj.subtree:  # "its profit", "any of its aircraft"
        if c.dep_ == "poss" and c.lower_ in mine and _agrees(mine[c.lower_], speaker_kind):
            return c
    return None


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


def _main_subject(st: Statement, pd: ParsedDocument) -> Token | None:
    """The subject token of ``st``'s main clause when it lies within the content; else None."""
    span = _content_span(st, pd)
    if span is None:
        return None
    subj = next((c for c in span.root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None:  # "accused Holt of being a Democrat": Holt
        told = small_clause.read(span, pd.span(st.cue.start, st.cue.end), st.negated)
        subj = told.subject if told is not None else None
    return None if subj is None or subj.left_edge.i < span.start else subj


def subjects(st: Statement, pd: ParsedDocument, speaker_kind: str = "") -> tuple[str, ...]:
    """The people the subject of ``st``'s main clause names: each person entity in it ("Sayer", "Smith and
    Jones"), or the speaker for a subject pronoun that is the speaker; empty when it names nobody."""
    subj = _main_subject(st, pd)
    if subj is None:
        return ()
    people = _FIRST_PERSON if st.kind == "direct" else _THIRD_PERSON
    if subj.lower_ in people:
        speaks = people[subj.lower_] == "person" and speaker_kind == "person" and st.speaker_name
        return (st.speaker_name,) if speaks else ()
    words = subj.doc[subj.left_edge.i : subj.right_edge.i + 1]
    if any(t.pos_ == "NOUN" and t.dep_ in ("nsubj", "nsubjpass", "conj") for t in words):
        return ()  # "a majority of the council", "Smith and the board": not only people
    return tuple(person_name(e.text) for e in words.ents if e.label_ == "PERSON")


def thing(st: Statement, pd: ParsedDocument, speaker_kind: str = "") -> tuple[str, ...]:
    """What the subject of ``st``'s main clause is: its head noun, then the names and nouns that tell it
    apart from other things of that kind ("Marlow town council" -> ("council", "marlow", "town"); "its
    profit", said by Brightwell Telecom, -> ("profit", "brightwell", "telecom")); empty when the subject is a
    pronoun or lies outside the content.

    Two councils, or two companies' profits, cannot contradict each other (``pair.different_things``)."""
    subj = _main_subject(st, pd)
    if subj is None or subj.pos_ not in ("NOUN", "PROPN"):
        return ()
    marks = set()
    owner = _owner(st, subj, speaker_kind)
    for t in subj.subtree:
        if t.i < subj.i and t.dep_ in ("compound", "poss", "nmod") and t.pos_ in ("NOUN", "PROPN"):
            marks.add(t.lower_)
        elif t.i > subj.i and t.pos_ == "PROPN" and t.head.lower_ == "of" and t.head.head.i == subj.i:
            marks.add(t.lower_)  # "the economy of Ostravia"
    if owner is not None:  # "its appeal" said by Harlow Athletic is "Harlow Athletic's appeal"
        marks.update(st.speaker_name.lower().split())
    return (subj.lemma_.lower(), *sorted(marks))


#: A capitalised word: a name a resolved pronoun or description put in a proposition.
_CAPITAL = re.compile(r"\b[A-Z][a-zA-Z’'\-]{2,}")
_POSSESSIVE = re.compile(r"['’]s?$")


def topics(
    st: Statement, pd: ParsedDocument, people: Sequence[str] = (), proposition: str = ""
) -> tuple[str, ...]:
    """The nouns and names ``st``'s content mentions, as lowercase lemmas, the words of ``people`` (whom its
    subject names, ``subjects``), and the names ``proposition`` holds that the content does not: whom a
    pronoun stands for ("its aircraft" said by Solvara Airlines is Solvara Airlines' aircraft)."""
    span = pd.span(st.content.start, st.content.end)
    found = {t.lemma_.lower() for t in span or () if t.pos_ in ("NOUN", "PROPN") and len(t.text) > 2}
    found.update(w for name in people for w in name.lower().split())
    in_content = set(_CAPITAL.findall(st.content.text))
    added = (_POSSESSIVE.sub("", w).lower() for w in _CAPITAL.findall(proposition) if w not in in_content)
    found.update(w for w in added if len(w) > 2 and w not in STOP_WORDS)
    return tuple(sorted(found))


def annotate(
    parsed: Sequence[ParsedDocument],
    statements: Sequence[Statement],
    people: Sequence[Speaker],
    refer: Callable[[str, int, str], str | None],
) -> list[Statement]:
    """Each statement with what it asserts: its proposition, its conjuncts, whom and what its subject names,
    and the speakers it is said with one voice by. ``refer(doc_id, offset, text)`` names what a definite
    description stands for (``speakers.Resolver.refer``)."""
    kinds = {s.id: s.kind for s in people}
    by_doc = {pd.document.id: pd for pd in parsed}
    voices: dict[tuple[str, int], set[str]] = {}
    for st in statements:
        voices.setdefault((st.doc_id, st.content.start), set()).add(st.speaker_id)
    out = []
    #: per document, the last statement's sentence and object: what a later "it" refers to
    objects: dict[str, tuple[int, str]] = {}
    for st in statements:
        pd, kind = by_doc[st.doc_id], kinds.get(st.speaker_id, "")
        together = voices[(st.doc_id, st.content.start)]
        last = objects.get(st.doc_id)
        before = last[1] if last and 0 <= st.sentence - last[0] <= config.TOPIC_SENTENCES else None
        in_doc = partial(refer, st.doc_id)
        named = subjects(st, pd, kind)
        said = build(st, pd, kind, refer=in_doc, antecedent=before)
        out.append(
            replace(
                st,
                proposition=said,
                parts=tuple(parts(st, pd, kind, in_doc, before)),
                subjects=named,
                thing=thing(st, pd, kind),
                topics=topics(st, pd, named, said),
                voices=tuple(sorted(together)) if len(together) > 1 else (),
            )
        )
        found = topic(st, pd)
        if found:
            objects[st.doc_id] = (st.sentence, found)
    return out
