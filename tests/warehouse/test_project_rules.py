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
