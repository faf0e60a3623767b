"""The warehouse settings a page states beside its numbers: the site's one interval level and the attribution
windows (mart rpt_report_settings, materialised from the dbt vars). Pages read them here instead of printing
a number of their own, so the text cannot drift from what the warehouse computed."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

from flask import g

from webreport.queries import common


@dataclass(frozen=True)
class ReportSettings:
    interval_level: float
    click_window_days: int
    view_window_days: int
    placement_confidence: float
    creator_min_peers: int  # a creator-studio comparison needs at least this many peer videos
    creator_min_hazard_ratio: float  # a key moment's leave rate is more than this many times (1/x for a hold) its usual

    @property
    def level(self) -> str:
        """'95%' for 0.95: the label printed beside every interval."""
        return level_label(self.interval_level)

    @property
    def placement_rule(self) -> str:
        """'90%': how sure the placement plan must be before it moves budget (a threshold, not an interval)."""
        return level_label(self.placement_confidence)

    @property
    def alpha(self) -> float:
        return round(1 - self.interval_level, 12)

    @property
    def z(self) -> float:
        """Two-sided normal quantile of the level (1.96 at 95%)."""
        return NormalDist().inv_cdf(0.5 + self.interval_level / 2)

    @property
    def attribution(self) -> str:
        return (f"last touch: a click within {_days(self.click_window_days)}, "
                f"else an impression within {_days(self.view_window_days)}")

    @property
    def attribution_short(self) -> str:
        return f"{self.click_window_days}-day click, {self.view_window_days}-day view"


def level_label(level: float) -> str:
    return f"{level * 100:.3g}%"


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def get() -> ReportSettings:
    """The settings of the snapshot this request reads (one query per request)."""
    if "report_settings" not in g:
        row = common.report_settings()
        if row is None:
            raise LookupError("rpt_report_settings is empty: rebuild the warehouse")
        g.report_settings = ReportSettings(float(row["interval_level"]), int(row["attribution_click_window_days"]),
                                           int(row["attribution_view_window_days"]),
                                           float(row["placement_confidence"]), int(row["creator_min_peers"]),
                                           float(row["creator_min_hazard_ratio"]))
    return g.report_settings
