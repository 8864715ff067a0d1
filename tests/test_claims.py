"""The claim gate on the real parse: declarative clauses with a subject and a finite verb are checked; noun
phrases, fragments, questions, imperatives and indirect questions are kept, marked, and not compared."""

from __future__ import annotations

import pytest

from checker.records import Document
from checker.runtime.parser import load_spacy
from checker.stages import claims, pair
from checker.stages.segment import parse


def why(text: str) -> str:
    (pd,) = parse([Document("d", text)], load_spacy())
    return claims.not_a_claim(pd.span(0, len(text)))


@pytest.mark.parametrize(
    "text",
    [
        "The server was secure.",
        "He never obtained access to Clinton's email account.",
        "Democrats would be drawn to her plans.",
        "It was a narrow victory. It was almost a split decision.",
        "Don't shoot him. He has no weapon.",  # one sentence that is a claim is enough
        "What she did with her email set-up was a mistake.",  # a subject clause
        "The plan is a disaster.",  # an opinion is a position, a claim
    ],
)
def test_claims_pass(text: str) -> None:
    assert why(text) == ""


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("His party's nominee", "noun phrase"),
        ("The Supreme Court ruling", "noun phrase"),
        ("To get emails from the laptop", "fragment"),
        ("Whether they had any concerns about the messages", "fragment"),
        ("How the information got on an unclassified system", "fragment"),
        ("What's happening in your state or district?", "question"),
        ("Make sure you go out and vote.", "imperative"),
        ("Is possible after the victory in Indiana", "fragment"),
    ],
)
def test_non_claims_are_named(text: str, reason: str) -> None:
    assert why(text) == reason


def test_a_denial_of_doing_something_is_a_claim() -> None:
    from stages import run

    (st, *_) = run("Housing Minister Ferenc Lazar on Tuesday denied receiving any payments from Domus Build.")
    assert st.negated and st.checkable


def test_statements_carry_the_gate_and_a_non_claim_is_never_compared() -> None:
    from stages import run

    (claim,) = run("The mayor said the bridge was safe.")
    (phrase,) = run("The council announced its plans for the bridge.")
    assert claim.checkable and claim.not_checkable == ""
    assert not phrase.checkable and phrase.not_checkable in ("noun phrase", "fragment")
    # another document (each run() names its first document d0)
    other = next(s for s in run("", "The engineers said the bridge was unsafe.") if s.doc_id == "d1")
    assert pair.comparable(claim, other)
    assert not pair.comparable(phrase, other) and pair.count_comparable([phrase, other]) == 0


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Trump accused Holt of being a Democrat.", "Holt was a Democrat"),
        ("The council described the bridge as unsafe for traffic.", "The bridge was unsafe for traffic"),
        ("The campaign called the charges unsubstantiated.", "The charges were unsubstantiated"),
        ("The mayor assured residents that the bridge was safe.", "The bridge was safe"),
        ("Cruz described himself as a consistent conservative.", "Cruz was a consistent conservative"),
    ],
)
def test_a_predicate_told_of_the_cues_object_is_a_claim(text: str, said: str) -> None:
    """A small clause ("accused Holt of being a Democrat") asserts its predicate of the object; "called"
    with a predicate asserts, where "called for" demands."""
    from stages import run

    (st,) = run(text)
    assert st.checkable and st.is_assertion and st.proposition == said


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Trump stopped short of calling the shooting racially motivated.", "noun phrase"),
        ("Few people would have described Obama as a climate evangelist.", "noun phrase"),
        ("The senator did not call the charges false.", "noun phrase"),
        ("Sanders called it shameful.", "no subject (it)"),
    ],
)
def test_a_predicate_withheld_or_of_an_unnamed_thing_is_not_compared(text: str, why: str) -> None:
    """Nobody asserts what a cue withholds; "it" told a predicate of names nothing the claim is about."""
    from stages import run

    (st,) = run(text)
    assert not st.checkable and st.not_checkable == why


def test_the_gate_is_measured_per_class_against_labels(tmp_path) -> None:
    import json

    from checker.errors import InputError
    from checker.evaluation import claims as measure
    from checker.records import Span, Statement

    def st(start: int, checkable: bool, why: str = "") -> Statement:
        content = Span(start, start + 10, "x" * 10)
        return Statement(f"d:{start}", "d", Span(0, 1, "X"), Span(0, 1, "said"), content, "indirect", 0,
                         checkable=checkable, not_checkable=why)  # fmt: skip

    rows = [(0, True), (20, True), (40, False), (60, False), (80, True)]
    lines = [
        {
            "doc": "d",
            "start": s,
            "end": s + 10,
            "claim": c,
            "category": "c",
            "reader": r,
            "date": "2026-11-30",
        }
        for s, c in rows
        for r in ("r1", "r2")
    ]
    lines.append({**lines[-1], "claim": False, "reader": "r3"})  # readers disagree on the last: disputed
    f = tmp_path / "labels.jsonl"
    f.write_text("".join(json.dumps(x) + "\n" for x in lines))
    # a claim kept (its unresolved speaker is no verdict on claim-ness), a claim set aside, a non-claim set
    # aside, a non-claim kept
    sts = [
        st(0, False, "no speaker (unresolved 'I')"),
        st(20, False, "fragment"),
        st(40, False, "noun phrase"),
        st(60, True),
        st(80, True),
    ]
    out = measure.evaluate(sts, measure.read_labels(f))
    assert out["disputed"] == 1
    assert out["confusion"] == {
        "claim_kept": 1,
        "claim_set_aside": 1,
        "not_claim_kept": 1,
        "not_claim_set_aside": 1,
    }
    assert out["claims"]["precision"] == 0.5 and out["not_claims"]["recall"] == 0.5
    f.write_text('{"doc": "d", "start": 0}\n')
    with pytest.raises(InputError, match="line 1"):
        measure.read_labels(f)


def test_a_label_holds_for_the_proposition_it_was_given_to(tmp_path) -> None:
    """Labels naming a proposition (sha1) replace the span's older labels while it is extracted; once it
    changes they are stale and the older labels stand."""
    import json

    from checker.evaluation import claims as measure
    from checker.evaluation.jsonl import digest
    from checker.records import Span, Statement

    def st(start: int, said: str) -> Statement:
        content = Span(start, start + 10, "x" * 10)
        return Statement(f"d:{start}", "d", Span(0, 1, "X"), Span(0, 1, "said"), content, "indirect", 0,
                         proposition=said, checkable=True)  # fmt: skip

    def label(start: int, claim: bool, reader: str, **more: str) -> dict:
        return {"doc": "d", "start": start, "end": start + 10, "claim": claim, "category": "c",
                "reader": reader, "date": "2026-12-02", **more}  # fmt: skip

    now, before = "Holt was a Democrat", "Holt of being a Democrat"
    lines = [
        label(0, False, "r1"),  # the old words: a fragment; two readers of the new ones: a claim, faithful
        label(0, True, "r2", sha1=digest(now), faithful="yes"),
        label(0, True, "r3", sha1=digest(now), faithful="yes"),
        label(20, False, "r1"),  # labelled again for words no longer extracted: the old label stands
        label(20, True, "r2", sha1=digest(before), faithful="no"),
        label(40, True, "r2", sha1=digest(before)),  # only for other words: stale
    ]
    f = tmp_path / "labels.jsonl"
    f.write_text("".join(json.dumps(x) + "\n" for x in lines))
    out = measure.evaluate([st(0, now), st(20, now), st(40, now)], measure.read_labels(f))
    assert out["stale"] == 1 and out["disputed"] == 0
    assert out["confusion"]["claim_kept"] == 1 and out["confusion"]["not_claim_kept"] == 1
    assert out["faithful"] == {"statements": 1, "faithful": 1, "unfaithful": 0, "disputed": 0, "share": 1.0}


def test_a_condition_whose_if_was_left_outside_the_content_is_no_claim() -> None:
    text = (
        "If all the Fortune 500 companies paid taxes on their sheltered profits, the researchers tallied, "
        "the government would receive a windfall."
    )
    (pd,) = parse([Document("d", text)], load_spacy())
    start = text.index("all the")
    content = pd.span(start, text.index(", the researchers"))
    assert claims.not_a_claim(content) == "fragment"  # the companies paying is the condition, not asserted
    # a claim with a condition inside it still asserts something
    assert why("Unless the talks resume, the strike will go ahead.") == ""


def test_a_claim_about_what_a_bare_this_points_at_is_not_compared() -> None:
    from stages import run

    (st,) = run('"This isn\'t tax reform," said Douglas Holtz-Eakin, a former director of the budget office.')
    assert not st.checkable and st.not_checkable == f"{claims.NO_SUBJECT} (this)"
    assert claims.is_claim(st)  # a claim, but what it is about is outside the statement
    # a demonstrative that modifies a noun names its subject, and a placeholder "it" is left alone
    (plan,) = run('"This plan isn\'t tax reform," Holtz-Eakin said.')
    (weeks,) = run("It would take two weeks to convene the committee, the chairman said.")
    assert plan.checkable and weeks.checkable
