"""Which NLI backend runs fastest on this machine, without costing accuracy.

The same model runs as the static int8 ONNX export, an fp32 ONNX export or the fp32 weights on torch. Which is
fastest depends on the CPU: int8 wins where the CPU has AVX-512 VNNI and may lose where it has AVX2 only. At
first use on a machine each backend scores a fixed labelled batch (``config.NLI_PROBE_FILE``, news-style pairs
written for this project); the fastest whose accuracy is within ``config.NLI_BACKEND_TOLERANCE`` of torch's
fp32 is chosen and cached per machine and model (``config.CACHE_DIR``). ``checker bench --backends`` measures
afresh and prints the comparison; ``CHECKER_NLI_BACKEND`` names one backend and skips all this.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from checker import config

#: CPU features that decide which kernels onnxruntime and torch use (as /proc/cpuinfo names them).
_FEATURES = frozenset(
    "avx2 avx512f avx512bw avx512_vnni avx_vnni avx512_bf16 amx_int8 amx_bf16 asimd asimddp sve".split()
)


@dataclass(frozen=True)
class Trial:
    """One backend on the probe batch: pairs per second, accuracy, and whether it may be chosen."""

    backend: str
    pairs_per_second: float = 0.0
    accuracy: float = 0.0
    agrees: bool = False
    note: str = ""


def cpu() -> tuple[str, list[str]]:
    """The CPU's model name and the features of ``_FEATURES`` it has."""
    name, flags = platform.processor() or platform.machine(), set()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            key = key.strip()
            if key == "model name":
                name = value.strip()
            elif key in ("flags", "Features"):
                flags |= set(value.split())
    return name, sorted(flags & _FEATURES)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def machine() -> dict[str, Any]:
    """What a backend's speed depends on: the CPU, the cores this process may use, the runtimes' versions."""
    name, features = cpu()
    return {
        "cpu": name,
        "features": features,
        "cores": config.available_cores(),
        "onnxruntime": _version("onnxruntime"),
        "torch": _version("torch"),
    }


def read_probe(path: Path | None = None) -> tuple[list[tuple[str, str]], list[str]]:
    """The labelled probe batch: its pairs and their labels."""
    text = (path or config.NLI_PROBE_FILE).read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return [(r["premise"], r["hypothesis"]) for r in rows], [r["label"] for r in rows]


def compare(
    load: Callable[[str], Any],
    pairs: list[tuple[str, str]],
    labels: list[str],
    backends: tuple[str, ...] = config.NLI_BACKENDS,
    tolerance: float = config.NLI_BACKEND_TOLERANCE,
) -> list[Trial]:
    """Time each backend (``load(name)`` gives an ``NLIModel``) on ``pairs`` and score it against ``labels``.

    A backend that cannot load is a trial with its reason in ``note``. ``agrees``: accuracy within
    ``tolerance`` of torch fp32's (the reference; when torch cannot run, of the first backend that can)."""
    raw: list[Trial] = []
    for name in backends:
        try:
            model = load(name)
        except Exception as exc:  # noqa: BLE001 - any backend that cannot run is one the machine lacks
            raw.append(Trial(name, note=f"unavailable: {type(exc).__name__}: {str(exc)[:200]}"))
            continue
        model.predict(pairs[:16])  # warm: the first call allocates
        start = time.perf_counter()
        probs = model.predict(pairs)
        seconds = time.perf_counter() - start
        right = sum(max(p, key=p.get) == gold for p, gold in zip(probs, labels, strict=True))
        raw.append(Trial(name, round(len(pairs) / seconds, 1), round(right / len(pairs), 4)))
    ran = [t for t in raw if not t.note]
    ref = next((t for t in ran if t.backend == "torch"), ran[0] if ran else None)
    return [
        t if t.note else Trial(t.backend, t.pairs_per_second, t.accuracy, _within(t, ref, tolerance))
        for t in raw
    ]


def _within(t: Trial, ref: Trial | None, tolerance: float) -> bool:
    return ref is not None and abs(t.accuracy - ref.accuracy) <= tolerance + 1e-9


def fastest(trials: list[Trial]) -> str | None:
    """The fastest backend that agrees with fp32; None when none ran."""
    good = [t for t in trials if t.agrees]
    return max(good, key=lambda t: t.pairs_per_second).backend if good else None


def cache_file() -> Path:
    return config.CACHE_DIR / "nli-backend.json"


def _entries() -> list[dict[str, Any]]:
    try:
        data = json.loads(cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [e for e in data.get("entries", []) if isinstance(e, dict)] if isinstance(data, dict) else []


def cached(model_digest: str, where: dict[str, Any] | None = None) -> str | None:
    """The backend chosen before for this machine and model, if any."""
    where = where or machine()
    for entry in _entries():
        if entry.get("machine") == where and entry.get("model") == model_digest:
            chosen = entry.get("chosen")
            return chosen if chosen in config.NLI_BACKENDS else None
    return None


def remember(
    model_digest: str, chosen: str, trials: list[Trial], where: dict[str, Any] | None = None
) -> None:
    """Record the choice for this machine and model (replacing an older one), atomically; a cache that cannot
    be written is left alone (the next process measures again)."""
    where = where or machine()
    keep = [e for e in _entries() if not (e.get("machine") == where and e.get("model") == model_digest)]
    keep.append({
        "machine": where, "model": model_digest, "chosen": chosen,
        "trials": [asdict(t) for t in trials], "measured": time.strftime("%Y-%m-%d %H:%M:%S"),
    })  # fmt: skip
    target = cache_file()
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".nli-backend.")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"entries": keep}, fh, indent=2)
        os.replace(tmp, target)
