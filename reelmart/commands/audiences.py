"""`reelmart audiences list|overlap|export`: inspect audiences in the serving snapshot and export them."""

from __future__ import annotations

import argparse
import os
import signal
from datetime import UTC, datetime
from pathlib import Path

from audience_export import (
    DEFAULT_LEDGER_PATH,
    DESTINATIONS,
    AudienceTooSmallError,
    ExportLedger,
    UnknownDestinationError,
    snapshot,
)
from audience_export.snapshot import AudienceError
from reelmart.bench.table import print_table
from reelmart.cli import CommandError
from reelmart.warehouse import WarehousePaths, publish_pending

DEFAULT_DB_PATH = Path("data/serving/reelmart.duckdb")


def _list(args: argparse.Namespace) -> int:
    _publish_pending(args.db)
    db = Path(args.db)
    try:
        with snapshot.connect(db) as con:
            definitions = snapshot.definitions(con)
            sizes = snapshot.sizes(con)
    except AudienceError as exc:
        raise CommandError(str(exc)) from exc
    relations = list(sizes)
    built = datetime.fromtimestamp(os.path.getmtime(db), UTC).strftime("%Y-%m-%d %H:%M UTC")
    ledger_path = Path(args.ledger)
    last_export: dict[str, str] = {}
    if ledger_path.exists():
        for run in ExportLedger(ledger_path).runs():
            last_export[run.audience] = f"{run.run_ts[:16]} {run.destination}"
    rows = []
    for relation in relations:
        name = relation.removeprefix("aud_")
        definition = definitions.get(name, snapshot.Definition(name))
        rows.append(
            {
                "audience": name,
                "size": sizes[relation],
                "last build": built,
                "destinations": ", ".join(definition.destinations),
                "last export": last_export.get(name, last_export.get(relation, "never")),
            }
        )
    print_table(
        rows, f"Audiences in {db}", columns=["audience", "size", "last build", "destinations", "last export"]
    )
    return 0


def _overlap(args: argparse.Namespace) -> int:
    _publish_pending(args.db)
    try:
        with snapshot.connect(Path(args.db)) as con:
            o = snapshot.overlap(con, args.a, args.b)
    except AudienceError as exc:
        raise CommandError(str(exc)) from exc
    print_table(
        [
            {
                "audience A": args.a,
                "audience B": args.b,
                "size A": o["size_a"],
                "size B": o["size_b"],
                "intersection": o["intersection"],
                "union": o["union"],
                "jaccard": o["jaccard"],
            }
        ],
        "Audience overlap",
    )
    return 0


def _publish_pending(db: str) -> None:
    """A build a plain `dbt build` left green is published before the snapshot is read (data/serving layout)."""
    path = Path(db).resolve()
    if path.name == "reelmart.duckdb" and path.parent.name == "serving":
        publish_pending(WarehousePaths(path.parent.parent))


def _terminated(signum, frame):
    raise SystemExit(128 + signum)


def _export(args: argparse.Namespace) -> int:
    # a SIGTERM (kill, a scheduler's timeout) unwinds like Ctrl-C, so the export removes its temporary
    # files of hashed identifiers; a SIGKILL cannot be caught, and the next export removes them
    signal.signal(signal.SIGTERM, _terminated)
    _publish_pending(args.db)
    try:
        result = snapshot.export_from_snapshot(
            args.db,
            args.name,
            args.destination,
            args.out,
            args.ledger,
            min_size=args.min_size,
            chunk_size=args.chunk_size,
            phone_format=args.phone_format,
            force_min_size=args.force_min_size,
        )
    except (AudienceError, AudienceTooSmallError, UnknownDestinationError, ValueError) as exc:
        raise CommandError(str(exc)) from exc
    print_table(
        [
            {
                "run": result.run_id,
                **result.counts,
                "files": len(result.manifest["files"]),
                "directory": str(result.run_dir),
            }
        ],
        f"Exported {result.manifest['audience']} to {args.destination}",
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    audiences = subparsers.add_parser("audiences", help="list, compare and export audiences")
    commands = audiences.add_subparsers(dest="audiences_command", required=True, metavar="ACTION")

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--db", default=str(DEFAULT_DB_PATH), help="serving DuckDB snapshot (read-only)")
        parser.add_argument("--ledger", default=str(DEFAULT_LEDGER_PATH), help="export ledger (SQLite)")

    listing = commands.add_parser("list", help="audiences with size, last build, destinations, last export")
    common(listing)
    listing.set_defaults(func=_list)

    overlap = commands.add_parser("overlap", help="sizes, intersection and Jaccard index of two audiences")
    overlap.add_argument("a")
    overlap.add_argument("b")
    common(overlap)
    overlap.set_defaults(func=_overlap)

    export = commands.add_parser("export", help="write hashed full/add/remove files for one destination")
    export.add_argument("name", help="audience name, with or without the aud_ prefix")
    export.add_argument("--destination", required=True, help=f"one of: {', '.join(DESTINATIONS)}")
    export.add_argument("--out", required=True, help="output directory")
    export.add_argument("--min-size", type=int, default=None,
                        help="raise the minimum size (the destination's and the definition's are floors)")
    export.add_argument("--force-min-size", type=int, default=None, metavar="N",
                        help="set the minimum size to N even below the destination's documented minimum")
    export.add_argument("--chunk-size", type=int, default=None, help="override rows per file")
    export.add_argument("--phone-format", choices=["e164", "digits"], default=None,
                        help="tiktok only (default digits, TikTok's current rule)")
    common(export)
    export.set_defaults(func=_export)
