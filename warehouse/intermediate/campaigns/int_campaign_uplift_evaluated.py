"""Held-out evaluation of each campaign's uplift model: a thin wrapper over models_ml.uplift.evaluation.

Grain: one row per model (campaign) x metric. Qini coefficient, AUUC and uplift@10% (scikit-uplift
definitions) on the evaluation split only; a metric that is undefined there (e.g. no converter in the
split) is NULL with the reason in details; and the learner comparison of the fit (campaign_uplift_selection).
Scheduled (issue 19): it runs on the build that fitted the campaign (int_campaign_uplift_fitted), not daily:
a campaign whose fit is kept keeps its rows. evaluated_at is the day after the fit's data_through.
Engine-neutral (reelmart.frames.map_groups): on Spark each campaign's scored users are evaluated in an executor.
"""

MAX_CAMPAIGNS = 100_000


def model(dbt, session):
    dbt.config(materialized="incremental", unique_key="model_name")  # strategy per engine: yml

    import pandas as pd

    from models_ml.evaluations import EVALUATION_SELECT_TYPED
    from models_ml.uplift.evaluation import evaluate_campaigns
    from reelmart.frames import from_pandas, map_groups, semi_join, to_pandas

    fits = to_pandas(dbt.ref("int_campaign_uplift_fitted"), ["campaign_id", "model_name", "data_through", "selection"],
                     order_by="campaign_id", max_rows=MAX_CAMPAIGNS)
    fits["evaluated_at"] = pd.to_datetime(fits["data_through"]) + pd.Timedelta(days=1)
    if dbt.is_incremental:
        stored = to_pandas(session.sql(f"select model_name, max(evaluated_at) as evaluated_at from {dbt.this} "
                                       "group by model_name"), ["model_name", "evaluated_at"])
        done = dict(zip(stored["model_name"], pd.to_datetime(stored["evaluated_at"]), strict=True))
        fits = fits[[done.get(name) != at for name, at in zip(fits["model_name"], fits["evaluated_at"], strict=True)]]
    if fits.empty:
        return session.sql(f"select * from {dbt.this} where false")
    evaluated_at = dict(zip(fits["campaign_id"], fits["evaluated_at"], strict=True))
    selections = dict(zip(fits["campaign_id"], fits["selection"], strict=True))
    due = from_pandas(fits[["campaign_id"]], "cast(campaign_id as varchar) as campaign_id", session)
    scored = dbt.ref("int_campaign_uplift_scored")

    def evaluate(rows):
        # per campaign, each with its fit's date, in user order: the Qini curve breaks ties by row order
        rows = rows.sort_values(["campaign_id", "user_id"], ignore_index=True)
        frames = [evaluate_campaigns(group, evaluated_at[campaign_id], selections)
                  for campaign_id, group in rows.groupby("campaign_id", sort=True)]
        return pd.concat(frames, ignore_index=True) if frames else evaluate_campaigns(rows, pd.NaT)

    return map_groups(semi_join(scored, due, "campaign_id"), evaluate, "campaign_id", list(scored.columns),
                      EVALUATION_SELECT_TYPED, session)
