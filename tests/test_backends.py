"""The NLI backend chosen per machine: the probe batch, the choice and its cache, ``bench --backends``."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker import config
from checker.cli import app
from checker.runtime import backends, nli

LABELS = ["contradiction", "entailment", "neutral"]


class FakeModel:
    """Answers each pair with ``right`` of them correct, taking ``delay`` seconds a pair."""

    def __init__(self, labels: list[str], wrong: int = 0, delay: float = 0.0) -> None:
        self.labels, self.wrong, self.delay = labels, wrong, delay

    def predict(self, pairs: list[tuple[str, str]]) -> list[dict[str, float]]:
        time.sleep(self.delay * len(pairs))
        out = []
        for i, _ in enumerate(pairs):
            gold = self.labels[i % len(self.labels)]
            said = LABELS[(LABELS.index(gold) + 1) % 3] if i < self.wrong else gold
            out.append({label: 0.8 if label == said else 0.1 for label in LABELS})
        return out


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    return tmp_path / "cache"


def _probe(n: int = 200) -> tuple[list[tuple[str, str]], list[str]]:
    labels = [LABELS[i % 3] for i in range(n)]
    return [(f"premise {i}", f"hypothesis {i}") for i in range(n)], labels


def test_the_fastest_backend_within_half_a_point_of_fp32_is_chosen():
    pairs, labels = _probe()
    models = {
        "onnx-int8": FakeModel(labels, wrong=2, delay=0.00002),  # 1 point below torch: fastest, not chosen
        "onnx-fp32": FakeModel(labels, wrong=1, delay=0.0001),  # half a point below: may be chosen
        "torch": FakeModel(labels, delay=0.0004),
    }
    trials = backends.compare(models.__getitem__, pairs, labels)
    by = {t.backend: t for t in trials}
    assert [by[b].accuracy for b in ("torch", "onnx-fp32", "onnx-int8")] == [1.0, 0.995, 0.99]
    assert by["onnx-int8"].pairs_per_second > by["onnx-fp32"].pairs_per_second > by["torch"].pairs_per_second
    assert [t.agrees for t in trials] == [False, True, True]
    assert backends.fastest(trials) == "onnx-fp32"


def test_a_backend_that_cannot_run_is_noted_and_never_chosen():
    pairs, labels = _probe(30)

    def load(name: str) -> FakeModel:
        if name == "onnx-fp32":
            raise nli.ModelError("the fp32 ONNX export needs onnx and onnxscript")
        return FakeModel(labels, delay=0.0002 if name == "torch" else 0.0)

    trials = backends.compare(load, pairs, labels)
    fp32 = next(t for t in trials if t.backend == "onnx-fp32")
    assert fp32.note.startswith("unavailable: ModelError: the fp32 ONNX export needs") and not fp32.agrees
    assert backends.fastest(trials) == "onnx-int8"
    assert backends.fastest([fp32]) is None


def test_the_choice_is_kept_per_machine_and_model(cache: Path):
    here = backends.machine()
    assert here["cores"] >= 1 and here["onnxruntime"]
    assert backends.cached("digest-a") is None
    trials = [backends.Trial("torch", 80.0, 0.6, True), backends.Trial("onnx-int8", 120.0, 0.6, True)]
    backends.remember("digest-a", "onnx-int8", trials)
    backends.remember("digest-b", "torch", trials)
    assert backends.cached("digest-a") == "onnx-int8" and backends.cached("digest-b") == "torch"
    assert backends.cached("digest-a", {**here, "cpu": "another CPU"}) is None  # measured again elsewhere
    backends.remember("digest-a", "torch", trials)  # a new measurement replaces the old one
    assert backends.cached("digest-a") == "torch"
    entries = json.loads((cache / "nli-backend.json").read_text())["entries"]
    assert len(entries) == 2 and entries[-1]["trials"][1]["pairs_per_second"] == 120.0


def test_a_broken_cache_is_measured_again_and_rewritten(cache: Path):
    cache.mkdir(parents=True)
    (cache / "nli-backend.json").write_text("{not json")
    assert backends.cached("d") is None
    backends.remember("d", "onnx-int8", [])
    assert backends.cached("d") == "onnx-int8"


def test_auto_takes_the_cached_choice_without_measuring(cache: Path, monkeypatch: pytest.MonkeyPatch):
    backends.remember(nli.weights_digest(config.NLI_MODEL_DIR), "onnx-int8", [])

    def never(*_: object) -> None:
        raise AssertionError("measured although a choice was cached")

    monkeypatch.setattr(nli, "measure_backends", never)
    nli.load_nli.cache_clear()
    try:
        assert nli.load_nli(None, "auto").backend == "onnx-int8"
    finally:
        nli.load_nli.cache_clear()


def test_a_missing_probe_batch_is_one_error_line(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(config, "NLI_PROBE_FILE", tmp_path / "gone.jsonl")
    with pytest.raises(nli.ModelError, match="cannot read the NLI probe batch"):
        nli.measure_backends()


def test_the_probe_batch_is_labelled_by_the_guide():
    pairs, labels = backends.read_probe()
    assert len(pairs) >= 1000 and len(set(pairs)) == len(pairs)
    assert set(labels) == set(LABELS)
    assert all(a.strip() and b.strip() for a, b in pairs)


def test_bench_backends_measures_every_backend_of_the_real_model(
    cache: Path, monkeypatch: pytest.MonkeyPatch
):
    """An integration test: the shipped model on each backend (the fp32 ONNX export made in the cache)."""
    pairs, labels = backends.read_probe()
    monkeypatch.setattr(backends, "read_probe", lambda path=None: (pairs[:24], labels[:24]))
    result = CliRunner().invoke(app, ["bench", "--backends", "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    trials = {t["backend"]: t for t in out["trials"]}
    assert set(trials) == set(config.NLI_BACKENDS)
    assert all(not t["note"] and t["pairs_per_second"] > 0 for t in trials.values()), trials
    # fp32 on onnxruntime is the same function as fp32 on torch: same answers on the probe
    assert trials["onnx-fp32"]["accuracy"] == trials["torch"]["accuracy"] and trials["onnx-fp32"]["agrees"]
    assert out["chosen"] in trials and trials[out["chosen"]]["agrees"]
    assert backends.cached(nli.weights_digest(config.NLI_MODEL_DIR)) == out["chosen"]
    assert list(cache.glob("nli/*/model_fp32.onnx"))


def test_bench_needs_documents_or_backends():
    result = CliRunner().invoke(app, ["bench"])
    assert result.exit_code == 2 and "--backends" in result.output
