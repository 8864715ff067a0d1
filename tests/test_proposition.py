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


def test_an_object_it_is_what_the_previous_statement_was_about():
    said = run(
        'Senator Malik Obi said he opposes the data retention bill. "I will vote against it," Obi said.'
    )
    assert said[1].proposition == "Obi will vote against the data retention bill"


def test_it_in_the_same_content_is_its_object_named_before():
    (s,) = run("Aides said Senator Ruth Calloway opposes the Northline pipeline and will vote against it.")
    assert s.proposition == (
        "Senator Ruth Calloway opposes the Northline pipeline and will vote against the Northline pipeline"
    )


def test_it_on_the_same_verb_as_an_object_is_not_that_object():
    said = run('The union said it had reached a deal with Harwick Steel. "We shook hands on it," she said.')
    assert "hands on a deal" in said[1].proposition


def test_this_project_is_replaced_but_this_company_is_not():
    said = run(
        "Senator Ruth Calloway supports the Northline pipeline, her office said. "
        '"The senator has backed this project from the start," spokesman Eli Grant said.'
    )
    # "the senator" is named as the speakers stage names her; "this project" is the pipeline
    assert said[1].proposition == "Ruth Calloway has backed the Northline pipeline from the start"
    said = run(
        "Orlen Motors has no plans to cut jobs at Brenford, chief executive Diane Mercer said. "
        '"Brenford is the heart of this company," she said.'
    )
    assert said[1].proposition == "Brenford is the heart of this company"


def test_subjects_are_the_people_a_proposition_is_about():
    (s,) = run("The clerk said Councillor Ahmed Sayer had never backed the tram extension.")
    assert s.subjects == ("Ahmed Sayer",)
    (s,) = run("Ahmed Sayer said he had never backed the tram extension.")
    assert s.subjects == ("Ahmed Sayer",)
    (s,) = run("The clerk said a majority of the council had backed the tram extension.")
    assert s.subjects == ()


def test_thing_is_the_subjects_kind_and_what_tells_it_apart():
    (s,) = run("The clerk said Marlow town council had approved the car park.")
    assert s.thing == ("council", "marlow", "town")
    (s,) = run("Brightwell Telecom said its third-quarter profit rose 12 percent.")
    assert s.proposition == "Brightwell Telecom's third-quarter profit rose 12 percent"
    assert s.thing[0] == "profit" and {"brightwell", "telecom"} <= set(s.thing)
    (s,) = run("Ahmed Sayer said he had never backed the tram extension.")
    assert s.thing == ()  # a pronoun: the speaker, not a kind of thing


def test_a_small_clause_is_about_the_cues_object():
    (s,) = run("The council described Marlow town bridge as unsafe for traffic.")
    assert s.proposition == "Marlow town bridge was unsafe for traffic"
    assert s.thing == ("bridge", "marlow", "town")
    (s,) = run("The mayor told reporters that the bridge was safe.")
    assert s.proposition == "The bridge was safe" and s.thing == ("bridge",)


def test_a_described_subject_is_named_once_not_also_as_its_owner():
    # "his wife" is the candidate named before; "his" is not also replaced inside that name (a real PolNeAR
    # proposition read "Former president Bill Clinton'slary Clinton was uniquely qualified")
    text = (
        "Tuesday in New York City, while on the campaign trail for his wife Democratic presidential"
        " front-runner Hillary Clinton, former president Bill Clinton said his wife was uniquely qualified"
        " to be president."
    )
    (s,) = run(text)
    assert s.proposition == "Hillary Clinton was uniquely qualified to be president"


def test_denying_any_asserts_none():
    (s,) = run("Solvara Airlines on Tuesday flatly denied that any of its aircraft had been grounded.")
    assert s.proposition == "None of Solvara Airlines' aircraft had been grounded"
    assert prop("The police denied that anyone was hurt.") == "No one was hurt"
    assert (
        prop("Brightcart denied that any customer data had been accessed.")
        == "No customer data had been accessed"
    )


def test_topics_hold_whom_a_pronoun_stands_for():
    (s,) = run("Solvara Airlines on Tuesday flatly denied that any of its aircraft had been grounded.")
    # "its aircraft" is Solvara Airlines' aircraft: what the claim is about, though the content never names it
    assert {"aircraft", "solvara", "airlines"} <= set(s.topics)
    assert "none" not in s.topics  # the negation's "None" names nothing
