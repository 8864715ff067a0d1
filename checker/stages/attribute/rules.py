"""Statements from the dependency parse: direct quotes (also over several paragraphs, with an opening mark per
paragraph), partial and indirect quotes, "according to X", postposed "..., X said", "X told Y that ...",
"Name: “...”", "“...” – Name", coordinated speakers, claim nouns ("statements from X that P") and denials.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from checker.records import Span, Statement
from checker.stages import cues, small_clause
from checker.stages.attribute.quotes import Quote, adjacent_quote, balanced, find_quotes, in_quote, quote_span
from checker.stages.attribute.spans import (
    Builder,
    char_at,
    conjuncts,
    make_span,
    np_tokens,
    speaker_tokens,
    token_end,
)
from checker.stages.segment import Paragraph, ParsedDocument

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

_RELATIVE = frozenset("who which that".split())
_EDGE_WORDS = frozenset("and but or that though although while , ; : — – -".split())
_NAME_COLON = re.compile(r"^([A-Z][\w.’'\- ]{1,60}?):\s*(?=[“\"])")
_DASH_NAME = re.compile(r"[”\"]\s*[–—-]{1,2}\s*([A-Z][\w.’'\- ]{1,60})\s*$")


def subject_of(verb: Token) -> Token | None:
    """The speaker token of a cue verb, inherited through conjunction and participle clauses."""
    for child in verb.children:
        if child.dep_ == "nsubj":
            if child.lower_ in _RELATIVE and verb.dep_ == "relcl":
                return verb.head
            return child
    if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head is not verb:
        if verb.dep_ == "advcl" and any(c.dep_ == "mark" for c in verb.children):
            return None
        for child in verb.head.children:
            if child.dep_ == "nsubj":
                return child
    return None


def _cue_tokens(verb: Token) -> list[Token]:
    toks = [verb]
    parts = cues.CUE_PARTS.get(verb.lemma_.lower(), set())
    for child in verb.children:
        if child.dep_ == "prt" or child.lower_ in parts:
            toks.append(child)
    return sorted(toks, key=lambda t: t.i)


def _complement(verb: Token) -> tuple[Token | None, str]:
    """The token heading the reported content of ``verb``, and how it was found."""
    lemma = verb.lemma_.lower()
    parts = cues.CUE_PARTS.get(lemma, set())
    for child in verb.children:
        if child.dep_ == "ccomp" and child.lower_ not in parts and not _nested_cue_left(verb, child):
            return child, "clause"
    for child in verb.children:  # "made clear ... that P": the clause hangs off "clear"
        if child.lower_ in cues.CUE_PARTS.get(lemma, set()):
            for grand in child.children:
                if grand.dep_ == "ccomp":
                    return grand, "clause"
    clause = _that_clause(verb)
    if clause is not None:
        return clause, "clause"
    if any(c.lower_ in cues.CUE_PARTS.get(lemma, set()) and c.dep_ == "prep" for c in verb.children):
        return verb, "rest"  # "called for a truce during a speech": everything after the cue
    for child in verb.children:
        if child.dep_ == "dobj" and child.lemma_.lower() in cues.CLAIM_NOUNS:
            for grand in child.children:
                if grand.dep_ in ("acl", "ccomp", "relcl") and any(
                    g.lower_ == "that" for g in grand.children
                ):
                    return grand, "clause"
    if verb.dep_ == "parataxis" and verb.head.pos_ in ("VERB", "AUX"):
        return verb.head, "parataxis"
    if lemma in cues.DENIAL_VERBS:
        return None, ""
    for child in verb.children:
        if child.dep_ == "dobj" and child.pos_ != "PRON":
            has_clause = any(g.dep_ in ("acl", "relcl", "ccomp") for g in child.children)
            if lemma in cues.OBJECT_CUES or (has_clause and lemma not in ("tell", "inform", "assure", "ask")):
                return child, "object"
    for child in verb.children:
        if child.dep_ == "xcomp" and lemma in ("promise", "vow", "pledge", "threaten", "agree"):
            return child, "object"
    return None, ""


def _nested_cue_left(verb: Token, clause: Token) -> bool:
    """A parse that hangs one attribution off a later one ("A say P; B calls for Q")."""
    return clause.i < verb.i and is_cue_verb(clause) and subject_of(clause) is not None


def is_cue_verb(tok: Token) -> bool:
    lemma = tok.lemma_.lower()
    if lemma in cues.SPEECH_VERBS:
        return True
    parts = cues.CUE_PARTS.get(lemma)
    return bool(parts) and any(c.lower_ in parts for c in tok.children)


def _that_clause(verb: Token) -> Token | None:
    """A "that" clause shortly after the cue, wherever the parser attached it."""
    for tok in verb.doc[verb.i + 1 : verb.i + 14]:
        if tok.lower_ == "that" and tok.dep_ == "mark" and tok.head.i > tok.i:
            anc = tok.head
            if anc is verb or verb in anc.ancestors:
                return anc
        if tok.text in ".;" or (tok.pos_ == "VERB" and tok.dep_ in ("ccomp", "conj")):
            break
    return None


def _content_tokens(head: Token, exclude: set[int]) -> list[Token]:
    """Tokens of ``head``'s subtree minus the frame, as the longest contiguous run."""
    doc = head.doc
    drop = set(exclude)
    for tok in head.subtree:
        if tok.i in drop:
            continue
        # a nested attribution with a speaker of its own, or a contrastive clause, is not content
        if tok is not head and tok.pos_ in ("VERB", "AUX") and tok.dep_ in ("advcl", "parataxis"):
            marks = {c.lower_ for c in tok.children if c.dep_ == "mark"}
            if marks & cues.CONTRASTIVE_MARKS or is_cue_verb(tok):
                drop.update(t.i for t in tok.subtree)
    idx = [t.i for t in head.subtree if t.i not in drop]
    if head.dep_ == "ccomp" or head.dep_ == "acl":
        idx = [i for i in idx if not (doc[i].dep_ == "mark" and doc[i].head is head and i < head.i)]
    runs: list[list[int]] = []
    for i in sorted(idx):
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    if not runs:
        return []
    with_head = [r for r in runs if head.i in r]
    best = (
        with_head[0]
        if with_head
        else max(runs, key=lambda r: (sum(1 for i in r if not doc[i].is_punct), -r[0]))
    )
    toks = [doc[i] for i in best]
    while toks and (toks[0].is_punct or toks[0].lower_ in _EDGE_WORDS) and toks[0].text not in '“"‘':
        toks = toks[1:]
    while toks and (toks[-1].lower_ in _EDGE_WORDS or toks[-1].text in ",;:—–-."):
        toks = toks[:-1]
    return toks


def rule_statements(pd: ParsedDocument) -> list[Statement]:
    """The statements the parse rules find."""
    text = pd.document.text
    spans = [(p.start, p.end) for p in pd.paragraphs]
    quotes = find_quotes(text, spans) if spans else []
    b = Builder(pd)
    used_quotes: set[Quote] = set()

    for para in pd.paragraphs:
        sdoc = para.doc
        for tok in sdoc:
            lemma = tok.lemma_.lower()
            if tok.lower_ == "according" and tok.i + 1 < len(sdoc) and sdoc[tok.i + 1].lower_ == "to":
                _according(b, para, tok, quotes, used_quotes)
                continue
            if tok.pos_ not in ("VERB", "AUX") or not is_cue_verb(tok):
                if tok.pos_ == "NOUN" and lemma in cues.CLAIM_NOUNS:
                    _claim_noun(b, para, tok, quotes)
                continue
            if in_quote(quotes, char_at(para, tok)):
                continue
            subj = subject_of(tok)
            if subj is None or in_quote(quotes, char_at(para, subj)):
                continue
            if subj.lower_ in ("it", "there") and any(c.dep_ in ("ccomp", "xcomp") for c in tok.children):
                if subj.dep_ == "nsubjpass" or tok.tag_ == "VBN":
                    continue
            _verb_statement(b, para, tok, subj, quotes, used_quotes)

    _name_colon_and_dash(b, pd, quotes, used_quotes)
    _continuation_quotes(b, pd, quotes, used_quotes)
    return b.statements


def _frame_end(para: Paragraph, verb: Token, frame: set[int], quotes: list[Quote]) -> int:
    """Where the frame ends once the verb's own modifiers are counted ("said in a statement:")."""
    end = max(token_end(para, verb.doc[i]) for i in frame)
    for t in sorted((t for t in verb.subtree if t.i > verb.i), key=lambda t: t.i):
        if in_quote(quotes, char_at(para, t)):
            continue
        if t.text in '“"':
            break
        if t.dep_ in ("prep", "pobj", "det", "amod", "compound", "npadvmod", "advmod", "dobj", "punct") or (
            t.head.i in frame or t.head.i < verb.i
        ):
            end = max(end, token_end(para, t))
        else:
            break
    return end


def _verb_statement(
    b: Builder, para: Paragraph, verb: Token, subj: Token, quotes: list[Quote], used_quotes: set[Quote]
) -> None:
    text = b.text
    lemma = verb.lemma_.lower()
    head, how = _complement(verb)
    if verb.dep_ == "advcl" and verb.tag_ == "VBG" and how != "clause":
        return  # "..., reiterating the country's war goal": a paraphrase by the reporter, not a claim
    cue_toks = _cue_tokens(verb)
    cue = make_span(text, char_at(para, cue_toks[0]), token_end(para, cue_toks[-1]))
    speaker_heads = conjuncts(subj)
    frame = {t.i for h in speaker_heads for t in np_tokens(h)} | {t.i for t in cue_toks}
    frame |= {c.i for h in speaker_heads for c in h.children if c.dep_ in ("cc", "preconj")}

    denial = lemma in cues.DENIAL_VERBS
    content: Span | None = None
    kind = "indirect"
    q = in_quote(quotes, char_at(para, head)) if head is not None else None
    if q is not None and q.inner_end > q.inner_start and _quote_is_whole(q, para, head):
        content, kind = quote_span(text, q), "direct"
        used_quotes.add(q)
    if content is None and head is not None:
        if how == "rest":
            exclude = frame | {t.i for t in verb.subtree if t.i <= verb.i}
        else:
            in_head = {x.i for x in head.subtree}
            exclude = frame | {t.i for t in verb.subtree if t.i < verb.i and t.i not in in_head}
        toks = _content_tokens(head, exclude)
        if toks:
            content = balanced(text, char_at(para, toks[0]), token_end(para, toks[-1]))
            if any(ch in content.text for ch in '“”"‘'):
                kind = "partial"
    if content is None or (len(content.text.split()) < 3 and how != "clause"):
        frame_start = min(char_at(para, verb.doc[i]) for i in frame)
        q = adjacent_quote(quotes, text, frame_start, _frame_end(para, verb, frame, quotes))
        if q is not None:
            content, kind = quote_span(text, q), "direct"
            used_quotes.add(q)
    if content is None:
        return
    if denial and how != "clause" and kind != "direct":
        return  # "rejected the proposal" is an act, not a denial of a claim
    for sh in speaker_heads:
        toks = speaker_tokens(sh)
        speaker = make_span(text, char_at(para, toks[0]), token_end(para, toks[-1]))
        b.add(
            speaker,
            cue,
            content,
            kind,
            negated=denial and kind != "direct",
            # "called the charges unsubstantiated" asserts, where "called for" demands
            directive=not cues.is_assertion(lemma, sh.lemma_)
            and not small_clause.judges(lemma, _parsed(para, content), _parsed(para, cue)),
        )


def _parsed(para: Paragraph, content: Span) -> SpacySpan | None:
    """The parsed tokens of ``content`` when it lies within ``para``."""
    if not (para.start <= content.start and content.end <= para.end):
        return None
    return para.doc.char_span(content.start - para.start, content.end - para.start, alignment_mode="expand")


def _quote_is_whole(q: Quote, para: Paragraph, head: Token) -> bool:
    """The complement lies wholly inside the quote (a direct quote), not a partial one."""
    toks = [t for t in head.subtree if not t.is_punct]
    inside = sum(1 for t in toks if q.contains(char_at(para, t)))
    return inside >= 0.8 * max(1, len(toks))


def _according(b: Builder, para: Paragraph, tok: Token, quotes: list[Quote], used_quotes: set[Quote]) -> None:
    """ "P, according to X" / "According to X, P"."""
    to = tok.nbor(1)
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return
    head = tok.head
    if head.lemma_.lower() in cues.SPEECH_VERBS and subject_of(head) is not None:
        return  # "X told Y ..., according to the readout": X is the speaker, the readout the channel
    while head.dep_ not in ("ROOT", "ccomp", "conj") and head.head is not head:
        head = head.head
    text = b.text
    cue = make_span(text, char_at(para, tok), token_end(para, to))
    exclude = {t.i for t in tok.subtree}
    q = in_quote(quotes, char_at(para, head))
    if q is not None:
        content, kind = quote_span(text, q), "direct"
        used_quotes.add(q)
    else:
        toks = _content_tokens(head, exclude)
        if not toks:
            return
        content = make_span(text, char_at(para, toks[0]), token_end(para, toks[-1]))
        kind = "according_to"
    for sh in conjuncts(pobj):
        np = speaker_tokens(sh)
        speaker = make_span(text, char_at(para, np[0]), token_end(para, np[-1]))
        b.add(speaker, cue, content, kind, negated=False, directive=False)


def _claim_noun(b: Builder, para: Paragraph, noun: Token, quotes: list[Quote]) -> None:
    """ "statements from both the US and France that P": the claim's source and its clause."""
    clause = next(
        (
            c
            for c in noun.children
            if c.dep_ in ("acl", "ccomp", "relcl")
            and any(g.lower_ == "that" and g.dep_ == "mark" for g in c.children)
        ),
        None,
    )
    if clause is None:
        # the parser often hangs "that P" off the noun's governor: look just right of the source phrase
        nxt = [t for t in noun.doc[noun.i + 1 :] if t.lower_ == "that" and t.dep_ == "mark"]
        if not nxt or nxt[0].i - noun.i > 12:
            return
        clause = nxt[0].head
        if clause.i < noun.i:
            return
    source = None
    for c in noun.children:
        if c.dep_ == "poss":
            source = c
        if c.dep_ == "prep" and c.lower_ in ("from", "by", "of"):
            source = next((g for g in c.children if g.dep_ == "pobj"), None) or source
    if source is None or source.pos_ not in ("PROPN", "NOUN"):
        return
    governor = noun.head.head if noun.dep_ == "pobj" else noun.head
    denial = governor.lemma_.lower() in cues.DENIAL_VERBS
    text = b.text
    toks = _content_tokens(clause, set())
    if not toks:
        return
    content = make_span(text, char_at(para, toks[0]), token_end(para, toks[-1]))
    cue = make_span(text, char_at(para, noun), token_end(para, noun))
    kind = "partial" if any(ch in content.text for ch in '“”"') else "indirect"
    for sh in conjuncts(source):
        np = np_tokens(sh)
        speaker = make_span(text, char_at(para, np[0]), token_end(para, np[-1]))
        b.add(speaker, cue, content, kind, negated=denial, directive=False)


def _name_colon_and_dash(
    b: Builder, pd: ParsedDocument, quotes: list[Quote], used_quotes: set[Quote]
) -> None:
    """ "Name: “...”" at a paragraph's start and "“...” – Name" at its end."""
    text = b.text
    for para in pd.paragraphs:
        ptext = text[para.start : para.end]
        m = _NAME_COLON.match(ptext)
        if m:
            q = next((q for q in quotes if q.start == para.start + m.end()), None)
            if q is not None and q not in used_quotes:
                speaker = make_span(text, para.start + m.start(1), para.start + m.end(1))
                colon = para.start + m.end(1)
                b.add(speaker, make_span(text, colon, colon + 1), quote_span(text, q), "direct", False, False)
                used_quotes.add(q)
        m = _DASH_NAME.search(ptext)
        if m:
            q = next((q for q in quotes if q.end == para.start + m.start() + 1), None)
            if q is not None and q not in used_quotes:
                name = m.group(1).rstrip(" .")
                s = para.start + m.start(1)
                dash_at = para.start + m.start() + 1 + (len(m.group(0)) - len(m.group(0)[1:].lstrip()))
                dash = (
                    make_span(text, dash_at, dash_at + 1)
                    if text[dash_at] in "–—-"
                    else make_span(text, s - 2, s - 1)
                )
                b.add(make_span(text, s, s + len(name)), dash, quote_span(text, q), "direct", False, False)
                used_quotes.add(q)


def _continuation_quotes(
    b: Builder, pd: ParsedDocument, quotes: list[Quote], used_quotes: set[Quote]
) -> None:
    """A full quote with no cue of its own, right after a direct quote, continues that speaker."""
    text = b.text
    covered = [(s.content.start, s.content.end) for s in b.statements]
    for q in quotes:
        if q in used_quotes or any(s <= q.inner_start < e for s, e in covered):
            continue
        inner = text[q.inner_start : q.inner_end]
        if len(inner.split()) < 6 or not q.closed and q.inner_end - q.inner_start < 20:
            continue  # scare quotes, nicknames and titles are not statements
        prev = [s for s in b.statements if s.content.end <= q.start and s.kind == "direct"]
        if not prev:
            continue
        last = max(prev, key=lambda s: s.content.end)
        para_last = pd.paragraph_at(last.content.start)
        para_q = pd.paragraph_at(q.start)
        if para_last is None or para_q is None or para_q.index - para_last.index > 1:
            continue
        between = text[last.content.end : q.start]
        if len(between) > 200:
            continue
        b.add(last.speaker, last.cue, quote_span(text, q), "direct", False, not last.is_assertion)
        used_quotes.add(q)
