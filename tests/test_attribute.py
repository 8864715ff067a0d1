"""Attribution patterns from the seed and news style: speaker, cue and content with offsets."""

from stages import check_offsets, run

from checker.stages.attribute import find_quotes
from checker.stages.segment import paragraphs


def one(text: str):
    sts = run(text)
    check_offsets(sts, text)
    return sts


def test_postposed_indirect_said():
    text = "Israeli and American teams met late Thursday to discuss the US initiative, the PMO said."
    (s,) = one(text)
    assert s.speaker.text == "the PMO" and s.cue.text == "said"
    assert s.content.text == "Israeli and American teams met late Thursday to discuss the US initiative"
    assert s.kind == "indirect"


def test_coordinated_speakers_make_clear():
    text = (
        "Both the US and France made clear in statements on Thursday that Netanyahu had privately agreed "
        "to the ceasefire plan."
    )
    sts = one(text)
    assert sorted(s.speaker_name for s in sts) == ["France", "United States"]
    assert {s.cue.text for s in sts} == {"made clear"}
    assert {s.content.text for s in sts} == {"Netanyahu had privately agreed to the ceasefire plan"}


def test_told_that_anonymous_source():
    text = (
        "A senior Western diplomat told The Times of Israel that the prime minister had been closely "
        "involved in crafting the statement."
    )
    (s,) = one(text)
    assert s.speaker.text == "A senior Western diplomat" and s.cue.text == "told"
    assert s.content.text.startswith("the prime minister had been closely involved")


def test_according_to_after_and_before():
    a = "More than 630 people have been killed in Lebanon, according to the country's health ministry."
    (s,) = one(a)
    assert s.speaker.text == "the country's health ministry" and s.cue.text == "according to"
    assert s.content.text == "More than 630 people have been killed in Lebanon"
    b = "According to Egyptian officials, the talks will resume on Sunday."
    (s,) = one(b)
    assert s.speaker.text == "Egyptian officials" and s.content.text == "the talks will resume on Sunday"


def test_postposed_officials_said():
    text = "The talks will resume on Sunday, Egyptian officials said."
    (s,) = one(text)
    assert s.speaker.text == "Egyptian officials" and s.content.text == "The talks will resume on Sunday"


def test_direct_quote_with_postposed_frame():
    text = (
        "“We will not stop until we achieve all our goals,” the prime minister said upon landing in New York."
    )
    (s,) = one(text)
    assert s.kind == "direct" and s.speaker.text == "the prime minister"
    assert s.content.text == "We will not stop until we achieve all our goals"


def test_quote_over_two_paragraphs_without_closing_mark():
    text = (
        "The minister said: “The first part of the statement runs on.\n"
        "“And the second paragraph finishes it, as we promised.”\n"
        "Then something else happened."
    )
    (s,) = one(text)
    assert s.kind == "direct"
    assert s.content.text.startswith("The first part") and s.content.text.endswith("as we promised.")


def test_find_quotes_unclosed_quote_ends_at_paragraph():
    text = "He said “this never closes.\nA plain paragraph."
    (q,) = find_quotes(text, paragraphs(text))
    assert not q.closed and text[q.inner_start : q.inner_end] == "this never closes."


def test_name_colon_and_dash_name():
    text = (
        "Blinken: “A diplomatic settlement will allow civilians to return home.”\n"
        "“Escalation makes the objective more difficult,” – Antony Blinken"
    )
    sts = one(text)
    assert [s.speaker.text for s in sts] == ["Blinken", "Antony Blinken"]
    assert all(s.kind == "direct" for s in sts)


def test_scare_quotes_and_nicknames_are_not_statements():
    text = (
        "The Prime Minister's Office issued a “clarification” about the so-called “Bibi doctrine” on Friday."
    )
    assert one(text) == []


def test_denial_asserts_the_negation():
    text = "Netanyahu had denied he had responded to or approved the ceasefire proposal."
    (s,) = one(text)
    assert s.negated and s.cue.text == "denied"
    assert s.content.text == "he had responded to or approved the ceasefire proposal"
    assert s.proposition == "Netanyahu had not responded to or approved the ceasefire proposal"


def test_partial_quote():
    text = (
        "Prime Minister Benjamin Netanyahu said late Thursday that Israel “shares the aims” of the US-led "
        "initiative."
    )
    (s,) = one(text)
    assert s.kind == "partial" and s.content.text == "Israel “shares the aims” of the US-led initiative"
    assert s.proposition == "Israel shares the aims of the US-led initiative"


def test_nested_clause_after_though_is_not_content():
    text = (
        "Netanyahu had denied he had approved the proposal, though a senior Western diplomat told "
        "reporters that his aides had been involved in crafting it."
    )
    sts = one(text)
    denial = next(s for s in sts if s.cue.text == "denied")
    assert denial.content.text == "he had approved the proposal"
    assert any(s.speaker.text == "a senior Western diplomat" for s in sts)


def test_call_for_is_a_directive_not_an_assertion():
    text = "Lebanese Foreign Minister Abdallah Bouhabib called late Thursday for an immediate ceasefire."
    (s,) = one(text)
    assert not s.is_assertion and s.content.text == "an immediate ceasefire"


def test_continuation_quote_keeps_the_speaker():
    text = (
        "“We are continuing to strike with full force,” Netanyahu said. “And we will not stop until we win.”"
    )
    sts = one(text)
    assert [s.speaker_name for s in sts] == ["Netanyahu", "Netanyahu"]
    assert sts[1].content.text == "And we will not stop until we win."


def test_nothing_attributed_in_plain_narrative():
    assert one("Serbia is an important security partner for Israel. Talks went on for hours.") == []


def test_pmo_said_after_the_office_issued_a_clarification():
    text = (
        "The Prime Minister’s Office (PMO) issued a clarification on Friday.\n"
        "The talks will continue next week, the PMO said."
    )
    (s,) = one(text)
    assert s.speaker.text == "the PMO" and s.speaker_name == "Prime Minister's Office"
    assert s.content.text == "The talks will continue next week"


def test_according_to_the_us_readout():
    text = "The two leaders discussed the hostage deal at length, according to the US readout."
    (s,) = one(text)
    assert s.cue.text == "according to" and s.speaker.text == "the US readout"
    assert s.content.text == "The two leaders discussed the hostage deal at length"
    assert s.kind == "according_to"


def test_nested_attribution_belongs_to_the_inner_speaker_with_a_reporter():
    text = "Israeli officials said Netanyahu had told them that he would accept the deal."
    (s,) = one(text)
    assert s.speaker_name == "Netanyahu" and s.cue.text == "told"
    assert s.content.text == "he would accept the deal"
    assert s.reporter is not None and s.reporter.text == "Israeli officials"
    assert s.to_dict()["reporter"] == {"start": 0, "end": 17, "text": "Israeli officials"}


def test_rule_speaker_takes_the_name_in_apposition_to_a_description():
    from checker.records import Document
    from checker.runtime.parser import load_spacy
    from checker.stages.attribute.rules import rule_statements
    from checker.stages.segment import parse

    text = (
        "The city's fire chief, Omar Haddad, denied that the blaze was arson. "
        "Omar Haddad, the fire chief, said crews were still on site."
    )
    (pd,) = parse([Document("d0", text)], load_spacy())
    speakers = [s.speaker.text for s in rule_statements(pd)]
    assert speakers == ["The city's fire chief, Omar Haddad", "Omar Haddad"]


def test_a_clause_is_no_speaker():
    from checker.records import Document, Span
    from checker.runtime.parser import load_spacy
    from checker.stages import segment
    from checker.stages.attribute.merge import is_clause

    text = (
        "The people, who spoke on condition of anonymity because the inspections have not been made public, "
        "said the airline had brought in engineers. People who were at the meeting said the plan was dead."
    )
    (pd,) = segment.parse([Document("d0", text)], load_spacy())

    def span(words: str) -> Span:
        start = text.index(words)
        return Span(start, start + len(words), words)

    assert is_clause(pd, span("inspections have not been made public"))  # what the tagger once took
    assert not is_clause(pd, span("The people"))
    assert not is_clause(pd, span("People who were at the meeting"))  # a noun with its relative clause


def test_the_subject_of_a_clause_inside_the_attribution_is_no_speaker():
    from checker.records import Document, Span
    from checker.runtime.parser import load_spacy
    from checker.stages import segment
    from checker.stages.attribute.merge import _subject_of_clause

    text = (
        "Clinton, after the scandal about her use of private email broke in March, initially said that there "
        "was no classified material on her account. As the mayor said, the budget is balanced."
    )
    (pd,) = segment.parse([Document("d0", text)], load_spacy())

    def span(words: str, after: int = 0) -> Span:
        start = text.index(words, after)
        return Span(start, start + len(words), words)

    said = span("initially said")
    assert _subject_of_clause(pd, span("the scandal"), said)  # the subject of "broke", what the tagger took
    assert not _subject_of_clause(pd, span("Clinton"), said)
    # the subject of the cue itself stands, even where the cue heads an adverbial clause
    assert not _subject_of_clause(pd, span("the mayor"), span("said", text.index("As the mayor")))
