"""The infer stage: NLI on candidate pairs (both directions, piece by piece), a claim's opposites and main
claims where the model shows some signal, the figure and antonym rules, and the reason given."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from checker import config
from checker.records import Candidate, Contradiction, Reason, Statement
from checker.runtime.nli import NLIModel, Probabilities, both_ways
from checker.stages import opposite, rules
from checker.stages.segment import chunks


def reason(a: Statement, b: Statement) -> tuple[Reason, str]:
    """The kind of contradiction and a short human reason."""
    if a.speaker_id == b.speaker_id:
        return "reversal", f"{a.speaker_name} said opposite things on {a.date or '?'} and {b.date or '?'}"
    deny = a if a.negated else b if b.negated else None
    if deny is not None:
        other = b if deny is a else a
        return "denial", f"{deny.speaker_name} denies what {other.speaker_name} asserts"
    num = rules.numeric_conflict(a.proposition, b.proposition)
    if num:
        return "numeric", f"different figures: {num}"
    when = rules.date_conflict(a.proposition, b.proposition)
    if when:
        return "numeric", f"different dates: {when}"
    if rules.negated(a.proposition) != rules.negated(b.proposition):
        return "negation", "one statement negates the other"
    pair = rules.antonym_pair(a.proposition, b.proposition)
    if pair:
        return "antonym", f"'{pair[0]}' vs '{pair[1]}'"
    return "other", "the NLI model judges the statements incompatible"


def _pieces(st: Statement) -> list[str]:
    """What is scored of a statement: each conjunct of its proposition, each within the model's window."""
    return [piece for part in (st.parts or (st.proposition,)) for piece in chunks(part)]


def _claims(st: Statement) -> tuple[str, ...]:
    return st.parts or (st.proposition,)


def _predict(model: NLIModel, pairs: list[tuple[str, str]]) -> list[Probabilities]:
    """Probabilities for each pair; the same two texts (a quote reported twice) are scored once."""
    unique = list(dict.fromkeys(pairs))
    at = {p: i for i, p in enumerate(unique)}
    probs = model.predict(unique)
    return [probs[at[p]] for p in pairs]


def _contradiction(probs: list[Probabilities], k: int) -> float:
    """The contradiction of the two directions at ``k`` and ``k + 1`` (``both_ways``)."""
    return both_ways(probs[k]["contradiction"], probs[k + 1]["contradiction"])


@dataclass
class _Plan:
    """Where one candidate's questions to the model sit in the two batched calls."""

    #: its pieces' pairs in the first call, both ways: (a, b) at ``lo``, ``lo + 2`` ..., (b, a) after each
    lo: int
    hi: int
    #: in the second call: (side turned round, its opposite, first, end) of the other side's pieces
    opposites: list[tuple[str, str, int, int]] = field(default_factory=list)
    #: in the second call: the two sides' main claims, both ways
    mains: tuple[int, int] = (0, 0)


class _SecondLook:
    """The second call's questions: does one side entail the other's opposite, and do the two main claims,
    without their reasons and further clauses, contradict each other. Each statement is turned round once,
    however many candidates it is in."""

    def __init__(self) -> None:
        self.pairs: list[tuple[str, str]] = []
        self._turned_round: dict[str, list[str]] = {}
        self._mains: dict[str, list[str]] = {}  # per statement: its parts' main claims

    def ask(self, plan: _Plan, a: Statement, b: Statement, contradiction: float) -> None:
        """``contradiction``: the pair's own reading; its opposites are asked only where they could count
        (``config.OPPOSITE_MIN_CONTRADICTION``), or where a main claim might raise that reading."""
        for st in (a, b):
            if st.id not in self._mains:
                self._mains[st.id] = [opposite.main_claim(p) for p in _claims(st)]
        mains = [
            (ma, mb)
            for ma, pa in zip(self._mains[a.id], _claims(a), strict=True)
            for mb, pb in zip(self._mains[b.id], _claims(b), strict=True)
            if (ma, mb) != (pa, pb)
        ]
        sides = (("a", a, b), ("b", b, a))
        if contradiction < config.OPPOSITE_MIN_CONTRADICTION and not mains:
            sides = ()
        for side, st, other in sides:
            if st.id not in self._turned_round:
                self._turned_round[st.id] = opposite.hypotheses(st)
            for text in self._turned_round[st.id]:
                if not opposite.answers(st.proposition, text, other.proposition):
                    continue
                first = len(self.pairs)
                # the other statement as premise: a claim that entails P contradicts a denial of P
                self.pairs += [(piece, text) for piece in _pieces(other)]
                plan.opposites.append((side, text, first, len(self.pairs)))
        # "opposes the bill and will vote against it next week" vs "has backed it from the start": the model
        # reads the main claims, without what else each side adds, more surely
        first = len(self.pairs)
        for ma, mb in mains:
            self.pairs += [(ma, mb), (mb, ma)]
        plan.mains = (first, len(self.pairs))


def score(
    candidates: Sequence[Candidate], statements: dict[str, Statement], model: NLIModel
) -> list[Contradiction]:
    """Score each candidate in both directions; contradiction = the higher of the two, or the probability that
    one statement entails the other's opposite (``opposite.opposites``), or the number rule; then calibrated
    (``NLIModel.calibrated``).

    Long propositions are scored piece by piece; a pair's scores are those of its most contradictory pieces.
    Opposites are checked only where the two directions found some contradiction or entailment
    (``config.OPPOSITE_GATE``): a pair the model reads as wholly neutral is about different things.
    """
    pairs: list[tuple[str, str]] = []
    plans = []
    for c in candidates:
        lo = len(pairs)
        for pa in _pieces(statements[c.a]):
            for pb in _pieces(statements[c.b]):
                pairs += [(pa, pb), (pb, pa)]
        plans.append(_Plan(lo, len(pairs)))
    probs = _predict(model, pairs)
    second = _SecondLook()
    for c, plan in zip(candidates, plans, strict=True):
        signal = max(max(p["contradiction"], p["entailment"]) for p in probs[plan.lo : plan.hi])
        if signal >= config.OPPOSITE_GATE:
            direct = max(_contradiction(probs, k) for k in range(plan.lo, plan.hi, 2))
            second.ask(plan, statements[c.a], statements[c.b], direct)
    second_probs = _predict(model, second.pairs)
    # every rule above reads the model's own probabilities; only the score reported is calibrated
    return [
        replace(judged, score=model.calibrated(judged.score))
        for judged in (
            _judge(c, plan, statements[c.a], statements[c.b], probs, second.pairs, second_probs)
            for c, plan in zip(candidates, plans, strict=True)
        )
    ]


def _judge(
    c: Candidate,
    plan: _Plan,
    a: Statement,
    b: Statement,
    probs: list[Probabilities],
    second: list[tuple[str, str]],
    second_probs: list[Probabilities],
) -> Contradiction:
    """One candidate's score from the model's answers, and the rules'."""
    i = max(range(plan.lo, plan.hi, 2), key=lambda k: _contradiction(probs, k))
    ab, ba = probs[i], probs[i + 1]
    # how surely each side is entailed by the other as it stands: "b" by a (even indices), "a" by b
    as_said = {
        "b": max(p["entailment"] for p in probs[plan.lo : plan.hi : 2]),
        "a": max(p["entailment"] for p in probs[plan.lo + 1 : plan.hi : 2]),
    }
    value = both_ways(ab["contradiction"], ba["contradiction"])
    main_claims = None
    vlo, vhi = plan.mains
    if vhi > vlo:
        k = max(range(vlo, vhi, 2), key=lambda k: _contradiction(second_probs, k))
        main = _contradiction(second_probs, k)
        if main > value:
            value = main
            main_claims = {"a": second[k][0], "b": second[k][1], "contradiction": round(main, 4)}
    turned = None
    # an opposite entailed counts only where the model reads some contradiction in the pair itself (where
    # it cannot, ``_SecondLook.ask`` did not ask the model about it)
    opposites = plan.opposites if value >= config.OPPOSITE_MIN_CONTRADICTION else []
    for side, text, first, end in opposites:
        entail = max(p["entailment"] for p in second_probs[first:end])
        # a premise that entails the statement as much as its opposite tells them apart by nothing but
        # shared words ("cuts energy use" vs "raises energy use"): no evidence either way
        if entail <= as_said[side]:
            continue
        if entail > value and (turned is None or entail > turned["entailment"]):
            turned = {"of": side, "text": text, "entailment": round(entail, 4)}
    if turned is not None:
        value = turned["entailment"]
        main_claims = None
    kind, why = reason(a, b)
    # the figure rule needs the model's own reading of some contradiction: two polls, groups or years told
    # in like words differ in their figures and are wholly compatible to it
    figure = _same_figure_differs(kind, why, a, b, c.similarity) and value >= config.FIGURE_MIN_CONTRADICTION
    if figure or _same_claim_opposite_word(a, b, c.similarity):
        value = max(value, config.RULE_SCORE)
    return Contradiction(a, b, value, ab, ba, c.similarity, kind, why, turned, c.via, main_claims, c.about)


def _same_figure_differs(kind: Reason, why: str, a: Statement, b: Statement, similarity: float) -> bool:
    """The same claim with a different figure or date: a contradiction whatever NLI says. Dates need a
    closer match, since two events on two days are often told in near-identical words."""
    return (
        kind == "numeric"
        and similarity >= (0.75 if why.startswith("different dates") else 0.6)
        and not rules.different_things(a, b, either=True)
    )


def _same_claim_opposite_word(a: Statement, b: Statement, similarity: float) -> bool:
    """One claim told with a word and its antonym ("won the contract" vs "lost the tender"), neither side
    negated (a negation may turn the antonym back: "is not opposed" vs "supports")."""
    return (
        similarity >= config.ANTONYM_MIN_SIMILARITY
        and not (rules.negated(a.proposition) or rules.negated(b.proposition))
        and rules.antonym_pair(a.proposition, b.proposition) is not None
        and not rules.different_things(a, b)
    )


def reportable(c: Contradiction, threshold: float) -> bool:
    """Whether ``c`` is reported at ``threshold``. A pair kept only as a nearest neighbour, with little in
    common, needs ``config.NEAREST_THRESHOLD`` too, and one with no cue but the model's reading (reason
    "other") ``config.UNCUED_THRESHOLD``: NLI over-reads unrelated sentences as contradictory."""
    if c.via == "nearest":
        threshold = max(threshold, config.NEAREST_THRESHOLD)
    if c.reason == "other":
        threshold = max(threshold, config.UNCUED_THRESHOLD)
    return c.score >= threshold
