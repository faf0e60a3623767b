"""bench creators, retention section: the baseline detector, the scale checks and the 1M guard."""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import pytest

from reelmart.bench import creators_retention as bench


def _curve(exits_at: dict[int, int], duration: int = 20, views: int = 1000) -> pd.DataFrame:
    rows, at_risk = [], views
    for second in range(duration + 1):
        exits = exits_at.get(second, 10) if second < duration else 0
        rows.append({"video_id": 1, "second_index": second, "duration_seconds": duration,
                     "views_at_risk": at_risk, "exits": exits})
        at_risk -= exits
    return pd.DataFrame(rows)


def test_threshold_baseline_flags_a_spike_and_only_inside_the_testable_seconds():
    found = bench.threshold_dips(_curve({8: 60, 1: 200, 18: 200}))
    assert found["second_index"].tolist() == [8]  # seconds 1 and 18 are outside 2..duration-5


def test_unknown_scale_is_refused_before_anything_runs(tmp_path):
    args = argparse.Namespace(retention_scales="20k,huge", retention_seed=23, retention_work_dir=tmp_path,
                              retention_keep=False, retention_ratio_sweep="")
    with pytest.raises(SystemExit, match="unknown scale"):
        bench.run(args)


def test_1m_is_skipped_on_a_busy_machine(monkeypatch):
    monkeypatch.setattr(bench, "_machine", lambda: {"load": 9.0, "free_gb": 20.0})
    assert "load average 9.0" in bench._too_busy("1m")
    monkeypatch.setattr(bench, "_machine", lambda: {"load": 1.0, "free_gb": 20.0})
    assert bench._too_busy("1m") is None
    assert bench._too_busy("20k") is None


def test_ratio_sweep_counts_a_small_unplanted_dip_as_false_until_the_floor_passes_it():
    """Second 8 planted (5x the hazard), second 14 not (1.5x): at ratio 1 both are found, at 2 only 8."""
    rng = np.random.default_rng(3)
    hazards = np.full(25, 0.03)
    hazards[8], hazards[14] = 0.15, 0.045
    at_risk, exits, left = [], [], 200_000
    for h in hazards[:-1]:
        at_risk.append(left)
        exits.append(rng.binomial(left, h))
        left -= exits[-1]
    curve = pd.DataFrame({"video_id": 1, "second_index": np.arange(25), "views_at_risk": at_risk + [left],
                          "exits": exits + [0]})
    planted = pd.DataFrame({"video_id": [1], "second": [8]})
    rows = bench.ratio_sweep(curve, planted, [1.0, 2.0], bench.KeyMomentConfig(), {"scale": "test"})
    assert [(r["min hazard ratio"], r["detected"], r["false"]) for r in rows] == [(1.0, 2, 1), (2.0, 1, 0)]
    assert 1.3 < rows[0]["false median ratio"] < 1.7
    assert rows[1]["precision"] == 1.0 and rows[1]["false median ratio"] is None
