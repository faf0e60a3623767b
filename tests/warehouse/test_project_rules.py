"""The project rules of ../shared/STYLE.md, checked over dbt's manifest (dbt-project-evaluator's job)."""

from __future__ import annotations

import json
import re

import pytest

PREFIXES = {"staging": ("stg_",), "intermediate": ("int_",), "marts": ("fct_", "dim_", "aud_", "rpt_")}


@pytest.fixture(scope="module")
def manifest(tiny_warehouse) -> dict:
    return json.loads((tiny_warehouse.dbt_target / "manifest.json").read_text())


def _models(manifest):
    return {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}


def _layer(node) -> str:
    return node["original_file_path"].split("/")[1]


def test_only_staging_reads_sources(manifest):
    for uid, node in _models(manifest).items():
        if node["depends_on"]["nodes"] and any(d.startswith("source.") for d in node["depends_on"]["nodes"]):
            assert _layer(node) == "staging", uid


def test_staging_reads_exactly_one_source_and_no_models(manifest):
    for uid, node in _models(manifest).items():
        if _layer(node) == "staging":
            deps = node["depends_on"]["nodes"]
            assert len(deps) == 1 and deps[0].startswith("source."), uid


def test_prefixes_match_layers(manifest):
    for uid, node in _models(manifest).items():
        assert node["name"].startswith(PREFIXES[_layer(node)]), uid
        if _layer(node) == "staging":
            assert re.fullmatch(r"stg_[a-z0-9]+__[a-z0-9_]+", node["name"]), uid


def test_every_model_documented_with_grain(manifest):
    for uid, node in _models(manifest).items():
        assert len(node["description"].strip()) > 20, uid
        if _layer(node) == "marts":
            assert node["description"].startswith("Grain:"), uid


def test_every_model_has_a_primary_key_test(manifest):
    tested: dict[str, set[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or "test_metadata" not in node:
            continue
        name = node["test_metadata"]["name"]
        for dep in node["depends_on"]["nodes"]:
            tested.setdefault(dep, set()).add(name)
    for uid in _models(manifest):
        kinds = tested.get(uid, set())
        assert {"unique", "not_null"} <= kinds or "unique_combination" in kinds, uid


def test_marts_are_tables_with_enforced_contracts(manifest):
    """dbt enforces contracts on SQL models only; Python marts check their columns in their own tests."""
    for uid, node in _models(manifest).items():
        if _layer(node) == "marts":
            # a sensitive mart may be a view, so that its raw values are never stored (dim_user_identifiers)
            sensitive_view = node["config"]["meta"].get("sensitive") is True and "A view" in node["description"]
            assert node["config"]["materialized"] in ("table", "incremental") or sensitive_view, uid
            if node["language"] == "sql":
                assert node["config"]["contract"]["enforced"], uid


def test_exposures_depend_on_tables(manifest):
    models = _models(manifest)
    for uid, exposure in manifest.get("exposures", {}).items():
        for dep in exposure["depends_on"]["nodes"]:
            if dep in models:
                assert models[dep]["config"]["materialized"] in ("table", "incremental"), (uid, dep)


def test_sensitive_columns_are_marked(manifest):
    identifiers = _models(manifest)["model.reelmart.dim_user_identifiers"]
    for column in ("email", "phone", "maid"):
        assert identifiers["columns"][column]["meta"].get("sensitive") is True


# ---- issue 13: rules at 0 violations (each test lists every violation, not just the first) ----

@pytest.fixture(scope="module")
def catalog(tiny_warehouse) -> dict:
    """Written by `dbt docs generate` (the session build runs it): the columns every relation really has."""
    return json.loads((tiny_warehouse.dbt_target / "catalog.json").read_text())


def _undocumented_columns(manifest, catalog) -> dict[str, list[str]]:
    missing = {}
    for uid, node in _models(manifest).items():
        built = catalog["nodes"].get(uid)
        assert built is not None, f"{uid} is not in catalog.json"
        documented = {name.lower() for name, column in node["columns"].items() if column["description"].strip()}
        columns = [name for name in built["columns"] if name.lower() not in documented]
        if columns:
            missing[node["name"]] = columns
    return missing


def test_every_models_columns_are_documented(manifest, catalog):
    """Every column of every built relation has a description, intermediate models included (no allow-list)."""
    missing = _undocumented_columns(manifest, catalog)
    assert not missing, f"undocumented columns: {missing}"


def test_root_models_built_only_from_vars_say_why(manifest):
    """A model that reads no other node (only vars) is a root; its YAML must say why in meta.root_reason."""
    unexplained = [node["name"] for node in _models(manifest).values()
                   if not node["depends_on"]["nodes"] and not str(node["config"]["meta"].get("root_reason", "")).strip()]
    assert not unexplained, unexplained


def _view_chains(manifest) -> list[list[str]]:
    """The longest run of consecutive view models ending at each view (each a list of names)."""
    models = _models(manifest)
    views = {uid for uid, node in models.items() if node["config"]["materialized"] == "view"}
    longest: dict[str, list[str]] = {}

    def chain(uid: str) -> list[str]:
        if uid not in longest:
            parents = [chain(dep) for dep in models[uid]["depends_on"]["nodes"] if dep in views]
            longest[uid] = max(parents, key=len, default=[]) + [models[uid]["name"]]
        return longest[uid]

    return [chain(uid) for uid in views]


def test_no_chain_of_five_or_more_views(manifest):
    too_long = [" -> ".join(c) for c in _view_chains(manifest) if len(c) >= 5]
    assert not too_long, too_long


def test_view_chain_rule_sees_a_long_chain():
    """The rule itself: five views in a row are caught, a table breaks the chain."""
    def node(name, mat, deps):
        return {"resource_type": "model", "name": name, "config": {"materialized": mat},
                "depends_on": {"nodes": [f"model.p.{d}" for d in deps]}}
    names = ["a", "b", "c", "d", "e"]
    nodes = {f"model.p.{n}": node(n, "view", names[i - 1:i]) for i, n in enumerate(names)}
    assert max(len(c) for c in _view_chains({"nodes": nodes})) == 5
    nodes["model.p.c"]["config"]["materialized"] = "table"
    assert max(len(c) for c in _view_chains({"nodes": nodes})) == 2


def test_every_source_declares_freshness_or_waives_it(manifest):
    """Event tables declare freshness; a reference table says why not in meta.freshness_waived."""
    silent = []
    for source in manifest["sources"].values():
        freshness = source.get("freshness") or {}
        declared = any((freshness.get(level) or {}).get("count") for level in ("warn_after", "error_after"))
        waived = str(source["meta"].get("freshness_waived", "")).strip()
        if not declared and not waived:
            silent.append(source["name"])
    assert not silent, silent


def test_every_consumer_reads_validated_models(manifest):
    """Only the validation layer and the quality marts read stg_ or *_checked models (issue 13)."""
    models = _models(manifest)
    readers = {"intermediate/validation", "marts/quality"}
    offenders = []
    for node in models.values():
        area = "/".join(node["original_file_path"].split("/")[1:3])
        if _layer(node) == "staging" or area in readers:
            continue
        for dep in node["depends_on"]["nodes"]:
            name = models[dep]["name"] if dep in models else ""
            if name.startswith("stg_") or name.endswith("_checked"):
                offenders.append(f"{node['name']} reads {name}")
    assert not offenders, offenders


def test_the_validity_filter_lives_once():
    """`reject_reason is null` is written only in the valid_rows macro; every other model reads its output."""
    from pathlib import Path

    warehouse = Path(__file__).resolve().parents[2] / "warehouse"
    homes = sorted(str(path.relative_to(warehouse)) for path in warehouse.rglob("*.sql")
                   if re.search(r"reject_reason\s+is\s+null", path.read_text(), re.IGNORECASE))
    assert homes == ["macros/validated_sources.sql"]
