"""The snapshot a Spark build publishes serves the report site and the audience export as the DuckDB one does.

`REELMART_TARGET=spark reelmart build` copies the Spark tables into a DuckDB file and publishes it
(reelmart/spark_import.py); the site and the exporter never know which engine built it. Here every page and
JSON endpoint is requested from two apps, one over the session's DuckDB tiny snapshot and one over the Spark
build of the same platform (tests/spark/conftest.py: no extra build), and the responses must be the same.
A page whose marts are not in the Spark selection yet answers 503 naming the missing mart, never 500.
"""

from __future__ import annotations

import re

import duckdb
import pytest
from werkzeug.security import generate_password_hash

from tests.conftest import PRIVILEGED_PASSWORD, PRIVILEGED_USER

pytestmark = pytest.mark.slow

# Parts of a response that belong to the build or the session, not to the data: when and how long it was
# built, the form token.
_BUILD_LOCAL = [re.compile(p) for p in (
    r'name="csrf_token" value="[^"]*"',
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(\+00:00|Z| UTC)?",  # published_at, built at
    r"took [0-9.,]+ s",
    r'"build_seconds": ?[0-9.eE+-]+',
    r'"landing_path": ?"[^"]*"',  # each build simulated its own landing folder
)]
_LONG_FLOAT = re.compile(r"-?\d+\.\d{9,}(?:[eE][-+]?\d+)?")
_SKIP = ("/login", "/health", "/docs", "/static/", "/assets/", ".css", "/recommendations/user")  # user: a form target


def _app(serving_db, docs_html, exports_dir):
    from webreport import create_app

    return create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "SERVING_DB": str(serving_db), "DOCS_HTML": str(docs_html),
        # one empty export ledger for both snapshots: the session's other tests export from the DuckDB instance,
        # and its ledger's runs (listed on the audience pages) are that instance's history, not the snapshot's
        "AUDIENCE_LEDGER": str(exports_dir / "ledger.sqlite"), "AUDIENCE_EXPORTS_DIR": str(exports_dir / "runs"),
        "USERS": {PRIVILEGED_USER: {"password_hash": generate_password_hash(PRIVILEGED_PASSWORD),
                                    "role": "privileged"}},
        "WTF_CSRF_ENABLED": False, "QUERY_CACHE": False,
    })


def _client(paths, exports_dir):
    client = _app(paths.serving_db, paths.docs_html, exports_dir).test_client()
    assert client.post("/login", data={"username": PRIVILEGED_USER, "password": PRIVILEGED_PASSWORD}).status_code == 302
    return client


def _first(db, sql: str):
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(sql).fetchone()
    return row[0] if row else None


def _urls(app, db) -> list[str]:
    """Every GET page and endpoint without an argument, and the detail pages of one entity of each kind."""
    urls = [rule.rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.arguments and not any(s in rule.rule for s in _SKIP)]
    ids = {
        "experiment": _first(db, "select experiment_id from dim_experiments order by 1"),
        "campaign": _first(db, "select campaign_id from rpt_campaign_summary order by 1"),
        "creator": _first(db, "select creator_id from dim_creators order by 1"),
        "video": _first(db, "select video_id from fct_video_daily group by 1 order by sum(views) desc, 1"),
        "audience": _first(db, "select audience_name from rpt_audience_definitions order by 1"),
    }
    for kind, value in ids.items():
        assert value is not None, f"no {kind} in the DuckDB snapshot"
    urls += [f"/experiments/{ids['experiment']}", f"/api/experiments/{ids['experiment']}",
             f"/api/experiments/{ids['experiment']}/timeseries", f"/api/experiments/{ids['experiment']}/results.csv",
             f"/campaigns/{ids['campaign']}", f"/api/campaigns/{ids['campaign']}",
             f"/creators/{ids['creator']}", f"/api/creators/{ids['creator']}",
             f"/videos/{ids['video']}", f"/api/videos/{ids['video']}", f"/audiences/{ids['audience']}"]
    return sorted(set(urls))


def _normalised(body: bytes, drop_marts: set[str] = frozenset()) -> str:
    """The response without its build-local parts, and without the rows of `drop_marts` in the data-quality
    page's list of marts (the marts a build has: none now that Spark builds the whole project, kept for a selection)."""
    text = body.decode()
    for pattern in _BUILD_LOCAL:
        text = pattern.sub("<build>", text)
    # full-precision DOUBLEs in JSON and chart specs (experiment lifts, p-values): the engines add their sums in
    # another order (test_spark_equality.py: within a relative 1e-9), so compared to 8 significant digits
    text = _LONG_FLOAT.sub(lambda m: f"{float(m.group(0)):.8g}", text)
    if drop_marts:
        text = re.sub(r'\s*<tr data-row-key="(\w+)">.*?</tr>',
                      lambda m: "" if m.group(1) in drop_marts else m.group(0), text, flags=re.S)
        text = re.sub(r'\{"mart":"(\w+)","row_count":\d+\},?',
                      lambda m: "" if m.group(1) in drop_marts else m.group(0), text).replace(",]", "]")
    return text


def _spark_tables(paths) -> set[str]:
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        return {name for (name,) in con.execute("select table_name from information_schema.tables").fetchall()}


def test_the_spark_snapshot_serves_every_page_as_the_duckdb_snapshot(spark_build, tiny_warehouse, tmp_path):
    duck, spark = _client(tiny_warehouse, tmp_path), _client(spark_build, tmp_path)
    built_on_spark = _spark_tables(spark_build)
    not_on_spark = _spark_tables(tiny_warehouse) - built_on_spark
    urls = _urls(duck.application, tiny_warehouse.serving_db)
    same, missing, different = [], [], []
    for url in urls:
        expected, got = duck.get(url), spark.get(url)
        assert expected.status_code == 200, (url, expected.status_code)
        if got.status_code == 503:
            found = re.search(rb"marts this page reads \((\w+)\)", got.data)
            # the audience pages check for their marts themselves (webreport/queries/audiences.available)
            mart = "rpt_audience_definitions" if b"has no audience marts" in got.data else found and found.group(1).decode()
            assert mart and mart not in built_on_spark, (url, got.data[:500])
            missing.append((url, mart))
        elif got.status_code != 200 or _normalised(got.data) != _normalised(expected.data, not_on_spark):
            different.append((url, got.status_code))
        else:
            same.append(url)
    assert not different, f"pages that differ between the DuckDB and the Spark snapshot: {different}"
    print(f"\n{len(same)} pages the same on both snapshots; 503 on Spark (mart not built there): {missing}")
    assert len(same) >= 30 and {"/", "/quality", "/experiments", "/sentiment"} <= set(same), same


def _export(paths, out, capsys) -> tuple[int, str, dict[str, str]]:
    """`reelmart audiences export beauty_fans --destination csv` on a published snapshot: exit code, stderr, and
    the exported files' contents by name (the run folder's name is a timestamp, so it is left out)."""
    from reelmart import cli

    code = cli.main(["audiences", "export", "beauty_fans", "--destination", "csv", "--out", str(out),
                     "--db", str(paths.serving_db), "--ledger", str(out / "ledger.sqlite"),
                     "--min-size", "1", "--force-min-size", "1"])
    err = capsys.readouterr().err
    files = {path.name: path.read_text() for path in sorted(out.glob("beauty_fans/csv/*/*")) if path.suffix == ".csv"}
    return code, err, files


def test_the_audience_export_reads_the_spark_snapshot_as_the_duckdb_one(spark_build, tiny_warehouse, tmp_path, capsys):
    """Members from the snapshot, hashed identifiers from the store publish filled (a DuckDB view over Spark's table)."""
    duck_code, _, duck_files = _export(tiny_warehouse, tmp_path / "duck", capsys)
    assert duck_code == 0 and duck_files["full-00001.csv"].count("\n") > 20, duck_files
    spark_code, err, spark_files = _export(spark_build, tmp_path / "spark", capsys)
    assert spark_code == 0 and spark_files == duck_files, err
