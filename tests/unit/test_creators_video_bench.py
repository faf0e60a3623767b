"""`reelmart bench creators --sections video` end to end on one planted file (baselines included)."""

from __future__ import annotations

import pytest

from reelmart.cli import main


@pytest.mark.slow
def test_bench_scores_our_detector_and_the_baseline(tmp_path, capsys):
    assert main(["bench", "creators", "--sections", "video", "--video-files", "1", "--video-seed", "5",
                 "--video-dir", str(tmp_path), "--video-baselines", "adaptive"]) == 0
    out = capsys.readouterr().out
    assert "Shot boundaries on 1 planted videos" in out and "load average" in out
    ours = next(line for line in out.splitlines() if line.startswith("| reelmart"))
    baseline = next(line for line in out.splitlines() if line.startswith("| PySceneDetect Adaptive"))
    f1 = lambda line: float(line.split("|")[6])  # noqa: E731
    assert f1(ours) >= 0.9 and f1(ours) > f1(baseline)
    assert len(list(tmp_path.glob("*.mp4"))) == 1
