"""Cross-validated quality of the sentiment model the warehouse scores with (thin wrapper).

One row per metric (accuracy, macro_f1, log_loss, precision/recall/f1 per class) in the six columns
of fct_model_evaluations; the confusion matrix is in details. evaluated_at is the last comment time
(or the artifact's created_at), never the wall clock, so rebuilding the same data gives the same rows.
"""


def model(dbt, session):
    dbt.config(materialized="incremental", unique_key=["model_name", "metric"])  # strategy per engine: yml
    artifact = dbt.config.get("sentiment_model_path")
    folds = dbt.config.get("sentiment_cv_folds")
    refit = dbt.config.get("refit")
    refit_every_days = dbt.config.get("refit_every_days")

    from models_ml.evaluations import EVALUATION_SELECT_TYPED
    from models_ml.schedule import refit_reason
    from models_ml.sentiment import model_evaluation
    from reelmart.frames import from_pandas, scalar, to_pandas

    as_of = scalar(dbt.ref("fct_comments"), "max(commented_at)")
    last = scalar(session.sql(f"select evaluated_at from {dbt.this}"), "max(evaluated_at)") if dbt.is_incremental else None
    if refit_reason(last, as_of, refit_every_days, refit) is None:
        return session.sql(f"select * from {dbt.this} where false")
    labels = dbt.ref("comment_sentiment_labels")
    # the labeled seed is small by construction (docs/spark.md: at most 100,000 rows on the driver)
    rows = model_evaluation(str(artifact or "") or None, to_pandas(labels, list(labels.columns), max_rows=100_000),
                            as_of, cv=int(folds))
    return from_pandas(rows, EVALUATION_SELECT_TYPED, session)
