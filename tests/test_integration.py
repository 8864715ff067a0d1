"""The whole pipeline with the real models (spaCy, MiniLM embeddings, the project's NLI) on the seed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import checker
from checker import config

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "israel-truce-times-of-israel.txt"

pytestmark = pytest.mark.integration


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "checker.cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=600
    )


@pytest.fixture(scope="module")
def seed_report() -> dict:
    proc = run_cli("check", str(SEED), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_nli_model_is_the_projects_own():
    model = checker.load_nli()
    assert Path(model.path) == config.NLI_MODEL_DIR
    (probs,) = model.predict([("A man is sleeping in his bed.", "A man is awake and running.")])
    assert set(probs) == {"entailment", "neutral", "contradiction"}
    assert abs(sum(probs.values()) - 1) < 1e-4
    assert probs["contradiction"] == max(probs.values())


def test_a_pairs_score_does_not_depend_on_the_pairs_batched_with_it():
    """The int8 model has fixed activation scales: a report must not change with the other documents."""
    model = checker.load_nli()
    pair = ("The ministry said exports rose in May.", "Exports fell in May, the ministry said.")
    filler = "of a long and winding list of words "
    others = [(f"Item {i} " + filler * (i % 7), "Something else.") for i in range(40)]
    (alone,) = model.predict([pair])
    batched = model.predict([*others[:20], pair, *others[20:]])[20]
    assert model.backend == "onnx-int8"
    assert all(abs(alone[k] - batched[k]) < 1e-5 for k in alone)


def test_seed_top_contradiction_is_consent_vs_denial(seed_report):
    top = seed_report["contradictions"][0]
    sides = {top["a"]["speaker_name"], top["b"]["speaker_name"]}
    assert sides & {"United States", "France", "senior Western diplomat", "Western diplomats"}
    assert sides & {"Benjamin Netanyahu", "Prime Minister's Office"}
    denial = top["a"] if top["a"]["negated"] else top["b"]
    assert denial["negated"] and denial["cue"]["text"] == "denied"
    assert "not responded to or approved" in denial["proposition"]
    consent = top["b"] if denial is top["a"] else top["a"]
    assert any(w in consent["proposition"] for w in ("agreed", "support", "crafting", "craft"))
    assert top["reason"] == "denial" and top["score"] >= seed_report["threshold"]
    text = SEED.read_text(encoding="utf-8")
    for side in (top["a"], top["b"]):
        for key in ("speaker", "cue", "content"):
            span = side[key]
            assert text[span["start"] : span["end"]] == span["text"]


def test_seed_pairs_are_pruned(seed_report):
    assert 0 < seed_report["pairs"]["scored"] < seed_report["pairs"]["all"]


def test_seed_statements_and_speakers():
    proc = run_cli("statements", str(SEED), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    speakers = {s["name"]: s for s in data["speakers"]}
    statements = [st for s in data["speakers"] for st in s["statements"]]
    assert len(statements) >= 15
    pmo = speakers["Prime Minister's Office"]
    assert {"the PMO", "The Prime Minister’s Office (PMO)"} & {m["text"] for m in pmo["mentions"]}
    assert {"United States", "France"} <= set(speakers)
    both = [st for st in statements if st["cue"]["text"] == "made clear"]
    assert {st["speaker_name"] for st in both} == {"United States", "France"}
    landing = [st for st in statements if st["speaker"]["text"] == "the prime minister"]
    assert landing and all(st["speaker_name"] == "Benjamin Netanyahu" for st in landing)


def test_library_call_matches_cli(seed_report):
    report = checker.check([str(SEED)])
    assert report.to_dict()["contradictions"][0]["a"]["id"] == seed_report["contradictions"][0]["a"]["id"]
    assert "<table" in report._repr_html_()
