from checker.records import Document
from checker.runtime.parser import load_spacy
from checker.stages.segment import paragraphs, parse


def test_paragraphs_are_stripped_lines():
    text = "  First one.  \n\nSecond\tone.\n   \nThird."
    spans = paragraphs(text)
    assert [text[s:e] for s, e in spans] == ["First one.", "Second\tone.", "Third."]


def test_long_paragraph_is_split_at_sentence_ends():
    text = "This is a sentence. " * 3000
    spans = paragraphs(text)
    assert len(spans) > 1
    assert all(e - s <= 20_000 for s, e in spans)
    assert all(text[e - 1] == "." for s, e in spans[:-1])


def test_sentences_carry_document_offsets():
    text = "Headline here\nThe minister spoke. Then he left.\n\nA new paragraph."
    pd = parse([Document("x", text)], load_spacy())[0]
    assert [p.index for p in pd.paragraphs] == [0, 1, 2]
    assert [s.text for s in pd.sentences] == [
        "Headline here", "The minister spoke.", "Then he left.", "A new paragraph."
    ]  # fmt: skip
    for s in pd.sentences:
        assert text[s.start : s.end] == s.text
    assert [s.paragraph for s in pd.sentences] == [0, 1, 1, 2]
