"""The NLI temperature: how a score is calibrated, where the temperature is read from, how it is fitted."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from checker import config
from checker.errors import ModelError
from checker.evaluation import calibration, sweep
from checker.runtime.nli import NLIModel, calibrate, temperature_of

LABELS = ("contradiction", "entailment", "neutral")


def test_calibration_divides_the_log_odds_keeps_the_order_and_one_half():
    assert calibrate(0.5, 3.0) == pytest.approx(0.5)
    assert calibrate(0.9, 1.0) == 0.9
    assert calibrate(0.9, 2.0) == pytest.approx(0.75)  # odds 9 -> 3
    assert calibrate(0.1, 2.0) == pytest.approx(0.25)
    scores = [0.001, 0.2, 0.49, 0.51, 0.8, 0.999]
    assert [calibrate(s, 3.0) for s in scores] == sorted(calibrate(s, 3.0) for s in scores)
    assert 0.0 < calibrate(0.0, 3.0) < calibrate(1.0, 3.0) < 1.0


def test_the_model_calibrates_with_its_own_temperature():
    assert NLIModel(object(), LABELS, "fake").calibrated(0.9) == 0.9
    assert NLIModel(object(), LABELS, "fake", temperature=2.0).calibrated(0.9) == pytest.approx(0.75)


def test_the_temperature_comes_from_the_model_directory(tmp_path: Path):
    assert temperature_of(tmp_path) == 1.0  # no calibration file: as trained
    (tmp_path / config.NLI_CALIBRATION_FILE).write_text(json.dumps({"temperature": 2.5}))
    assert temperature_of(tmp_path) == 2.5


@pytest.mark.parametrize("content", ["{}", '{"temperature": "warm"}', '{"temperature": 0}', "[1]"])
def test_a_broken_calibration_file_is_a_model_error(tmp_path: Path, content: str):
    (tmp_path / config.NLI_CALIBRATION_FILE).write_text(content)
    with pytest.raises(ModelError, match="calibration|temperature"):
        temperature_of(tmp_path)


def _overconfident(n: int, sharpen: float, seed: int = 0) -> calibration.DevSet:
    """Items that are real with chance p while the model says p's log-odds times ``sharpen``."""
    rng = np.random.default_rng(seed)
    p = 1 / (1 + np.exp(-rng.normal(0, 1.5, n)))
    real = rng.random(n) < p
    raw = np.array([calibrate(float(x), 1 / sharpen) for x in p])
    return calibration.DevSet("synthetic", raw, real)


def test_fitting_recovers_the_temperature_of_an_overconfident_model():
    dev = _overconfident(4000, sharpen=3.0)
    t = calibration.fit_temperature([dev])
    assert 2.5 < t < 3.6
    assert calibration.mean_log_loss([dev], t) < calibration.mean_log_loss([dev], 1.0)
    assert calibration.expected_calibration_error(dev.scores(t), dev.real) < 0.05


def test_a_calibrated_model_keeps_temperature_one():
    dev = _overconfident(4000, sharpen=1.0, seed=1)
    assert calibration.fit_temperature([dev]) == pytest.approx(1.0, abs=0.2)
    assert calibration.expected_calibration_error(dev.raw, dev.real) < 0.05


def test_each_set_weighs_the_same_however_many_items_it_has():
    big, small = _overconfident(4000, 1.0, seed=2), _overconfident(200, 4.0, seed=3)
    both = calibration.fit_temperature([big, small])
    assert calibration.fit_temperature([big]) < both < calibration.fit_temperature([small])


def test_reliability_bins_hold_every_item_once():
    scores = np.array([0.05, 0.15, 0.15, 0.95, 1.0])
    real = np.array([False, False, True, True, True])
    rows = calibration.reliability(scores, real, bins=10)
    assert sum(r["n"] for r in rows) == 5
    assert rows[1] == {"lo": 0.1, "hi": 0.2, "n": 2, "mean_score": 0.15, "real": 0.5}
    assert rows[9]["n"] == 2 and rows[5]["mean_score"] is None


def test_the_sweep_sets_the_uncued_bar_only_inside_and_restores_it():
    before = config.UNCUED_THRESHOLD
    with sweep.uncued(0.123):
        assert config.UNCUED_THRESHOLD == 0.123
    assert config.UNCUED_THRESHOLD == before
