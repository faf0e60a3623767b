"""Held-out evaluation of each campaign's uplift model: Qini coefficient, AUUC and uplift@10%.

Grain: one row per model (campaign) x metric. Metrics come from models_ml.uplift (scikit-uplift
definitions) on the evaluation split only; a metric that is undefined there (e.g. no converter in
the split) is NULL with the reason in details.
"""

import json

import pandas as pd

from models_ml.uplift import qini_auc_score, uplift_at_k, uplift_auc_score

METRICS = {
    "qini_coefficient": lambda y, u, t: qini_auc_score(y, u, t),
    "auuc": lambda y, u, t: uplift_auc_score(y, u, t),
    "uplift_at_10pct": lambda y, u, t: uplift_at_k(y, u, t, "overall", 0.1),
}


def evaluate(rows: pd.DataFrame) -> list[tuple[str, float | None, dict]]:
    """Each metric on one campaign's evaluation split, with its sample sizes."""
    held_out = rows[rows["is_evaluation"] & rows["uplift_score"].notna()]
    y = held_out["has_converted"].to_numpy(dtype=float)
    t = held_out["is_treatment"].to_numpy(dtype=float)
    u = held_out["uplift_score"].to_numpy(dtype=float)
    sizes = {"split": "evaluation", "n_users": int(len(held_out)), "n_treated": int(t.sum()),
             "n_converters": int(y.sum())}
    out = []
    for metric, function in METRICS.items():
        try:
            value, note = float(function(y, u, t)), None
        except ValueError as error:
            value, note = None, str(error)
        if value is not None and value != value:
            value, note = None, "undefined on this split (an arm is empty among the top users)"
        out.append((metric, value, {**sizes, **({"note": note} if note else {})}))
    return out


def model(dbt, session):
    dbt.config(materialized="table")
    scored = dbt.ref("int_campaign_uplift_scored").df()
    statistics = dbt.ref("int_campaign_lift_statistics").df()
    as_of = statistics["as_of_date"].max()
    evaluated_at = pd.Timestamp(as_of) + pd.Timedelta(days=1) if pd.notna(as_of) else pd.NaT
    rows = []
    for (campaign_id, name, version, status), group in scored.groupby(
        ["campaign_id", "model_name", "model_version", "fit_status"], sort=True
    ):
        results = evaluate(group) if status == "fitted" else [
            (metric, None, {"note": status}) for metric in METRICS
        ]
        for metric, value, details in results:
            rows.append({
                "model_name": name, "model_version": version, "metric": metric, "value": value,
                "evaluated_at": evaluated_at, "details": json.dumps({"campaign_id": campaign_id, **details}),
            })
    columns = ["model_name", "model_version", "metric", "value", "evaluated_at", "details"]
    return pd.DataFrame(rows, columns=columns)
