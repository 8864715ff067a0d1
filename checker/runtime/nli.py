"""The NLI cross-encoder, loaded once per process: the static int8 ONNX export on onnxruntime (default) or
the fp32 weights on torch."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from checker import config
from checker.errors import ModelError, UsageError
from checker.runtime import backends, offline, work
from checker.runtime.onnx import OnnxCrossEncoder

#: One pair's label probabilities: ``{"contradiction": p, "entailment": p, "neutral": p}``.
Probabilities = dict[str, float]


class PairScorer(Protocol):
    """What ``NLIModel`` needs of its encoder: sentence-transformers' ``CrossEncoder.predict``."""

    def predict(self, pairs: list[tuple[str, str]], batch_size: int, **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class NLIModel:
    """A cross-encoder with ``predict(pairs) -> [{"entailment": p, "neutral": p, "contradiction": p}]``, and
    the temperature that calibrates a pair's contradiction score (``calibrated``)."""

    encoder: PairScorer  # sentence_transformers.CrossEncoder or runtime.onnx.OnnxCrossEncoder
    labels: tuple[str, ...]
    path: str
    backend: str = "torch"
    #: From the model directory's ``config.NLI_CALIBRATION_FILE`` (1 where it has none).
    temperature: float = 1.0

    def calibrated(self, score: float) -> float:
        """``score`` with its log-odds divided by the temperature: the same order and the same 0.5, but a
        chance of a real contradiction as measured on the real-news dev (``models/calibrate_nli.py``)."""
        return calibrate(score, self.temperature)

    def predict(
        self, pairs: Sequence[tuple[str, str]], batch_size: int = config.NLI_BATCH_SIZE
    ) -> list[Probabilities]:
        if not pairs:
            return []
        if not self.backend.startswith("onnx"):  # the ONNX encoder counts its own work
            tokenizer = getattr(self.encoder, "tokenizer", None) if work.counts_tokens() else None
            tokens = 0
            if tokenizer is not None:
                enc = tokenizer([a for a, _ in pairs], [b for _, b in pairs], truncation=True)
                tokens = sum(len(ids) for ids in enc["input_ids"])
            work.add("nli", tokens, len(pairs), -(-len(pairs) // batch_size))
        probs = self.encoder.predict(
            list(pairs),
            batch_size=batch_size,
            apply_softmax=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        probs = np.asarray(probs, dtype=np.float64).reshape(len(pairs), len(self.labels))
        return [{label: float(p[i]) for i, label in enumerate(self.labels)} for p in probs]


def both_ways(ab: float, ba: float, how: str | None = None) -> float:
    """One contradiction reading of a pair from its two directions' (``config.BOTH_WAYS``, or ``how``)."""
    how = how or config.BOTH_WAYS
    if how == "max":
        return max(ab, ba)
    if how == "min":
        return min(ab, ba)
    if how == "mean":
        return (ab + ba) / 2
    if how == "geo":
        return float(np.sqrt(ab * ba))
    raise UsageError(f"{how!r} is not one of {', '.join(config.BOTH_WAYS_CHOICES)} (CHECKER_BOTH_WAYS)")


def calibrate(score: float, temperature: float) -> float:
    """``score``'s log-odds divided by ``temperature``, back as a probability."""
    if temperature == 1.0:
        return score
    p = min(max(score, 1e-12), 1 - 1e-12)
    return float(1 / (1 + np.exp(-np.log(p / (1 - p)) / temperature)))


def temperature_of(path: str | Path) -> float:
    """The temperature in the model directory's calibration file, 1 where it has none."""
    file = Path(path) / config.NLI_CALIBRATION_FILE
    if not file.is_file():
        return 1.0
    try:
        value = float(json.loads(file.read_text(encoding="utf-8"))["temperature"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{file}: not a calibration file ({type(exc).__name__}: {exc})") from exc
    if not 0.05 <= value <= 20:
        raise ModelError(f"{file}: temperature {value} is outside 0.05-20")
    return value


def weights_digest(model_dir: str | Path) -> str:
    """SHA-256 of the model's weights file(s): what an ONNX export records as its source. Hashed once per
    process for each version of the files (their path, size and modification time)."""
    files = sorted(Path(model_dir).glob("*.safetensors")) or sorted(Path(model_dir).glob("*.bin"))
    return _digest(tuple((str(f.resolve()), f.stat().st_size, f.stat().st_mtime_ns) for f in files))


@lru_cache(maxsize=8)
def _digest(files: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for name, _, _ in files:
        with open(name, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _onnx_file(path: Path) -> tuple[Path | None, str]:
    """The int8 export of the model at ``path`` when it exists and was made from these weights; else None
    and why not."""
    onnx_file = path / config.NLI_ONNX_FILE
    record = onnx_file.parent / "export.json"
    if not onnx_file.is_file() or not record.is_file():
        problem = "has no int8 ONNX export"
    else:
        try:
            source = json.loads(record.read_text(encoding="utf-8")).get("source_weights_sha256")
        except (OSError, ValueError, AttributeError):
            source = None
        if source == weights_digest(path):
            return onnx_file, ""
        problem = "has an int8 ONNX export made from other weights"
    return None, problem


def _fp32_onnx_file(path: Path) -> Path:
    """The fp32 ONNX export of the model at ``path``, made on first use in ``config.CACHE_DIR``."""
    target = config.CACHE_DIR / "nli" / weights_digest(path)[:16] / "model_fp32.onnx"
    if target.is_file():
        return target
    try:
        from checker.runtime.onnx_export import export_fp32

        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
            export_fp32(path, Path(tmp) / target.name)
            os.replace(Path(tmp) / target.name, target)
    except ImportError as exc:
        raise ModelError(f"the fp32 ONNX export needs onnx and onnxscript ({exc})") from exc
    except Exception as exc:  # noqa: BLE001 - whatever the exporter raises, the backend is unavailable
        raise ModelError(f"cannot export {path} to fp32 ONNX ({type(exc).__name__}: {exc})") from exc
    return target


@lru_cache(maxsize=8)
def load_nli(path: str | Path | None = None, backend: str | None = None) -> NLIModel:
    """The project's NLI cross-encoder from ``models/`` (or ``path``), loaded once per process.

    ``backend``: "onnx-int8", "onnx-fp32", "torch" or "auto" (default ``config.NLI_BACKEND``): "auto" takes
    the one ``runtime.backends`` found fastest on this machine without costing accuracy (measured once per
    machine and model, then cached). "onnx-int8" falls back to torch when the model has no up-to-date int8
    export, and "onnx-fp32" when the fp32 export cannot be made.
    """
    offline()
    path = Path(path or config.NLI_MODEL_DIR)
    backend = backend or config.NLI_BACKEND
    if backend not in (*config.NLI_BACKENDS, "auto"):
        choices = ", ".join((*config.NLI_BACKENDS, "auto"))
        raise UsageError(f"NLI backend {backend!r} is not one of {choices}")
    if not (path / "config.json").is_file():
        missing = "no such directory" if not path.is_dir() else "no config.json in it"
        raise ModelError(
            f"{path}: NLI model not found ({missing}; rebuild it with python models/train_nli.py, "
            "or set CHECKER_NLI_MODEL to a model directory)"
        )
    if backend == "auto":
        backend, _ = choose_backend(path)
    return _loaded(path, backend)


def choose_backend(path: Path, *, again: bool = False) -> tuple[str, list[backends.Trial]]:
    """This machine's backend for the model at ``path`` and the trials behind it: the cached choice (no
    trials), else, or with ``again``, measured now and cached."""
    digest = weights_digest(path)
    chosen = None if again else backends.cached(digest)
    if chosen is not None:
        return chosen, []
    if not again:
        sys.stderr.write("checker: note: timing the NLI backends on this machine (once; about a minute)\n")
    trials = measure_backends(path)
    chosen = backends.fastest(trials) or "torch"
    backends.remember(digest, chosen, trials)
    return chosen, trials


def measure_backends(path: str | Path | None = None) -> list[backends.Trial]:
    """Each backend of the model at ``path`` timed and scored on the probe batch (``runtime.backends``)."""
    path = Path(path or config.NLI_MODEL_DIR)
    try:
        pairs, labels = backends.read_probe()
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(
            f"{config.NLI_PROBE_FILE}: cannot read the NLI probe batch ({type(exc).__name__}: {exc}); "
            "reinstall checker, or set CHECKER_NLI_BACKEND=onnx-int8"
        ) from exc
    return backends.compare(lambda name: _load(path, name, strict=True), pairs, labels)


@lru_cache(maxsize=4)
def _loaded(path: Path, backend: str) -> NLIModel:
    """The model on ``backend``, loaded once per process whatever name asked for it ("auto" or the backend's
    own). The backend comparison loads its own copies, so they are freed once timed."""
    return _load(path, backend)


def _load(path: Path, backend: str, *, strict: bool = False) -> NLIModel:
    """The model at ``path`` on ``backend``; an ONNX backend that cannot run falls back to torch with a
    note, or with ``strict`` raises ``ModelError``."""
    if backend == "onnx-int8":
        onnx_file, problem = _onnx_file(path)
    elif backend == "onnx-fp32":
        try:
            onnx_file, problem = _fp32_onnx_file(path), ""
        except ModelError as exc:
            onnx_file, problem = None, str(exc)
    else:
        onnx_file, problem = None, ""
    if onnx_file is not None:
        try:
            fast = OnnxCrossEncoder(path, onnx_file)
            id2label = json.loads((path / "config.json").read_text(encoding="utf-8"))["id2label"]
        except Exception as exc:  # noqa: BLE001 - a broken export is a broken model file for the user
            raise ModelError(
                f"{onnx_file}: cannot load the {backend} ONNX model ({type(exc).__name__}: {exc})"
            ) from exc
        return NLIModel(fast, _labels(path, id2label), str(path), backend, temperature_of(path))
    if problem and strict:
        raise ModelError(f"{path} {problem}")

    import torch
    from sentence_transformers.cross_encoder import CrossEncoder

    try:
        # weights ship in fp16; on CPU fp32 matmuls are faster and exact, so load them as fp32
        enc = CrossEncoder(
            str(path),
            device="cpu",
            max_length=config.NLI_MAX_LENGTH,
            local_files_only=True,
            model_kwargs={"dtype": torch.float32},
        )
    except Exception as exc:  # noqa: BLE001 - any load failure is a broken model file for the user
        raise ModelError(
            f"{path}: cannot load the NLI model, its files are corrupt or incomplete "
            f"({type(exc).__name__}: {exc})"
        ) from exc
    if problem:  # said once the fallback loaded, so a broken model is still one error line
        sys.stderr.write(
            f"checker: note: {path} {problem}; using the fp32 torch model (rebuild it with "
            "python models/export_onnx.py, or set CHECKER_NLI_BACKEND=torch)\n"
        )
    return NLIModel(enc, _labels(path, enc.model.config.id2label), str(path), "torch", temperature_of(path))


def _labels(path: Path, id2label: dict) -> tuple[str, ...]:
    """The head's labels in index order; they must be ``config.NLI_LABELS``."""
    labels = tuple(str(id2label.get(i, id2label.get(str(i)))).lower() for i in range(len(id2label)))
    if set(labels) != set(config.NLI_LABELS):
        raise ModelError(f"{path}: the NLI model has labels {labels}, expected {config.NLI_LABELS}")
    return labels
