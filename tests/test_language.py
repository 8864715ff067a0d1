"""Texts in other languages are skipped with a reason, never checked by English-only models."""

from checker.io import documents_from_strings
from checker.io.language import not_english_reason

FRENCH = (
    "Le Premier ministre a déclaré jeudi que le gouvernement partageait les objectifs de l'initiative "
    "américaine pour un cessez-le-feu temporaire avec le Hezbollah, après avoir été critiqué au sein de sa "
    "coalition."
)
ENGLISH = (
    "Prime Minister Benjamin Netanyahu said late Thursday that Israel shares the aims of the US-led "
    "initiative for a temporary ceasefire with Hezbollah, after he was pilloried within his coalition."
)


def test_english_passes_and_short_text_is_not_judged():
    assert not_english_reason(ENGLISH) is None
    assert not_english_reason("Hezbollah Beirut Tel Aviv") is None


def test_french_is_out_of_scope():
    reason = not_english_reason(FRENCH)
    assert reason and "does not look like English" in reason and "English text only" in reason


def test_a_french_document_is_skipped_and_the_others_kept():
    docs, skipped = documents_from_strings([ENGLISH, FRENCH])
    assert [d.id for d in docs] == ["text-1"]
    assert [s.id for s in skipped] == ["text-2"] and "English" in skipped[0].reason
