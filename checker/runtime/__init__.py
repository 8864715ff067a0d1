"""Loading models, in one place: the spaCy parser, the attribution tagger, the sentence embedder and the NLI
cross-encoder (ONNX or torch). Each loads once per process, from installed packages or ``models/``, never
from a hub."""

from __future__ import annotations

import os

#: Set before transformers, sentence-transformers or huggingface_hub is first imported: they read them then.
_OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
}


def offline() -> None:
    """Keep the model libraries offline and quiet (a user's own setting of each variable wins)."""
    for name, value in _OFFLINE_ENV.items():
        os.environ.setdefault(name, value)
