"""Compare the marts of two builds table by table (issue 13's before/after check).

    python tests/warehouse/compare_marts.py BEFORE.duckdb AFTER.duckdb

For every table of the BEFORE build: rows only in one build over the columns both have (EXCEPT ALL
both ways), and the columns or tables added or removed. Exit status 1 when a common column differs.
Not a pytest module: it needs two full builds (a seeded 20k build takes minutes).
"""

from __future__ import annotations

import sys

import duckdb


def compare(before: str, after: str) -> list[dict]:
    con = duckdb.connect()
    con.execute(f"attach '{before}' as a (read_only)")
    con.execute(f"attach '{after}' as b (read_only)")

    def tables(db: str) -> dict[str, list[str]]:
        rows = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_catalog = ? and table_schema = 'main' order by table_name, ordinal_position", [db]).fetchall()
        out: dict[str, list[str]] = {}
        for table, column in rows:
            out.setdefault(table, []).append(column)
        return out

    kinds = dict(con.execute("select table_name, table_type from information_schema.tables "
                             "where table_catalog = 'a' and table_schema = 'main'").fetchall())
    a, b = tables("a"), tables("b")
    report = []
    for table in sorted(set(a) | set(b)):
        if kinds.get(table, "BASE TABLE") != "BASE TABLE":
            continue  # views re-read the landing folder: compare what is materialised
        if table not in b or table not in a:
            report.append({"table": table, "status": "removed" if table not in b else "added"})
            continue
        common = [c for c in a[table] if c in b[table]]
        columns = ", ".join(f'"{c}"' for c in common)
        only_a = con.execute(f'select count(*) from (select {columns} from a.main."{table}" except all '
                             f'select {columns} from b.main."{table}")').fetchone()[0]
        only_b = con.execute(f'select count(*) from (select {columns} from b.main."{table}" except all '
                             f'select {columns} from a.main."{table}")').fetchone()[0]
        rows = con.execute(f'select count(*) from a.main."{table}"').fetchone()[0]
        report.append({"table": table, "rows": rows, "only_before": only_a, "only_after": only_b,
                       "removed_columns": [c for c in a[table] if c not in b[table]],
                       "added_columns": [c for c in b[table] if c not in a[table]],
                       "status": "identical" if only_a == only_b == 0 else "DIFFERS"})
    return report


def main(argv: list[str]) -> int:
    report = compare(argv[1], argv[2])
    for row in report:
        extra = ""
        if row.get("removed_columns") or row.get("added_columns"):
            extra = f"  -{row['removed_columns']} +{row['added_columns']}"
        print(f"{row['table']:<45} {row['status']:<10} {row.get('rows', ''):>9} {extra}")
    return 1 if any(row["status"] == "DIFFERS" for row in report) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
