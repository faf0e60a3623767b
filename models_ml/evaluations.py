"""The shape of one model-evaluation row: every model that reports into fct_model_evaluations (sentiment,
uplift, the recommender's evaluation and choice) writes these columns with these SQL types."""

EVALUATION_COLUMNS = ["model_name", "model_version", "metric", "value", "evaluated_at", "details"]
EVALUATION_SELECT_TYPED = """
    cast(model_name as varchar) as model_name,
    cast(model_version as varchar) as model_version,
    cast(metric as varchar) as metric,
    cast(value as double) as value,
    cast(evaluated_at as timestamp) as evaluated_at,
    cast(details as varchar) as details
"""
