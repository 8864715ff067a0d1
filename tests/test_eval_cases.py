"""`checker eval` on the labeled set: loading and validating cases, matching, metrics, the gate, the CLI.

The unit tests use small synthetic cases and hand-built reports (no models); the shipped set is validated
for its promised shape; the integration test runs the real pipeline on the dev split.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker import config
from checker.cli import app
from checker.errors import InputError
from checker.evaluation import cases as eval_cases
from checker.evaluation import end_to_end
from checker.evaluation.cases import GoldStatement
from checker.evaluation.end_to_end import CaseRun
from checker.records import Contradiction, Report, Span, Statement

ROOT = Path(__file__).resolve().parent.parent
THRESHOLDS = {"split": "test", "min": {"contradictions.precision": 0.8, "contradictions.recall": 0.7}}

CASE_YAML = """\
id: {id}
category: negation
description: A synthetic case.
documents:
  - id: a
    source: Wire A
    date: 2025-01-02
    text: |
      The mayor said the bridge is safe. Traffic resumed.
  - id: b
    source: Wire B
    text: 'Engineers said the bridge is not safe, and Jo Park said "it will close."'
statements:
  - {{id: s1, doc: a, speaker: Mayor Ann Lee, aliases: [the mayor], content: the bridge is safe}}
  - {{id: s2, doc: b, speaker: Engineers, content: "the bridge is not safe"}}
  - {{id: s3, doc: b, speaker: Jo Park, content: it will close}}
contradictions:
  - [s1, s2]
"""


def write_case(folder: Path, case_id: str = "c1", text: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{case_id}.yaml"
    path.write_text(text if text is not None else CASE_YAML.format(id=case_id), encoding="utf-8")
    return path


def statement(sid: str, doc: str, text: str, speaker: str, content: str) -> Statement:
    start = text.index(content)
    where = Span(start, start + len(content), content)
    return Statement(sid, doc, Span(0, 1, speaker), Span(0, 1, "said"), where, "indirect", 0,
                     proposition=content, speaker_name=speaker)  # fmt: skip


def contradiction(a: Statement, b: Statement, score: float) -> Contradiction:
    probs = {"contradiction": score, "entailment": 0.0, "neutral": 1 - score}
    return Contradiction(a, b, score, probs, probs, 0.8, "negation", "test", about="same subject: x")


def report_for(case: eval_cases.Case, found: list[tuple[str, str, float]]) -> Report:
    """A report whose statements sit exactly on the gold spans, and the given scored pairs."""
    docs = {d.id: d.text for d in case.documents}
    sts = {g.id: statement(f"p-{g.id}", g.doc, docs[g.doc], g.speaker, g.content) for g in case.statements}
    cons = [contradiction(sts[a], sts[b], s) for a, b, s in found]
    return Report([], list(sts.values()), [], cons, 0.0, models={"nli": "fake"})


# ---------------------------------------------------------------- loading


def test_load_case_computes_offsets_and_split(tmp_path):
    write_case(tmp_path / "dev")
    (case,) = eval_cases.load_cases(tmp_path)
    assert case.split == "dev" and case.category == "negation" and len(case.documents) == 2
    assert case.documents[0].date == "2025-01-02"  # YAML reads a date; the loader keeps it ISO
    for g in case.statements:
        text = next(d.text for d in case.documents if d.id == g.doc)
        assert text[g.start : g.end] == g.content
    s2 = next(g for g in case.statements if g.id == "s2")
    assert case.documents[1].text[s2.start - 5 : s2.start] == "said "
    assert case.contradictions == (frozenset({"s1", "s2"}),)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("content: it will close", "content: it will open", "statements[2].content: not found in 'b'"),
        ('content: "the bridge is not safe"', "content: said", "statements[1].content: occurs 2 times"),
        ("doc: a, speaker: Mayor", "doc: z, speaker: Mayor", "statements[0].doc: no document with id 'z'"),
        ("  - [s1, s2]", "  - [s1, s9]", "contradictions[0]: no statement with id 's9'"),
        ("  - [s1, s2]", "  - [s1, s1]", "contradictions[0]: a statement cannot contradict itself"),
        ("  - [s1, s2]", "  - s1", "contradictions[0]: expected a pair"),
        ("    source: Wire A\n", "", "documents[0]: missing field 'source'"),
        ("category: negation", "category: negation\ncolour: red", "case: unknown field 'colour'"),
        ("id: s3,", "id: s2,", "statements[2].id: duplicate statement id 's2'"),
        ("contradictions:", "contradictions: [\n", "invalid YAML"),
    ],
)
def test_bad_case_is_one_line_naming_file_and_field(tmp_path, old, new, message):
    text = CASE_YAML.format(id="bad")
    assert old in text
    path = write_case(tmp_path, "bad", text.replace(old, new, 1))
    with pytest.raises(InputError) as err:
        eval_cases.load_cases(tmp_path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)
    assert "\n" not in str(err.value)


def test_occurrence_picks_the_nth_and_ids_are_unique(tmp_path):
    text = CASE_YAML.format(id="c1")
    text = text.replace('content: "the bridge is not safe"', "content: said, occurrence: 2")
    write_case(tmp_path / "dev", "c1", text)
    (case,) = eval_cases.load_cases(tmp_path)
    doc = case.documents[1].text
    assert case.statements[1].start == doc.index("said", doc.index("said") + 1)
    write_case(tmp_path / "test", "c1-copy", CASE_YAML.format(id="c1"))
    with pytest.raises(InputError, match="is also the id of"):
        eval_cases.load_cases(tmp_path)


def test_file_documents_are_read_relative_to_the_case(tmp_path):
    (tmp_path / "article.txt").write_text("Lee said the dam holds.\n", encoding="utf-8")
    text = """\
id: f
category: seed
documents: [{id: a, source: S, file: ../article.txt}]
statements: [{id: s1, doc: a, speaker: Lee, content: the dam holds}]
contradictions: []
"""
    write_case(tmp_path / "cases", "f", text)
    (case,) = eval_cases.load_cases(tmp_path / "cases")
    assert case.split == eval_cases.DEFAULT_SPLIT and case.documents[0].text == "Lee said the dam holds."


# ---------------------------------------------------------------- matching


def gold(speaker: str, start: int = 10, end: int = 30, aliases: tuple[str, ...] = ()) -> GoldStatement:
    return GoldStatement("g", "d", speaker, aliases, start, end, "x" * (end - start))


@pytest.mark.parametrize(
    ("predicted", "name", "aliases", "expected"),
    [
        ("Benjamin Netanyahu", "Benjamin Netanyahu", (), True),
        ("Netanyahu", "Benjamin Netanyahu", (), True),
        ("Prime Minister Benjamin Netanyahu", "Benjamin Netanyahu", (), True),
        ("the PMO", "Prime Minister's Office", ("PMO",), True),
        ("Prime Minister’s Office", "Prime Minister's Office", (), True),
        ("United States", "France", (), False),
        ("unresolved 'she'", "Rosa Menendez", (), False),
        ("company", "Meridia Pharma", (), False),
    ],
)
def test_speaker_matches(predicted, name, aliases, expected):
    assert end_to_end.speaker_matches(predicted, gold(name, aliases=aliases)) is expected


def test_overlap_is_a_share_of_the_shorter_span():
    assert end_to_end.overlap((0, 10), (5, 100)) == 0.5
    assert end_to_end.overlap((0, 10), (0, 10)) == 1.0
    assert end_to_end.overlap((0, 10), (10, 20)) == 0.0
    assert end_to_end.overlap((0, 0), (0, 10)) == 0.0


def test_match_statement_needs_document_speaker_and_half_overlap():
    g = gold("Ann Lee")
    st = Statement("p", "d", Span(0, 1, "x"), Span(0, 1, "x"), Span(20, 60, "y" * 40), "direct", 0,
                   speaker_name="Lee")  # fmt: skip
    assert end_to_end.match_statement(st, [g]) == g  # overlap 10 of the shorter 20
    st = replace(st, content=Span(21, 60, "y" * 39))
    assert end_to_end.match_statement(st, [g]) is None
    st = replace(st, content=Span(10, 30, "y" * 20), doc_id="other")
    assert end_to_end.match_statement(st, [g]) is None


# ---------------------------------------------------------------- scoring and metrics


@pytest.fixture
def case(tmp_path) -> eval_cases.Case:
    return eval_cases.load_case(write_case(tmp_path, "c1"), "test")


def test_score_case_counts_a_gold_pair_once_and_a_wrong_pair_as_a_false_alarm(case):
    report = report_for(case, [("s2", "s1", 0.9), ("s1", "s3", 0.7), ("s1", "s2", 0.8), ("s2", "s3", 0.2)])
    r = end_to_end.score_case(case, report, 0.5)
    assert (r.tp, r.fp, r.fn) == (1, 1, 0)
    assert r.reported[0]["gold"] and r.reported[0]["score"] == 0.9
    assert r.matched_gold == r.matched_predicted == r.predicted_statements == 3
    high = end_to_end.score_case(case, report, 0.95)
    assert (high.tp, high.fp, high.fn) == (0, 0, 1) and high.missed == [("s1", "s2")]


def test_split_metrics(case, tmp_path):
    clean_text = CASE_YAML.format(id="c2").replace("  - [s1, s2]\n", "")
    clean_text = clean_text.replace("contradictions:", "contradictions: []")
    clean = eval_cases.load_case(write_case(tmp_path, "c2", clean_text), "test")
    results = [
        end_to_end.score_case(case, report_for(case, [("s1", "s3", 0.9), ("s1", "s2", 0.8)]), 0.5),
        end_to_end.score_case(clean, report_for(clean, [("s1", "s2", 0.6), ("s1", "s3", 0.4)]), 0.5),
    ]
    m = end_to_end.split_metrics(results)
    assert m["cases"] == 2 and m["cases_with_contradiction"] == m["cases_without_contradiction"] == 1
    expected = {"precision": round(1 / 3, 4), "recall": 1.0, "f1": 0.5, "tp": 1, "fp": 2, "fn": 0}
    assert m["contradictions"] == expected
    assert m["precision_at_1"] == 0.0  # the top pair of the case with a contradiction is the wrong one
    assert m["false_alarms"] == {"per_case": 1.0, "share_of_cases": 1.0}
    assert m["statements"]["precision"] == m["statements"]["recall"] == 1.0
    assert m["by_category"]["negation"] == {"cases": 2, "tp": 1, "fp": 2, "fn": 0}


def test_gate_passes_fails_and_is_skipped_without_its_split():
    good = {"test": {"contradictions": {"precision": 0.9, "recall": 0.7}}}
    assert end_to_end.gate(good, THRESHOLDS)["passed"]
    bad = {"test": {"contradictions": {"precision": 0.9, "recall": 0.5}}}
    g = end_to_end.gate(bad, THRESHOLDS)
    assert not g["passed"] and g["failures"] == ["test contradictions.recall 0.500 < 0.7"]
    assert end_to_end.gate({"dev": bad["test"]}, THRESHOLDS) == {
        "split": None, "min": THRESHOLDS["min"], "applied": False, "passed": True, "failures": []
    }  # fmt: skip
    unsplit = end_to_end.gate({eval_cases.DEFAULT_SPLIT: bad["test"]}, THRESHOLDS)
    assert unsplit["applied"] and not unsplit["passed"]


def test_read_thresholds_rejects_a_bad_file(tmp_path):
    f = tmp_path / "t.json"
    f.write_text('{"split": "test", "min": {"recall": 0.7}}')
    with pytest.raises(InputError, match="min.recall"):
        eval_cases.read_thresholds(f)
    assert eval_cases.read_thresholds(ROOT / "eval" / "thresholds.json")["split"] == "test"


def test_evaluate_reports_dev_sweep_and_gate(case, tmp_path):
    dev = eval_cases.load_case(write_case(tmp_path, "d1", CASE_YAML.format(id="d1")), "dev")
    runs = [CaseRun(case, report_for(case, [("s1", "s2", 0.6)]), [], 0.0),
            CaseRun(dev, report_for(dev, [("s1", "s2", 0.45), ("s2", "s3", 0.3)]), [], 0.0)]  # fmt: skip
    out = end_to_end.evaluate(runs, 0.5, THRESHOLDS)
    assert set(out["splits"]) == {"dev", "test", "all"}
    assert out["splits"]["dev"]["best_threshold"] == 0.45  # the highest threshold with the best dev F1
    assert out["gate"]["passed"] and out["gate"]["split"] == "test"
    assert [c["id"] for c in out["cases"]] == ["c1", "d1"]
    assert out["cases"][1]["missed"][0][0]["id"] == "s1"


# ---------------------------------------------------------------- the CLI, with a fake pipeline


def fake_run(found: dict[str, list[tuple[str, str, float]]]):
    def run(case: eval_cases.Case) -> CaseRun:
        return CaseRun(case, report_for(case, found.get(case.id, [])), [], 0.0)

    return run


def test_cli_json_and_exit_codes(tmp_path, monkeypatch):
    write_case(tmp_path / "test", "t1")
    write_case(tmp_path / "dev", "d1", CASE_YAML.format(id="d1"))
    (tmp_path / "thresholds.json").write_text(json.dumps(THRESHOLDS))
    monkeypatch.setattr(end_to_end, "run_case", fake_run({"t1": [("s1", "s2", 0.9)]}))
    runner = CliRunner()
    ok = runner.invoke(app, ["eval", "--cases", str(tmp_path), "--format", "json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.stdout)
    assert {"cases_dir", "threshold", "splits", "gate", "cases", "seconds"} <= set(data)
    assert data["gate"]["passed"] and data["splits"]["test"]["contradictions"]["recall"] == 1.0
    assert data["splits"]["dev"]["contradictions"]["recall"] == 0.0
    failed = runner.invoke(app, ["eval", "--cases", str(tmp_path), "--threshold", "0.95"])
    assert failed.exit_code == config.EXIT_BELOW_GATE
    assert "gate on test: FAILED" in failed.stdout and "[test] t1 (negation):" in failed.stdout
    missed = "  missed: Mayor Ann Lee: 'the bridge is safe'  <>  Engineers: 'the bridge is not safe'"
    assert missed in failed.stdout
    dev_only = runner.invoke(app, ["eval", "--cases", str(tmp_path), "--split", "dev"])
    assert dev_only.exit_code == 0 and "not applied" in dev_only.stdout


def test_cli_errors_are_one_line(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(app, ["eval", "--cases", str(tmp_path / "nope")])
    assert missing.exit_code == config.EXIT_USAGE and "no such directory" in missing.stderr
    write_case(tmp_path / "dev")
    split = runner.invoke(app, ["eval", "--cases", str(tmp_path), "--split", "test"])
    assert split.exit_code == config.EXIT_USAGE and "no cases in split 'test'" in split.stderr
    fmt = runner.invoke(app, ["eval", "--cases", str(tmp_path), "--format", "xml"])
    assert fmt.exit_code == config.EXIT_USAGE and len(fmt.stderr.strip().splitlines()) == 1


def test_eval_nli_subcommand_still_works():
    result = CliRunner().invoke(app, ["eval", "nli", "--help"])
    assert result.exit_code == 0 and "JSONL" in result.stdout


# ---------------------------------------------------------------- the shipped set


def test_shipped_set_has_the_promised_shape():
    cases = eval_cases.load_cases(ROOT / config.EVAL_CASES_DIR)
    assert len(cases) >= 60
    assert sum(not c.contradictions for c in cases) * 3 >= len(cases)
    assert {c.split for c in cases} == {"dev", "test"}
    assert set(eval_cases.CATEGORIES) <= {c.category for c in cases}
    # the blind test split (eval/README.md) alone is a set of the promised shape: at least 30 cases, a third
    # of them without a contradiction, every category
    test = [c for c in cases if c.split == "test"]
    assert len(test) >= 30 and sum(not c.contradictions for c in test) * 3 >= len(test)
    assert set(eval_cases.CATEGORIES) <= {c.category for c in test}
    assert all(2 <= len(c.documents) <= 6 for c in cases if not c.id.endswith("-seed"))
    seed = next(c for c in cases if c.id.endswith("-seed"))
    assert seed.documents[0].text.startswith("Netanyahu says Israel")


@pytest.mark.integration
def test_real_eval_on_the_dev_split():
    proc = subprocess.run(
        [sys.executable, "-m", "checker.cli", "eval", "--split", "dev", "--format", "json"],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    dev = data["splits"]["dev"]
    assert dev["cases"] >= 30 and not data["gate"]["applied"]
    for key in ("statements", "contradictions"):
        assert all(0.0 <= dev[key][k] <= 1.0 for k in ("precision", "recall", "f1"))
    assert dev["statements"]["recall"] > 0.5 and dev["contradictions"]["tp"] > 0
    assert 0.0 <= dev["precision_at_1"] <= 1.0 and dev["false_alarms"]["per_case"] >= 0
    seed = next(c for c in data["cases"] if c["id"].endswith("-seed"))
    assert seed["top_correct"]  # the consent-vs-denial pair ranks first on the seed
    assert data["models"]["nli"] == config.NLI_MODEL_DIR.name
