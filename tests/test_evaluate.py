"""`checker eval nli`: metrics on known predictions, input errors, and the CLI with a stand-in model."""

import json

import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.errors import InputError
from checker.evaluation import nli as evaluate
from checker.runtime import nli as runtime_nli


def test_three_way_metrics():
    gold = ["entailment", "neutral", "contradiction", "contradiction"]
    pred = ["entailment", "contradiction", "contradiction", "neutral"]
    m = evaluate.nli_metrics(gold, pred)
    assert m["n"] == 4 and m["accuracy"] == 0.5
    assert m["per_label"]["contradiction"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "n": 2}
    assert m["per_label"]["entailment"]["f1"] == 1.0
    assert m["confusion"]["contradiction"] == {"contradiction": 1, "entailment": 0, "neutral": 1}


def test_binary_gold_counts_neutral_or_contradiction_as_not_entailment():
    m = evaluate.nli_metrics(
        ["not_entailment", "not_entailment", "entailment"], ["neutral", "entailment", "entailment"]
    )
    assert m["accuracy"] == round(2 / 3, 4)
    assert set(m["per_label"]) == {"entailment", "not_entailment"}
    assert m["per_label"]["not_entailment"]["recall"] == 0.5


def test_bad_lines_name_their_number(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_text('{"premise": "a", "hypothesis": "b", "label": "neutral"}\nnot json\n')
    with pytest.raises(InputError, match="line 2"):
        evaluate.read_pairs(f)
    f.write_text('{"premise": "a", "hypothesis": "b", "label": "maybe"}\n')
    with pytest.raises(InputError, match="unknown label"):
        evaluate.read_pairs(f)


class Always:
    def predict(self, pairs, **kw):
        return [[0.1, 0.8, 0.1] for _ in pairs]


def test_cli_json_keys(tmp_path, monkeypatch):
    f = tmp_path / "x.jsonl"
    f.write_text("".join(json.dumps({"premise": "p", "hypothesis": "h", "label": lab}) + "\n"
                         for lab in ["entailment", "neutral"]))  # fmt: skip
    fake = runtime_nli.NLIModel(Always(), ("contradiction", "entailment", "neutral"), "fake")
    monkeypatch.setattr(runtime_nli, "load_nli", lambda path=None, backend=None: fake)
    result = CliRunner().invoke(app, ["eval", "nli", str(f), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"n", "accuracy", "per_label", "confusion", "pairs_per_second", "backend"} <= set(data)
    assert data["n"] == 2 and data["accuracy"] == 0.5


def test_cli_missing_file_is_one_line(tmp_path):
    result = CliRunner().invoke(app, ["eval", "nli", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "no such file" in result.stderr


def test_errors_lists_the_misclassified_pairs(tmp_path, monkeypatch):
    f = tmp_path / "x.jsonl"
    labels = ["entailment", "neutral", "contradiction", "neutral"]
    f.write_text("".join(json.dumps({"premise": f"p{i}", "hypothesis": "h", "label": lab}) + "\n"
                         for i, lab in enumerate(labels)))  # fmt: skip
    fake = runtime_nli.NLIModel(
        Always(), ("contradiction", "entailment", "neutral"), "fake"
    )  # always entailment
    monkeypatch.setattr(runtime_nli, "load_nli", lambda path=None, backend=None: fake)
    result = CliRunner().invoke(app, ["eval", "nli", str(f), "--format", "json", "--errors", "2"])
    assert result.exit_code == 0, result.output
    errors = json.loads(result.stdout)["errors"]
    assert [(e["premise"], e["gold"], e["predicted"]) for e in errors] == [
        ("p1", "neutral", "entailment"),
        ("p2", "contradiction", "entailment"),
    ]
    table = CliRunner().invoke(app, ["eval", "nli", str(f), "--errors", "1"])
    assert "neutral -> entailment" in table.stdout and "p1" in table.stdout


def test_mixed_label_schemes_are_one_clear_error(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_text("".join(json.dumps({"premise": "p", "hypothesis": "h", "label": lab}) + "\n"
                         for lab in ["neutral", "not_entailment"]))  # fmt: skip
    result = CliRunner().invoke(app, ["eval", "nli", str(f)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "mixes not_entailment" in result.stderr
