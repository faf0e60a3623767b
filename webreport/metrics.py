"""Ratio metrics as the warehouse defines them (mart rpt_metric_definitions, from the dbt var `metrics`).

The app never writes a formula of its own: `ratio(name, parts)` applies the definition read from the
serving snapshot to summed additive parts, and `Metric.sql()` returns the SQL the warehouse's macro
`metric_ratio` rendered, so a page's totals row, a sort order and a mart compute the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from webreport.db import snapshot_identity
from webreport.queries import common


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
    sql_expression: str
    summed_sql_expression: str

    @property
    def parts(self) -> tuple[str, ...]:
        return (*self.numerator, self.denominator)

    @property
    def tooltip(self) -> str:
        return f"{self.label} = {self.formula}. {self.description}"

    def sql(self, agg: str | None = None) -> str:
        """The ratio as SQL over the part columns, as the macro `metric_ratio` rendered it in the
        warehouse: per row (agg=None, e.g. for sorting) or over grouped rows (agg='sum')."""
        if agg is None:
            return self.sql_expression
        if agg == "sum":
            return self.summed_sql_expression
        raise ValueError(f"metric {self.name}: agg must be None or 'sum', not {agg!r}")

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
            sql_expression=row["sql_expression"], summed_sql_expression=row["summed_sql_expression"],
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
