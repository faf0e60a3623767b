"""`reelmart audiences list|overlap|export`: inspect audiences in the serving snapshot and export them."""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from reelmart.audiences import (
    DEFAULT_LEDGER_PATH,
    DESTINATIONS,
    AudienceTooSmallError,
    ExportLedger,
    UnknownDestinationError,
    export_audience,
)
from reelmart.bench.table import print_table
from reelmart.cli import CommandError

DEFAULT_DB_PATH = Path("data/serving/reelmart.duckdb")


def _connect(db: Path) -> duckdb.DuckDBPyConnection:
    if not db.exists():
        raise CommandError(f"no serving snapshot at {db} (build the warehouse or pass --db)")
    return duckdb.connect(str(db), read_only=True)


def _audience_relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table or view named aud_% in the snapshot: the only names export may query."""
    rows = con.execute(
        "select distinct table_name from information_schema.tables"
        " where table_name like 'aud\\_%' escape '\\' order by table_name"
    ).fetchall()
    return [r[0] for r in rows]


def _relation(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The quoted relation for an audience name, checked against the catalogue (never interpolated raw)."""
    relations = _audience_relations(con)
    wanted = name if name.startswith("aud_") else f"aud_{name}"
    if wanted not in relations:
        known = ", ".join(r.removeprefix("aud_") for r in relations) or "none"
        raise CommandError(f"unknown audience {name!r}; audiences in the snapshot: {known}")
    return '"' + wanted.replace('"', '""') + '"'


def _definitions(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'audience_definitions'"
    ).fetchall()[0][0]
    if not exists:
        return {}
    cur = con.execute("select * from audience_definitions")
    names = [d[0] for d in cur.description]
    out = {}
    for row in cur.fetchall():
        record = dict(zip(names, row, strict=True))
        out[str(record["audience_name"]).removeprefix("aud_")] = record
    return out


def _destinations_of(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def _list(args: argparse.Namespace) -> int:
    db = Path(args.db)
    with _connect(db) as con:
        relations = _audience_relations(con)
        definitions = _definitions(con)
        sizes = {
            r: con.execute(f"select count(*) from {_relation(con, r)}").fetchall()[0][0] for r in relations
        }
    built = datetime.fromtimestamp(os.path.getmtime(db), UTC).strftime("%Y-%m-%d %H:%M UTC")
    ledger_path = Path(args.ledger)
    last_export: dict[str, str] = {}
    if ledger_path.exists():
        for run in ExportLedger(ledger_path).runs():
            last_export[run.audience] = f"{run.run_ts[:16]} {run.destination}"
    rows = []
    for relation in relations:
        name = relation.removeprefix("aud_")
        definition = definitions.get(name, {})
        rows.append(
            {
                "audience": name,
                "size": sizes[relation],
                "last build": built,
                "destinations": ", ".join(_destinations_of(definition.get("destinations"))),
                "last export": last_export.get(name, last_export.get(relation, "never")),
            }
        )
    print_table(
        rows, f"Audiences in {db}", columns=["audience", "size", "last build", "destinations", "last export"]
    )
    return 0


def _overlap(args: argparse.Namespace) -> int:
    with _connect(Path(args.db)) as con:
        a, b = _relation(con, args.a), _relation(con, args.b)
        size_a, size_b, both = con.execute(f"""
            with a as (select distinct user_id from {a}), b as (select distinct user_id from {b})
            select (select count(*) from a), (select count(*) from b),
                   (select count(*) from a join b using (user_id))
        """).fetchall()[0]
    union = size_a + size_b - both
    jaccard = both / union if union else float("nan")
    print_table(
        [
            {
                "audience A": args.a,
                "audience B": args.b,
                "size A": size_a,
                "size B": size_b,
                "intersection": both,
                "union": union,
                "jaccard": jaccard,
            }
        ],
        "Audience overlap",
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    if args.destination not in DESTINATIONS:
        raise CommandError(
            f"unknown destination {args.destination!r}; choose one of {', '.join(DESTINATIONS)}"
        )
    with _connect(Path(args.db)) as con:
        relation = _relation(con, args.name)
        name = relation.strip('"').removeprefix("aud_")
        definition = _definitions(con).get(name, {})
        allowed = _destinations_of(definition.get("destinations"))
        if allowed and args.destination not in allowed:
            raise CommandError(f"audience {name!r} may only go to: {', '.join(allowed)}")
        members = con.sql(f"""
            select u.user_id, u.email, u.phone, u.country_code, u.zip, u.maid
            from {relation} a
            join dim_user_identifiers u on u.user_id = a.user_id
        """).to_arrow_table()
    min_size = args.min_size if args.min_size is not None else definition.get("min_size")
    try:
        result = export_audience(
            members,
            name,
            args.destination,
            args.out,
            args.ledger,
            definition_version=str(definition.get("definition_version") or "unversioned"),
            min_size=int(min_size) if min_size is not None else None,
            chunk_size=args.chunk_size,
            phone_format=args.phone_format,
        )
    except (AudienceTooSmallError, UnknownDestinationError, ValueError) as exc:
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
        f"Exported {name} to {args.destination}",
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
    export.add_argument("--min-size", type=int, default=None, help="override the destination's minimum size")
    export.add_argument("--chunk-size", type=int, default=None, help="override rows per file")
    export.add_argument("--phone-format", choices=["e164", "digits"], default=None, help="tiktok only")
    common(export)
    export.set_defaults(func=_export)
