"""Speaker resolution: one entity per speaker across mentions and documents.

"Prime Minister Benjamin Netanyahu" = "Netanyahu" = "the prime minister" = "he";
"the Prime Minister's Office (PMO)" = "the PMO"; "they" after "Both the US and France" = both;
anonymous sources ("a senior Western diplomat") stay anonymous, one entity per document.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from checker.records import Span, Speaker, SpeakerKind, Statement
from checker.stages.segment import ParsedDocument

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

PRONOUNS = {
    "he": "person", "she": "person", "him": "person", "her": "person",
    "it": "org", "they": "plural", "them": "plural", "we": "self", "i": "self", "who": "rel",
}  # fmt: skip
#: Where a speaker mention's name ends and an apposition or a parenthesis begins.
_APPOSITION = re.compile(r",\s+|\s+\((?![A-Z]{2,8}\))")
_DETERMINERS = re.compile(r"^(?:the|a|an|both|either|neither)\s+", re.I)
_INITIAL = re.compile(r"[A-Z]\.?")  # a middle initial: "J." in "Donald J. Trump"
_ACRONYM = re.compile(
    r"((?:[Tt]he\s+)?[A-Z][\w’'.\-]*(?:\s+(?:of\s+|for\s+|and\s+|the\s+)?[A-Z][\w’'.\-]*)*)\s+\(([A-Z][A-Za-z]{1,7})\)"
)
TITLE_WORDS = frozenset(
    """
    prime minister president vice secretary foreign defense defence finance interior strategic affairs
    chancellor premier spokesman spokeswoman spokesperson senator sen. rep. representative governor gov.
    mayor ambassador envoy general gen. chief director chairman chairwoman king queen leader speaker
    state special adviser advisor czar justice judge attorney commissioner ceo minister's councillor councilor
    councilman councilwoman
    """.split()
)
TITLE_ABBREVIATIONS = {"pm": "prime minister", "fm": "foreign minister", "potus": "president"}
#: Other names of one place, so "the US" and "the United States" are one speaker.
PLACE_ALIASES = {
    "us": "United States", "u.s.": "United States", "usa": "United States", "u.s.a.": "United States",
    "united states": "United States", "america": "United States", "washington": "United States",
    "uk": "United Kingdom", "u.k.": "United Kingdom", "britain": "United Kingdom",
    "great britain": "United Kingdom", "paris": "France", "jerusalem": "Israel",
}  # fmt: skip
ANONYMOUS_HEADS = frozenset(
    """
    official officials source sources diplomat diplomats spokesman spokeswoman spokesperson aide aides
    analyst analysts expert experts observer observers person people insider insiders critic critics
    resident residents witness witnesses member members lawmaker lawmakers staffer staffers
    """.split()
)


def normalize(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").strip(" \t\n\"“”'.,")
    text = _DETERMINERS.sub("", text)
    return re.sub(r"\s+", " ", text)


def slug(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    # a name with no ASCII letters or digits ("Ⱥ") still needs an id: its code points
    return out or "u" + "-".join(f"{ord(ch):x}" for ch in text.strip())


@dataclass
class _Mention:
    doc_id: str
    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, GPE, NORP or ""
    is_subject: bool


@dataclass
class _DocIndex:
    """Per-document facts: named mentions in order, titles held by people, descriptions, acronyms."""

    pd: ParsedDocument
    mentions: list[_Mention]
    titles: list[tuple[int, str, str]]  # (offset, title, person name)
    acronyms: dict[str, str]  # "PMO" -> "Prime Minister's Office"
    #: (offset, head noun, name, label) of a description in apposition to a name: "the club's doctor, Miriam
    #: Osei" and "Miriam Osei, the club's doctor" give (.., "doctor", "Miriam Osei", "PERSON")
    descriptions: list[tuple[int, str, str, str]] = field(default_factory=list)


def _index(pd: ParsedDocument) -> _DocIndex:
    mentions, titles, descriptions = [], [], []
    for para in pd.paragraphs:
        for ent in para.doc.ents:
            if ent.label_ not in ("PERSON", "ORG", "GPE", "NORP"):
                continue
            start = para.start + ent.start_char
            is_subj = ent.root.dep_ in ("nsubj", "nsubjpass")
            mentions.append(
                _Mention(pd.document.id, start, start + len(ent.text), ent.text, ent.label_, is_subj)
            )
            if ent.label_ == "PERSON":
                title = _title_before(ent)
                if title:
                    titles.append((start, title, ent.text))
            if ent.label_ in ("PERSON", "ORG"):
                for noun in _appositive_nouns(ent):
                    descriptions.append((start, noun.lemma_.lower(), ent.text, ent.label_))
                    title = _title_of(noun) if ent.label_ == "PERSON" else ""
                    if title:
                        titles.append((start, title, ent.text))
    acronyms = {}
    for m in _ACRONYM.finditer(pd.document.text):
        expansion, acr = normalize(m.group(1)), m.group(2)
        initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w'’]*", expansion) if w[0].isupper())
        if initials.upper().startswith(acr.upper()[:2]):
            acronyms[acr] = expansion
    return _DocIndex(pd, mentions, titles, acronyms, descriptions)


def _appositive_nouns(ent: SpacySpan) -> list[Token]:
    """Common nouns heading a description in apposition to a name, either side of it."""
    root = ent.root
    out = []
    if root.dep_ == "appos" and root.head.pos_ == "NOUN" and not root.head.ent_type_:
        out.append(root.head)
    out += [c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN" and not c.ent_type_]
    return out


def _title_of(noun: Token) -> str:
    """ "Karsan's foreign minister" -> "foreign minister": the title words ending at a description's head."""
    words = []
    i = noun.i
    while i >= 0 and noun.doc[i].lower_ in TITLE_WORDS:
        words.insert(0, noun.doc[i].lower_)
        i -= 1
    return " ".join(words) if noun.lower_ in TITLE_WORDS else ""


def _title_before(ent: SpacySpan) -> str:
    """ "Prime Minister Benjamin Netanyahu" -> "prime minister"; words of a title right before a name."""
    words = []
    i = ent.start - 1
    while i >= 0 and ent.doc[i].lower_ in TITLE_WORDS | {"of"}:
        words.insert(0, ent.doc[i].lower_)
        i -= 1
    while words and words[0] == "of":
        words.pop(0)
    return " ".join(words)


#: Nouns a definite description of an organization ends in ("the company", "the ministry").
PUBLIC_BODY_NOUNS = frozenset(
    """
    ministry agency council court police regulator commission department government parliament office
    authority army military union association party committee board
    """.split()
)
COMPANY_NOUNS = frozenset(
    """
    company firm group club team business carrier airline retailer maker manufacturer operator lender
    insurer bank chain broadcaster publisher developer supplier producer conglomerate startup
    """.split()
)
ORG_NOUNS = PUBLIC_BODY_NOUNS | COMPANY_NOUNS
#: Last words of a company's name, which the NER at times takes for a person's ("Meridia Pharma").
CORPORATE_SUFFIXES = frozenset(
    """
    pharma pharmaceuticals bank motors group airlines airways steel energy holdings inc inc. ltd ltd. corp
    corp. corporation plc ag gmbh industries systems technologies labs media foods telecom
    """.split()
)
_DEFINITE = re.compile(r"(?:the|its|his|her|their)\s|[\w.\-]+['’]s\s", re.I)

HONORIFICS = frozenset("mr mrs ms miss dr prof sir dame".split())
_STRIPPABLE = {w.rstrip(".") for w in TITLE_WORDS} | HONORIFICS


def _strip_title(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in _STRIPPABLE | {"of", "the"}:
        words.pop(0)
    return " ".join(words)


def _without_initials(name: str) -> str:
    words = name.split()
    return " ".join([words[0], *(w for w in words[1:-1] if not _INITIAL.fullmatch(w)), words[-1]])


def _initial_variants(people: Mapping[str, Counter[str]]) -> dict[str, str]:
    """One name for a person told with and without a middle initial ("Donald J. Trump", "Donald Trump"):
    the more often seen. Where two different initials share a name ("George W. Bush", "George H. W. Bush")
    they are two people and nothing is merged."""
    out: dict[str, str] = {}
    for seen in people.values():
        groups: dict[str, list[str]] = {}
        for name in seen:
            groups.setdefault(_without_initials(name), []).append(name)
        for plain, names in groups.items():
            initialed = [n for n in names if n != plain]
            if len(names) > 1 and len(initialed) == 1:
                keep = max(names, key=lambda n: (seen[n], n == plain))
                out.update((n, keep) for n in names if n != keep)
    return out


def person_name(text: str) -> str:
    """A person's name as the text gives it, without determiners, titles and honorifics."""
    return _strip_title(normalize(text))


class Resolver:
    """Maps speaker mentions to entities; shared by all documents of one run."""

    def __init__(self, parsed: list[ParsedDocument], known: Mapping[str, int] | None = None) -> None:
        """``known``: people's full names seen before (a store's, with their mention counts), candidates for
        a surname alone as the corpus's own names are."""
        self.index = {pd.document.id: _index(pd) for pd in parsed}
        # surname -> full names seen (with counts), over the corpus and per document
        self.people: dict[str, Counter[str]] = {}
        self.people_in: dict[str, dict[str, Counter[str]]] = {}
        for name, count in (known or {}).items():
            if len(name.split()) > 1:
                self.people.setdefault(name.split()[-1], Counter())[name] += count
        for doc_id, idx in self.index.items():
            for m in idx.mentions:
                if m.label == "PERSON":
                    name = _strip_title(normalize(m.text))
                    if len(name.split()) > 1:
                        surname = name.split()[-1]
                        self.people.setdefault(surname, Counter())[name] += 1
                        self.people_in.setdefault(doc_id, {}).setdefault(surname, Counter())[name] += 1
        self.variants = _initial_variants(self.people)
        self.speakers: dict[str, Speaker] = {}
        self.gender: dict[str, str] = {}  # person name -> "m" | "f", where the text says
        votes: dict[str, Counter[str]] = {}
        for doc_id, idx in self.index.items():
            for m in idx.mentions:
                if m.label == "PERSON":
                    g = _gender_evidence(idx.pd, m)
                    if g:
                        votes.setdefault(self._person(normalize(m.text), doc_id).name, Counter())[g] += 1
        for name, c in votes.items():
            (g, n), *rest = c.most_common()
            if not rest or n > rest[0][1]:
                self.gender[name] = g

    # -- canonical names -------------------------------------------------------------------------
    def _entity(self, name: str, kind: SpeakerKind, doc_id: str | None = None) -> Speaker:
        key = slug(name) + (f"@{slug(doc_id)}" if doc_id else "")
        if key not in self.speakers:
            self.speakers[key] = Speaker(id=key, name=name, kind=kind)
        return self.speakers[key]

    def _person(self, name: str, doc_id: str = "") -> Speaker:
        """A person by full name; a surname alone takes the full name seen in its document, else anywhere."""
        name = _strip_title(name)
        words = name.split()
        surname = words[-1]
        for seen in (self.people_in.get(doc_id, {}).get(surname), self.people.get(surname)):
            # a surname alone, or a name behind words the NER left out ("Lebanese Foreign Minister X Y")
            fits = [n for n in seen or () if len(words) == 1 or (" " + name).endswith(" " + n)]
            if fits:
                name = max(fits, key=lambda n: (seen[n], len(n), n))
                break
        return self._entity(self.variants.get(name, name), "person")

    def _titled(self, idx: _DocIndex, title: str, offset: int) -> Speaker | None:
        title = TITLE_ABBREVIATIONS.get(title.lower(), title.lower())
        held = [t for t in idx.titles if t[1].endswith(title) or title.endswith(t[1])]
        if not held:
            return None
        before = [t for t in held if t[0] <= offset]
        return self._person((before[-1] if before else held[0])[2], idx.pd.document.id)

    def named(self, doc_id: str, text: str, label: str, offset: int) -> Speaker:
        """The entity of a non-pronoun mention."""
        idx = self.index[doc_id]
        norm = normalize(text)
        low = norm.lower()
        if norm in idx.acronyms:
            norm = idx.acronyms[norm]
        for acr, exp in idx.acronyms.items():  # "The Prime Minister's Office (PMO)" -> the expansion
            if norm.endswith(f"({acr})"):
                norm = exp
        low = norm.lower()
        words = low.split()
        if len(words) > 1 and _is_title(" ".join(words[1:])) and not _is_title(words[0]):
            low = " ".join(
                words[1:]
            )  # "Lebanese FM", "the Israeli prime minister": a nationality, then a title
        if low in TITLE_ABBREVIATIONS or low in TITLE_WORDS or _is_title(low):
            person = self._titled(idx, low, offset)
            if person is not None:
                return person
        if low in PLACE_ALIASES:
            return self._entity(PLACE_ALIASES[low], "place")
        if not norm:
            return self._entity(f"unresolved '{text}'", "unresolved", doc_id)
        if label == "" and _DEFINITE.match(text.strip()) and text.split()[-1].islower():
            described = self._described(idx, low, offset)
            if described is not None:
                return described
        # a bare surname of a person the document names is that person, whatever the NER took it for ("said
        # Burman" after "Len Burman" is tagged ORG)
        surname_here = " " not in norm and norm in self.people_in.get(doc_id, {})
        if label == "PERSON" or surname_here or (norm.split()[-1] in self.people and label in ("", "PERSON")):
            return self._person(norm, doc_id)
        head = low.split()[-1] if low else ""
        if label in ("GPE", "NORP"):
            return self._entity(norm, "place")
        if label == "ORG" or (norm[:1].isupper() and head not in ANONYMOUS_HEADS):
            return self._entity(norm, "organization")
        return self._entity(norm, "anonymous", doc_id)

    def describe(self, doc_id: str, offset: int, noun: Token, name: str, label: str) -> None:
        """Record that the description headed by ``noun`` (a token) names ``name`` from ``offset`` on."""
        idx = self.index[doc_id]
        entry = (offset, noun.lemma_.lower(), name, label)
        if entry not in idx.descriptions:
            idx.descriptions.append(entry)
        title = _title_of(noun) if label == "PERSON" else ""
        if title and (offset, title, name) not in idx.titles:
            idx.titles.append((offset, title, name))
            idx.titles.sort()

    def _described(self, idx: _DocIndex, description: str, offset: int) -> Speaker | None:
        """A definite description ("the doctor", "the company"): the name it was set beside earlier in the
        document, else for an organization's noun the nearest organization of its kind named before it (with
        the description's other words in its name: "the foreign ministry" is no "Health Ministry")."""
        doc_id = idx.pd.document.id
        *mods, head = description.split()
        seen = [d for d in idx.descriptions if d[0] < offset and head in (d[1], d[1] + "s")]
        if seen:
            _, _, name, label = max(seen, key=lambda d: d[0])
            return (
                self._person(normalize(name), doc_id)
                if label == "PERSON"
                else self.named(doc_id, name, label, offset)
            )
        if head not in ORG_NOUNS:
            return None
        orgs = [m for m in idx.mentions if m.start < offset and _org_like(m)]
        kind = [m for m in orgs if all(w in m.text.lower().split() for w in (*mods, head))]
        if not kind and head in COMPANY_NOUNS and not mods:  # "the company": a business, not an agency
            kind = [m for m in orgs if not set(m.text.lower().split()) & PUBLIC_BODY_NOUNS]
        if not kind:
            return None
        m = kind[-1]
        return self.named(doc_id, m.text, "ORG", m.start)

    def refer(self, doc_id: str, offset: int, text: str) -> str | None:
        """The name a definite description inside a statement stands for ("the senator" -> "Ruth Calloway",
        "the company" -> "Brightcart"), when the document says which; else None."""
        if not _DEFINITE.match(text.strip() + " ") or not text.split()[-1].islower():
            return None
        idx = self.index[doc_id]
        low = normalize(text).lower()
        if not low:
            return None
        if _is_title(low):
            found = self._titled(idx, low, offset)
        else:
            found = self._described(idx, low, offset)
        if found is None or found.kind not in ("person", "organization", "place"):
            return None
        return found.name

    def _fits(self, name: str, pronoun: str) -> bool:
        """ "he" is not a person the text shows to be a woman, nor "she" a man; unknown fits both."""
        want = {"he": "m", "him": "m", "she": "f", "her": "f"}.get(pronoun.lower())
        known = self.gender.get(name)
        return want is None or known is None or known == want

    def antecedent(
        self, doc_id: str, pronoun: str, offset: int, speakers_before: list[list[Speaker]]
    ) -> list[Speaker]:
        """The nearest compatible antecedent of a pronoun at ``offset`` (a list: "they" may be several)."""
        want = PRONOUNS.get(pronoun.lower(), "")
        if speakers_before:  # the speakers of earlier statements, most recent last
            for group in reversed(speakers_before[-4:]):
                if want == "plural" and (len(group) > 1 or group[0].kind in ("anonymous",)):
                    return group
                if want == "person" and len(group) == 1 and group[0].kind == "person":
                    if self._fits(group[0].name, pronoun):
                        return group
                if want == "org" and len(group) == 1 and group[0].kind in ("organization", "place"):
                    return group
        idx = self.index[doc_id]
        for m in reversed([m for m in idx.mentions if m.start < offset and m.is_subject]):
            if want == "person" and m.label == "PERSON":
                person = self._person(normalize(m.text), doc_id)
                if self._fits(person.name, pronoun):
                    return [person]
            if want == "org" and m.label in ("ORG", "GPE"):
                return [self.named(doc_id, m.text, m.label, m.start)]
        return []


_MALE_WORDS = frozenset("mr mr. he his him himself spokesman congressman chairman king sir".split())
_FEMALE_WORDS = frozenset(
    "mrs mrs. ms ms. miss she her hers herself spokeswoman congresswoman chairwoman queen dame madam".split()
)
#: First names common in news, as evidence of gender when nothing else in the text says.
FEMALE_NAMES = frozenset(
    """
    hillary nancy kamala elizabeth sarah mary susan karen linda patricia barbara jennifer maria lisa
    michelle melania ivanka chelsea huma kellyanne hope sheryl theresa angela ursula marine golda tzipi
    ayelet miri condoleezza madeleine samantha nikki sonia ruth amy kirsten tammy debbie donna jill janet
    katie megyn rachel laura anna emma olivia sophia julia claire catherine margaret alexandria ilhan
    """.split()
)
MALE_NAMES = frozenset(
    """
    donald barack joe bernie mike michael john james robert william david richard thomas mark paul george
    benjamin bibi antony tony jake emmanuel vladimir xi recep abdallah yoav benny naftali yair isaac
    reince steve stephen chris christopher ted marco jeb ben tim rudy newt paul mitch chuck harry
    """.split()
)


def _gender_evidence(pd: ParsedDocument, m: _Mention) -> str:
    """ "m" or "f" from a person mention: an honorific or title next to it, a pronoun later in its sentence
    ("Clinton said her plan ..."), or a first name; "" when nothing says."""
    span = pd.span(m.start, m.end)
    if span is None:
        return ""
    before = span.doc[span.start - 1].lower_ if span.start > 0 else ""
    for word in [before, *(t.lower_ for t in span)]:
        if word in _MALE_WORDS:
            return "m"
        if word in _FEMALE_WORDS:
            return "f"
    for tok in span.doc[span.end : span.sent.end]:
        if tok.pos_ == "PROPN" and tok.ent_type_ == "PERSON":
            break  # another person's pronouns from here on
        if tok.lower_ in ("he", "his", "him", "himself"):
            return "m"
        if tok.lower_ in ("she", "her", "hers", "herself"):
            return "f"
    first = span[0].lower_ if span[0].lower_ not in _MALE_WORDS | _FEMALE_WORDS else ""
    return "f" if first in FEMALE_NAMES else "m" if first in MALE_NAMES else ""


def _is_title(low: str) -> bool:
    words = low.split()
    return bool(words) and all(
        w in TITLE_WORDS or w in TITLE_ABBREVIATIONS or w in ("of", "the") for w in words
    )


def _label_of(pd: ParsedDocument, start: int, end: int) -> str:
    span = pd.span(start, end)
    if span is None:
        return ""
    for ent in span.doc.ents:
        if ent.start <= span.root.i < ent.end:
            return ent.label_
    return ""


def _entity_at_root(pd: ParsedDocument, start: int, end: int) -> tuple[int, str] | None:
    """The named entity holding the head of the mention ``start:end``, as ``(offset, text)``."""
    span = pd.span(start, end)
    if span is None:
        return None
    for ent in span.doc.ents:
        if ent.start <= span.root.i < ent.end and span.start <= ent.start and ent.end <= span.end:
            para = pd.paragraph_at(start)
            return para.start + ent.start_char, ent.text
    return None


def _org_like(m: _Mention) -> bool:
    return m.label == "ORG" or (m.label == "PERSON" and m.text.split()[-1].lower() in CORPORATE_SUFFIXES)


def _appositive_name(pd: ParsedDocument, start: int, text: str) -> tuple[int, str, str, Token] | None:
    """ "The club's doctor, Miriam Osei" (a speaker mention at ``start``): a description headed by a common
    noun, then a person's or organization's name set off by a comma. ``(offset, name, label, description's
    head token)``, or None when the mention opens with the name ("Elaine Kamarck, a veteran of ...")."""
    m = re.match(r"(.+?),\s+([^,]+?)[\s,]*$", text) or re.match(r"(.+?),\s+([^,]+?),", text)
    if m is None:
        return None
    first = pd.span(start, start + m.end(1))
    if first is None or first.root.pos_ != "NOUN" or first.root.ent_type_:
        return None
    offset = start + m.start(2)
    second = pd.span(offset, start + m.end(2))
    if second is None:
        return None
    toks = [t for t in second if t.lower_ != "the"]
    label = toks[0].ent_type_ if toks else ""
    if label not in ("PERSON", "ORG") or any(t.ent_type_ != label for t in toks):
        return None
    if sum(t.ent_iob_ == "B" for t in toks) != 1 or toks[0].ent_iob_ != "B":
        return None  # one name, whole
    name_start = offset + (toks[0].idx - second[0].idx)
    return name_start, pd.document.text[name_start : start + m.end(2)], label, first.root


def _names_no_one(text: str) -> bool:
    """A speaker mention made only of function words (spaCy's English stop words): it names no one."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = re.findall(r"[\w'’]+", text)
    return all(w.lower() in STOP_WORDS and not w.isupper() for w in words)  # "US" is no "us"


#: the parts of speech a speaker mention cannot end in ("Her submission to", "the WTO and", "Dickey, the")
_DANGLING_POS = ("ADP", "DET", "CCONJ", "SCONJ")
_DANGLING_PUNCT = (",", ";", "-", "–", "—")


def _trimmed(pd: ParsedDocument, mention: Span) -> Span:
    """The speaker mention without the preposition, determiner, conjunction or comma it was cut off after:
    "the World Trade Organization and" -> "the World Trade Organization", "John Dickey, the" -> "John
    Dickey"."""
    span = pd.span(mention.start, mention.end) if mention.end > mention.start else None
    para = pd.paragraph_at(mention.start)
    if span is None or para is None:
        return mention
    toks = list(span)
    while len(toks) > 1 and (toks[-1].pos_ in _DANGLING_POS or toks[-1].text in _DANGLING_PUNCT):
        toks.pop()
    end = para.start + toks[-1].idx + len(toks[-1].text)
    if not mention.start < end < mention.end:
        return mention
    return Span(mention.start, end, pd.document.text[mention.start : end])


def resolve(
    parsed: list[ParsedDocument], statements: list[Statement], resolver: Resolver | None = None
) -> tuple[list[Statement], list[Speaker]]:
    """Give every statement a speaker entity; "they" with several antecedents splits the statement."""
    resolver = resolver or Resolver(parsed)
    by_doc = {pd.document.id: pd for pd in parsed}
    out: list[Statement] = []
    history: dict[str, list[list[Speaker]]] = {}
    last_cue: dict[str, tuple[int, list[Speaker]]] = {}
    mentions: dict[str, list[tuple[str, int, int, str]]] = {}
    for st in statements:
        pd = by_doc[st.doc_id]
        before = history.setdefault(st.doc_id, [])
        st = replace(st, speaker=_trimmed(pd, st.speaker))
        text = st.speaker.text
        if text.lower() in PRONOUNS:
            found = resolver.antecedent(st.doc_id, text, st.speaker.start, before)
            if not found:
                found = [resolver._entity(f"unresolved '{text}'", "unresolved", st.doc_id)]
        elif text.lower() in ("both", "all"):
            found = before[-1] if before else [resolver._entity(text, "unresolved", st.doc_id)]
        elif _names_no_one(text):  # "which", "his", "that", "some", "you": a fragment of a source, not one
            found = [resolver._entity(f"unresolved '{text}'", "unresolved", st.doc_id)]
        else:
            start = st.speaker.start
            name = _APPOSITION.split(text, maxsplit=1)[0]  # "Elaine Kamarck, a veteran of ..." -> the name
            name = name if normalize(name) else text
            appositive = _appositive_name(pd, start, text)
            if appositive is not None:  # "The club's doctor, Miriam Osei," -> the name, the description kept
                offset, name, label, noun = appositive
                resolver.describe(st.doc_id, offset, noun, name, label)
                found = [resolver.named(st.doc_id, name, label, offset)]
            else:
                label = _label_of(pd, start, start + len(name))
                if label == "PERSON":  # "market analyst Chen Wei of Brightline Research" -> the name
                    start, name = _entity_at_root(pd, start, start + len(name)) or (start, name)
                found = [resolver.named(st.doc_id, name, label, start)]
        # coordinated speakers of one cue ("Both the US and France") form one group for a later "they"
        prev = last_cue.get(st.doc_id)
        if prev and prev[0] == st.cue.start and before:
            before[-1] = before[-1] + [s for s in found if s not in before[-1]]
        else:
            before.append(list(found))
        last_cue[st.doc_id] = (st.cue.start, before[-1])
        for k, sp in enumerate(found):
            mentions.setdefault(sp.id, []).append(
                (st.doc_id, st.speaker.start, st.speaker.end, st.speaker.text)
            )
            sid = st.id if len(found) == 1 else f"{st.id}.{k + 1}"
            out.append(replace(st, id=sid, speaker_id=sp.id, speaker_name=sp.name))
    speakers = sorted(
        (replace(s, mentions=tuple(mentions[s.id])) for s in resolver.speakers.values() if s.id in mentions),
        key=lambda s: s.id,
    )
    return out, speakers
