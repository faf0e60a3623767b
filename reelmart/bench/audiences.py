"""Audience export: members/s for normalise + hash + write per destination, peak memory, diff time."""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import pyarrow as pa

from audience_export import DESTINATIONS, ExportLedger, export_audience
from audience_export.synthetic import messy_members
from reelmart.bench.table import measure, print_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--members", type=int, default=1_000_000, help="audience size (default 1,000,000)")
    parser.add_argument("--changed", type=float, default=0.05, help="share of members changed for run 2")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--destinations", nargs="+", default=list(DESTINATIONS), choices=list(DESTINATIONS))
    parser.add_argument(
        "--work-dir", default=None, help="where files are written (default: a temp dir, removed)"
    )


def changed_copy(members: pa.Table, share: float, seed: int) -> pa.Table:
    """The same audience with `share` of members given a new email (one remove + one add each)."""
    rng = random.Random(seed)
    picked = set(rng.sample(range(members.num_rows), int(members.num_rows * share)))
    ids = members["user_id"].to_pylist()
    emails = [
        f"changed.{u}@example.com" if i in picked else e
        for i, (u, e) in enumerate(zip(ids, members["email"].to_pylist(), strict=True))
    ]
    return members.set_column(members.schema.get_field_index("email"), "email", pa.array(emails, pa.string()))


def run(args: argparse.Namespace) -> int:
    first = messy_members(args.members, seed=args.seed)
    second = changed_copy(first, args.changed, args.seed + 1)
    rows = []
    with tempfile.TemporaryDirectory(dir=args.work_dir) as work:
        for name in args.destinations:
            ledger = ExportLedger(Path(work) / name / "ledger.sqlite")
            out = Path(work) / name / "out"
            cpu = time.process_time()
            with measure() as first_run:
                result = export_audience(first, "bench", name, out, ledger, "bench-v1", force_min_size=1)
            cpu = time.process_time() - cpu
            with measure() as second_run:
                rerun = export_audience(second, "bench", name, out, ledger, "bench-v1", force_min_size=1)
            counts = result.counts
            rows.append(
                {
                    "destination": name,
                    "members": counts["members"],
                    "written": counts["written"],
                    "unmatched": counts["unmatched"],
                    "run 1 s": first_run.seconds,
                    "members/s": counts["members"] / first_run.seconds,
                    "cpu s": cpu,
                    "normalise+hash s": result.timings["normalise_hash"],
                    "write s": result.timings["write"],
                    "peak MB": max(first_run.peak_rss_mb, second_run.peak_rss_mb),
                    "run 2 s": second_run.seconds,
                    "diff s": rerun.timings["diff"],
                    "added": rerun.counts["added"],
                    "removed": rerun.counts["removed"],
                }
            )
    print_table(
        rows, f"Audience export, {args.members:,} messy members, run 2 with {args.changed:.0%} changed"
    )
    return 0
