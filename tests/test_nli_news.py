"""``checker eval nli-news``: the AUC, the sets read from the shared data's layout, and bad input. A fake
scorer stands in for the model (it calls a pair a contradiction when one side says "not"); the real model runs
in ``test_integration``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from checker.cli import app
from checker.errors import InputError
from checker.evaluation import nli_news
from checker.runtime.nli import NLIModel


class NotScorer:
    """Contradiction 0.9 when exactly one side holds the word "not", else 0.1."""

    def predict(self, pairs: list[tuple[str, str]], batch_size: int, **kwargs: object) -> list[list[float]]:
        def c(a: str, b: str) -> float:
            return 0.9 if ("not" in a.split()) != ("not" in b.split()) else 0.1

        return [[c(a, b), 0.0, 1 - c(a, b)] for a, b in pairs]


MODEL = NLIModel(NotScorer(), ("contradiction", "entailment", "neutral"), "fake", "test")


def test_auc_counts_pairs_ranked_right_and_ties_as_half():
    assert nli_news.auc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert nli_news.auc([0.1], [0.9]) == 0.0
    assert nli_news.auc([0.5], [0.5]) == 0.5
    assert nli_news.auc([0.9, 0.5], [0.5, 0.1]) == pytest.approx(0.875)


@given(st.lists(st.floats(0, 1), min_size=1, max_size=20), st.lists(st.floats(0, 1), min_size=1, max_size=20))
def test_auc_is_the_share_of_ordered_pairs(pos: list[float], neg: list[float]):
    pairs = [(p > n) + 0.5 * (p == n) for p in pos for n in neg]
    assert nli_news.auc(pos, neg) == pytest.approx(sum(pairs) / len(pairs))


def write_data(root: Path) -> Path:
    (root / "stance").mkdir(parents=True)
    (root / "claimdiff").mkdir()
    (root / "nli-news").mkdir()
    rows = [
        {"claim": "The mayor resigned", "headline": "The mayor did not resign", "label": "against"},
        {"claim": "The mayor resigned", "headline": "Mayor resigns after vote", "label": "for"},
        {"claim": "The dam broke", "headline": "The dam held", "label": "against"},
        {"claim": "The dam broke", "headline": "Dam breaks in storm", "label": "observing"},
    ]
    (root / "stance" / "emergent-train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    with (root / "stance" / "fnc1-competition-test-bodies.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Body ID", "articleBody"])
        w.writerow(["1", "Officials said the bridge is not closed today. Traffic moved as usual all day."])
        w.writerow(["2", "The bridge is closed until Monday, officials said. Drivers were sent elsewhere."])
    with (root / "stance" / "fnc1-competition-test-stances.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Headline", "Body ID", "Stance"])
        w.writerow(["The bridge is closed today", "1", "disagree"])
        w.writerow(["The bridge is closed today", "2", "agree"])
        w.writerow(["The bridge is closed today", "2", "unrelated"])
    data = [
        {"claim_a": "Sales rose", "claim_b": "Sales did not rise", "relation": "1"},
        {"claim_a": "Sales rose", "claim_b": "Sales rose a lot", "relation": 0},
    ]
    (root / "claimdiff" / "claimdiff-weak-train.json").write_text(json.dumps({"data": data}))
    written = [
        {"premise": "The plant closed", "hypothesis": "The plant did not close", "label": "contradiction"},
        {"premise": "The plant closed", "hypothesis": "The plant shut", "label": "entailment"},
        {"premise": "The plant closed", "hypothesis": "Workers were not told", "label": "neutral"},
    ]
    (root / "nli-news" / "written-g5.jsonl").write_text("".join(json.dumps(r) + "\n" for r in written))
    return root


def test_each_set_ranks_its_positive_class_against_its_negative(tmp_path: Path):
    data = write_data(tmp_path / "data")
    result = nli_news.evaluate(MODEL, data, ["emergent", "fnc1", "claimdiff", "written-g5"])
    by_set = {r["set"]: r for r in result["sets"]}
    # "observing" is neither side of emergent's question; "unrelated" neither of fnc1's
    assert by_set["emergent"]["n"] == {"against": 2, "for": 1}
    assert by_set["emergent"]["auc"] == 0.75  # "The dam held" says no "not": ranked as the "for" pair
    assert by_set["fnc1"]["n"] == {"disagree": 1, "agree": 1}
    assert by_set["fnc1"]["auc"] == 1.0
    assert by_set["claimdiff"]["flagged"] == {"weakens": 1.0, "not": 0.0}
    g5 = by_set["written-g5"]
    assert g5["n"] == {"contradiction": 1, "other": 2}
    assert g5["contradiction_f1"] == pytest.approx(2 / 3, abs=1e-4)  # the neutral with "not" is flagged too


def test_unknown_set_and_missing_data_are_errors(tmp_path: Path):
    with pytest.raises(InputError, match="unknown set"):
        nli_news.evaluate(MODEL, tmp_path, ["snli"])
    with pytest.raises(InputError, match="no such data directory"):
        nli_news.evaluate(MODEL, tmp_path / "nowhere", ["emergent"])
    with pytest.raises(InputError, match="no such file"):
        nli_news.evaluate(MODEL, tmp_path, ["emergent"])
    with pytest.raises(InputError, match="needs --corpus"):
        nli_news.evaluate(MODEL, tmp_path, ["judged"])


def test_cli_says_one_line_for_missing_data(tmp_path: Path):
    result = CliRunner().invoke(
        app, ["eval", "nli-news", "--data", str(tmp_path / "nowhere"), "--set", "emergent"]
    )
    assert result.exit_code != 0
    assert "no such data directory" in result.output
    assert "Traceback" not in result.output


def test_cli_runs_the_real_model_and_says_the_judged_set_is_left_out(tmp_path: Path):
    data = write_data(tmp_path / "data")
    result = CliRunner().invoke(app, ["eval", "nli-news", "--data", str(data), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "judged set needs --corpus and --judgements; left out" in result.output
    body = json.loads(result.stdout[result.stdout.index("{") :])
    assert [r["set"] for r in body["sets"]] == ["emergent", "fnc1", "claimdiff", "written-g5"]
    assert all(0.0 <= r["auc"] <= 1.0 for r in body["sets"])


def test_cli_needs_the_data_directory_named():
    # the installed package assumes no data folder of this workplace: the path is always an argument
    result = CliRunner().invoke(app, ["eval", "nli-news", "--set", "emergent"])
    assert result.exit_code == 2
    assert "--data" in result.output
