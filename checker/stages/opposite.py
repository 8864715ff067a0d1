"""What a statement would say if it asserted the reverse: its negation dropped (a denial's proposition then
becomes the claim denied), or a word swapped for its antonym ("rose" -> "fell").

A claim that entails a statement's opposite contradicts the statement. The NLI model judges entailment between
near-paraphrases more reliably than contradiction between them ("Netanyahu had privately agreed to the
ceasefire plan" vs "Netanyahu had not approved the ceasefire proposal": contradiction 0.37; the first entails
"Netanyahu had agreed to the ceasefire proposal" at 0.75), so ``infer.score`` also asks it that question, with
the opposite restated in the main verbs of consent (``restated``).
"""

from __future__ import annotations

import re

from checker.records import Statement
from checker.stages.rules import (
    ANTONYMS,
    CONTRACTED_NEGATIONS,
    NEGATIVE_SUBJECT,
    NEGATIVE_SUBJECTS,
    NEGATOR,
    SWAP,
    WORD,
    bases,
)

#: Verbs of consent in their forms (base, past, third person, -ing), the preposition included: a denial's
#: opposite is also put in the others' words, since the model equates near-identical sentences far more
#: surely than "agreed to the plan" with "approved the proposal".
CONSENT_FORMS: tuple[tuple[str, ...], ...] = (
    ("approve", "approved", "approves", "approving"),
    ("agree to", "agreed to", "agrees to", "agreeing to"),
    ("accept", "accepted", "accepts", "accepting"),
    ("support", "supported", "supports", "supporting"),
    ("back", "backed", "backs", "backing"),
    ("endorse", "endorsed", "endorses", "endorsing"),
    ("consent to", "consented to", "consents to", "consenting to"),
)
#: the consent verbs an opposite is restated in
CONSENT_TARGETS = 4
_CONSENT = re.compile(
    r"\b(" + "|".join(sorted((f for forms in CONSENT_FORMS for f in forms), key=len, reverse=True)) + r")\b",
    re.I,
)
_CONSENT_AT = {f: (g, k) for g, forms in enumerate(CONSENT_FORMS) for k, f in enumerate(forms)}


def _drop_negation(text: str) -> str | None:
    """``text`` with its negators removed ("had never agreed" -> "had agreed", "No one was hurt" -> "Someone
    was hurt"); None when it has none."""
    m = NEGATIVE_SUBJECT.match(text)
    if m:
        rest = (NEGATIVE_SUBJECTS[m.group(1).lower()] + " " + text[m.end() :]).strip()
        return rest[:1].upper() + rest[1:]

    def repl(m: re.Match) -> str:
        word = m.group(0)
        if word.lower() in CONTRACTED_NEGATIONS:
            out = CONTRACTED_NEGATIONS[word.lower()]
            return out.capitalize() if word[0].isupper() else out
        return ""

    out, n = NEGATOR.subn(repl, text)
    return re.sub(r"\s+", " ", out).strip() if n else None


#: At most this many antonym swaps of one claim are checked, one word each ("stay open": "leave", "closed").
MAX_SWAPS = 2


def _swap_antonyms(text: str) -> list[str]:
    """``text`` with one antonym-lexicon word swapped ("rose" -> "fell"), for each of its first
    ``MAX_SWAPS`` such words."""
    out = []
    for m in WORD.finditer(text):
        swap = SWAP.get(m.group(0).lower())
        if swap:
            if m.group(0)[0].isupper():
                swap = swap.capitalize()
            out.append(text[: m.start()] + swap + text[m.end() :])
            if len(out) == MAX_SWAPS:
                break
    return out


#: Where a proposition's main claim ends and its reasons, circumstances or further claims begin.
_QUALIFIER = re.compile(
    r",?\s+(?:because|after|despite|although|though|since|until|unless|while|whereas|but"
    r"|and (?:should|would|will|must|could|can|is|are|was|were|has|have|had|that))\b"
    r"|,\s+(?:and|which|who|adding|saying|citing)\b|;",
    re.I,
)


def main_claim(text: str, min_words: int = 4) -> str:
    """``text`` up to its first qualifier ("opposes the bill because it ..." -> "opposes the bill"), when
    at least ``min_words`` words remain; else ``text``. The opposite of the main claim is contradicted by
    any claim that entails it, whatever the reasons each side gives."""
    m = _QUALIFIER.search(text)
    if m and len(text[: m.start()].split()) >= min_words:
        return text[: m.start()].rstrip(" ,")
    return text


def restated(text: str) -> list[str]:
    """``text`` with its first verb of consent put in each of the other main ones, in the same form ("had
    agreed to the plan" -> "had approved the plan", "had accepted the plan", "had supported the plan")."""
    m = _CONSENT.search(text)
    if m is None:
        return []
    group, form = _CONSENT_AT[m.group(1).lower()]
    out = []
    for g in range(CONSENT_TARGETS):
        if g != group:
            word = CONSENT_FORMS[g][form]
            out.append(
                text[: m.start()] + (word.capitalize() if m.group(1)[0].isupper() else word) + text[m.end() :]
            )
    return out


def opposites(st: Statement) -> list[str]:
    """The propositions ``st`` would assert if it said the reverse, for each part of its proposition and
    for that part's main claim (none when it has no negation to drop and no antonym to swap). A denial's is
    the claim it denies."""
    found = []
    for part in st.parts or (st.proposition,):
        for claim in dict.fromkeys((part, main_claim(part))):
            dropped = _drop_negation(claim)
            found += [dropped] if dropped else _swap_antonyms(claim)
    return list(dict.fromkeys(t for t in found if t and t != st.proposition))


def answers(proposition: str, hypothesis: str, other: str) -> bool:
    """Whether ``other`` is worth asking about ``hypothesis``, an opposite of ``proposition``: always for a
    negation dropped or a verb of consent restated; for an antonym swapped in ("rose" -> "fell"), only when
    ``other`` uses that antonym in some form. The model equates near-identical sentences, so a claim that
    entails "exports fell" in other words is rarely recognised; asking every neighbour cost 15% more model
    time on PolNeAR and found nothing more on eval/'s dev split."""
    own = bases(proposition)
    swapped = {w for w in bases(hypothesis) - own if any(frozenset((w, o)) in ANTONYMS for o in own)}
    return not swapped or bool(swapped & bases(other))


def hypotheses(st: Statement) -> list[str]:
    """What ``infer.score`` asks the model whether the other statement entails: each of ``st``'s opposites,
    and for a denial each restated with the other main verbs of consent (``restated``): what a denial of
    consent denies is told in other words by the other side."""
    found = opposites(st)
    if not st.negated:
        return found
    return list(dict.fromkeys(t for o in found for t in (o, *restated(o))))
