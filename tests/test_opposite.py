"""Opposites of propositions: negation dropped, antonyms swapped, the main claim without its qualifiers."""

from checker.opposite import antonym_pair, main_claim, opposites
from checker.records import Span, Statement


def statement(prop, parts=()):
    return Statement(
        id="1", doc_id="d", speaker=Span(0, 1, "x"), cue=Span(0, 1, "x"), content=Span(0, 1, "x"),
        kind="indirect", sentence=0, proposition=prop, parts=parts,
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
