"""Creator studio, text section: planted title terms and hashtags recovered from the term table, and its speed.

Per seed: simulate a platform, build the models upstream of int_video_text_engagement (watch events,
retention, comment sentiment), then rank each category's terms four ways and score the ranking against
the simulator's planted items (truth key title_terms): the shrunk lift (what fct_category_terms serves),
the raw lift, the raw lift's z score, and term frequency (what a "popular terms" list shows). The
interval on precision@k is Clopper-Pearson over the pooled planted surfaces. Then the held-out check of
title scores (models_ml.creators.titles.ranking_check): the latest 30% of videos, Spearman per category.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import duckdb
from scipy import stats

from reelmart.bench.table import measure, print_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--text-seeds", type=int, nargs="+", default=[23],
                        help="simulator seeds to score (default 23: never used while choosing the method)")
    parser.add_argument("--text-scale", default="20k", help="simulator scale (default 20k)")
    parser.add_argument("--text-data-dir", type=Path, default=None,
                        help="where to simulate and build (default: a temporary folder, removed after)")


def _rankings(table):
    """Order columns (1 = best) for the four rankings compared."""
    ranked = table.copy()
    group = ranked.groupby("category")
    ranked["rank_raw"] = group["raw_engagement_lift"].rank(ascending=False, method="first")
    ranked["z"] = ranked["raw_engagement_lift"] / ranked["engagement_lift_se"]
    ranked["rank_z"] = ranked.groupby("category")["z"].rank(ascending=False, method="first")
    ranked["rank_frequency"] = group["videos_with"].rank(ascending=False, method="first")
    return ranked, {"shrunk lift (served)": "rank_in_category", "raw lift": "rank_raw", "z score": "rank_z",
                    "term frequency (popular terms)": "rank_frequency"}


def _score_seed(seed: int, scale_name: str, data_dir: Path) -> tuple[list[dict], list[dict], dict]:
    import yaml

    from models_ml.creators.text import (
        category_term_effects,
        score_planted_terms,
        term_config,
        term_cooccurrence,
    )
    from models_ml.creators.titles import ranking_check
    from reelmart.simulate import SCALES, PlatformSimulator
    from reelmart.warehouse import PROJECT_DIR, WarehousePaths, run_dbt

    paths = WarehousePaths(data_dir / f"seed{seed}")
    started = time.perf_counter()
    PlatformSimulator(SCALES[scale_name], paths.data_dir, seed=seed, progress=False).run()
    run_dbt(["seed"], paths, quiet=True)  # the sentiment model trains on a seed when no artifact is set
    run_dbt(["run", "--select", "+int_video_text_engagement"], paths, quiet=True)
    prepare_s = time.perf_counter() - started
    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        videos = con.execute("select * from int_video_text_engagement").df()
    settings = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]["creator_text"]
    config = term_config(settings)
    title_terms = json.loads((paths.ground_truth / "truth.json").read_text())["title_terms"]["items"]

    with measure() as terms_m:
        table = category_term_effects(videos, config)
    with measure() as pairs_m:
        pairs = term_cooccurrence(videos, config)
    with measure() as check_m:
        check = ranking_check(videos, config, random_state=seed)
    ranked, orders = _rankings(table)
    rows, rows_rank = [], []
    for name, column in orders.items():
        score = score_planted_terms(ranked, title_terms, order=column)
        ci = stats.binomtest(score["hits"], score["k_total"]).proportion_ci(0.95) if score["k_total"] else None
        rows.append({"seed": seed, "ranking": name, "planted surfaces in table (k)": score["k_total"],
                     "hits in top k": score["hits"], "precision@k": score["precision_at_k"],
                     "95% CI": f"[{ci.low:.2f}, {ci.high:.2f}]" if ci else "n/a",
                     "controls in top k": score["controls_in_top_k"],
                     "of all lifted surfaces": score["recall_all"]})
    for row in check.to_dict("records"):
        rows_rank.append({"seed": seed, "score": row["score"], "train / held-out videos":
                          f"{row['train_videos']} / {row['heldout_videos']}", "Spearman": row["spearman"],
                          "95% CI": f"[{row['spearman_lower']:.2f}, {row['spearman_upper']:.2f}]",
                          "vs popularity": row["vs_baseline"],
                          "95% CI ": f"[{row['vs_baseline_lower']:.2f}, {row['vs_baseline_upper']:.2f}]"})
    eligible = int((videos["views"] >= config.min_views).sum())
    speed = {"seed": seed, "videos": len(videos), "eligible videos": eligible, "term rows": len(table),
             "term table s": terms_m.seconds, "videos/s (term table)": len(videos) / terms_m.seconds,
             "pair rows": len(pairs), "co-occurrence s": pairs_m.seconds,
             "ranking check s": check_m.seconds,
             "peak MB": max(terms_m.peak_rss_mb, pairs_m.peak_rss_mb), "simulate + build s": prepare_s}
    return rows, rows_rank, speed


def run(args: argparse.Namespace) -> int:
    load_before = os.getloadavg()
    quality, ranking, speed = [], [], []
    with tempfile.TemporaryDirectory(prefix="reelmart-bench-text-") as tmp:
        data_dir = args.text_data_dir or Path(tmp)
        for seed in args.text_seeds:
            rows, rows_rank, timing = _score_seed(seed, args.text_scale, data_dir)
            quality += rows
            ranking += rows_rank
            speed.append(timing)
    print_table(quality, f"Creator text: planted terms recovered (scale {args.text_scale})")
    print_table(ranking, f"Creator text: held-out ranking of titles, latest 30% of videos (scale {args.text_scale})")
    print_table(speed, f"Creator text: term table and co-occurrence speed (scale {args.text_scale})")
    load_after = os.getloadavg()
    print(f"load average (1/5/15 min) before {', '.join(f'{v:.1f}' for v in load_before)}; "
          f"after {', '.join(f'{v:.1f}' for v in load_after)} on {os.cpu_count()} cores", flush=True)
    return 0
