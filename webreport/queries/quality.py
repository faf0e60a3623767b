"""Data-quality queries: build metadata, mart sizes, rejects and reconciliation per source."""

from __future__ import annotations

from webreport.db import fetch_all

MART_PREFIXES = ("dim_", "fct_", "rpt_", "aud_")


def mart_row_counts() -> list[dict]:
    """Exact row counts of every mart; table names come from DuckDB's own catalogue."""
    tables = fetch_all(
        "select table_name from information_schema.tables "
        "where table_schema = 'main' and table_type = 'BASE TABLE' order by table_name"
    )
    names = [t["table_name"] for t in tables if t["table_name"].startswith(MART_PREFIXES)]
    if not names:
        return []
    union = " union all ".join(f"select '{name}' as mart, count(*) as row_count from \"{name}\"" for name in names)
    return fetch_all(union + " order by mart")


def reconciliation() -> list[dict]:
    return fetch_all(
        """
        select reconciliation.source_table, reconciliation.raw_rows, reconciliation.clean_rows,
               reconciliation.rejected_rows, reconciliation.is_reconciled,
               coalesce(reasons.reasons, '') as reasons
        from rpt_source_reconciliation as reconciliation
        left join (
            select source_table, string_agg(reject_reason || ': ' || n, ', ' order by n desc, reject_reason) as reasons
            from (select source_table, reject_reason, count(*) as n from fct_rejects group by all)
            group by source_table
        ) as reasons on reconciliation.source_table = reasons.source_table
        order by reconciliation.source_table
        """
    )


def rejects_by_reason() -> list[dict]:
    return fetch_all(
        "select source_table, reject_reason, count(*) as rejected_rows from fct_rejects "
        "group by source_table, reject_reason order by source_table, rejected_rows desc, reject_reason"
    )


def reject_sources() -> list[str]:
    return [r["source_table"] for r in fetch_all("select distinct source_table from fct_rejects order by 1")]


def reject_reasons() -> list[str]:
    return [r["reject_reason"] for r in fetch_all("select distinct reject_reason from fct_rejects order by 1")]


def reject_sample(source: str | None, reason: str | None, limit: int) -> list[dict]:
    """The first rejected rows (by id) matching the filters; record_json already excludes identifiers."""
    return fetch_all(
        "select reject_id, source_table, export_date, reject_reason, record_json from fct_rejects "
        "where (cast(? as varchar) is null or source_table = ?) and (cast(? as varchar) is null or reject_reason = ?) "
        "order by reject_id limit ?",
        [source, source, reason, reason, limit],
    )
