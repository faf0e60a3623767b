"""A copy of a serving snapshot with a placement plan written into it, to test how a plan reads.

The tiny warehouse (600 users) has too little data for any shift, which is the right answer there; the
pages must also read well when there is a plan, so this copy sets two of an advertiser's segments to a
budget move (values below, not measured: rendering fixtures only).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

ADVERTISER = "adv_glowup"
MOVED = 12.5


def serving_copy_with_plan(serving_db: Path, folder: Path) -> Path:
    target = folder / "serving-with-plan.duckdb"
    shutil.copy(serving_db, target)
    with duckdb.connect(str(target)) as con:
        toward, away = con.execute(
            "select campaign_id, segment from rpt_placement_recommendations where advertiser_id = ? and segment_type = "
            "'age_band_device' order by treated_users desc, campaign_id, segment limit 2", [ADVERTISER]).fetchall()
        common = ("campaign_has_effect = true, chance_above_average = ?, marginal_return_per_1000 = ?, "
                  "advertiser_marginal_return_per_1000 = 40, expected_gain = ?, expected_gain_ci_lower = ?, "
                  "expected_gain_ci_upper = ?")
        con.execute(f"update rpt_placement_recommendations set action = 'shift_toward', budget_change = ?, "
                    f"target_audience = 'aud_persuadables_' || campaign_id, {common} "
                    "where campaign_id = ? and segment_type = 'age_band_device' and segment = ?",
                    [MOVED, 0.96, 80.0, 0.6, 0.2, 1.1, *toward])
        con.execute(f"update rpt_placement_recommendations set action = 'shift_away', budget_change = ?, {common} "
                    "where campaign_id = ? and segment_type = 'age_band_device' and segment = ?",
                    [-MOVED, 0.03, 10.0, -0.1, -0.3, -0.02, *away])
        con.execute("update rpt_placement_plan set status = 'plan', budget_moved = ?, expected_gain = 0.5, "
                    "expected_gain_ci_lower = 0.1, expected_gain_ci_upper = 0.9, chance_of_gain = 0.97, "
                    "segments_toward = 1, segments_away = 1 where advertiser_id = ? and segment_type = 'age_band_device'",
                    [MOVED, ADVERTISER])
        con.execute("update rpt_placement_backtest set segments_moved = 2, budget_moved = 6, predicted_gain = 0.3, "
                    "predicted_gain_ci_lower = 0.05, predicted_gain_ci_upper = 0.6, realised_gain = 0.2, "
                    "realised_gain_ci_lower = -0.4, realised_gain_ci_upper = 0.8 "
                    "where advertiser_id = ? and segment_type = 'age_band_device'", [ADVERTISER])
    return target
