"""Report tables: columns with formats and metric tooltips, a totals row, and CSV of exactly the rows.

A view builds a `Table` from query rows; the Jinja macro `data_table` (templates/_macros.html)
renders it with sortable headers (static/tables.js), and `csv_response` sends the same rows and
columns as CSV, so what a user downloads is what the page shows.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask import Response

from webreport import metrics

# kinds: text, int, number, seconds->hours, percent, currency, ratio, date, bool; and for experiment results:
# rate (a share, 1 decimal), seconds, lift (signed %), pp (signed percentage points), signed_currency,
# signed_seconds, signed (a signed count), p_value ("<0.001" below it)
NUMERIC_KINDS = {"int", "number", "hours", "percent", "currency", "ratio", "rate", "seconds", "lift", "pp",
                 "signed_currency", "signed_seconds", "signed", "p_value"}


@dataclass(frozen=True)
class Column:
    """One table column. `total` says how the totals row gets its value: 'sum' for an additive part,
    'metric' to recompute the ratio `metric` from the summed parts, None to leave it blank."""

    key: str
    label: str
    kind: str = "text"
    metric: str | None = None
    total: str | None = None
    link: Callable[[dict], str] | None = None
    tooltip: str | None = None
    # optional cell extras: text shown instead of the formatted value (sorting and CSV keep the raw value),
    # and markup drawn after it (e.g. a sparkline)
    display: Callable[[dict], str | None] | None = None
    extra: Callable[[dict], str] | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    def title(self) -> str | None:
        """Header tooltip: the column's own note, or the metric definition from the warehouse."""
        if self.tooltip:
            return self.tooltip
        if self.metric:
            return metrics.get(self.metric).tooltip
        return None


@dataclass
class Table:
    columns: list[Column]
    rows: list[dict]
    row_key: str | None = None
    with_totals: bool = False
    caption: str | None = None
    id: str = "report-table"
    hidden_parts: list[str] = field(default_factory=list)

    def totals(self) -> dict | None:
        """Sums of the additive columns (and hidden parts), ratios recomputed from those sums."""
        if not self.with_totals or not self.rows:
            return None
        summed_keys = {c.key for c in self.columns if c.total == "sum"} | set(self.hidden_parts)
        for column in self.columns:
            if column.total == "metric":
                summed_keys |= set(metrics.get(column.metric or column.key).parts)
        sums = {key: sum((row.get(key) or 0) for row in self.rows) for key in summed_keys}
        totals: dict = {}
        for column in self.columns:
            if column.total == "sum":
                totals[column.key] = sums[column.key]
            elif column.total == "metric":
                totals[column.key] = metrics.ratio(column.metric or column.key, sums)
        return totals

    def csv_rows(self) -> list[list]:
        """Header then one line per row, raw (unformatted) values, in display order."""
        lines: list[list] = [[c.key for c in self.columns]]
        for row in self.rows:
            lines.append([csv_value(row.get(c.key)) for c in self.columns])
        return lines


# A cell a spreadsheet would read as a formula (OWASP "CSV injection"): text starting with one of these.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_value(value):
    """One CSV cell: raw numbers and ISO dates; text that a spreadsheet would run as a formula gets a leading
    apostrophe (creators' and commenters' text reaches analysts' spreadsheets). A carriage return in text
    becomes a line feed, which the writer quotes (a bare CR would end the row and start a new, unescaped cell)."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = "'" + value if value.startswith(FORMULA_PREFIXES) else value
        return text.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def csv_response(table: Table, filename: str) -> Response:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(table.csv_rows())
    safe_name = "".join(ch for ch in filename if ch.isalnum() or ch in "-_.") or "report.csv"
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{safe_name}"'})


def format_value(value, kind: str = "text") -> str:
    """Display formatting shared by tables, tiles, templates (filter `fmt`) and the experiment results: the one
    home of number formats. A value that rounds to zero prints without a sign ("0.00", never "-0.00")."""
    text = _format_value(value, kind)
    if any(ch in "123456789" for ch in text):
        return text
    if text.startswith(("-", "+")):
        return text[1:]
    if text.startswith(("¥-", "¥+")):
        return "¥" + text[2:]
    return text


# kind -> how a number reads; one home for number formats (tables, tiles, templates, experiment results)
_NUMBER_FORMATS: dict[str, Callable[[float], str]] = {
    "number": lambda v: f"{v:,.1f}",
    "hours": lambda v: f"{v / 3600:,.1f}",
    "percent": lambda v: f"{v * 100:.2f}%",
    "currency": lambda v: f"¥{v:,.2f}",
    "ratio": lambda v: f"{v:,.2f}",
    "rate": lambda v: f"{v * 100:.1f}%",
    "seconds": lambda v: f"{v:,.0f} s",
    "p_value": lambda v: "<0.001" if v < 0.001 else f"{v:.3f}",
    "lift": lambda v: f"{v * 100:+.1f}%",
    "pp": lambda v: f"{v * 100:+.2f} pp",
    "signed_currency": lambda v: f"{'+' if v >= 0 else '-'}¥{abs(v):,.2f}",
    "signed_seconds": lambda v: f"{v:+,.1f} s",
    "signed": lambda v: f"{v:+,.2f}",
}


def _format_value(value, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind in _NUMBER_FORMATS:
        return _NUMBER_FORMATS[kind](float(value))
    if kind == "int":
        return f"{int(value):,}"
    if kind == "date" and isinstance(value, date | datetime):
        return value.isoformat()[:10]
    if kind == "bool":
        return "yes" if value else "no"
    return str(value)


def sort_value(value) -> str:
    """The raw value a client-side sort compares (data-sort attribute)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return repr(float(value))
    return str(value)
