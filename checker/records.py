"""Typed records passed between the stages. Every span carries character offsets into its document."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

#: How a statement is given: a whole quote, a quote within reported speech, reported speech, "according to".
Kind = Literal["direct", "partial", "indirect", "according_to", "mixed"]
#: Why two statements contradict: one denies the other, one negates it, different figures or dates, an
#: antonym, one speaker saying both, or the model's reading alone.
Reason = Literal["denial", "negation", "numeric", "antonym", "reversal", "other"]
#: Why a pair was sent to NLI (``pair.candidates``, ``pair.follow_ups``).
Via = Literal["similar", "shared", "nearest", "follow-up"]
#: What a speaker is.
SpeakerKind = Literal["person", "organization", "place", "group", "anonymous", "unresolved"]


@dataclass(frozen=True)
class Document:
    """One source: an article, press release or transcript."""

    id: str
    text: str
    source: str | None = None  # outlet
    date: str | None = None
    url: str | None = None
    path: str | None = None
    note: str = ""  # how the text was read when that was a guess, e.g. "... read as Windows-1252"


@dataclass(frozen=True)
class Span:
    """``text == document.text[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    index: int
    paragraph: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Statement:
    """An attributed statement: who (speaker), how (cue), what (content), and what it asserts."""

    id: str
    doc_id: str
    speaker: Span
    cue: Span
    content: Span
    kind: Kind
    sentence: int  # index of the sentence holding the cue
    negated: bool = False  # a denial: the statement asserts the negation of its content
    proposition: str = ""  # the asserted proposition, without its attribution frame
    speaker_id: str = ""
    speaker_name: str = ""
    is_assertion: bool = True  # a claim its speaker asserted: not a demand, intention, vote or poll finding
    #: a claim about the world that can contradict another (``claims``): a declarative clause with a subject
    #: and a finite verb; not a fragment, noun phrase, question or imperative, which ``not_checkable`` names
    checkable: bool = True
    not_checkable: str = ""
    date: str | None = None
    #: the speakers of this utterance when one statement was split over coordinated speakers ("Both the US
    #: and France said", "They said" after them): they speak with one voice and are not compared in-document
    voices: tuple[str, ...] = ()
    #: conjuncts of the proposition scored one by one ("he had not responded to or approved P" asserts
    #: both "he had not responded to P" and "he had not approved P"); empty when it is one claim
    parts: tuple[str, ...] = ()
    reporter: Span | None = None  # "A said B had told them that P": B is the speaker, A the reporter
    #: the people the proposition's subject names ("Sayer had never backed ..."): what two different people
    #: did cannot contradict; empty when the subject is no named person
    subjects: tuple[str, ...] = ()
    #: the subject's head noun and the words that tell it apart ("council", "marlow", "town"), see
    #: ``proposition.thing``: two councils' votes cannot contradict; empty when the subject is a pronoun
    thing: tuple[str, ...] = ()
    #: the nouns the content names, as lemmas ("payment", "domus"): what two claims share when their subjects
    #: differ (``rules.about``)
    topics: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Statement:
        """The statement ``to_dict`` gave (as read back from JSON: spans as dicts, tuples as lists)."""
        spans = {k: Span(**d[k]) for k in ("speaker", "cue", "content")}
        reporter = Span(**d["reporter"]) if d.get("reporter") else None
        tuples = {k: tuple(d.get(k) or ()) for k in ("voices", "parts", "subjects", "thing", "topics")}
        rest = {k: v for k, v in d.items() if k not in spans and k not in tuples and k != "reporter"}
        return cls(**rest, **spans, **tuples, reporter=reporter)


@dataclass(frozen=True)
class Speaker:
    """One entity behind one or more speaker mentions."""

    id: str
    name: str
    kind: SpeakerKind
    mentions: tuple[tuple[str, int, int, str], ...] = ()  # (doc_id, start, end, text)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["mentions"] = [{"doc_id": m[0], "start": m[1], "end": m[2], "text": m[3]} for m in self.mentions]
        return d


@dataclass(frozen=True)
class Candidate:
    """A pair of statements worth sending to NLI."""

    a: str  # statement id
    b: str
    similarity: float
    shared: tuple[str, ...] = ()
    #: why the pair was kept: "similar" (above the similarity bar), "shared" (a lower bar and a shared name
    #: or number), "nearest" (among a statement's nearest neighbours only), "follow-up" (``pair.follow_ups``)
    via: Via = "similar"
    #: why the two are about the same thing (``rules.about``): "same subject: Netanyahu", "both name: ..."
    about: str = ""


@dataclass(frozen=True)
class Contradiction:
    a: Statement
    b: Statement
    #: max of the two directions' contradiction probability, or the rule's score, calibrated by the model's
    #: temperature (``NLIModel.calibrated``; the same order, the same 0.5)
    score: float
    nli_ab: dict[str, float]
    nli_ba: dict[str, float]
    similarity: float
    reason: Reason
    explanation: str
    #: when the score comes from one statement entailing the other's opposite: which side ("a" or "b") was
    #: turned round, into what, and the entailment probability
    opposite: dict[str, Any] | None = None
    via: Via = "similar"  # how the pair became a candidate (``Candidate.via``)
    #: when the score comes from the two main claims compared without their reasons and further clauses
    #: (``opposite.main_claim``): the two texts and the contradiction probability
    main_claims: dict[str, Any] | None = None
    about: str = ""  # why the two are about the same thing (``Candidate.about``)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "reason": self.reason,
            "explanation": self.explanation,
            "about": self.about,
            "similarity": round(self.similarity, 4),
            "opposite": self.opposite,
            "main_claims": self.main_claims,
            "via": self.via,
            "nli": {
                "a_to_b": {k: round(v, 4) for k, v in self.nli_ab.items()},
                "b_to_a": {k: round(v, 4) for k, v in self.nli_ba.items()},
            },
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
        }


@dataclass(frozen=True)
class DocumentStatus:
    id: str
    source: str | None
    date: str | None
    path: str | None
    #: "stored": a document of a claim store that a reported contradiction involves (``Store.check``)
    status: Literal["checked", "skipped", "stored"]
    reason: str = ""  # why it was skipped
    statements: int = 0
    note: str = ""  # a checked document's caveat, e.g. the encoding it was guessed to be in

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Report:
    documents: list[DocumentStatus]
    statements: list[Statement]
    speakers: list[Speaker]
    contradictions: list[Contradiction]
    threshold: float
    pairs_all: int = 0
    pairs_scored: int = 0
    models: dict[str, str] = field(default_factory=dict)
    #: every pair sent to NLI, as statement ids (for measuring pruning; not in the JSON)
    scored_pairs: list[tuple[str, str]] = field(default_factory=list, repr=False)

    @property
    def skipped(self) -> list[DocumentStatus]:
        return [d for d in self.documents if d.status == "skipped"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": [d.to_dict() for d in self.documents],
            "speakers": [s.to_dict() for s in self.speakers],
            "statements": [s.to_dict() for s in self.statements],
            "contradictions": [c.to_dict() for c in self.contradictions],
            "threshold": self.threshold,
            "pairs": {"all": self.pairs_all, "scored": self.pairs_scored},
            "models": self.models,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def _repr_html_(self) -> str:
        from checker.report import to_html

        return to_html(self)
