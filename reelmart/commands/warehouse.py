"""`reelmart warehouse ...`: tools over built warehouses (compare two builds table by table)."""

from __future__ import annotations

import argparse
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


def cmd_diff(args: argparse.Namespace) -> int:
    from reelmart.marts_diff import diff_builds, format_diffs

    try:
        diffs = diff_builds(args.db_a, args.db_b, float_tolerance=args.float_tolerance)
    except FileNotFoundError as exc:
        raise CommandError(str(exc)) from exc
    print(format_diffs(diffs))
    return 0 if all(d.status in ("same", "rounding") for d in diffs) else 1
