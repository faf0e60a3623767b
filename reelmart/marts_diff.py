"""Compare the tables (marts and seeds) of two DuckDB builds, table by table.

Why: a restructuring of the warehouse must not change a number. Rows are compared as multisets
(`EXCEPT ALL` both ways), so row order does not matter and a duplicated row does; NULLs compare
equal. Views are skipped: they read the landing folder, which belongs to the build, not the file.

DOUBLE sums that DuckDB's parallel aggregation adds in a different order can differ in the last bits
between two builds of the same input; with `float_tolerance` a differing table whose other columns
identify its rows is compared again, row by row, with that relative tolerance on its DOUBLE columns
(status `rounding` when every difference is within it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

# Stamped by `publish` at publish time, so it always differs between two builds.
IGNORED_TABLES = frozenset({"reelmart_build_info"})


@dataclass(frozen=True)
class TableDiff:
    table: str
    status: str  # same | rounding | differs | schema | only_a | only_b
    rows_a: int | None = None
    rows_b: int | None = None
    only_in_a: int = 0
    only_in_b: int = 0
    detail: str = ""


def _tables(con: duckdb.DuckDBPyConnection, alias: str) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_name in ("
        "  select table_name from information_schema.tables where table_catalog = ? and table_type = 'BASE TABLE')"
        " order by table_name, ordinal_position",
        [alias, alias],
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        if table not in IGNORED_TABLES:
            tables.setdefault(table, []).append((column, data_type))
    return tables


def _schema_of(con: duckdb.DuckDBPyConnection, alias: str, table: str) -> str:
    return con.execute(
        "select table_schema from information_schema.tables where table_catalog = ? and table_name = ?",
        [alias, table],
    ).fetchone()[0]


FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")


def _count_one_way(con, a: str, b: str, columns: str) -> int:
    return con.execute(f"select count(*) from (select {columns} from {a} except all "
                       f"select {columns} from {b})").fetchone()[0]


def _within_tolerance(con, a: str, b: str, columns: list[tuple[str, str]], tolerance: float) -> bool:
    """Rows matched on the non-float columns (which must identify them); floats within a relative tolerance."""
    keys = [f'"{name}"' for name, data_type in columns if data_type.upper() not in FLOAT_TYPES]
    floats = [f'"{name}"' for name, data_type in columns if data_type.upper() in FLOAT_TYPES]
    key_list = ", ".join(keys)
    for side in (a, b):
        total, distinct = con.execute(f"select count(*), count(distinct ({key_list})) from {side}").fetchone()
        if total != distinct:
            return False
    matched = " and ".join(f"x.{k} is not distinct from y.{k}" for k in keys)
    far = " or ".join(
        f"(x.{f} is distinct from y.{f} and (x.{f} is null or y.{f} is null or isnan(x.{f}) or isnan(y.{f}) "
        f"or abs(x.{f} - y.{f}) > ? * greatest(abs(x.{f}), abs(y.{f}))))" for f in floats)
    unmatched_or_far = con.execute(
        f"select count(*) from (select *, true as present__ from {a}) as x "
        f"full outer join (select *, true as present__ from {b}) as y on {matched} "
        f"where x.present__ is null or y.present__ is null or {far}", [tolerance] * len(floats)).fetchone()[0]
    return unmatched_or_far == 0


def diff_builds(db_a: Path, db_b: Path, float_tolerance: float | None = None) -> list[TableDiff]:
    """One TableDiff per table in either file, sorted by table name."""
    for path in (db_a, db_b):
        if not Path(path).is_file():
            raise FileNotFoundError(f"no DuckDB file at {path}")
    con = duckdb.connect()
    try:
        con.execute("attach ? as build_a (read_only)", [str(db_a)])
        con.execute("attach ? as build_b (read_only)", [str(db_b)])
        tables_a, tables_b = _tables(con, "build_a"), _tables(con, "build_b")
        diffs = []
        for table in sorted(set(tables_a) | set(tables_b)):
            if table not in tables_b:
                diffs.append(TableDiff(table, "only_a"))
                continue
            if table not in tables_a:
                diffs.append(TableDiff(table, "only_b"))
                continue
            a = f'build_a."{_schema_of(con, "build_a", table)}"."{table}"'
            b = f'build_b."{_schema_of(con, "build_b", table)}"."{table}"'
            rows_a = con.execute(f"select count(*) from {a}").fetchone()[0]
            rows_b = con.execute(f"select count(*) from {b}").fetchone()[0]
            if tables_a[table] != tables_b[table]:
                changed = sorted(set(tables_a[table]) ^ set(tables_b[table]))
                diffs.append(TableDiff(table, "schema", rows_a, rows_b, detail=f"columns differ: {changed}"))
                continue
            columns = ", ".join(f'"{name}"' for name, _ in tables_a[table])
            only_a, only_b = _count_one_way(con, a, b, columns), _count_one_way(con, b, a, columns)
            status, detail = ("same", "") if only_a == only_b == 0 else ("differs", "")
            floats = [name for name, data_type in tables_a[table] if data_type.upper() in FLOAT_TYPES]
            if (status == "differs" and float_tolerance and floats and rows_a == rows_b
                    and len(floats) < len(tables_a[table])
                    and _within_tolerance(con, a, b, tables_a[table], float_tolerance)):
                status, detail = "rounding", f"DOUBLE columns equal within a relative {float_tolerance:g}"
            diffs.append(TableDiff(table, status, rows_a, rows_b, only_a, only_b, detail))
        return diffs
    finally:
        con.close()


def format_diffs(diffs: list[TableDiff]) -> str:
    width = max([len(d.table) for d in diffs] + [5])
    lines = [f"{'table':<{width}}  {'status':<8} {'rows A':>10} {'rows B':>10} {'only A':>8} {'only B':>8}"]
    for d in diffs:
        rows_a = "" if d.rows_a is None else f"{d.rows_a:,}"
        rows_b = "" if d.rows_b is None else f"{d.rows_b:,}"
        line = f"{d.table:<{width}}  {d.status:<8} {rows_a:>10} {rows_b:>10} {d.only_in_a:>8,} {d.only_in_b:>8,}"
        lines.append(line + (f"  {d.detail}" if d.detail else ""))
    same = sum(d.status == "same" for d in diffs)
    rounding = sum(d.status == "rounding" for d in diffs)
    lines.append(f"{same} of {len(diffs)} tables identical" + (f", {rounding} equal up to float rounding" if rounding else ""))
    return "\n".join(lines)
