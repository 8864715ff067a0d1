"""The lexicons and rules that read a pair of claims without the model: negation, figures and dates,
antonyms, and whether two subjects are different people or things.

One place for each word list: ``infer`` (reasons and the figure rule), ``opposite`` (turning a claim round)
and ``pair`` (what is compared) read them from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.records import Statement

# -- negation ------------------------------------------------------------------------------------------

#: Words that negate a clause ("not", "never", "no one" ...): a claim with one of them reads as negated.
NEGATION_WORDS = ("not", "never", "no", "n't", "neither", "nor", "none")
NEGATION = re.compile(r"\b(?:" + "|".join(NEGATION_WORDS) + r")\b|n't\b", re.I)
#: Negated auxiliaries and what they say without the negation ("won't" -> "will").
CONTRACTED_NEGATIONS = {"won't": "will", "can't": "can", "cannot": "can", "shan't": "shall"}
#: The negators dropped (with the space after them) when a claim is turned round.
DROPPED_NEGATORS = ("not", "never")
NEGATOR = re.compile(
    r"\b(?:" + "|".join(CONTRACTED_NEGATIONS) + r")\b|\b(" + "|".join(DROPPED_NEGATORS) + r")\s+|n't\b", re.I
)
#: A negative subject and what it says when the claim is turned round ("None of its planes" -> "Some of").
NEGATIVE_SUBJECTS = {
    "none of": "some of",
    "no one": "someone",
    "nobody": "somebody",
    "nothing": "something",
    "no": "",
}
NEGATIVE_SUBJECT = re.compile(r"^(" + "|".join(NEGATIVE_SUBJECTS) + r")\s+", re.I)


def negated(text: str) -> bool:
    """Whether ``text`` holds a negation word."""
    return NEGATION.search(text) is not None


# -- figures and dates ---------------------------------------------------------------------------------

#: numbers written as words, as news style writes small ones and sentence-initial ones ("Twelve people")
_NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
    if n > 1  # "one" is rarely a count ("one of", "no one")
} | {w: str(10 * n) for n, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), 3)}
#: words after a number that are not what it counts ("two of the men", "in 2016 the"); "s" is a decade
#: ("the '80s", "the 1980s": one decade, not 80 against 1980 of something)
_NOT_COUNTED = frozenset("of the a an and or to in on at for from by with than s".split())
_NUMBER = re.compile(
    r"\b(\d[\d,]*(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")\s*(%|percent|per cent)?\s*([a-z]+)?", re.I
)


#: words before a number that make it a bound or an estimate: (low, high) as multiples of the number
_BOUNDS = {
    "more than": (1.0, float("inf")), "over": (1.0, float("inf")), "above": (1.0, float("inf")),
    "at least": (1.0, float("inf")), "upwards of": (1.0, float("inf")), "in excess of": (1.0, float("inf")),
    "fewer than": (0.0, 1.0), "less than": (0.0, 1.0), "under": (0.0, 1.0), "below": (0.0, 1.0),
    "up to": (0.0, 1.0), "at most": (0.0, 1.0), "no more than": (0.0, 1.0),
    "nearly": (0.9, 1.0), "almost": (0.9, 1.0), "close to": (0.9, 1.0), "just under": (0.9, 1.0),
    "about": (0.9, 1.1), "around": (0.9, 1.1), "roughly": (0.9, 1.1), "approximately": (0.9, 1.1),
    "some": (0.9, 1.1), "an estimated": (0.9, 1.1), "estimated": (0.9, 1.1), "just over": (1.0, 1.1),
}  # fmt: skip
#: words before a number that make it a difference, not the count itself ("a majority of 21 votes")
_DIFFERENCE = ("majority of", "margin of", "lead of", "gap of")
#: (a currency sign may stand between the bound and the number: "more than $915 million")
_BEFORE = re.compile(r"((?:[a-z]+\s+){0,2})[$€£]?$", re.I)


@dataclass(frozen=True)
class Figure:
    """A number as a statement gives it: the value, and the range it allows ("more than 3,000")."""

    text: str
    low: float
    high: float


def numbers(text: str) -> dict[str, Figure]:
    """``{"people": Figure("630", 630, 630), ...}``: each number keyed by the word it counts, with the range
    a bound or an estimate before it allows ("about 3,400" is 3,060-3,740). A difference ("a majority of
    21 votes") is not the count and is left out."""
    out = {}
    for m in _NUMBER.finditer(text):
        value, pct, word = m.groups()
        key = "percent" if pct else (word or "").lower()
        if not key or key in _NOT_COUNTED:
            continue
        before = _BEFORE.search(text[: m.start()]).group(1).lower().split()
        lead = " ".join(before)
        if any(lead.endswith(d) for d in _DIFFERENCE):
            continue
        number = _NUMBER_WORDS.get(value.lower(), value.replace(",", ""))
        try:
            x = float(number)
        except ValueError:
            continue
        low, high = next((b for w, b in _BOUNDS.items() if lead == w or lead.endswith(" " + w)), (1.0, 1.0))
        out[key] = Figure(number, x * low, x * high)
    return out


def numeric_conflict(a: str, b: str) -> str | None:
    """The first quantity both texts count (by the word after the number) whose ranges cannot meet:
    "630 vs 500 people"; "more than 3,000" and "about 3,400" people can both be true."""
    na, nb = numbers(a), numbers(b)
    for key in sorted(na.keys() & nb.keys()):
        fa, fb = na[key], nb[key]
        if fa.high < fb.low or fb.high < fa.low:
            return f"{fa.text} vs {fb.text} {key}"
    return None


_DATES = {
    "weekday": re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"),
    "month": re.compile(
        r"\b((?:January|February|March|April|May|June|July|August|September|October|November|December)"
        r"(?:\s+\d{1,2})?)\b"
    ),
    "year": re.compile(r"\b((?:19|20)\d\d)\b"),
}


def date_conflict(a: str, b: str) -> str | None:
    """One date of a kind on each side, and they differ: "on Sunday" vs "on Monday"."""
    for pattern in _DATES.values():
        da, db = set(pattern.findall(a)), set(pattern.findall(b))
        if len(da) == len(db) == 1 and da != db:
            return f"{da.pop()} vs {db.pop()}"
    return None


# -- antonyms ------------------------------------------------------------------------------------------

#: Antonym pairs, each side in the forms news text uses (base, past, third person, participles).
ANTONYM_FORMS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("approve", "approved", "approves", "approving"), ("reject", "rejected", "rejects", "rejecting")),
    (("accept", "accepted", "accepts", "accepting"), ("reject", "rejected", "rejects", "rejecting")),
    (("support", "supported", "supports", "supporting"), ("oppose", "opposed", "opposes", "opposing")),
    (("rise", "rose", "rises", "risen", "rising"), ("fall", "fell", "falls", "fallen", "falling")),
    (("increase", "increased", "increases", "increasing"),
     ("decrease", "decreased", "decreases", "decreasing")),
    (("win", "won", "wins", "winning"), ("lose", "lost", "loses", "losing")),
    (("stay", "stayed", "stays", "staying"), ("leave", "left", "leaves", "leaving")),
    (("confirm", "confirmed", "confirms", "confirming"), ("deny", "denied", "denies", "denying")),
    (("allow", "allowed", "allows", "allowing"), ("ban", "banned", "bans", "banning")),
    (("start", "started", "starts", "starting"), ("stop", "stopped", "stops", "stopping")),
    (("grow", "grew", "grows", "grown", "growing"), ("shrink", "shrank", "shrinks", "shrunk", "shrinking")),
    (("rise", "rose", "rises", "risen", "rising"), ("drop", "dropped", "drops", "dropped", "dropping")),
    (("rise", "rose", "rises", "risen", "rising"),
     ("decline", "declined", "declines", "declined", "declining")),
    (("raise", "raised", "raises", "raising"), ("cut", "cut", "cuts", "cutting")),
    (("improve", "improved", "improves", "improving"), ("worsen", "worsened", "worsens", "worsening")),
    (("strengthen", "strengthened", "strengthens", "strengthening"),
     ("weaken", "weakened", "weakens", "weakening")),
    (("convict", "convicted", "convicts", "convicting"), ("acquit", "acquitted", "acquits", "acquitting")),
    (("uphold", "upheld", "upholds", "upholding"), ("overturn", "overturned", "overturns", "overturning")),
    (("impose", "imposed", "imposes", "imposing"), ("lift", "lifted", "lifts", "lifting")),
    (("resume", "resumed", "resumes", "resuming"), ("suspend", "suspended", "suspends", "suspending")),
    (("continue", "continued", "continues", "continuing"), ("halt", "halted", "halts", "halting")),
    (("remain", "remained", "remains", "remaining"), ("leave", "left", "leaves", "leaving")),
    (("join", "joined", "joins", "joining"), ("quit", "quit", "quits", "quitting")),
    (("include", "included", "includes", "including"), ("exclude", "excluded", "excludes", "excluding")),
    (("open", "opened", "opens", "opening"), ("close", "closed", "closes", "closing")),
    (("present",), ("absent",)),
    (("profit",), ("loss",)),
    (("surplus",), ("deficit",)),
    (("larger", "bigger", "stronger"), ("smaller", "smaller", "weaker")),
    (("lawful",), ("unlawful",)),
    (("possible",), ("impossible",)),
    (("aware",), ("unaware",)),
    (("more",), ("fewer",)),
    (("safe",), ("unsafe",)),
    (("legal",), ("illegal",)),
    (("guilty",), ("innocent",)),
    (("alive",), ("dead",)),
    (("true",), ("false",)),
    (("higher",), ("lower",)),
    (("succeeded", "succeeds"), ("failed", "fails")),
)  # fmt: skip

#: word -> its antonym in the same form (the first pairing listed wins: "rejected" -> "approved").
SWAP: dict[str, str] = {}
for _left, _right in ANTONYM_FORMS:
    for _x, _y in zip(_left, _right, strict=True):
        SWAP.setdefault(_x, _y)
        SWAP.setdefault(_y, _x)

#: word -> its base form ("rose" -> "rise").
BASE: dict[str, str] = {form: forms[0] for pair in ANTONYM_FORMS for forms in pair for form in forms}
#: Antonym pairs by base form ("approve", "reject").
ANTONYMS: frozenset[frozenset[str]] = frozenset(frozenset((x[0], y[0])) for x, y in ANTONYM_FORMS)

WORD = re.compile(r"[A-Za-z]+")


def antonym_pair(a: str, b: str) -> tuple[str, str] | None:
    """Base forms of an antonym pair with one word in ``a`` and the other in ``b`` ("rise", "fall")."""
    ba = {BASE[w] for w in WORD.findall(a.lower()) if w in BASE}
    bb = {BASE[w] for w in WORD.findall(b.lower()) if w in BASE}
    for x in sorted(ba):
        for y in sorted(bb):
            if frozenset((x, y)) in ANTONYMS:
                return x, y
    return None


def bases(text: str) -> set[str]:
    return {BASE[w] for w in WORD.findall(text.lower()) if w in BASE}


# -- what two claims are about ------------------------------------------------------------------------


def same_person(x: str, y: str) -> bool:
    """Two names of one person: they share a word ("Netanyahu", "Benjamin Netanyahu"; "Hillary", "Hillary
    Clinton"), and are not two full names with one surname and different first names ("Stephen Lynch",
    "Loretta E. Lynch")."""
    wx, wy = x.lower().split(), y.lower().split()
    if not set(wx) & set(wy):
        return False
    return not (len(wx) > 1 and len(wy) > 1 and wx[-1] == wy[-1] and wx[0] != wy[0])


def different_people(a: Statement, b: Statement) -> bool:
    """Both propositions are about named people, and none is the same person: what Sayer did and what Pike did
    cannot contradict each other ("Sayer never backed the tram" vs "Pike backed the airport link")."""
    if not (a.subjects and b.subjects):
        return False
    return not any(same_person(x, y) for x in a.subjects for y in b.subjects)


def different_things(a: Statement, b: Statement, *, either: bool = False) -> bool:
    """The two subjects are things of one kind told apart by different words: "Marlow town council" and
    "Estfield district council", Brightwell's profit and Carmody's. With ``either``, a word on one side
    alone is enough ("Machinery exports" vs "Exports": a part is not the whole, so its figure differs)."""
    if not (a.thing and b.thing) or a.thing[0] != b.thing[0]:
        return False
    only_a, only_b = set(a.thing[1:]) - set(b.thing[1:]), set(b.thing[1:]) - set(a.thing[1:])
    return bool(only_a or only_b) if either else bool(only_a and only_b)


def apart(a: Statement, b: Statement) -> bool:
    """What the two say is about different people or different things of one kind: never a contradiction."""
    return different_people(a, b) or different_things(a, b)


def same_subject(a: Statement, b: Statement) -> str:
    """Whom or what both main clauses are about, when it is one person or one thing: "Netanyahu" ("Netanyahu
    had agreed" vs "Netanyahu had not approved"), "exports"; "" when the subjects say nothing of the kind."""
    if a.subjects and b.subjects:
        for x in a.subjects:
            for y in b.subjects:
                if same_person(x, y):
                    return x if len(x) >= len(y) else y
    if a.thing and b.thing and a.thing[0] == b.thing[0] and not different_things(a, b):
        return " ".join(reversed(a.thing if len(a.thing) >= len(b.thing) else b.thing))
    for x, y in ((a, b), (b, a)):
        # "Trump also initially supported the invasion" where the tagger saw no person in "Trump": its head
        # is a word of the other side's person
        if x.subjects and not y.subjects and y.thing:
            name = next((n for n in x.subjects if y.thing[0] in n.lower().split()), "")
            if name:
                return name
    return ""


def about(a: Statement, b: Statement, common: frozenset[str] = frozenset()) -> str:
    """Why two claims are about the same thing, for the report: one subject ("same subject: Netanyahu"), else
    the nouns both name that the corpus does not name everywhere ("both name: payments, domus"; ``common``
    holds the nouns named too often to tell, such as "trump" in an election corpus); "" when nothing shows
    they are, and they are not compared."""
    who = same_subject(a, b)
    if who:
        return f"{SAME_SUBJECT}: {who}"
    shared = sorted((set(a.topics) & set(b.topics)) - common)
    return f"both name: {', '.join(shared[:4])}" if shared else ""


#: How ``about`` begins when both claims have one subject.
SAME_SUBJECT = "same subject"
#: How ``about`` begins when two claims share no subject or noun but say nearly the same (``pair.close``).
CLOSE = "close in meaning"
#: Why a follow-up quote (``pair.follow_ups``) is compared when it names nothing the other side names: it is
#: about what the contradiction found beside it is about.
FOLLOW_UP = "quoted beside a contradiction found"
