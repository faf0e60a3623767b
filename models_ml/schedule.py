"""When a warehouse model refits: on its first build, when forced, or on a schedule in data time.

A daily build keeps the last fit (and its offline evaluation) instead of refitting on all history
(issue 19); the dbt wrappers read the date of their last fit from their own table and ask here.
Pure logic, no I/O.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta


def as_flag(value) -> bool:
    """A dbt var rendered into a model config arrives as a bool or as its text ('True', 'false', '1')."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)


def _as_date(value) -> date | None:
    if value is None or value != value:  # None or NaN/NaT
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if hasattr(value, "date"):  # pandas Timestamp
        return value.date()
    return date.fromisoformat(str(value)[:10])


def refit_reason(last_fitted_at, data_through, every_days, forced=False) -> str | None:
    """Why the model refits now ('first fit', 'forced', 'every build', 'scheduled'), or None to keep the last fit.

    last_fitted_at: the data date the last fit is stamped with (None: never fitted, e.g. a full refresh);
    data_through: the same stamp the data of this build would get; every_days: refit once the data moved
    that many days past the last fit (0 or less: every build, the behaviour before schedules); forced: the
    var `refit` (`reelmart build --refit`).
    """
    last, now = _as_date(last_fitted_at), _as_date(data_through)
    if last is None:
        return "first fit"
    if as_flag(forced):
        return "forced"
    days = int(every_days or 0)
    if days <= 0:
        return "every build"
    if now is not None and now >= last + timedelta(days=days):
        return "scheduled"
    return None
