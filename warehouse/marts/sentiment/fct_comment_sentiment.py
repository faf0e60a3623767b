"""Sentiment of every valid comment (thin wrapper over models_ml.sentiment; see docs/sentiment.md).

Incremental: a run scores only the comments whose comment_id is not in the table yet. An anti-join
on the key, not `export_date > max(export_date)`, because a re-sent or late export for an earlier day
would be skipped by a date watermark. Rows once scored are never rescored, so a new model applies to
new comments only; `dbt build --full-refresh -s fct_comment_sentiment` rescores everything.
The model is the artifact at var `sentiment_model_path`, else one trained in memory on the seed
comment_sentiment_labels (deterministic: its version is a hash of the data and parameters). That
in-memory model is cached under <data dir>/model-cache, keyed by a hash of the labels and the model
format, so a daily build loads it instead of retraining (issue 19).
"""

SELECT_TYPED = """
    cast(comment_id as bigint) as comment_id,
    cast(user_id as bigint) as user_id,
    cast(video_id as bigint) as video_id,
    cast(ad_id as varchar) as ad_id,
    cast(comment_date as date) as comment_date,
    cast(sentiment_label as varchar) as sentiment_label,
    cast(p_negative as double) as p_negative,
    cast(p_neutral as double) as p_neutral,
    cast(p_positive as double) as p_positive,
    cast(sentiment_score as double) as sentiment_score,
    cast(top_terms as varchar) as top_terms,
    cast(model_version as varchar) as model_version
"""


def model(dbt, session):
    dbt.config(materialized="incremental", unique_key="comment_id", on_schema_change="fail")
    artifact = dbt.config.get("sentiment_model_path")
    top_n = dbt.config.get("sentiment_top_terms")
    cache_dir = dbt.config.get("model_cache_dir")

    import os

    from models_ml.sentiment import load_or_train, score_comments
    from reelmart.frames import has_rows, map_pandas, not_in, to_pandas

    comments = dbt.ref("fct_comments")
    if dbt.is_incremental:
        comments = not_in(comments, "comment_id", str(dbt.this), session)
    model = None
    if has_rows(comments):
        # the labeled seed is small by construction (docs/spark.md: at most 100,000 rows on the driver)
        labels = dbt.ref("comment_sentiment_labels")
        labels = to_pandas(labels, list(labels.columns), max_rows=100_000)
        cached = _cached_artifact(cache_dir, labels)
        model = load_or_train(str(artifact or "") or (cached if os.path.isdir(cached) else None), labels)
        if not artifact:
            _cache(model, cache_dir, labels)

    def score(frame):
        return score_comments(model, frame, text_col="comment_text", top_n=int(top_n))

    # per-comment scoring: on Spark in the executors, one Arrow batch at a time
    return map_pandas(comments, score, ["comment_id", "user_id", "video_id", "ad_id", "comment_date", "comment_text"],
                      SELECT_TYPED, session, order_by="comment_id")


def _cached_artifact(cache_dir, labels):
    """Where the seed-trained model is cached: keyed by the labels and the model format."""
    import hashlib
    from pathlib import Path

    from models_ml.sentiment.model import FORMAT_VERSION

    digest = hashlib.sha256(labels.sort_index(axis=1).to_csv(index=False).encode()).hexdigest()[:16]
    return str(Path(cache_dir) / f"comment-sentiment-v{FORMAT_VERSION}-{digest}")


def _cache(model, cache_dir, labels):
    """Save a freshly trained model once, atomically (written to a temp folder, then renamed)."""
    import os
    import shutil
    import uuid
    from pathlib import Path

    target = Path(_cached_artifact(cache_dir, labels))
    if target.exists():
        return
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        model.save(tmp)
        os.replace(tmp, target)
    except OSError:
        pass  # another build cached it first, or the folder is read-only: the next build trains again
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
