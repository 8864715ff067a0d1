"""Is a document English? The parser and models are English-only: other texts are skipped, not guessed."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+")
_STOPWORDS = frozenset(
    """
    the of and to a in that is was he for it with as his on be at by i this had not are but from or have an
    they which one you were her all she there would their we him been has when who will more no if out so
    said what up its about into than them can only other new some could time these two may then do first any
    my now such like our over man me even most made after also did many before must through back years where
    much your way well down should because each just those people how too little state good very make world
    still own see men work long get here between both life being under never day same another know while last
    might us great old year off come since against go came right used take three
    """.split()
)
#: Below this many words a text is too short to judge.
MIN_WORDS = 20
#: English prose has 35-55% of these words; other languages in Latin script well under 15%.
MIN_SHARE = 0.15


def english_share(text: str) -> tuple[float, int]:
    """The share of common English function words among the words of ``text``, and the word count."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0, 0
    return sum(w in _STOPWORDS for w in words) / len(words), len(words)


def not_english_reason(text: str) -> str | None:
    """Why ``text`` is out of scope, or None when it looks English (or is too short to tell)."""
    share, n = english_share(text)
    if n < MIN_WORDS or share >= MIN_SHARE:
        return None
    return (
        f"does not look like English (common English words are {share:.0%} of its {n} words); "
        "checker handles English text only"
    )
