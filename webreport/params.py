"""Request-parameter parsing for every report: a bad value is a 400 (or 404) with a message.

Views never read `request.args` directly; they call these helpers, which either return a clean,
typed value or abort with a message naming the parameter and what it accepts. Injection attempts
are simply values that do not parse, so they get the same 400 as a typo.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import abort, flash, redirect, request, url_for

DEFAULT_WINDOW_DAYS = 28  # the one default window of every dated report (the last 4 weeks of data)
PRESET_DAYS = (7, 14, 28)
MAX_WINDOW_DAYS = 366
MAX_ID = 2**63 - 1
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# dates a report may be asked for: wide enough for any platform's data, far enough from date.min / date.max
# that window arithmetic (a previous period, a default start) never overflows
MIN_DATE, MAX_DATE = date(1970, 1, 1), date(2999, 12, 31)
_ID = re.compile(r"[0-9]{1,19}")


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of days, as chosen in the URL (`?start=...&end=...`) or defaulted."""

    start: date
    end: date
    bounds: tuple[date, date] | None = field(default=None, compare=False)  # the data's first and last day

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous_is_covered(self) -> bool:
        """Whether the data covers the previous period (else a comparison with it would be with nothing)."""
        return self.bounds is None or self.previous().start >= self.bounds[0]

    def presets(self) -> list[dict]:
        """Quick ranges ending on the data's last day: the PRESET_DAYS that fit in the data, then all of it."""
        if not self.bounds:
            return []
        first, last = self.bounds
        covered = (last - first).days + 1
        out = [(f"Last {n} days", DateRange(last - timedelta(days=n - 1), last)) for n in PRESET_DAYS if n < covered]
        out.append((f"All data ({covered} days)", DateRange(first, last)))
        return [{"label": label, "args": r.as_args(), "active": (r.start, r.end) == (self.start, self.end)}
                for label, r in out]

    def previous(self) -> DateRange:
        """The period of equal length just before this one, for comparisons."""
        return DateRange(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def as_args(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def bad_request(message: str):
    abort(400, description=message)


def not_found(message: str):
    abort(404, description=message)


def outside_the_data(message: str):
    """A report page asked for dates without data: back to its default dates, saying why (a redirect with
    a flashed message, so the browser shows no failed request); the API and CSV answer 400 with the message."""
    if request.path.startswith("/api/") or request.args.get("format") == "csv" or not request.endpoint:
        bad_request(message + " Choose dates in that range.")
    flash(message + " Showing the default dates instead.")
    args = {key: value for key, value in request.args.items() if key not in ("start", "end")}
    abort(redirect(url_for(request.endpoint, **(request.view_args or {}), **args)))


def parse_date(name: str, value: str) -> date:
    if not _DATE.fullmatch(value):
        bad_request(f"Parameter '{name}' must be a date written YYYY-MM-DD, e.g. 2026-10-01.")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        bad_request(f"Parameter '{name}' is not a real calendar date: {value[:10]}.")
    if not MIN_DATE <= parsed <= MAX_DATE:
        bad_request(f"Parameter '{name}' must be a date from {MIN_DATE} to {MAX_DATE}, not {value}.")
    return parsed


def date_range(bounds: tuple[date, date] | None, default_days: int = DEFAULT_WINDOW_DAYS) -> DateRange:
    """`?start=&end=` (both optional). Missing ends default to the last `default_days` days of `bounds`
    (the data's first and last day); with no data at all, to the last days up to today."""
    last = bounds[1] if bounds else date.today()
    raw_start, raw_end = request.args.get("start", ""), request.args.get("end", "")
    end = parse_date("end", raw_end) if raw_end else last
    start = parse_date("start", raw_start) if raw_start else end - timedelta(days=default_days - 1)
    if bounds and not raw_start and start < bounds[0] and not raw_end:
        start = bounds[0]
    if (end - start).days + 1 > MAX_WINDOW_DAYS:
        bad_request(f"A date range can span at most {MAX_WINDOW_DAYS} days.")
    if bounds and (end < bounds[0] or start > bounds[1]):
        outside_the_data(f"No data from {start} to {end}: the data covers {bounds[0]} to {bounds[1]}.")
    if start > end:
        bad_request(f"The start date {start} is after the end date {end}.")
    return DateRange(start, end, bounds)


def parse_id(value: str, what: str) -> int:
    """A positive integer id (path segment or parameter); anything else is a 400."""
    if not _ID.fullmatch(value or "") or int(value) > MAX_ID:
        bad_request(f"A {what} id is a positive whole number, not {value[:40]!r}.")
    return int(value)


def int_arg(name: str, default: int, minimum: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw) or not minimum <= int(raw) <= maximum:
        bad_request(f"Parameter '{name}' must be a whole number from {minimum} to {maximum}.")
    return int(raw)


def choice_arg(name: str, allowed: Collection[str], default: str | None = None) -> str | None:
    """An enum filter or sort key: one of `allowed`, or `default` when absent."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if raw not in allowed:
        shown = ", ".join(sorted(allowed)) if len(allowed) <= 30 else f"{len(allowed)} known values"
        bad_request(f"Parameter '{name}' must be one of: {shown}.")
    return raw


def sort_arg(allowed: Collection[str], default: str, name: str = "sort") -> tuple[str, bool]:
    """`?sort=key` ascending or `?sort=-key` descending; returns (key, descending)."""
    raw = request.args.get(name) or default
    descending = raw.startswith("-")
    key = raw[1:] if descending else raw
    if key not in allowed:
        bad_request(f"Parameter '{name}' must be one of {', '.join(sorted(allowed))} (prefix '-' for descending).")
    return key, descending


def format_arg() -> str:
    """`?format=csv` asks a report route for its rows as CSV; the default is the HTML page."""
    return choice_arg("format", ("html", "csv"), "html")


def found(value, message: str | Callable[[], str]):
    """The value, or a 404 when the lookup returned nothing."""
    if value is None or value == []:
        not_found(message() if callable(message) else message)
    return value
