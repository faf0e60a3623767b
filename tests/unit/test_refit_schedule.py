"""models_ml.schedule: when a scheduled warehouse model refits (issue 19)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from models_ml.schedule import as_flag, refit_reason


@pytest.mark.parametrize(("value", "expected"), [(True, True), (False, False), ("True", True), ("false", False),
                                                 ("1", True), ("", False), (None, False), (0, False)])
def test_flags_arrive_as_bools_or_text(value, expected):
    assert as_flag(value) is expected


def test_first_fit_then_kept_until_the_schedule():
    assert refit_reason(None, date(2026, 1, 10), 7) == "first fit"
    assert refit_reason(pd.NaT, date(2026, 1, 10), 7) == "first fit"
    last = datetime(2026, 1, 10, 0, 0)
    assert refit_reason(last, pd.Timestamp("2026-01-11"), 7) is None
    assert refit_reason(last, "2026-01-16", 7) is None
    assert refit_reason(last, "2026-01-17", 7) == "scheduled"


def test_forced_and_every_build():
    last = date(2026, 1, 10)
    assert refit_reason(last, date(2026, 1, 11), 7, forced="True") == "forced"
    assert refit_reason(last, date(2026, 1, 10), 0) == "every build"
    assert refit_reason(last, date(2026, 1, 10), "7", forced="False") is None


def test_leftover_dbt_temp_tables_are_dropped(tmp_path):
    import duckdb

    from reelmart.warehouse import drop_leftover_temp_tables

    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        for name in ("fct_comment_sentiment", "fct_comment_sentiment__dbt_tmp20261207043029300665",
                     "int_recommender_selected__dbt_tmp20261207044506182080", "my__dbt_tmp_notes"):
            con.execute(f'create table "{name}" as select 1 as x')
        assert sorted(drop_leftover_temp_tables(con)) == ["fct_comment_sentiment__dbt_tmp20261207043029300665",
                                                          "int_recommender_selected__dbt_tmp20261207044506182080"]
        left = {row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()}
    assert left == {"fct_comment_sentiment", "my__dbt_tmp_notes"}
