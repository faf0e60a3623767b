"""`reelmart warehouse diff` (compare two builds table by table) and `reelmart backfill` (reload old export days)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from reelmart.cli import CommandError


def register(subparsers: argparse._SubParsersAction) -> None:
    warehouse = subparsers.add_parser("warehouse", help="tools over built warehouse files")
    tools = warehouse.add_subparsers(dest="warehouse_command", required=True, metavar="TOOL")
    diff = tools.add_parser("diff", help="compare the tables of two DuckDB builds; exit 1 if any differ")
    diff.add_argument("db_a", type=Path)
    diff.add_argument("db_b", type=Path)
    diff.add_argument("--float-tolerance", type=float, default=None,
                      help="accept DOUBLE columns that differ by at most this relative amount (e.g. 1e-9)")
    diff.set_defaults(func=cmd_diff)

    backfill = subparsers.add_parser(
        "backfill", help="reload export days that received a late or re-delivered file, then publish")
    backfill.add_argument("--data-dir", type=Path)
    backfill.add_argument("--export-date", dest="export_dates", action="append", required=True,
                          type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help="repeat for several days")
    backfill.set_defaults(func=cmd_backfill)


def cmd_diff(args: argparse.Namespace) -> int:
    from reelmart.marts_diff import diff_builds, format_diffs

    try:
        diffs = diff_builds(args.db_a, args.db_b, float_tolerance=args.float_tolerance)
    except FileNotFoundError as exc:
        raise CommandError(str(exc)) from exc
    print(format_diffs(diffs))
    return 0 if all(d.status in ("same", "rounding") for d in diffs) else 1


def cmd_backfill(args: argparse.Namespace) -> int:
    """An incremental build that also reloads the given export days (the later export of an event still wins)."""
    from reelmart.commands.platform import _paths
    from reelmart.warehouse import BuildError, build

    days = sorted({day.isoformat() for day in args.export_dates})
    try:
        info = build(_paths(args), extra_vars={"backfill_export_dates": days})
    except BuildError as exc:
        raise CommandError(str(exc)) from exc
    print(f"reloaded export days {', '.join(days)}; published {_paths(args).serving_db} at {info['published_at']}")
    return 0
