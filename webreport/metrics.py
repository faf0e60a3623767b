"""Ratio metrics as the warehouse defines them (mart rpt_metric_definitions, from the dbt var `metrics`).

The app never writes a formula of its own: `ratio(name, parts)` applies the definition read from the
serving snapshot to summed additive parts, so a page's totals row, a KPI tile and the warehouse's
`metric_ratio` macro compute the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from webreport.db import snapshot_identity
from webreport.queries import common

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    numerator: tuple[str, ...]
    denominator: str
    multiplier: float
    value_format: str
    description: str
    formula: str

    @property
    def parts(self) -> tuple[str, ...]:
        return (*self.numerator, self.denominator)

    @property
    def tooltip(self) -> str:
        return f"{self.label} = {self.formula}. {self.description}"

    def sql(self, agg: str | None = None, qualifier: str = "") -> str:
        """The same ratio as SQL over the part columns (the Python twin of the macro `metric_ratio`),
        e.g. for sorting by a metric. Part names come from the warehouse and must be identifiers."""
        def part(name: str) -> str:
            if not _IDENTIFIER.fullmatch(name):
                raise ValueError(f"metric {self.name}: part {name!r} is not a column name")
            column = f"{qualifier}{name}"
            return f"{agg}({column})" if agg else column

        numerator = "(" + " + ".join(part(p) for p in self.numerator) + ")"
        if self.multiplier != 1:
            numerator += f" * {self.multiplier!r}"
        return f"cast({numerator} as double) / nullif({part(self.denominator)}, 0)"

    def compute(self, parts: dict) -> float | None:
        """multiplier × sum(numerator) / denominator from already summed parts; None when undefined."""
        denominator = _number(parts.get(self.denominator))
        if not denominator:
            return None
        numerator = sum(_number(parts.get(part)) or 0.0 for part in self.numerator)
        return numerator * self.multiplier / denominator


def _number(value) -> float | None:
    return None if value is None else float(value)


_by_snapshot: dict[tuple, dict[str, Metric]] = {}


def definitions() -> dict[str, Metric]:
    """Every metric of the serving snapshot, by name (parsed once per published snapshot)."""
    identity = snapshot_identity()
    if identity not in _by_snapshot:
        _by_snapshot.clear()
        _by_snapshot[identity] = _read_definitions()
    return _by_snapshot[identity]


def _read_definitions() -> dict[str, Metric]:
    return {
        row["metric_name"]: Metric(
            name=row["metric_name"], label=row["label"], numerator=tuple(row["numerator_parts"].split(",")),
            denominator=row["denominator_part"], multiplier=float(row["multiplier"]),
            value_format=row["value_format"], description=row["description"], formula=row["formula"],
        )
        for row in common.metric_definitions()
    }


def get(name: str) -> Metric:
    metrics = definitions()
    if name not in metrics:
        raise KeyError(f"metric {name!r} is not defined in the dbt var `metrics` (known: {', '.join(metrics)})")
    return metrics[name]


def ratio(name: str, parts: dict) -> float | None:
    return get(name).compute(parts)


def add_ratios(rows: list[dict], names: list[str]) -> list[dict]:
    """Add each metric in `names` as a column computed from the row's own parts."""
    metrics = [get(name) for name in names]
    for row in rows:
        for metric in metrics:
            row[metric.name] = metric.compute(row)
    return rows
