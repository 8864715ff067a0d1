"""NLI scoring with a stand-in model (the real one runs in test_integration.py), rules and reasons."""

import pytest

from checker import config
from checker.errors import UsageError
from checker.records import Candidate, Span, Statement
from checker.runtime.nli import NLIModel, both_ways
from checker.stages.infer import reason, score
from checker.stages.rules import numeric_conflict


class FakeEncoder:
    """Contradiction when exactly one side says 'not'; records what it was asked."""

    def __init__(self):
        self.seen = []

    def predict(self, pairs, **kw):
        self.seen += pairs
        return [
            [0.9, 0.05, 0.05] if (" not " in a) != (" not " in b) else [0.05, 0.9, 0.05] for a, b in pairs
        ]


def make(sid, speaker, prop, negated=False, date=None, speaker_id=None):
    return Statement(
        id=sid, doc_id="d" + sid, speaker=Span(0, 1, "x"), cue=Span(0, 1, "x"), content=Span(0, 1, "x"),
        kind="indirect", sentence=0, negated=negated, proposition=prop, speaker_id=speaker_id or speaker,
        speaker_name=speaker, date=date,
    )  # fmt: skip


def test_scores_both_directions_and_takes_the_max():
    enc = FakeEncoder()
    model = NLIModel(enc, ("contradiction", "entailment", "neutral"), "fake")
    a = make("1", "US", "Netanyahu had agreed to the plan")
    b = make("2", "Netanyahu", "Netanyahu had not agreed to the plan", negated=True)
    (c,) = score([Candidate("1", "2", 0.8)], {"1": a, "2": b}, model)
    assert enc.seen[:2] == [(a.proposition, b.proposition), (b.proposition, a.proposition)]
    # then: does the claim entail the denial's opposite (its negation dropped)?
    # ... and in the other main verbs of consent, which the model equates more surely in the same words
    assert enc.seen[2:] == [
        (a.proposition, "Netanyahu had agreed to the plan"),
        (a.proposition, "Netanyahu had approved the plan"),
        (a.proposition, "Netanyahu had accepted the plan"),
        (a.proposition, "Netanyahu had supported the plan"),
    ]
    assert c.score == 0.9 and c.reason == "denial"
    assert c.nli_ab["contradiction"] == 0.9 and c.nli_ba["contradiction"] == 0.9


class OneWayEncoder:
    """Contradiction 0.9 with the denial as premise, 0.2 the other way."""

    def predict(self, pairs, **kw):
        return [[0.9, 0.05, 0.05] if " not " in a else [0.2, 0.4, 0.4] for a, b in pairs]


@pytest.mark.parametrize(
    ("how", "expected"), [("max", 0.9), ("min", 0.2), ("mean", 0.55), ("geo", 0.18**0.5)]
)
def test_the_two_directions_make_one_reading_as_configured(monkeypatch, how, expected):
    assert both_ways(0.9, 0.2, how) == pytest.approx(expected)
    monkeypatch.setattr(config, "BOTH_WAYS", how)
    model = NLIModel(OneWayEncoder(), ("contradiction", "entailment", "neutral"), "fake")
    a = make("1", "US", "Netanyahu had agreed to the plan")
    b = make("2", "Netanyahu", "Netanyahu had not agreed to the plan", negated=True)
    (c,) = score([Candidate("1", "2", 0.8)], {"1": a, "2": b}, model)
    assert c.nli_ab["contradiction"] == 0.2 and c.nli_ba["contradiction"] == 0.9
    assert c.score == pytest.approx(expected)


def test_an_unknown_way_to_read_both_directions_is_a_usage_error():
    assert config.BOTH_WAYS in config.BOTH_WAYS_CHOICES
    with pytest.raises(UsageError, match="CHECKER_BOTH_WAYS"):
        both_ways(0.9, 0.2, "sum")


class ParaphraseEncoder:
    """Entailment between identical texts; else mostly neutral, with ``doubt`` contradiction."""

    def __init__(self, doubt=0.1):
        self.doubt, self.seen = doubt, []

    def predict(self, pairs, **kw):
        self.seen += pairs
        return [[0.0, 1.0, 0.0] if a == b else [self.doubt, 0.0, 1 - self.doubt] for a, b in pairs]


def test_a_claim_entailing_the_others_opposite_is_a_contradiction():
    model = NLIModel(ParaphraseEncoder(doubt=0.35), ("contradiction", "entailment", "neutral"), "fake")
    a = make("1", "Office", "Unemployment rose in March")
    b = make("2", "Minister", "Unemployment fell in March, because more people found work")
    (c,) = score([Candidate("1", "2", 0.7)], {"1": a, "2": b}, model)
    # b's main claim turned round ("fell" -> "rose", the reason dropped) is what a says
    assert c.score == 1.0 and c.reason == "antonym"
    assert c.opposite == {"of": "b", "text": "Unemployment rose in March", "entailment": 1.0}
    unrelated = make("3", "Minister", "Exports fell in March")
    (d,) = score([Candidate("1", "3", 0.5)], {"1": a, "3": unrelated}, model)
    assert d.score == 0.35 and d.opposite is None


def test_an_opposite_counts_only_where_the_model_reads_some_contradiction_in_the_pair(monkeypatch):
    model = NLIModel(ParaphraseEncoder(doubt=0.1), ("contradiction", "entailment", "neutral"), "fake")
    a = make("1", "Office", "Unemployment rose in March")
    b = make("2", "Minister", "Unemployment fell in March, because more people found work")
    assert config.OPPOSITE_MIN_CONTRADICTION > 0.1
    (c,) = score([Candidate("1", "2", 0.7)], {"1": a, "2": b}, model)
    assert c.score == 0.1 and c.opposite is None
    monkeypatch.setattr(config, "OPPOSITE_MIN_CONTRADICTION", 0.1)
    (c,) = score([Candidate("1", "2", 0.7)], {"1": a, "2": b}, model)
    assert c.score == 1.0 and c.opposite["of"] == "b"


def test_opposites_are_not_checked_for_a_wholly_neutral_pair():
    enc = ParaphraseEncoder(doubt=0.0)
    model = NLIModel(enc, ("contradiction", "entailment", "neutral"), "fake")
    a = make("1", "Office", "Unemployment rose in March")
    b = make("2", "Minister", "Unemployment fell in March")
    (c,) = score([Candidate("1", "2", 0.7)], {"1": a, "2": b}, model)
    assert c.score == 0.0 and len(enc.seen) == 2  # the two directions only


def test_numeric_rule_flags_different_figures():
    assert numeric_conflict("630 people were killed", "500 people were killed") == "630 vs 500 people"
    assert numeric_conflict("630 people were killed", "630 people died") is None
    assert numeric_conflict("Eleven people were hurt in the fire", "20 people were hurt") == "11 vs 20 people"
    assert numeric_conflict("Forty people attended", "40 people attended") is None
    assert numeric_conflict("one of the two men", "one man") is None
    model = NLIModel(FakeEncoder(), ("contradiction", "entailment", "neutral"), "fake")
    a, b = make("1", "A", "630 people were killed"), make("2", "B", "500 people were killed")
    (c,) = score([Candidate("1", "2", 0.95)], {"1": a, "2": b}, model)
    assert c.reason == "numeric" and c.score >= 0.9


class NeutralEncoder:
    """Reads every pair as wholly neutral."""

    def predict(self, pairs, **kw):
        return [[0.01, 0.01, 0.98] for _ in pairs]


def test_figure_rule_needs_some_contradiction_from_the_model():
    """Two polls told in like words differ in their figures; the model reads them as compatible."""
    model = NLIModel(NeutralEncoder(), ("contradiction", "entailment", "neutral"), "fake")
    a = make("1", "A", "Clinton beats Trump by 46 percent to 42 percent")
    b = make("2", "B", "Trump is leading Clinton 47.1 percent to 41.7 percent")
    (c,) = score([Candidate("1", "2", 0.76)], {"1": a, "2": b}, model)
    assert c.reason == "numeric" and c.score < config.FIGURE_MIN_CONTRADICTION


def test_reasons():
    assert (
        reason(make("1", "A", "x", date="2024-01-01"), make("2", "A", "y", date="2024-02-01"))[0]
        == "reversal"
    )
    assert reason(make("1", "A", "Prices rose"), make("2", "B", "Prices did not rise"))[0] == "negation"
    assert (
        reason(make("1", "A", "The board approved the deal"), make("2", "B", "The board rejected the deal"))[
            0
        ]
        == "antonym"
    )
    assert reason(make("1", "A", "It is sunny"), make("2", "B", "It is raining"))[0] == "other"


def test_date_rule_needs_a_close_match():
    from checker.stages.rules import date_conflict

    assert date_conflict("Talks begin on Sunday", "Talks begin on Monday") == "Sunday vs Monday"
    assert date_conflict("Talks begin on Sunday", "Talks begin on Sunday") is None
    assert date_conflict("It began in March 2020", "It began in March 2021") == "2020 vs 2021"
    model = NLIModel(FakeEncoder(), ("contradiction", "entailment", "neutral"), "fake")
    a, b = make("1", "A", "Talks begin on Sunday"), make("2", "B", "Talks begin on Monday")
    (close,) = score([Candidate("1", "2", 0.9)], {"1": a, "2": b}, model)
    assert close.score >= 0.9 and close.explanation == "different dates: Sunday vs Monday"
    (far,) = score([Candidate("1", "2", 0.7)], {"1": a, "2": b}, model)
    assert far.score < 0.5


def test_missing_or_corrupt_model_is_a_clear_error(tmp_path):
    import shutil

    import pytest

    from checker import config
    from checker.errors import ModelError
    from checker.runtime.nli import load_nli

    with pytest.raises(ModelError, match="NLI model not found"):
        load_nli(str(tmp_path / "nope"))
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in config.NLI_MODEL_DIR.glob("*.json"):
        shutil.copy(f, broken)
    (broken / "model.safetensors").write_bytes(b"\x00" * 100)
    with pytest.raises(ModelError, match="cannot load the NLI model"):
        load_nli(str(broken))


def test_long_statements_are_split_not_truncated():
    from checker.stages.segment import chunks

    long = " ".join(f"Sentence number {i} says the ceasefire is holding." for i in range(40))
    pieces = chunks(long, max_words=30)
    assert all(len(p.split()) <= 30 for p in pieces)
    assert " ".join(pieces).split() == long.split()  # nothing dropped
    run_on = "word " * 100
    assert [len(p.split()) for p in chunks(run_on, max_words=30)] == [30, 30, 30, 10]
    assert chunks("short text", max_words=30) == ["short text"]


def test_a_contradiction_deep_in_a_long_statement_is_found():
    enc = FakeEncoder()
    model = NLIModel(enc, ("contradiction", "entailment", "neutral"), "fake")
    filler = " ".join(f"Talks went on for hour {i} of the day." for i in range(30))
    a = make("1", "A", filler + " The army has withdrawn.")
    b = make("2", "B", "The army has not withdrawn.")
    (c,) = score([Candidate("1", "2", 0.8)], {"1": a, "2": b}, model)
    assert c.score == 0.9
    assert max(len(x.split()) for pair in enc.seen for x in pair) <= 90


def test_a_stale_or_missing_onnx_export_falls_back_to_torch(tmp_path):
    import json

    from checker import config
    from checker.runtime.nli import _onnx_file, weights_digest

    (tmp_path / "model.safetensors").write_bytes(b"new weights")
    assert _onnx_file(tmp_path) == (None, "has no int8 ONNX export")
    onnx = tmp_path / config.NLI_ONNX_FILE
    onnx.parent.mkdir()
    onnx.write_bytes(b"onnx")
    record = onnx.parent / "export.json"
    record.write_text(json.dumps({"source_weights_sha256": "0" * 64}))
    assert _onnx_file(tmp_path) == (None, "has an int8 ONNX export made from other weights")
    record.write_text(json.dumps({"source_weights_sha256": weights_digest(tmp_path)}))
    assert _onnx_file(tmp_path) == (onnx, "")


def test_an_unknown_backend_is_a_usage_error():
    from checker.errors import UsageError
    from checker.runtime.nli import load_nli

    with pytest.raises(UsageError, match="not one of onnx-int8, onnx-fp32, torch, auto"):
        load_nli(None, "tensorrt")


PAIRS = [
    ("Israel agreed to the truce.", "Israel rejected the truce."),
    ("A man is playing a guitar on stage.", "A man is performing music."),
    ("Two dogs run through a field.", "The animals are outside."),
    ("The company reported record profits this year.", "The weather was sunny in Paris."),
    ("The minister denied that the plan had been approved.", "The plan was approved by the minister."),
    ("Short.", "A much longer hypothesis sentence that pads the batch with many more tokens than the other."),
]


@pytest.mark.integration
def test_onnx_int8_agrees_with_torch_fp32():
    """The int8 export gives the fp32 model's label on clear pairs, with probabilities close to its own."""
    import numpy as np

    from checker.runtime.nli import load_nli

    pytest.importorskip("onnxruntime")
    fast, ref = load_nli(None, "onnx-int8"), load_nli(None, "torch")
    if fast.backend != "onnx-int8":
        pytest.skip("no up-to-date int8 export of the model (python models/export_onnx.py)")
    p_fast = np.array([[p[k] for k in ref.labels] for p in fast.predict(PAIRS, batch_size=4)])
    p_ref = np.array([[p[k] for k in ref.labels] for p in ref.predict(PAIRS)])
    assert (p_fast.argmax(1) == p_ref.argmax(1)).all()
    assert np.abs(p_fast - p_ref).max() < 0.15
    assert np.allclose(p_fast.sum(1), 1, atol=1e-5)


def test_the_same_two_texts_are_scored_once():
    """A quote reported by two speakers (or twice) gives identical text pairs: NLI sees each once."""
    enc = FakeEncoder()
    model = NLIModel(enc, ("contradiction", "entailment", "neutral"), "fake")
    a = make("1", "US", "Netanyahu had agreed to the plan")
    b = make("2", "France", "Netanyahu had agreed to the plan")
    c = make("3", "Netanyahu", "Netanyahu had not agreed to the plan", negated=True)
    found = score([Candidate("1", "3", 0.8), Candidate("2", "3", 0.8)], {"1": a, "2": b, "3": c}, model)
    # both directions, and whether the claim entails the denial's opposite (in four consent verbs): six text
    # pairs, once each
    assert len(enc.seen) == 6 and len(set(enc.seen)) == 6
    assert [x.score for x in found] == [0.9, 0.9]


@pytest.mark.integration
def test_the_torch_fallback_says_why_once_it_has_loaded(tmp_path, capsys):
    import shutil

    from checker import config
    from checker.runtime.nli import load_nli

    model = tmp_path / "model"
    shutil.copytree(config.NLI_MODEL_DIR, model, ignore=shutil.ignore_patterns("onnx"))
    nli = load_nli(str(model), "onnx-int8")
    assert nli.backend == "torch"
    assert "has no int8 ONNX export; using the fp32 torch model" in capsys.readouterr().err


#: A faint contradiction: just enough for the model's reading to be looked into (config.OPPOSITE_GATE).
FAINT = config.OPPOSITE_GATE


class TableEncoder:
    """The given probabilities for listed text pairs; a faint signal (enough to look further) for the rest."""

    def __init__(self, table):
        self.table, self.seen = table, []

    def predict(self, pairs, **kw):
        self.seen += pairs
        return [self.table.get(p, [FAINT, 0.05, 0.95 - FAINT]) for p in pairs]


def test_main_claims_are_compared_without_what_else_each_side_adds():
    a = make("1", "Gazette", "Calloway opposes the pipeline and will vote against it next week")
    b = make("2", "Grant", "Calloway has backed the pipeline from the start")
    main = ("Calloway opposes the pipeline", b.proposition)
    model = NLIModel(TableEncoder({main: [0.9, 0.05, 0.05]}), ("contradiction", "entailment", "neutral"), "f")
    (c,) = score([Candidate("1", "2", 0.7)], {"1": a, "2": b}, model)
    assert c.score == 0.9
    assert c.main_claims == {"a": main[0], "b": main[1], "contradiction": 0.9}
    assert c.to_dict()["main_claims"] == c.main_claims
    # a pair the model reads as wholly neutral is not looked into further (config.OPPOSITE_GATE)
    quiet = TableEncoder(
        {
            (a.proposition, b.proposition): [0.01, 0.01, 0.98],
            (b.proposition, a.proposition): [0.01, 0.01, 0.98],
            main: [0.9, 0.05, 0.05],
        }
    )
    (q,) = score([Candidate("1", "2", 0.7)], {"1": a, "2": b}, NLIModel(quiet, model.labels, "f"))
    assert q.main_claims is None and q.score < 0.02
    # nothing to cut on either side: no main-claim view, and the whole pair's score stands
    short = make("3", "Gazette", "Calloway is against the pipeline")
    (d,) = score([Candidate("3", "2", 0.7)], {"3": short, "2": b}, model)
    assert d.main_claims is None and d.score == FAINT


def test_figures_are_read_with_their_bounds():
    assert numeric_conflict("More than 3,000 people marched", "About 3,400 people joined the march") is None
    assert numeric_conflict("Fewer than 200 people came", "250 people came") == "200 vs 250 people"
    assert numeric_conflict("Nearly 50 people were hurt", "48 people were hurt") is None
    assert numeric_conflict("About 3,000 people marched", "3,400 people marched") == "3000 vs 3400 people"
    # a decade is a date, not a count
    assert numeric_conflict("He was rich in the 80s", "His company failed in the 1980s") is None
    assert numeric_conflict("It peaked in the mid-1990s", "It peaked in the 1970s") is None
    # a majority is a difference of two counts, not a count
    assert numeric_conflict("It passed by 118 votes to 97", "It passed with a majority of 21 votes") is None
    # a currency sign between the bound and the number keeps the bound
    assert numeric_conflict("a loss of more than $915 million", "a loss of $916 million") is None
    assert numeric_conflict("a loss of under £915 million", "a loss of £916 million") == "915 vs 916 million"


def test_an_opposite_counts_only_when_entailed_more_than_the_statement_itself():
    class Lexical:
        """Reads any two sentences about thermostats as entailing each other, whatever the verb."""

        def predict(self, pairs, **kw):
            return [
                [0.05, 0.9, 0.05] if "thermostat" in a and "thermostat" in b else [0, 0, 1] for a, b in pairs
            ]

    model = NLIModel(Lexical(), ("contradiction", "entailment", "neutral"), "fake")
    a = make("1", "Voltwise", "Its smart thermostat cuts household energy use by 30 percent")
    b = make("2", "Voltwise", "Its thermostat cuts energy use by 30 percent", date="2025-02-01")
    (c,) = score([Candidate("1", "2", 0.9)], {"1": a, "2": b}, model)
    assert c.opposite is None and c.score < 0.5  # "raises energy use" is entailed no more than "cuts"


def test_one_claim_with_an_antonym_is_a_contradiction_whatever_the_model_says():
    class Unsure:
        def predict(self, pairs, **kw):
            return [[0.3, 0.1, 0.6] for _ in pairs]

    model = NLIModel(Unsure(), ("contradiction", "entailment", "neutral"), "fake")
    a = make("1", "A", "Varden Rail has won the contract for the Ashby lines")
    b = make("2", "B", "Varden Rail lost the tender for the Ashby lines")
    (c,) = score([Candidate("1", "2", 0.8)], {"1": a, "2": b}, model)
    assert c.score >= 0.9 and c.reason == "antonym"
    (far,) = score([Candidate("1", "2", 0.6)], {"1": a, "2": b}, model)  # too different to be one claim
    assert far.score < 0.5
    negated = make("3", "C", "The union is not opposed to the wind farm")
    (n,) = score(
        [Candidate("1", "3", 0.9)],
        {"1": make("1", "A", "The union supports the wind farm"), "3": negated},
        model,
    )
    assert n.score < 0.5
