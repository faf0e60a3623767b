"""Audiences: size over time, composition, overlap, the export ledger's runs with their diffs, and an
export action (POST, privileged role, CSRF token, audited) whose files can be downloaded from the run's
page (privileged role, audited).

Exports are written by the audience export domain (`audience_export.snapshot.export_from_snapshot`, the
CLI's code path) into
`AUDIENCE_EXPORTS_DIR` (default: `<data dir>/exports/audiences/`, one folder per run), recorded in the ledger
at `AUDIENCE_LEDGER` (default: `<data dir>/ledger/audience_exports.sqlite`, the CLI's default). The data dir
is the one holding `serving/` (the app's REELMART_DATA), so the site and the CLI share one ledger. A file can be
downloaded only when it is listed in its run's manifest and the run lies under the exports folder.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, request, send_file, url_for

from audience_export import DESTINATIONS, AudienceTooSmallError, ExportLedger, RunRecord
from audience_export.snapshot import AudienceError, export_from_snapshot
from webreport import audit, auth, charts, params
from webreport.db import snapshot_path
from webreport.pages import render_page, url_with
from webreport.queries import audiences
from webreport.tables import Column, Table, csv_response

bp = Blueprint("audiences", __name__)
NAV = ("Audiences", "audiences.index")
MARTS = ("rpt_audience_definitions", "rpt_audience_sizes", "rpt_audience_size_history", "rpt_audience_overlap")
DETAIL_MARTS = ("rpt_audience_definitions", "rpt_audience_sizes", "rpt_audience_composition", "rpt_audience_overlap")
DIMENSION_LABELS = {"region": "Country / region", "age_band": "Age band", "top_category": "Top category",
                    "sentiment": "Comment sentiment"}
_NAME = re.compile(r"[a-z0-9_]{1,100}")
_RUN_ID = re.compile(r"[0-9]{8}T[0-9]{12}Z-[0-9a-f]{8}")
MAX_MIN_SIZE = 10_000_000


def _exports_dir() -> Path:
    configured = current_app.config.get("AUDIENCE_EXPORTS_DIR")
    return Path(configured) if configured else snapshot_path().parent.parent / "exports" / "audiences"


def _ledger() -> ExportLedger:
    configured = current_app.config.get("AUDIENCE_LEDGER")
    path = Path(configured) if configured else snapshot_path().parent.parent / "ledger" / "audience_exports.sqlite"
    return ExportLedger(path)


def _require_marts() -> None:
    if not audiences.available():
        abort(503, description="This snapshot has no audience marts; rebuild the warehouse (reelmart build).")


def _audience(name: str) -> dict:
    if not _NAME.fullmatch(name or ""):
        params.bad_request("An audience name is lower-case letters, digits and '_' (at most 100 characters).")
    return params.found(audiences.audience(name), f"No audience named {name}.")


def _runs_table(runs: list[RunRecord], table_id: str) -> Table:
    rows = [
        {
            "run_ts": run.run_ts[:19].replace("T", " "),
            "audience": run.audience,
            "destination": run.destination,
            "definition_version": run.definition_version,
            "members": run.members,
            "written": run.written,
            "unmatched": run.unmatched,
            "added": run.added,
            "removed": run.removed,
            "run_id": run.run_id,
        }
        for run in reversed(runs)
    ]
    return Table(id=table_id, row_key="run_id", rows=rows, columns=[
        Column("run_ts", "Run (UTC)", link=lambda r: url_for("audiences.run", run_id=r["run_id"])),
        Column("audience", "Audience", link=lambda r: url_for("audiences.detail", name=r["audience"])),
        Column("destination", "Destination"),
        Column("definition_version", "Definition"),
        Column("members", "Members", "int", tooltip="Audience members given to the export."),
        Column("written", "Written", "int", tooltip="Distinct rows written (members with a usable identifier)."),
        Column("unmatched", "Unmatched", "int", tooltip="Members with no identifier this destination accepts."),
        Column("added", "Added", "int", tooltip="Rows new since the previous run to this destination."),
        Column("removed", "Removed", "int", tooltip="Rows of the previous run no longer in the audience."),
    ])


def _list_table(rows: list[dict]) -> Table:
    return Table(id="audiences", row_key="audience_name", rows=rows, columns=[
        Column("audience_name", "Audience", link=lambda r: url_for("audiences.detail", name=r["audience_name"])),
        Column("description", "Definition"),
        Column("owner", "Owner"),
        Column("members", "Members", "int"),
        Column("min_size", "Min. export", "int", tooltip="Smallest export the definition allows."),
        Column("destinations", "Destinations"),
        Column("definition_version", "Version"),
        Column("last_export", "Last export (UTC)"),
    ])


def _overlap_table(pairs: list[dict], names: list[str]) -> Table:
    """Matrix: one row per audience A, one column per audience B, cells = Jaccard index."""
    matrix = {name: {"audience_name": name} for name in names}
    for pair in pairs:
        if pair["audience_a"] in matrix:
            matrix[pair["audience_a"]][pair["audience_b"]] = pair["jaccard"]
    return Table(id="audience-overlap", row_key="audience_name", rows=list(matrix.values()),
                 caption="Jaccard index |A ∩ B| / |A ∪ B| (1 on the diagonal)",
                 columns=[Column("audience_name", "Audience")]
                 + [Column(name, name.replace("_", " "), "ratio") for name in names])


def _history_chart(history: list[dict], names: list[str]) -> dict:
    wide: dict = {}
    for row in history:
        wide.setdefault(row["as_of_date"], {"as_of_date": row["as_of_date"]})[row["audience_name"]] = row["members"]
    return charts.time_series(list(wide.values()), "as_of_date", {name: name for name in names},
                              title="Members per data day", value_format="int")


@bp.get("/audiences")
def index():
    _require_marts()
    rows = audiences.audiences()
    names = [row["audience_name"] for row in rows]
    runs = _ledger().runs()
    last = {run.audience: f"{run.run_ts[:16].replace('T', ' ')} {run.destination}" for run in runs}
    for row in rows:
        row["last_export"] = last.get(row["audience_name"], "never")
        row["destinations"] = ", ".join(d for d in (row["destinations"] or "").split(",") if d)
    table = _list_table(rows)
    view = params.choice_arg("table", ("audiences", "overlap", "exports"), "audiences")
    overlap = _overlap_table(audiences.overlap(), names)
    exports = _runs_table(runs[-50:], "audience-exports")
    if params.format_arg() == "csv":
        chosen = {"audiences": table, "overlap": overlap, "exports": exports}[view]
        return csv_response(chosen, f"audiences-{view}.csv")
    return render_page(
        "audiences/index.html", marts=MARTS, table=table, overlap=overlap, exports=exports,
        history_chart=_history_chart(audiences.size_history(), names),
        size_chart=charts.bar_chart(rows, "audience_name", "members", title="Members now"),
        as_of_date=audiences.as_of_date(),
        csv_urls={key: url_with(format="csv", table=key) for key in ("audiences", "overlap", "exports")},
    )


@bp.get("/audiences/<name>")
def detail(name: str):
    _require_marts()
    audience = _audience(name)
    compositions = []
    for dimension, label in DIMENSION_LABELS.items():
        rows = audiences.composition(name, dimension)
        compositions.append({
            "dimension": dimension,
            "label": label,
            "chart": charts.bar_chart(rows[:15], "dimension_value", "share", title=f"{label}: share of members",
                                      value_format="percent"),
            "table": Table(id=f"composition-{dimension}", row_key="dimension_value", rows=rows, columns=[
                Column("dimension_value", label),
                Column("members", "Members", "int"),
                Column("share", "Share of audience", "percent"),
                Column("share_all_users", "Share of all users", "percent"),
            ]),
        })
    overlaps = [row for row in audiences.overlap() if row["audience_a"] == name and row["audience_b"] != name]
    overlap_table = Table(id="audience-overlaps", row_key="audience_b", rows=overlaps, columns=[
        Column("audience_b", "Other audience", link=lambda r: url_for("audiences.detail", name=r["audience_b"])),
        Column("members_b", "Its members", "int"),
        Column("shared_members", "Shared", "int"),
        Column("jaccard", "Jaccard", "ratio"),
        Column("share_of_a", "Share of this audience", "percent"),
    ])
    allowed = [d.strip() for d in (audience["destinations"] or "").split(",") if d.strip()] or list(DESTINATIONS)
    runs = _runs_table(_ledger().runs(audience=name), "audience-runs")
    return render_page("audiences/detail.html", marts=DETAIL_MARTS, audience=audience, compositions=compositions,
                       overlap=overlap_table, runs=runs, destinations=allowed)


def _min_size_fields() -> tuple[int | None, int | None]:
    """(min_size, force_min_size): the form's minimum raises the floor unless 'force' is ticked."""
    raw = request.form.get("min_size", "").strip()
    if not raw:
        return None, None
    if not re.fullmatch(r"[0-9]{1,8}", raw) or not 1 <= int(raw) <= MAX_MIN_SIZE:
        params.bad_request(f"The minimum size must be a whole number from 1 to {MAX_MIN_SIZE:,}.")
    return (None, int(raw)) if request.form.get("force_min_size") else (int(raw), None)


@bp.post("/audiences/<name>/export")
@auth.user_level("audiences.export")
def export(name: str):
    """Run one export (the CSRF token is checked by flask-wtf before this view runs)."""
    _require_marts()
    audience = _audience(name)
    destination = request.form.get("destination", "")
    if destination not in DESTINATIONS:
        params.bad_request(f"Choose a destination: {', '.join(DESTINATIONS)}.")
    min_size, force_min_size = _min_size_fields()
    try:
        result = export_from_snapshot(snapshot_path(), audience["audience_name"], destination, _exports_dir(),
                                      _ledger(), min_size=min_size, force_min_size=force_min_size)
    except (AudienceError, AudienceTooSmallError) as exc:
        params.bad_request(str(exc))
    audit.record("done", "audiences.export", result.run_id, audience=audience["audience_name"],
                 destination=destination, written=result.counts["written"], force_min_size=force_min_size)
    return redirect(url_for("audiences.run", run_id=result.run_id), code=303)


def _run(run_id: str) -> tuple[RunRecord, dict, Path | None]:
    """The ledger's run, its manifest, and its folder when it lies under the exports folder (else None)."""
    if not _RUN_ID.fullmatch(run_id or ""):
        params.bad_request("A run id looks like 20261125T153000123456Z-1a2b3c4d.")
    record = params.found(_ledger().get(run_id), f"No export run {run_id}.")
    root = _exports_dir().resolve()
    run_dir = Path(record.out_dir).resolve()
    if not run_dir.is_relative_to(root) or not (run_dir / "manifest.json").is_file():
        return record, {}, None
    return record, json.loads((run_dir / "manifest.json").read_text()), run_dir


@bp.get("/audiences/runs/<run_id>")
def run(run_id: str):
    record, manifest, run_dir = _run(run_id)
    files = manifest.get("files", [])
    return render_page("audiences/run.html", record=record, manifest=manifest, files=files,
                       downloadable=run_dir is not None)


@bp.get("/audiences/runs/<run_id>/files/<filename>")
@auth.user_level("audiences.download")
def download(run_id: str, filename: str):
    """Only a file named in the run's manifest (or the manifest itself) is ever opened."""
    _, manifest, run_dir = _run(run_id)
    if run_dir is None:
        params.not_found("This run's files are not kept by the report site.")
    listed = {f["name"] for f in manifest.get("files", [])} | {"manifest.json"}
    if filename not in listed:
        params.not_found(f"The run has no file {filename[:80]!r}.")
    mimetype = "application/json" if filename.endswith(".json") else (
        "text/csv" if filename.endswith(".csv") else "application/octet-stream")
    return send_file(run_dir / filename, mimetype=mimetype, as_attachment=True, download_name=filename)
