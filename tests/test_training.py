"""The NLI training script's distillation loss (``models/train_nli_news.py --teacher``)."""

import importlib.util
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

MODELS = Path(__file__).resolve().parent.parent / "models"


@pytest.fixture(scope="module")
def train():
    sys.path.insert(0, str(MODELS))
    spec = importlib.util.spec_from_file_location("train_nli_news", MODELS / "train_nli_news.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LABEL_ID = {"contradiction": 0, "entailment": 1, "neutral": 2}


def test_a_teacher_sure_of_the_gold_label_teaches_what_the_label_does(train):
    logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 0.3]])
    batch = [("p1", "h1", "contradiction"), ("p2", "h2", "neutral")]
    taught = {("p1", "h1"): [1.0, 0.0, 0.0], ("p2", "h2"): [0.0, 0.0, 1.0]}
    ce = torch.nn.functional.cross_entropy(logits, torch.tensor([0, 2]))
    for weight in (0.0, 0.5, 1.0):
        loss = train.distil_loss(logits, batch, taught, LABEL_ID, weight, "cpu")
        assert loss.item() == pytest.approx(ce.item(), abs=1e-4)


def test_an_unlabelled_row_learns_from_the_teacher_alone(train):
    logits = torch.tensor([[0.0, 0.0, 0.0]])
    teacher = [0.2, 0.3, 0.5]
    batch = [("p", "h", train.UNLABELLED)]
    loss = train.distil_loss(logits, batch, {("p", "h"): teacher}, LABEL_ID, 0.0, "cpu")
    t = torch.tensor(teacher)
    kl = (t * (t.log() - torch.log_softmax(logits[0], -1))).sum()
    assert loss.item() == pytest.approx(kl.item(), abs=1e-5)
    # the student matching the teacher has nothing left to learn from it
    matched = torch.log(t).unsqueeze(0)
    assert train.distil_loss(matched, batch, {("p", "h"): teacher}, LABEL_ID, 0.0, "cpu").item() < 1e-6


DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@pytest.mark.skipif(
    not (DATA / "nli-news").is_dir(), reason=f"no written pairs at {DATA} (../shared/data is absent)"
)
def test_transfer_pairs_are_read_both_ways_and_left_to_the_teacher(train, tmp_path):
    import argparse
    import json

    path = tmp_path / "candidates.jsonl"
    lines = [
        {"a": {"proposition": "The plant will close"}, "b": {"proposition": "The plant stays open"}},
        {"premise": "It rained", "hypothesis": "It was dry"},
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    args = argparse.Namespace(
        seed=13, data=DATA, skip=[], real=None, fnc1=0, public="slice", old=10, transfer=0,
        transfer_from=[path], add=[],
    )  # fmt: skip
    rows, counts = train.training_rows(args)
    assert counts["transfer:candidates.jsonl"] == 4 and counts["v2-public"] == 10
    taught = sorted(r for r in rows if r[2] == train.UNLABELLED)
    assert taught == sorted([
        ("The plant will close", "The plant stays open", train.UNLABELLED),
        ("The plant stays open", "The plant will close", train.UNLABELLED),
        ("It rained", "It was dry", train.UNLABELLED),
        ("It was dry", "It rained", train.UNLABELLED),
    ])  # fmt: skip
