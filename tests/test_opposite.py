"""Opposites of propositions: negation dropped, antonyms swapped, the main claim without its qualifiers."""

from checker.records import Span, Statement
from checker.stages.opposite import answers, hypotheses, main_claim, opposites, restated
from checker.stages.rules import antonym_pair


def statement(prop, parts=(), negated=False):
    return Statement(
        id="1", doc_id="d", speaker=Span(0, 1, "x"), cue=Span(0, 1, "x"), content=Span(0, 1, "x"),
        kind="indirect", sentence=0, proposition=prop, parts=parts, negated=negated,
    )  # fmt: skip


def test_negation_is_dropped():
    assert opposites(statement("The relatives never consented to the surgery")) == [
        "The relatives consented to the surgery"
    ]
    assert opposites(statement("We won't sign it")) == ["We will sign it"]
    assert opposites(statement("It didn't rise")) == ["It did rise"]


def test_antonym_is_swapped_in_the_same_form():
    assert opposites(statement("Exports rose in May")) == ["Exports fell in May"]
    assert opposites(statement("Rejected by the board")) == ["Approved by the board"]
    assert opposites(statement("The mayor met the envoy")) == []


def test_main_claim_is_turned_round_too():
    found = opposites(statement("The senator opposes the bill because it gives police too much power"))
    assert found == [
        "The senator supports the bill because it gives police too much power",
        "The senator supports the bill",
    ]
    short = "Sales rose, which surprised analysts"
    assert main_claim(short) == short  # two words would be left: too little to be a claim
    assert main_claim("The bridge is not safe for traffic and should be closed") == (
        "The bridge is not safe for traffic"
    )


def test_each_part_of_a_denial_of_alternatives():
    st = statement("He had not seen or signed it", parts=("He had not seen it", "He had not signed it"))
    assert opposites(st) == ["He had seen it", "He had signed it"]


def test_antonym_pair_across_forms():
    assert antonym_pair("Prices rose", "Prices will fall") == ("rise", "fall")
    assert antonym_pair("Prices rose", "Prices rose again") is None


def test_a_consent_verb_is_restated_in_the_other_main_ones():
    assert restated("Netanyahu had agreed to the ceasefire proposal") == [
        "Netanyahu had approved the ceasefire proposal",
        "Netanyahu had accepted the ceasefire proposal",
        "Netanyahu had supported the ceasefire proposal",
    ]
    assert restated("Backed by the board") == [
        "Approved by the board", "Agreed to by the board", "Accepted by the board", "Supported by the board",
    ]  # fmt: skip
    assert restated("Exports rose in May") == []


def test_hypotheses_are_the_opposites_and_for_a_denial_their_restatements():
    found = hypotheses(statement("The union had not accepted the offer", negated=True))
    assert found[0] == "The union had accepted the offer"
    assert "The union had agreed to the offer" in found and len(found) == len(set(found)) == 4
    # not a denial: the opposites only
    assert hypotheses(statement("The union had not accepted the offer")) == [
        "The union had accepted the offer"
    ]
    assert hypotheses(statement("Exports rose in May")) == ["Exports fell in May"]


def test_a_negative_subject_turned_round():
    assert opposites(statement("None of its aircraft had been grounded")) == [
        "Some of its aircraft had been grounded"
    ]
    assert opposites(statement("No one was hurt")) == ["Someone was hurt"]
    assert opposites(statement("No customer data was accessed")) == ["Customer data was accessed"]


def test_an_antonym_swap_is_asked_only_of_a_claim_that_uses_the_antonym():
    assert answers("Exports rose in May", "Exports fell in May", "Exports fell 2 percent in May")
    assert answers("Exports rose in May", "Exports fell in May", "Exports dropped in May") is False
    # a dropped negation and a verb of consent restated are always asked
    assert answers("He had not agreed to the plan", "He had agreed to the plan", "He signed it")
    assert answers("He had not approved the plan", "He had accepted the plan", "He signed it")
