"""bench creators, retention section: the baseline detector, the scale checks and the 1M guard."""

from __future__ import annotations

import argparse

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
                              retention_keep=False)
    with pytest.raises(SystemExit, match="unknown scale"):
        bench.run(args)


def test_1m_is_skipped_on_a_busy_machine(monkeypatch):
    monkeypatch.setattr(bench, "_machine", lambda: {"load": 9.0, "free_gb": 20.0})
    assert "load average 9.0" in bench._too_busy("1m")
    monkeypatch.setattr(bench, "_machine", lambda: {"load": 1.0, "free_gb": 20.0})
    assert bench._too_busy("1m") is None
    assert bench._too_busy("20k") is None
