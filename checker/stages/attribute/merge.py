"""How the tagger's statements and the parse rules' merge (policy "structure"), and nested attribution."""

from __future__ import annotations

from dataclasses import replace

from checker.records import Span, Statement
from checker.stages import cues
from checker.stages.attribute.spans import rng, tokens_in, touch
from checker.stages.attribute.tagged import cue_lemma
from checker.stages.segment import ParsedDocument


def _told_reporter(pd: ParsedDocument, st: Statement) -> bool:
    """ "B had told them that P": the cue's object is a pronoun, the reporter who was told."""
    for tok in tokens_in(pd, st.cue.start, st.cue.end):
        if any(c.dep_ in ("dative", "dobj", "iobj") and c.pos_ == "PRON" for c in tok.children):
            return True
    return False


def _nested_in(inner: Statement, outer: Statement) -> bool:
    """``inner``'s speaker opens ``outer``'s content and its cue and content lie within it (``nest``)."""
    c = outer.content
    return (
        c.start <= inner.speaker.start < inner.cue.start < c.end
        and inner.content.end <= c.end + 1
        and inner.speaker.start - c.start <= 3
    )


def _position_within(pd: ParsedDocument, inner: Statement, outer: Statement) -> bool:
    """ "A opposes P, two people close to A told the Gazette": the tagger took the reported position for the
    attribution and left the speech cue around it without content. ``inner`` (speaker, cue and content)
    lies in ``outer``'s content and its cue is no speech verb, so what was said is ``outer``'s."""
    c = outer.content
    return (
        c.start <= inner.speaker.start
        and inner.cue.end <= c.end
        and c.start <= inner.content.start
        and inner.content.end <= c.end + 1
        and cue_lemma(pd, (inner.cue.start, inner.cue.end)) not in cues.SPEECH_VERBS
    )


def _cut_mid_clause(text: str, end: int, limit: int) -> bool:
    """The tagged content stops at ``end`` with the text running on in words up to ``limit``."""
    rest = text[end:limit].lstrip()
    return bool(rest) and rest[0].isalnum()


def is_clause(pd: ParsedDocument, span: Span) -> bool:
    """Whether a source span is headed by a verb: a clause, which no speaker is ("People who were there" is
    headed by its noun)."""
    toks = tokens_in(pd, span.start, span.end)
    if not toks:
        return False
    inside = {t.i for t in toks}
    heads = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
    return any(t.pos_ in ("VERB", "AUX") for t in heads)


def merge(pd: ParsedDocument, tagged: list[Statement], rules: list[Statement]) -> list[Statement]:
    """The tagger's statements, with the rules' where the rules see structure the tagger's spans lack.

    The tagger was trained on PolNeAR and keeps its span conventions (a cue with its auxiliaries and
    modifiers, "has said in a statement"), so its statement stands wherever the rules find the same
    attribution (their contents overlap) with nothing more to say. A rule statement replaces the tagged
    statements its content overlaps when it carries what checker reasons with and tagged spans cannot:

    - a denial ("X denied P"): the statement is negated and its cue is the denial verb itself;
    - coordinated speakers ("Both the US and France made clear that P"): one statement per speaker, from the
      parse, with the cue the rules give all of them;
    - a frame with no words ("Name: “...”", "“...” – Name"): the punctuation ties the quote to the name
      next to it, which the tagger tends to pair with the nearest tagged cue instead.

    A rule statement whose content holds the tagged statements it overlaps, each with a cue that is no speech
    verb ("A opposes P, people close to A told the Gazette": the tagger took the position for the attribution
    and left "told" without content), replaces them: what was said is the rules' ``_position_within``.
    A rule statement nested in a tagged content ("A said B had told them that P") is added when B told
    it to the reporter (the cue's object is a pronoun): ``nest`` then makes it B's with A as reporter.
    Where a tagged content of the same cue stops mid-clause inside the rules' content (the model lets go
    of a very long complement), it takes the rules' whole content. Rule statements overlapping no tagged
    content, or only tagged statements another rule statement replaced, are added as they are.
    Measured on PolNeAR dev against keeping the tagger's statements whole: each rule costs at most 0.002
    exact F1; rewriting every matched cue to the rules' head verb cost 0.031 cue F1, and adding every
    nested attribution 0.011 source F1 (PolNeAR annotates the outer one), so neither is done.
    """
    tagged = list(tagged)  # a tagged statement a rule mends is replaced here and in ``out`` alike
    out = list(tagged)
    drop: set[int] = set()
    speakers_of: dict[tuple[int, int], int] = {}
    for r in rules:
        key = (r.cue.start, r.content.start)
        speakers_of[key] = speakers_of.get(key, 0) + 1
    later = []
    for r in rules:
        hits = [i for i, t in enumerate(tagged) if touch(rng(r.content), rng(t.content))]
        if not hits:
            out.append(r)
        elif any(_nested_in(r, tagged[i]) for i in hits):
            if _told_reporter(pd, r):
                out.append(r)
        elif all(_position_within(pd, tagged[i], r) for i in hits):
            drop.update(hits)
            out.append(r)
        elif (
            r.negated
            or speakers_of[(r.cue.start, r.content.start)] > 1
            or (r.kind == "direct" and not any(ch.isalnum() for ch in r.cue.text))
        ):
            drop.update(hits)
            out.append(r)
        else:
            later.append((r, hits))
            for i in hits:
                tagged[i] = out[i] = _mended(pd, tagged[i], r)
    # a tagged statement replaced by one rule statement no longer hides the others it overlapped (a tagged
    # content running from an unclosed quote into the next paragraph's denial: both of the rules' stand)
    out += [r for r, hits in later if all(i in drop for i in hits)]
    return [s for i, s in enumerate(out) if i not in drop]


def _subject_of_clause(pd: ParsedDocument, span: Span, cue: Span) -> bool:
    """Whether a source span is the subject of a clause inside the attribution, not of its cue ("Clinton,
    after the scandal about her email broke in March, initially said": "the scandal" is the subject of
    "broke", an adverbial clause)."""
    toks = tokens_in(pd, span.start, span.end)
    if not toks:
        return False
    inside = {t.i for t in toks}
    root = next((t for t in toks if t.head.i not in inside or t.head.i == t.i), toks[0])
    verb = root.head
    return (
        root.dep_ in ("nsubj", "nsubjpass")
        and verb.dep_ in ("advcl", "relcl", "acl")
        and verb.i not in {t.i for t in tokens_in(pd, cue.start, cue.end)}
    )


def _mended(pd: ParsedDocument, t: Statement, r: Statement) -> Statement:
    """The tagged statement ``t`` with what the rules' statement ``r`` of the same cue gets right."""
    if not touch(rng(r.cue), rng(t.cue)):
        return t
    clause = is_clause(pd, t.speaker) and not is_clause(pd, r.speaker)
    if clause or _subject_of_clause(pd, t.speaker, t.cue):
        # "The people, who spoke ... because the inspections have not been made public, said": the tagger
        # took the end of the relative clause (or a clause's subject) for the source; the parse's subject
        # stands
        t = replace(t, speaker=r.speaker)
    if (
        r.content.start <= t.content.start
        and t.content.end < r.content.end
        and _cut_mid_clause(pd.document.text, t.content.end, r.content.end)
    ):
        t = replace(t, content=r.content)
    return t


def nest(statements: list[Statement]) -> list[Statement]:
    """ "A said B had told them that P": one statement, B's, with A as its reporter (A's is dropped)."""
    statements = list(statements)
    drop: set[int] = set()
    for i, outer in enumerate(statements):
        for k, inner in enumerate(statements):
            if k == i or inner.reporter is not None:
                continue
            if _nested_in(inner, outer):
                statements[k] = replace(inner, reporter=outer.speaker)
                drop.add(i)
    return [s for i, s in enumerate(statements) if i not in drop]
