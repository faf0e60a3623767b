"""Audience marts on the tiny warehouse: members follow their rules, the definitions table mirrors the YAML
meta, sizes/overlap/composition add up, and the CLI lists, compares and exports them without raw PII.

The lapsed-viewer and beauty-fan rules are also dbt unit tests (_audiences__unit_tests.yml), run by the
build of `tiny_warehouse`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
import yaml

from reelmart import cli
from tests.conftest import project_dir

AUDIENCES = ("beauty_fans", "lapsed_viewers", "high_value_gamers", "new_engaged_users", "campaign_persuadables",
             "positive_beauty_fans")


def _query(paths, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _yaml_meta() -> dict[str, dict]:
    spec = yaml.safe_load((project_dir() / "warehouse/marts/audiences/_audiences__models.yml").read_text())
    return {m["name"]: m["config"]["meta"] for m in spec["models"] if m["name"].startswith("aud_")}


def test_every_audience_is_built_keyed_by_user_and_non_empty(tiny_warehouse):
    relations = {r[0] for r in _query(tiny_warehouse, "select table_name from information_schema.tables "
                                                      "where table_name like 'aud\\_%' escape '\\'")}
    assert relations == {f"aud_{name}" for name in AUDIENCES}
    for name in AUDIENCES:
        (rows, users, unknown), = _query(tiny_warehouse, f"""
            select count(*), count(distinct user_id),
                   count(*) filter (where user_id not in (select user_id from dim_users))
            from aud_{name}""")
        assert rows == users > 0 and unknown == 0, name


def test_members_follow_their_rules(tiny_warehouse):
    (as_of,), = _query(tiny_warehouse, "select max(last_active_date) from dim_users")
    expected = {
        "beauty_fans": "affinity_beauty >= 0.3 and active_days >= 3",
        "lapsed_viewers": f"active_days >= 2 and last_active_date <= date '{as_of}' - 7",
        "new_engaged_users": "tenure_days <= 30 and active_days >= 3",
        "positive_beauty_fans": "affinity_beauty >= 0.3 and sentiment_beauty >= 0.2",
        "high_value_gamers": "affinity_gaming >= 0.3 and watch_seconds >= "
                             "(select quantile_cont(watch_seconds, 0.75) from dim_users where views > 0)",
    }
    for name, rule in expected.items():
        want = {r[0] for r in _query(tiny_warehouse, f"select user_id from dim_users where {rule}")}
        got = {r[0] for r in _query(tiny_warehouse, f"select user_id from aud_{name}")}
        assert got == want, name


def test_persuadables_are_the_top_uplift_deciles_of_one_campaign(tiny_warehouse):
    (campaigns, worst), = _query(tiny_warehouse, "select count(distinct campaign_id), max(uplift_decile) "
                                                 "from aud_campaign_persuadables")
    assert campaigns == 1 and worst <= 3
    (missing,), = _query(tiny_warehouse, """
        select count(*) from fct_campaign_uplift_scores s
        where s.campaign_id = (select any_value(campaign_id) from aud_campaign_persuadables)
          and s.uplift_decile <= 3
          and s.user_id not in (select user_id from aud_campaign_persuadables)""")
    assert missing == 0


def test_definitions_table_mirrors_the_yaml_meta(tiny_warehouse):
    rows = _query(tiny_warehouse, "select audience_name, model_name, description, owner, destinations, min_size, "
                                  "allowed_columns, definition_version from rpt_audience_definitions")
    table = {r[1]: r for r in rows}
    meta = _yaml_meta()
    assert set(table) == set(meta)
    for model, m in meta.items():
        name, _, description, owner, destinations, min_size, allowed, version = table[model]
        assert name == model.removeprefix("aud_")
        assert (description, owner, min_size, version) == (m["description"], m["owner"], m["min_size"],
                                                           m["definition_version"])
        assert destinations.split(",") == m["destinations"] and allowed.split(",") == m["allowed_columns"]


def test_sizes_history_overlap_and_composition_add_up(tiny_warehouse):
    sizes = dict(_query(tiny_warehouse, "select audience_name, members from rpt_audience_sizes"))
    for name in AUDIENCES:
        assert sizes[name] == _query(tiny_warehouse, f"select count(*) from aud_{name}")[0][0]
    history = _query(tiny_warehouse, "select audience_name, members from rpt_audience_size_history "
                                     "where as_of_date = (select max(as_of_date) from rpt_audience_sizes)")
    assert dict(history) == sizes
    pairs = _query(tiny_warehouse, "select audience_a, audience_b, members_a, members_b, shared_members "
                                   "from rpt_audience_overlap")
    assert len(pairs) == len(AUDIENCES) ** 2
    for a, b, size_a, size_b, shared in pairs:
        assert (size_a, size_b) == (sizes[a], sizes[b])
        (both,), = _query(tiny_warehouse, f"select count(*) from aud_{a} join aud_{b} using (user_id)")
        assert shared == both
    for dimension in ("region", "age_band", "top_category", "sentiment"):
        totals = dict(_query(tiny_warehouse, "select audience_name, sum(members) from rpt_audience_composition "
                                             "where dimension = ? group by 1", [dimension]))
        assert {k: totals[k] for k in sizes} == sizes
        assert totals["(all users)"] == _query(tiny_warehouse, "select count(*) from dim_users")[0][0]


def test_size_history_survives_a_full_refresh(tiny_warehouse):
    """full_refresh=false: `dbt build --full-refresh` must not rebuild the history from scratch."""
    manifest = json.loads((tiny_warehouse.dbt_target / "manifest.json").read_text())
    node = manifest["nodes"]["model.reelmart.rpt_audience_size_history"]
    assert node["config"]["materialized"] == "incremental" and node["config"]["full_refresh"] is False
    assert node["config"]["unique_key"] == ["audience_name", "as_of_date"]


# --- CLI against the tiny snapshot --------------------------------------------------------------------------


def run_cli(*argv: str) -> int:
    return cli.main(["audiences", *argv])


def _raw_identifiers(paths) -> list[str]:
    from audience_export.identifiers import store_path

    with duckdb.connect(str(store_path(paths.serving_db)), read_only=True) as con:
        rows = con.execute("select email, phone, maid from dim_user_identifiers").fetchall()
    values = {v.strip() for row in rows for v in row if v and len(v.strip()) >= 8}
    # also the normalised forms a careless exporter might write in clear: lower-cased emails, E.164 phones
    values |= {v.lower() for v in values if "@" in v}
    values |= {"+" + re.sub(r"\D", "", v) for v in values if sum(c.isdigit() for c in v) >= 10 and "@" not in v}
    return sorted(values)


def test_cli_list_and_overlap(tiny_warehouse, tmp_path, capsys):
    db = str(tiny_warehouse.serving_db)
    assert run_cli("list", "--db", db, "--ledger", str(tmp_path / "l.sqlite")) == 0
    out = capsys.readouterr().out
    sizes = dict(_query(tiny_warehouse, "select audience_name, members from rpt_audience_sizes"))
    for name, members in sizes.items():
        assert re.search(rf"\| {name}\s+\| {members}\s+\|", out), name
    assert run_cli("overlap", "beauty_fans", "aud_campaign_persuadables", "--db", db) == 0
    out = capsys.readouterr().out
    (shared,), = _query(tiny_warehouse, "select shared_members from rpt_audience_overlap "
                                        "where audience_a = 'beauty_fans' and audience_b = 'campaign_persuadables'")
    a, b = sizes["beauty_fans"], sizes["campaign_persuadables"]
    assert re.search(rf"\| {a}\s+\| {b}\s+\| {shared}\s+\| {a + b - shared}\s+\|", out)


@pytest.mark.parametrize("destination", ["google", "meta", "tiktok", "csv", "parquet"])
def test_cli_export_with_min_size_override_leaks_no_raw_pii(tiny_warehouse, tmp_path, capsys, destination):
    db, ledger, out = str(tiny_warehouse.serving_db), str(tmp_path / "l.sqlite"), tmp_path / "out"
    # the definition's minimum (100; Google's and TikTok's 1,000) refuses the tiny audience, and --min-size
    # cannot lower it; only --force-min-size does
    floor = {"google": 1_000, "tiktok": 1_000}.get(destination, 100)
    for extra in ((), ("--min-size", "5")):
        assert run_cli("export", "lapsed_viewers", "--destination", destination, "--out", str(out),
                       "--db", db, "--ledger", ledger, *extra) == 2
        err = capsys.readouterr().err
        assert f"below its minimum of {floor:,}" in err and "--force-min-size" in err
    assert not out.exists() or not any(out.rglob("*.csv"))
    assert run_cli("export", "lapsed_viewers", "--destination", destination, "--out", str(out),
                   "--db", db, "--ledger", ledger, "--force-min-size", "5") == 0
    run_dir = next((out / "lapsed_viewers" / destination).iterdir())
    manifest = json.loads((run_dir / "manifest.json").read_text())
    members = _query(tiny_warehouse, "select count(*) from aud_lapsed_viewers")[0][0]
    assert manifest["counts"]["members"] == members and manifest["definition_version"] == "lapsed_viewers-v1"
    assert 0 < manifest["counts"]["written"] <= members
    raw = _raw_identifiers(tiny_warehouse)
    files = [p for p in run_dir.iterdir() if p.is_file()]
    assert len(files) == len(manifest["files"]) + 1
    for path in files:
        data = path.read_bytes()
        text = data.decode("utf-8", errors="replace")
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            text = pq.read_table(path).to_pandas().to_csv(index=False)
        leaked = [value for value in raw if value in text]
        assert not leaked, (path.name, leaked[:3])


def test_allowed_columns_limit_what_leaves(tiny_warehouse, tmp_path):
    """new_engaged_users allows email, maid and country only: no phone column is ever filled."""
    from audience_export.snapshot import export_from_snapshot

    result = export_from_snapshot(tiny_warehouse.serving_db, "new_engaged_users", "csv", tmp_path / "out",
                                  tmp_path / "l.sqlite", force_min_size=1)
    lines = (result.run_dir / "full-00001.csv").read_text().splitlines()
    header = lines[0].split(",")
    assert header == ["email_sha256", "phone_sha256", "maid_sha256", "country"] and len(lines) > 1
    assert all(line.split(",")[header.index("phone_sha256")] == "" for line in lines[1:])
    assert any(line.split(",")[header.index("email_sha256")] for line in lines[1:])


def test_definitions_list_matches_the_macro(tiny_warehouse):
    """audience_models() (warehouse/macros/audiences.sql) and the aud_ models agree; the build enforces it."""
    macro = (project_dir() / "warehouse/macros/audiences.sql").read_text()
    listed = set(re.findall(r"'(aud_[a-z0-9_]+)'", macro))
    files = {p.stem for p in Path(project_dir() / "warehouse/marts/audiences").glob("aud_*.sql")}
    assert listed == files == {f"aud_{name}" for name in AUDIENCES}
