"""Placement plan checked against the simulator's planted spend response, on seeds the method was not tuned on.

For each seed (default 21, 22, 23; the method was developed on seed 7 and on synthetic cells) it generates a
platform (default 20k users), builds the models the plan needs, and compares rpt_placement_recommendations
and rpt_placement_plan with the truth in ground_truth/campaign_user_response.parquet: whether each budget
shift points the right way (the segment's true marginal return above / below the advertiser's spend-weighted
true marginal return over the segments the plan compared), whether the gain intervals cover the true gain of
the recommended change (the planted response curve, exact), whether the null campaign got a plan, and the
rank correlation of estimated and true returns. `--old-table PARQUET` scores a saved earlier version of the
mart with the same rules. The backtest table (rpt_placement_backtest) is printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from reelmart.bench.table import measure, print_table
from reelmart.simulate import SCALES, PlatformSimulator
from reelmart.warehouse import WarehousePaths, run_dbt

HELD_OUT_SEEDS = [21, 22, 23]
SELECT = ["+rpt_placement_recommendations", "+rpt_placement_plan", "+rpt_placement_backtest"]
Z90 = 1.6449


def truth_segments(con: duckdb.DuckDBPyConnection, truth_dir: Path, recommendations: str) -> pd.DataFrame:
    """Per row of `recommendations`: true spend, incremental conversions, average and marginal return, and the
    true gain of its budget_change on the planted curve (delivery to the segment's treated users scaled)."""
    truth = json.loads((truth_dir / "truth.json").read_text())
    e0 = truth["campaign_spend_response"]["saturation_impressions"]
    users = str(truth_dir / "campaign_user_response.parquet")
    return con.execute(f"""
        with response as (
            select * from read_parquet(?) where treated
        ),
        membership as (
            select response.*, 'age_band_device' as segment_type,
                   coalesce(users.age_band, 'unknown') || ' / ' || coalesce(users.device_os, 'unknown') as segment
            from response left join dim_users as users on response.user_id = users.user_id
            union all
            select response.*, 'uplift_decile', 'decile ' || lpad(cast(scores.uplift_decile as varchar), 2, '0')
            from response inner join fct_campaign_uplift_scores as scores
                on response.campaign_id = scores.campaign_id and response.user_id = scores.user_id
            where scores.uplift_decile is not null
        ),
        recs as (
            select *, case when spend > 0 then budget_change / cast(spend as double) else 0 end as change_share
            from {recommendations}
        )
        select
            recs.advertiser_id, recs.campaign_id, recs.segment_type, recs.segment,
            sum(membership.expected_spend) as true_spend,
            sum(membership.effect) as true_incremental,
            1000 * sum(membership.effect) / sum(membership.expected_spend) as true_average_return_per_1000,
            1000 * sum(membership.marginal_effect_per_spend * membership.expected_spend)
                / sum(membership.expected_spend) as true_marginal_return_per_1000,
            sum(membership.effect_cap * (exp(-membership.expected_impressions / {e0})
                - exp(-(1 + recs.change_share) * membership.expected_impressions / {e0}))) as true_gain
        from recs
        inner join membership
            on recs.campaign_id = membership.campaign_id and recs.segment_type = membership.segment_type
            and recs.segment = membership.segment
        group by all
    """, [users]).df()


def evaluate(con: duckdb.DuckDBPyConnection, truth_dir: Path, recommendations: str = "rpt_placement_recommendations",
             plan: str | None = "rpt_placement_plan") -> dict:
    """The issue's measures for one build. `plan` None: plan intervals as sum +/- 1.645 sqrt(sum se^2)."""
    recs = con.execute(f"select * from {recommendations}").df()
    truth = truth_segments(con, truth_dir, recommendations)
    rows = recs.merge(truth, on=["advertiser_id", "campaign_id", "segment_type", "segment"], how="left")
    null_campaigns = {c["campaign_id"] for c in json.loads((truth_dir / "truth.json").read_text())["campaigns"]
                      if c["base_uplift"] == 0}
    rows["spend"] = rows["spend"].astype(float)
    in_universe = rows["return_rank"].notna()
    if "campaign_has_effect" in rows:
        in_universe &= rows["campaign_has_effect"].fillna(False).astype(bool)
    rows["in_universe"] = in_universe
    moved = rows["budget_change"].fillna(0) != 0
    right, covered, plans_covered, claimed, true_total = [], [], [], 0.0, 0.0
    for (advertiser, kind), part in rows.groupby(["advertiser_id", "segment_type"]):
        universe = part[part["in_universe"]]
        if universe.empty:
            continue
        reference = np.average(universe["true_marginal_return_per_1000"], weights=universe["spend"])
        shifted = part[part["budget_change"].fillna(0) != 0]
        if shifted.empty:
            continue
        effect_rows = shifted[~shifted["campaign_id"].isin(null_campaigns)]
        right += list(np.sign(effect_rows["budget_change"])
                      == np.sign(effect_rows["true_marginal_return_per_1000"] - reference))
        covered += list((shifted["expected_gain_ci_lower"] <= shifted["true_gain"])
                        & (shifted["true_gain"] <= shifted["expected_gain_ci_upper"]))
        total_true = float(shifted["true_gain"].sum())
        if plan is None:
            gain = float(shifted["expected_gain"].sum())
            half = Z90 * float(np.sqrt((shifted["expected_gain_se"] ** 2).sum()))
            lower, upper = gain - half, gain + half
        else:
            gain, lower, upper = con.execute(
                f"select expected_gain, expected_gain_ci_lower, expected_gain_ci_upper from {plan} "
                "where advertiser_id = ? and segment_type = ?", [advertiser, kind]).fetchone()
        plans_covered.append(lower <= total_true <= upper)
        claimed += gain
        true_total += total_true
    effect = rows[rows["in_universe"] & ~rows["campaign_id"].isin(null_campaigns)]
    estimate = "marginal_return_per_1000" if "marginal_return_per_1000" in rows else "return_per_1000"
    shifts = rows[moved]
    return {
        "rows": len(rows), "shifts": int(moved.sum()),
        "toward / away": f"{int((shifts['budget_change'] > 0).sum())} / {int((shifts['budget_change'] < 0).sum())}",
        "right way": f"{sum(right)} of {len(right)}",
        "right way %": 100 * np.mean(right) if right else float("nan"),
        "Spearman return": stats.spearmanr(effect["return_per_1000"], effect["true_average_return_per_1000"])[0],
        "Spearman marginal": stats.spearmanr(effect[estimate], effect["true_marginal_return_per_1000"])[0],
        "row CI covers": f"{sum(covered)} of {len(covered)}",
        "plan CI covers": f"{sum(plans_covered)} of {len(plans_covered)}",
        "claimed gain": claimed, "true gain": true_total,
        "shift CI has 0": int(((shifts["expected_gain_ci_lower"] <= 0) & (shifts["expected_gain_ci_upper"] >= 0)).sum()),
        "away claims gain": int(((shifts["budget_change"] < 0) & (shifts["expected_gain"] > 0)).sum()),
        "null campaign shifts": int(shifts["campaign_id"].isin(null_campaigns).sum()),
        "_right": right, "_covered": covered, "_plans_covered": plans_covered,
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds", default=",".join(map(str, HELD_OUT_SEEDS)), help="comma-separated seeds")
    parser.add_argument("--scale", default="20k", choices=sorted(SCALES))
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/reelmart-bench-placement"),
                        help="one instance per seed goes under it (reused when already built)")
    parser.add_argument("--rebuild", action="store_true", help="regenerate and rebuild even if an instance exists")
    parser.add_argument("--old-table", type=Path, help="also score this parquet copy of an earlier mart (one seed)")


def _instance(args: argparse.Namespace, seed: int) -> tuple[WarehousePaths, float]:
    paths = WarehousePaths(args.work_dir / f"{args.scale}-seed{seed}")
    seconds = 0.0
    if args.rebuild or not paths.build_db.exists():
        with measure() as timing:
            PlatformSimulator(SCALES[args.scale], paths.data_dir, seed=seed, progress=False).run()
            run_dbt(["build", "--select", *SELECT, "--exclude", "resource_type:test", "resource_type:unit_test"],
                    paths, quiet=True)
        seconds = timing.seconds
    return paths, seconds


def run(args: argparse.Namespace) -> int:
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    results, backtests = [], []
    for seed in seeds:
        paths, seconds = _instance(args, seed)
        con = duckdb.connect(str(paths.build_db), read_only=True)
        try:
            with measure() as timing:
                result = evaluate(con, paths.ground_truth)
            results.append({"seed": seed, "version": "new", **result, "generate+build s": seconds,
                            "evaluate s": timing.seconds})
            if args.old_table:
                con.execute(f"create temp view old_recommendations as select * from read_parquet('{args.old_table}')")
                results.append({"seed": seed, "version": "old", **evaluate(con, paths.ground_truth,
                                                                          "old_recommendations", plan=None)})
            backtests += [{"seed": seed, **row} for row in con.execute(
                "select * from rpt_placement_backtest order by advertiser_id, segment_type").df().to_dict("records")]
        finally:
            con.close()
    columns = ["seed", "version", "rows", "shifts", "toward / away", "right way", "right way %", "Spearman return",
               "Spearman marginal", "row CI covers", "plan CI covers", "claimed gain", "true gain", "shift CI has 0",
               "away claims gain", "null campaign shifts"]
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print_table(results, f"Placement vs planted truth, {args.scale}, seeds {args.seeds} (load average {load})", columns)
    for version in sorted({r["version"] for r in results}):
        mine = [r for r in results if r["version"] == version]
        right = [x for r in mine for x in r["_right"]]
        covered = [x for r in mine for x in r["_covered"]]
        plans = [x for r in mine for x in r["_plans_covered"]]
        print(f"{version}: pooled right way {sum(right)}/{len(right)}, row intervals cover {sum(covered)}/{len(covered)}, "
              f"plan intervals cover {sum(plans)}/{len(plans)}, null-campaign shifts "
              f"{sum(r['null campaign shifts'] for r in mine)}")
    if backtests:
        print_table(backtests, "Backtest: plan from each flight's first half, judged on the second half's holdout",
                    ["seed", "advertiser_id", "segment_type", "segments_moved", "budget_moved", "predicted_gain",
                     "predicted_gain_ci_lower", "predicted_gain_ci_upper", "realised_gain", "realised_gain_ci_lower",
                     "realised_gain_ci_upper", "segments_not_evaluable"])
    return 0
