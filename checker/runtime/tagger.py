"""The attribution tagger: source, cue and content spans from the token classifier in ``models/``.

Trained by ``models/train_attribution.py`` on PolNeAR train. When its directory is absent (or
``CHECKER_ATTRIBUTION_MODEL=none``), checker extracts statements with the parse rules alone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from checker import config
from checker.errors import ModelError
from checker.runtime import offline, precision, tagging

Tagged = list[tuple[str, int, int]]  # (role, start, end) of one document


@dataclass
class Tagger:
    model: object  # transformers AutoModelForTokenClassification
    tokenizer: object
    path: str
    max_length: int

    def tag(self, texts: Sequence[str]) -> list[Tagged]:
        """``(role, start, end)`` spans of each text."""
        if not texts:
            return []
        with precision.autocast():
            return tagging.predict(
                self.model, self.tokenizer, list(texts), self.max_length, config.ATTRIBUTION_BATCH_SIZE
            )


def model_dir() -> Path | None:
    """The tagger's directory, or None when tagging is off or no model is there."""
    where = config.ATTRIBUTION_MODEL_DIR
    if str(where).lower() in ("", "none", "off"):
        return None
    path = Path(where)
    return path if (path / "config.json").is_file() else None


@lru_cache(maxsize=2)
def load_tagger(path: str | None = None) -> Tagger | None:
    """The tagger at ``path`` (default ``model_dir()``), loaded once per process; None when there is none."""
    where = Path(path) if path else model_dir()
    if where is None:
        return None
    if not (where / "config.json").is_file():
        raise ModelError(f"attribution tagger not found at {where}")
    offline()
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(str(where), local_files_only=True)
        # weights ship in fp16; on CPU fp32 is faster and exact
        model = AutoModelForTokenClassification.from_pretrained(
            str(where), local_files_only=True, dtype=torch.float32
        )
    except Exception as exc:  # noqa: BLE001 - any load failure is a broken model directory for the user
        problem = f"{type(exc).__name__}: {exc}"
        raise ModelError(f"cannot load the attribution tagger at {where}: {problem}") from exc
    labels = tuple(str(model.config.id2label[i]) for i in range(len(model.config.id2label)))
    if labels != tagging.LABELS:
        raise ModelError(f"attribution tagger at {where} has labels {labels}, expected {tagging.LABELS}")
    model.eval()
    max_length = config.ATTRIBUTION_MAX_LENGTH
    card = where / "card.json"
    if card.is_file():
        max_length = int(json.loads(card.read_text(encoding="utf-8")).get("max_length", max_length))
    return Tagger(model, tokenizer, str(where), max_length)


def describe() -> str:
    """What extracts statements in this process (for reports and ``checker eval attribution``)."""
    where = model_dir()
    if where is None:
        return "rules on the spaCy parse"
    return f"tagger {where.name} and parse rules, merge policy {config.ATTRIBUTION_POLICY}"
