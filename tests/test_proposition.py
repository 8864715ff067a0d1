"""The asserted proposition: frame removed, denials negated, the speaker's pronoun named."""

from stages import run


def prop(text: str) -> str:
    (s,) = [s for s in run(text) if s.is_assertion]
    return s.proposition


def test_denial_with_auxiliary():
    assert (
        prop("The ministry denied that the army had fired on civilians.")
        == "The army had not fired on civilians"
    )


def test_denial_without_auxiliary():
    assert prop("The company denied that it paid the bribe.") == "The company did not pay the bribe"


def test_denial_of_a_negative_asserts_the_positive():
    assert prop("The mayor denied that the city was not prepared.") == "The city was prepared"


def test_denying_alternatives_asserts_each_negation():
    (s,) = run("Netanyahu denied that he had responded to or approved the ceasefire proposal.")
    assert s.proposition == "Netanyahu had not responded to or approved the ceasefire proposal"
    assert s.parts == (
        "Netanyahu had not approved the ceasefire proposal",
        "Netanyahu had not responded to the ceasefire proposal",
    )


def test_one_claim_has_no_parts():
    (s,) = run("The ministry denied that the army had fired on civilians.")
    assert s.parts == ()


def test_copula_denial():
    assert prop("Officials denied that the report is accurate.") == "The report is not accurate"


def test_direct_quote_loses_its_marks():
    assert prop("“The ceasefire is holding,” the minister said.") == "The ceasefire is holding"


def test_first_person_in_a_quote_is_the_speaker():
    said = prop("“I am ready to sign the treaty,” Senator Ada Wren said.")
    assert said == "Senator Ada Wren is ready to sign the treaty"
    said = prop("“We have no plans to sell the mill,” Norvik Paper said.")
    assert said == "Norvik Paper has no plans to sell the mill"
    # "we" is not one person: a person's "we" stays
    assert prop("“We will win this seat,” Ada Wren said.") == "We will win this seat"
