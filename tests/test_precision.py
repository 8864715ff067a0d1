"""The torch encoders' precision: bf16 autocast where the CPU multiplies bf16 natively, fp32 elsewhere."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
from typer.testing import CliRunner

from checker import config
from checker.cli import app
from checker.errors import UsageError
from checker.runtime import precision
from checker.runtime.tagger import load_tagger

SEED = config.PROJECT_ROOT / "seeds" / "israel-truce-times-of-israel.txt"


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    precision.bf16.cache_clear()
    yield
    precision.bf16.cache_clear()


@pytest.mark.parametrize(
    ("setting", "features", "expected"),
    [
        ("auto", ["avx2", "avx512f", "avx512_bf16"], True),
        ("auto", ["avx2", "amx_bf16"], True),
        ("auto", ["avx2", "avx512_vnni"], False),
        ("on", ["avx2"], True),
        ("OFF", ["avx512_bf16"], False),
    ],
)
def test_the_setting_and_the_cpu_decide(monkeypatch, setting, features, expected):
    monkeypatch.setattr(config, "BF16", setting)
    monkeypatch.setattr(precision, "cpu", lambda: ("test cpu", features))
    assert precision.bf16() is expected
    assert precision.name() == ("bf16" if expected else "fp32")


def test_autocast_runs_torch_in_the_chosen_precision(monkeypatch):
    layer = torch.nn.Linear(4, 4)
    for setting, dtype in (("on", torch.bfloat16), ("off", torch.float32)):
        monkeypatch.setattr(config, "BF16", setting)
        precision.bf16.cache_clear()
        with precision.autocast():
            assert layer(torch.ones(1, 4)).dtype == dtype


def test_a_bad_setting_is_a_one_line_error_before_any_model_loads(monkeypatch):
    monkeypatch.setattr(config, "BF16", "fast")
    with pytest.raises(UsageError, match="CHECKER_BF16"):
        precision.bf16()
    result = CliRunner().invoke(app, ["check", str(SEED)])
    assert result.exit_code != 0
    assert "CHECKER_BF16 is 'fast': use one of auto, on, off" in result.output
    assert "Traceback" not in result.output


@pytest.mark.skipif(load_tagger() is None, reason="no attribution tagger in models/")
def test_the_real_tagger_finds_nearly_the_same_spans_in_bf16(monkeypatch):
    text = SEED.read_text(encoding="utf-8")
    tagger = load_tagger()
    spans = {}
    for setting in ("off", "on"):
        monkeypatch.setattr(config, "BF16", setting)
        precision.bf16.cache_clear()
        spans[setting] = set(tagger.tag([text])[0])
    assert spans["off"], "the tagger finds attributions in the seed"
    same = len(spans["off"] & spans["on"]) / len(spans["off"] | spans["on"])
    assert same >= 0.95, spans["off"] ^ spans["on"]
