"""One entity per speaker: names, titles, acronyms, pronouns, coordination, anonymous sources."""

from stages import by_speaker, run


def test_acronym_and_expansion_are_one_speaker():
    text = (
        "The Prime Minister’s Office (PMO) issued a statement saying the talks went well.\n"
        "The teams met on Thursday, the PMO said.\n"
        "The Prime Minister's Office said the talks would continue."
    )
    sts = run(text)
    assert {s.speaker_name for s in sts} == {"Prime Minister's Office"}
    assert len(sts) >= 2


def test_full_name_surname_and_title():
    text = (
        "Prime Minister Benjamin Netanyahu said the talks had failed.\n"
        "Netanyahu said the army would continue.\n"
        "“We will not stop,” the prime minister said upon landing in New York."
    )
    sts = run(text)
    assert [s.speaker_name for s in sts] == ["Benjamin Netanyahu"] * 3
    assert len({s.speaker_id for s in sts}) == 1


def test_pronouns_take_the_nearest_compatible_antecedent():
    text = (
        "The PMO said the meeting had ended. It added that talks would continue.\n"
        "Antony Blinken said the deal was close. He added that Israel had agreed."
    )
    sts = run(text)
    assert [s.speaker_name for s in sts] == ["PMO", "PMO", "Antony Blinken", "Antony Blinken"]


def test_they_after_coordinated_speakers_splits():
    text = (
        "Both the US and France made clear that Israel had agreed to the plan. "
        "They indicated surprise that Israel had rejected it."
    )
    sts = run(text)
    they = [s for s in sts if s.speaker.text == "They"]
    assert sorted(s.speaker_name for s in they) == ["France", "United States"]
    assert len({s.id for s in sts}) == len(sts)


def test_anonymous_sources_stay_anonymous_per_document():
    t = "A senior Western diplomat said the plan had been agreed."
    sts = run(t, t)
    assert all(s.speaker_name == "senior Western diplomat" for s in sts)
    assert len({s.speaker_id for s in sts}) == 2


def test_same_person_across_documents():
    sts = run("Secretary of State Antony Blinken said the deal was close.", "Blinken said the deal was dead.")
    assert len({s.speaker_id for s in sts}) == 1
    assert by_speaker(sts, "Antony Blinken")


def test_same_surname_different_first_names_are_two_people():
    sts = run("Phil Smith said the mine would reopen.", "Will Smith said the film was finished.")
    assert [s.speaker_name for s in sts] == ["Phil Smith", "Will Smith"]


def test_a_middle_initial_is_the_same_person():
    sts = run(
        "Donald J. Trump said the tax code was unfair.",
        "Donald Trump said he paid federal taxes. Donald Trump said the audit would end.",
    )
    assert {s.speaker_name for s in sts} == {"Donald Trump"} and len({s.speaker_id for s in sts}) == 1


def test_two_different_middle_initials_are_two_people():
    sts = run("George W. Bush said the surge had worked.", "George H. W. Bush said the war had ended.")
    assert sorted(s.speaker_name for s in sts) == ["George H. W. Bush", "George W. Bush"]


def test_a_bare_surname_the_ner_calls_an_organization_is_the_person_named_before():
    """From PolNeAR dev (politico, 2016-10-04): "said Burman" is tagged ORG, "Len Burman" PERSON."""
    text = (
        "“What he’s actually proposed would benefit people like him,” said Len Burman, head of the centrist "
        "Tax Policy Center.\n"
        "“I don’t think he has any specific provisions that would change the way we tax real estate,” said "
        "Burman. “He certainly hasn’t proposed anything that would hurt people like him.”"
    )
    sts = run(text)
    assert len(sts) >= 2 and {s.speaker_name for s in sts} == {"Len Burman"}


def test_honorific_surname_joins_the_full_name():
    sts = run("Tom Clarke said the plan was ready. Mr. Clarke said it would cost $5 million.")
    assert {s.speaker_name for s in sts} == {"Tom Clarke"}


def test_he_added_takes_the_last_male_speaker():
    text = (
        "Benjamin Netanyahu said the army would continue. Hillary Clinton said the deal was bad. "
        "He added that Israel would win."
    )
    sts = run(text)
    assert [s.speaker_name for s in sts] == ["Benjamin Netanyahu", "Hillary Clinton", "Benjamin Netanyahu"]
    assert sts[2].content.text == "Israel would win"


def test_a_speaker_mention_with_an_apposition_is_named_by_the_name():
    text = "Elaine Kamarck, a two-decade veteran of party politics, said the rules were fair."
    (s,) = run(text)
    assert s.speaker_name == "Elaine Kamarck"


def test_name_in_apposition_to_a_description_is_the_speaker():
    text = (
        "The school's headteacher, Carla Mendes, told the council that the roof was unsafe. "
        "She said repairs would cost 2 million euros. "
        "The headteacher said classes would move to a church hall."
    )
    sts = run(text)
    assert [s.speaker_name for s in sts] == ["Carla Mendes"] * 3


def test_apposition_after_an_of_phrase_names_the_speaker_not_the_client():
    sts = run("The manager of Petra Novak, Sven Lund, said his client would stay in Lyon.")
    assert [s.speaker_name for s in sts] == ["Sven Lund"]


def test_name_first_apposition_keeps_the_name():
    sts = run("Sven Lund, the manager of Petra Novak, said his client would stay in Lyon.")
    assert [s.speaker_name for s in sts] == ["Sven Lund"]


def test_the_company_is_the_company_named_before_it():
    sts = run(
        "Shares in Orvane Motors fell 8 percent after the company said its new plant would open late.",
        "Orvane Motors said its sales had fallen. The ministry said exports had risen.",
    )
    names = [s.speaker_name for s in sts]
    assert names[0] == "Orvane Motors"
    assert names[-1] != "Orvane Motors"  # a ministry is no company
    assert len({s.speaker_id for s in sts if s.speaker_name == "Orvane Motors"}) == 1


def test_a_title_and_an_of_phrase_around_a_name_are_dropped():
    sts = run("Farm incomes will fall this year, said analyst Peter Olsen of the Danish Farmers Union.")
    assert [s.speaker_name for s in sts] == ["Peter Olsen"]


def test_sources_reporting_a_position_are_the_speakers():
    text = (
        "Mayor Lina Brecht backs the new stadium and will sign the contract on Friday, "
        "three aides to the mayor told the Herald."
    )
    sts = run(text)
    assert [s.speaker_name for s in sts] == ["three aides to the mayor"]
    assert sts[0].content.text.startswith("Mayor Lina Brecht backs")


def test_a_name_without_ascii_letters_still_has_an_id():
    from checker.stages.speakers import slug

    assert slug("Ⱥ") == "u23a" and slug("Élise Roy") == "elise-roy"


def test_a_speaker_of_function_words_only_is_unresolved():
    # real PolNeAR speakers: "which", "his", "some", "that": fragments of a source, never compared as one
    (st,) = run("Some said the bridge was unsafe.")
    assert st.speaker_name == "unresolved 'Some'"
    sts = run("The council published a report on Monday, which said the bridge was unsafe.")
    assert [s.speaker_name for s in sts if s.proposition == "The bridge was unsafe"] == ["unresolved 'which'"]
    (st,) = run("Those who live nearby said the bridge was unsafe.")
    assert st.speaker_name == "Those who live nearby"  # a description with content words stays a source


def test_a_speaker_mention_cut_off_after_a_function_word_is_trimmed():
    from checker.records import Document, Span
    from checker.runtime.parser import load_spacy
    from checker.stages import segment
    from checker.stages.speakers import _trimmed

    text = "John Dickey, the mayor, and the World Trade Organization and its members said the talks failed."
    (pd,) = segment.parse([Document("d0", text)], load_spacy())

    def mention(words: str) -> Span:
        start = text.index(words)
        return Span(start, start + len(words), words)

    assert _trimmed(pd, mention("John Dickey, the")) == mention("John Dickey")
    whole = mention("the World Trade Organization")
    assert _trimmed(pd, mention("the World Trade Organization and")) == whole
    assert _trimmed(pd, whole) is whole
    assert _trimmed(pd, mention("the")) == mention("the")  # a mention is never trimmed away
