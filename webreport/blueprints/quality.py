"""Data quality: when the warehouse was built, how big each mart is, rows received/kept/rejected per
source and reason, and a sample of rejected rows (their JSON excludes identifiers; analysts also get
it without quasi-identifiers, which together single a person out)."""

from __future__ import annotations

import json

from flask import Blueprint, jsonify

from webreport import auth, charts, params
from webreport.pages import render_page, url_with
from webreport.queries import common, quality
from webreport.tables import Column, Table, csv_response

bp = Blueprint("quality", __name__)
NAV = ("Data quality", "quality.index")
MARTS = ("rpt_source_reconciliation", "fct_rejects")


def _filters() -> dict:
    return {
        "source": params.choice_arg("source", quality.reject_sources()),
        "reason": params.choice_arg("reason", quality.reject_reasons()),
        "limit": params.int_arg("limit", 20, 1, 1000),
    }


# user id, zip, birth year, gender and region: with a few of them a person is re-identified
QUASI_IDENTIFIERS = frozenset({"user_id", "zip", "birth_year", "gender", "region", "country_code"})


def _sample(f: dict) -> list[dict]:
    """The rejects sample; for anyone but the privileged role the quasi-identifiers are taken out of each
    row's JSON, and the reject id (which carries the row's key, a user id for the users source) is dropped."""
    rows = quality.reject_sample(f["source"], f["reason"], f["limit"])
    if auth.role() == auth.PRIVILEGED:
        return rows
    out = []
    for row in rows:
        try:
            record = json.loads(row["record_json"] or "{}")
        except ValueError:
            record = {}
        if isinstance(record, dict):
            record = {k: v for k, v in record.items() if k not in QUASI_IDENTIFIERS}
        else:
            record = {}
        out.append({"source_table": row["source_table"], "export_date": row["export_date"],
                    "reject_reason": row["reject_reason"], "record_json": json.dumps(record, ensure_ascii=False)})
    return out


def _reconciliation_table() -> Table:
    return Table(
        id="sources",
        columns=[Column("source_table", "Source"), Column("raw_rows", "Received", "int", total="sum"),
                 Column("clean_rows", "Kept", "int", total="sum"), Column("rejected_rows", "Rejected", "int", total="sum"),
                 Column("is_reconciled", "Reconciled", "bool"), Column("reasons", "Reasons")],
        rows=quality.reconciliation(), row_key="source_table", with_totals=True,
    )


def _reasons_table(f: dict) -> Table:
    rows = [r for r in quality.rejects_by_reason()
            if (f["source"] is None or r["source_table"] == f["source"])
            and (f["reason"] is None or r["reject_reason"] == f["reason"])]
    return Table(
        id="reasons",
        columns=[Column("source_table", "Source"), Column("reject_reason", "Reason"),
                 Column("rejected_rows", "Rejected rows", "int", total="sum")],
        rows=rows, with_totals=True,
    )


@bp.get("/quality")
def index():
    f = _filters()
    reasons = _reasons_table(f)
    if params.format_arg() == "csv":
        return csv_response(reasons, "rejects-by-reason.csv")
    by_reason: dict[str, int] = {}
    for row in reasons.rows:
        by_reason[row["reject_reason"]] = by_reason.get(row["reject_reason"], 0) + row["rejected_rows"]
    chart = charts.bar_chart([{"reason": k, "rows": v} for k, v in by_reason.items()], "reason", "rows",
                             title="Rejected rows by reason")
    marts = Table(id="marts", columns=[Column("mart", "Mart"), Column("row_count", "Rows", "int")],
                  rows=quality.mart_row_counts(), row_key="mart")
    sample = _sample(f)
    filters = [
        {"name": "source", "label": "Source", "blank": "All sources",
         "options": [(s, s) for s in quality.reject_sources()], "selected": f["source"]},
        {"name": "reason", "label": "Reason", "blank": "All reasons",
         "options": [(r, r) for r in quality.reject_reasons()], "selected": f["reason"]},
    ]
    return render_page("quality/index.html", marts=MARTS, build=common.build_info(), mart_table=marts,
                       sources=_reconciliation_table(), reasons=reasons, chart=chart, sample=sample,
                       filters=filters, csv_url=url_with(format="csv"))


@bp.get("/api/quality")
def api_index():
    f = _filters()
    return jsonify({
        "build": common.build_info(),
        "marts": quality.mart_row_counts(),
        "sources": quality.reconciliation(),
        "rejects_by_reason": _reasons_table(f).rows,
        "sample": _sample(f),
        **{k: f[k] for k in ("source", "reason", "limit")},
    })
