"""PolNeAR reading and span scoring, and ``checker eval attribution`` on a tiny synthetic split."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.errors import InputError
from checker.evaluation import polnear

TEXT = (
    "Donald Trump said that the wall would be built.\n"
    "He added: “Mexico will pay for it,\n"
    "and they know it.”\n"
    "Polls show a close race, aides said.\n"
)


def at(needle: str, text: str = TEXT) -> str:
    s = text.index(needle)
    return f"{s} {s + len(needle)}"


ANN_A = "\n".join(
    [
        f"T1\tSource {at('Donald Trump')}\tDonald Trump",
        f"T2\tCue {at('said')}\tsaid",
        f"T3\tContent {at('that the wall would be built')}\tthat the wall would be built",
        f"T4\tAttribution {at('said')}\tsaid",
        "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3",
        f"T5\tSource {at('He')}\tHe",
        f"T6\tCue {at('added')}\tadded",
        # a quote over a line break: one brat fragment per line, surface text over two lines
        f"T7\tContent {at('“Mexico will pay for it,')};{at('and they know it.”')}\t“Mexico will pay for it,",
        "and they know it.”",
        "E2\tAttribution:T6 Source:T5 Cue:T6 Content2:T7",
        f"T8\tDiscard {at('Polls')}\tPolls",
    ]
)
ANN_B = "\n".join(
    [
        f"T1\tSource {at('Donald Trump')}\tDonald Trump",
        f"T2\tCue {at('said')}\tsaid",
        f"T3\tContent {at('the wall would be built')}\tthe wall would be built",
        "E1\tCue:T2 Source:T1 Content:T3",
    ]
)


@pytest.fixture
def split(tmp_path: Path) -> Path:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "nyt_2016-10-01_wall.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "attributions" / "nyt_2016-10-01_wall_ab12.ann").write_text(ANN_A, encoding="utf-8")
    (tmp_path / "attributions" / "nyt_2016-10-01_wall_cd34.ann").write_text(ANN_B, encoding="utf-8")
    return tmp_path


def test_ann_roles_fragments_and_events(split: Path):
    (art,) = polnear.read_dir(split)
    assert [a.annotator for a in art.annotations] == ["ab12", "cd34"]
    a = art.annotations[0]
    spans = {r: [TEXT[s:e] for s, e in a.spans[r]] for r in polnear.ROLES}
    assert spans["source"] == ["Donald Trump", "He"]
    assert spans["cue"] == ["said", "added"]
    # fragments split only by a line break are one span; Discard and Attribution lines are not roles
    quote = "“Mexico will pay for it,\nand they know it.”"
    assert spans["content"] == ["that the wall would be built", quote]
    assert [(len(e.source), len(e.cue), len(e.content)) for e in a.attributions] == [(1, 1, 1), (1, 1, 1)]


def test_fragments_with_words_between_stay_apart():
    text = "“We win,” he said, “and they lose.”"
    ann = f"T1\tContent {at('“We win,”', text)};{at('“and they lose.”', text)}\tx"
    a = polnear.parse_ann(ann, text)
    assert [text[s:e] for s, e in a.spans["content"]] == ["“We win,”", "“and they lose.”"]


def test_trim_exact_and_overlap():
    text = "He said “the wall will be built.” Then"
    s = text.index("“")
    e = text.index("Then") - 1
    assert text[slice(*polnear.trim(text, s, e))] == "the wall will be built"
    t2 = "said that, “we will.”"
    assert t2[slice(*polnear.trim_content(t2, 5, len(t2)))] == "we will"
    assert t2[slice(*polnear.trim(t2, 5, len(t2)))] == "that, “we will"
    assert polnear.matches([(0, 10)], [(0, 10), (0, 4)]) == 1
    assert polnear.overlaps((0, 10), (0, 6)) and not polnear.overlaps((0, 10), (0, 4))
    assert not polnear.overlaps((0, 10), (4, 30))  # half of the gold, but not half of the prediction
    assert polnear.matches([(0, 10)], [(0, 6), (1, 9)], exact=False) == 1  # one-to-one


def test_annotators_are_averaged(split: Path):
    (art,) = polnear.read_dir(split)
    c = TEXT.index("that the wall")
    pred = {"source": [(0, 12)], "cue": [], "content": [(c, c + len("that the wall would be built"))]}
    totals = polnear.empty_totals()
    polnear.score_article(art, pred, totals)
    # annotator A: 2 sources, 1 found; B: 1 source, 1 found -> tp (1+1)/2, gold (2+1)/2
    assert totals["source"].tp == 1.0 and totals["source"].gold == 1.5
    # content: a leading "that" is part of the frame for checker, so both annotators match, and overlap too;
    # PolNeAR's own convention (content_strict) credits only annotator B's "the wall would be built"
    assert totals["content"].tp == 1.0 and totals["content_overlap"].tp == 1.0
    assert totals["content_strict"].tp == 0.5
    assert totals["source"].prf() == {"p": 1.0, "r": 0.6667, "f1": 0.8}


def test_pronoun_antecedent_is_the_nearest_named_source(split: Path):
    (art,) = polnear.read_dir(split)
    ((span, antecedent),) = polnear.pronoun_antecedents(art, art.annotations[0])
    assert TEXT[span[0] : span[1]] == "He" and antecedent == "Donald Trump"
    assert polnear.same_entity(antecedent, "Trump") and not polnear.same_entity(antecedent, "Hillary Clinton")
    assert polnear.name_words("the Clinton campaign") == {"Clinton"}


def test_bad_directory_is_one_line_error(tmp_path: Path):
    with pytest.raises(InputError, match="text/ and attributions/"):
        polnear.read_dir(tmp_path)
    result = CliRunner().invoke(app, ["eval", "attribution", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "no such directory" in result.output


def test_span_past_the_text_is_an_input_error():
    with pytest.raises(InputError, match="past the text"):
        polnear.parse_ann("T1\tSource 0 99\tx", "short", "ab12")


def test_eval_attribution_json(split: Path):
    result = CliRunner().invoke(app, ["eval", "attribution", str(split), "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    for key in ("source", "cue", "content", "content_overlap"):
        assert set(out[key]) == {"p", "r", "f1"}
    assert out["n_docs"] == 1 and out["n_gold"] == 1.5 and out["n_pred"] >= 1
    assert {"pronoun_resolution", "seconds", "note"} <= set(out)
    assert "averaged" in out["note"]
    assert out["cue"]["p"] > 0  # "said" and "added" are found
    assert out["pronoun_resolution"]["n"] == 0.5  # "He", marked by one annotator of two


DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "dev"


@pytest.mark.skipif(not DEV.is_dir(), reason=f"PolNeAR dev not found at {DEV} (../shared/data is absent)")
def test_real_polnear_dev_parses():
    articles = polnear.read_dir(DEV)
    assert len(articles) == 84 and sum(len(a.annotations) for a in articles) == 94
    for art in articles:
        for ann in art.annotations:
            for role in polnear.ROLES:
                assert all(0 <= s < e <= len(art.text) for s, e in ann.spans[role])
