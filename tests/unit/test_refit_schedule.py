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
