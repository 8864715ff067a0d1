"""``checker eval corpus``: judgements read and validated, pairs matched by span overlap in either order,
precision@k over judged pairs, gold recall, the unjudged listed and exported without scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker import config, pipeline
from checker.cli import app
from checker.errors import InputError
from checker.evaluation import corpus
from checker.records import Contradiction, Document, Report, Span, Statement

A = Document("a", "The mayor said the bridge is safe. Engineers said it will close in May.")
B = Document("b", "The council said the bridge is unsafe and must close. A resident said traffic is awful.")


def statement(doc: Document, sid: str, content: str, speaker: str) -> Statement:
    start = doc.text.index(content)
    where = Span(start, start + len(content), content)
    return Statement(f"{doc.id}:{sid}", doc.id, Span(0, 1, speaker), Span(0, 1, "said"), where, "indirect", 0,
                     proposition=content, speaker_name=speaker)  # fmt: skip


SAFE = statement(A, "s1", "the bridge is safe", "Mayor")
CLOSE = statement(A, "s2", "it will close in May", "Engineers")
UNSAFE = statement(B, "s1", "the bridge is unsafe and must close", "Council")
TRAFFIC = statement(B, "s2", "traffic is awful", "Resident")


def pair(a: Statement, b: Statement, score: float) -> Contradiction:
    probs = {"contradiction": score, "entailment": 0.0, "neutral": 1 - score}
    return Contradiction(a, b, score, probs, probs, 0.7, "negation", "test", about="same subject: bridge")


def line(x: Statement, y: Statement, verdict: str, reader: str = "r1", **over: object) -> str:
    row = {"a": {"doc": x.doc_id, "start": x.content.start, "end": x.content.end},
           "b": {"doc": y.doc_id, "start": y.content.start, "end": y.content.end},
           "verdict": verdict, "reason": "why", "reader": reader, "date": "2026-11-30", "found_by": "reading",
           **over}  # fmt: skip
    return json.dumps(row)


def write(tmp_path: Path, *lines: str) -> Path:
    f = tmp_path / "judgements.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f


def report(*found: Contradiction) -> Report:
    return Report([], [SAFE, CLOSE, UNSAFE, TRAFFIC], [], list(found), 0.5)


def test_precision_counts_judged_pairs_and_recall_the_gold_reported(tmp_path: Path) -> None:
    judged = corpus.read_judgements(
        write(
            tmp_path,
            line(UNSAFE, SAFE, "contradiction"),  # the other order than reported
            line(CLOSE, TRAFFIC, "no_contradiction"),
            line(CLOSE, UNSAFE, "contradiction"),  # gold the report misses
        )
    )
    out = corpus.evaluate(
        report(pair(SAFE, UNSAFE, 0.9), pair(CLOSE, TRAFFIC, 0.8), pair(SAFE, TRAFFIC, 0.7)), judged, 3
    )
    assert [r["verdict"] for r in out["top"]] == ["contradiction", "no_contradiction", None]
    assert out["precision_at_k"] == 0.5 and out["unjudged_in_top_k"] == 1
    assert out["gold_pairs"] == 2 and out["gold_reported"] == 1 and out["gold_recall"] == 0.5
    assert out["gold_missed"][0]["a"]["doc"] == "a"


def test_a_side_matches_by_half_of_the_shorter_span(tmp_path: Path) -> None:
    rest = Span(UNSAFE.content.start, len(B.text), "x")
    wide = Statement("b:w", "b", Span(0, 1, "C"), Span(0, 1, "said"), rest, "indirect", 0)
    judged = corpus.judged_pairs(corpus.read_judgements(write(tmp_path, line(SAFE, UNSAFE, "contradiction"))))
    assert corpus.matches(pair(SAFE, wide, 0.9), judged[0])  # all of the judged span inside the wider one
    elsewhere = Statement("b:e", "b", Span(0, 1, "C"), Span(0, 1, "said"), TRAFFIC.content, "indirect", 0)
    assert not corpus.matches(pair(SAFE, elsewhere, 0.9), judged[0])


def test_readers_who_disagree_make_a_disputed_pair_that_is_no_gold(tmp_path: Path) -> None:
    lines = [line(SAFE, UNSAFE, "contradiction", "r1"), line(UNSAFE, SAFE, "no_contradiction", "r2")]
    judged = corpus.read_judgements(write(tmp_path, *lines))
    (only,) = corpus.judged_pairs(judged)
    assert only.verdict == "disputed" and not only.is_gold
    out = corpus.evaluate(report(pair(SAFE, UNSAFE, 0.9)), judged, 20)
    assert out["precision_at_k"] == 0.0 and out["disputed_pairs"] == 1 and out["gold_pairs"] == 0
    # a third reader settles it
    judged = corpus.read_judgements(write(tmp_path, *lines, line(SAFE, UNSAFE, "contradiction", "r3")))
    out = corpus.evaluate(report(pair(SAFE, UNSAFE, 0.9)), judged, 20)
    assert out["precision_at_k"] == 1.0 and out["gold_pairs"] == 1 and out["gold_reported"] == 1


def test_a_reported_pair_takes_the_verdict_of_every_judged_pair_it_matches(tmp_path: Path) -> None:
    # one reader judged the clause ("the bridge is unsafe"), two others the whole statement
    clause = Span(
        UNSAFE.content.start, UNSAFE.content.start + len("the bridge is unsafe"), "the bridge is unsafe"
    )
    part = Statement("b:p", "b", Span(0, 1, "C"), Span(0, 1, "said"), clause, "indirect", 0)
    lines = [
        line(SAFE, part, "contradiction", "r1"),
        line(SAFE, UNSAFE, "contradiction", "r2"),
        line(SAFE, UNSAFE, "no_contradiction", "r3"),
    ]
    out = corpus.evaluate(
        report(pair(SAFE, UNSAFE, 0.9)), corpus.read_judgements(write(tmp_path, *lines)), 20
    )
    assert out["top"][0]["verdict"] == "contradiction" and len(out["top"][0]["readers"]) == 3


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        (line(SAFE, UNSAFE, "contradiction", a=1), "'a' must be an object"),
        ("not json", "not valid JSON"),
        (line(SAFE, UNSAFE, "maybe"), "verdict must be one of"),
        (line(SAFE, UNSAFE, "contradiction", reader=""), "'reader' must be a non-empty string"),
        (line(SAFE, UNSAFE, "contradiction", date="yesterday"), "is not an ISO date"),
        (line(SAFE, UNSAFE, "contradiction", a={"doc": "a", "start": 5, "end": 2}), "start < end"),
    ],
)
def test_a_bad_line_is_an_error_naming_it(tmp_path: Path, bad: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem) as e:
        corpus.read_judgements(write(tmp_path, line(SAFE, UNSAFE, "contradiction"), bad))
    assert "line 2" in str(e.value)


def test_pairs_to_judge_carry_context_and_no_score(tmp_path: Path) -> None:
    judged = corpus.read_judgements(write(tmp_path, line(SAFE, UNSAFE, "contradiction")))
    rows = corpus.to_judge(report(pair(SAFE, UNSAFE, 0.9), pair(CLOSE, UNSAFE, 0.8)), [A, B], judged, 20)
    (row,) = rows
    assert "score" not in row and "reason" not in row
    assert "⟦it will close in May⟧" in row["a"]["context"] and row["b"]["speaker"] == "Council"


def test_gate_reads_minimums_beside_the_judgements(tmp_path: Path) -> None:
    out = {"precision_at_k": 0.5, "gold_recall": 0.8}
    assert not corpus.gate(out, tmp_path / "none.json")["applied"]
    (tmp_path / "t.json").write_text('{"min": {"precision_at_k": 0.6, "gold_recall": 0.5}}')
    g = corpus.gate(out, tmp_path / "t.json")
    assert not g["passed"] and g["failures"] == ["precision_at_k 0.500 < 0.6"]


def test_cli_exits_5_while_a_top_pair_is_unjudged_then_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for d in (A, B):
        (docs / f"{d.id}.txt").write_text(d.text, encoding="utf-8")
    monkeypatch.setattr(pipeline, "check", lambda *a, **k: report(pair(SAFE, UNSAFE, 0.9)))
    judgements = write(tmp_path, "")
    todo = tmp_path / "todo.jsonl"
    args = ["eval", "corpus", str(docs), "--judgements", str(judgements), "--format", "json"]
    result = CliRunner().invoke(app, [*args, "--to-judge", str(todo)])
    assert result.exit_code == config.EXIT_UNJUDGED
    assert json.loads(result.stdout)["unjudged_in_top_k"] == 1 and len(todo.read_text().splitlines()) == 1
    judgements.write_text(line(SAFE, UNSAFE, "contradiction") + "\n")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0 and json.loads(result.stdout)["precision_at_k"] == 1.0


def test_a_missed_gold_pair_says_where_it_was_lost(tmp_path: Path) -> None:
    judged = corpus.read_judgements(
        write(tmp_path, line(SAFE, UNSAFE, "contradiction"), line(CLOSE, TRAFFIC, "contradiction"))
    )
    scored = pair(SAFE, UNSAFE, 0.2)
    rep = Report([], [SAFE, CLOSE, UNSAFE], [], [], 0.5, scored_pairs=[(SAFE.id, UNSAFE.id)])
    lost = {m["a"]["start"]: m["lost"] for m in corpus.evaluate(rep, judged, 20, [scored])["gold_missed"]}
    assert lost[SAFE.content.start].startswith("scored 0.200")
    assert lost[CLOSE.content.start].startswith("not extracted")  # TRAFFIC is no statement of the report


def test_a_gold_pair_never_paired_says_which_test_it_failed(tmp_path: Path) -> None:
    from dataclasses import replace

    judged = corpus.read_judgements(write(tmp_path, line(SAFE, UNSAFE, "contradiction")))

    def lost(a: Statement, b: Statement) -> str:
        rep = Report([], [a, CLOSE, b], [], [], 0.5)
        return corpus.evaluate(rep, judged, 20)["gold_missed"][0]["lost"]

    safe, unsafe = replace(SAFE, speaker_id="mayor"), replace(UNSAFE, speaker_id="council")
    demand = replace(safe, is_assertion=False)
    assert (
        lost(demand, unsafe)
        == "not paired: not an assertion (a demand, an intention, or a record's evidence)"
    )
    one_speaker = replace(unsafe, speaker_id="mayor")  # one speaker on one (unknown) date
    assert lost(safe, one_speaker).startswith("not paired: not compared")
    people = replace(safe, subjects=("Ann Lee",)), replace(unsafe, subjects=("Bo Chan",))
    assert lost(*people) == "not paired: about different people or things"
    assert lost(safe, unsafe).startswith("not paired: nothing shows they are about one thing")
    nouns = replace(safe, topics=("bridge",)), replace(unsafe, topics=("bridge",))
    assert lost(*nouns) == "not paired: both name: bridge, but not among each other's most similar statements"


@pytest.mark.parametrize("name", ["polnear-dev.jsonl", "polnear-train-unseen.jsonl"])
def test_the_committed_judgements_read_and_hold_references_only(name: str) -> None:
    judgements = corpus.read_judgements(config.PROJECT_ROOT / "eval" / "corpus" / name)
    assert judgements and all(j.reader.startswith("helper-") for j in judgements)
    assert all(0 <= j.a.start < j.a.end and 0 <= j.b.start < j.b.end for j in judgements)
    raw = (config.PROJECT_ROOT / "eval" / "corpus" / name).read_text(encoding="utf-8")
    assert '"text"' not in raw  # no article text copied: spans only
    assert any(p.verdict == "contradiction" for p in corpus.judged_pairs(judgements))
