"""The report site's queries: every SQL string the app runs lives in this module.

Values are bound parameters; identifiers (table names) only ever come from the warehouse's own
catalogue, never from a request.
"""

from __future__ import annotations

import json

from webreport.db import fetch_all

MART_PREFIXES = ("dim_", "fct_", "rpt_", "aud_")


def build_info() -> dict:
    rows = fetch_all("select key, value from reelmart_build_info")
    return {row["key"]: json.loads(row["value"]) for row in rows}


def mart_row_counts() -> list[dict]:
    """Row counts of every mart, from DuckDB's catalogue estimate refined by an exact count."""
    tables = fetch_all(
        "select table_name from information_schema.tables "
        "where table_schema = 'main' and table_type = 'BASE TABLE' order by table_name"
    )
    names = [t["table_name"] for t in tables if t["table_name"].startswith(MART_PREFIXES)]
    if not names:
        return []
    union = " union all ".join(f"select '{name}' as mart, count(*) as row_count from \"{name}\"" for name in names)
    return fetch_all(union + " order by mart")


def rejects_by_source() -> list[dict]:
    return fetch_all(
        """
        select reconciliation.source_table, reconciliation.raw_rows, reconciliation.clean_rows,
               reconciliation.rejected_rows, reconciliation.is_reconciled,
               coalesce(reasons.reasons, '') as reasons
        from rpt_source_reconciliation as reconciliation
        left join (
            select source_table, string_agg(reject_reason || ': ' || n, ', ' order by n desc) as reasons
            from (select source_table, reject_reason, count(*) as n from fct_rejects group by all)
            group by source_table
        ) as reasons on reconciliation.source_table = reasons.source_table
        order by reconciliation.source_table
        """
    )


def warehouse_overview() -> dict:
    return {"build": build_info(), "marts": mart_row_counts(), "sources": rejects_by_source()}
