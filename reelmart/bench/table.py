"""Shared pieces for benchmarks: a timer that records wall time and peak memory, and a table printer."""

from __future__ import annotations

import resource
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import psutil


@dataclass
class Measurement:
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    extra: dict = field(default_factory=dict)


@contextmanager
def measure(poll_seconds: float = 0.05, timeline: list | None = None):
    """Wall time and peak resident memory (this process plus its children) of the block.

    timeline: a list that receives every sample as (epoch seconds, resident bytes), to say later which
    part of the block the memory went to (reelmart/bench/node_memory.py).

    Peak memory is sampled in a thread, so short spikes between samples can be missed; the
    children's maximum from getrusage covers subprocesses such as `dbt build`. That maximum is over
    every child this process ever waited for, so it only counts when it rose during the block:
    otherwise an earlier, bigger child (a full build before a partial one) would be reported.
    """
    process = psutil.Process()
    result = Measurement()
    stop = threading.Event()
    peak = [0]

    def sample() -> None:
        while not stop.is_set():
            rss = process.memory_info().rss
            for child in process.children(recursive=True):
                try:
                    rss += child.memory_info().rss
                except psutil.Error:
                    pass
            peak[0] = max(peak[0], rss)
            if timeline is not None:
                timeline.append((time.time(), rss))
            stop.wait(poll_seconds)

    children_peak_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - start
        stop.set()
        sampler.join()
        children_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        children_peak = children_peak * 1024 if children_peak > children_peak_before else 0
        result.peak_rss_mb = max(peak[0], children_peak) / 2**20


def format_value(value) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "n/a"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def print_table(rows: Sequence[dict], title: str, columns: Iterable[str] | None = None, file=None) -> str:
    """Print rows as a Markdown table (pasteable into the README) and return the text."""
    file = file or sys.stdout
    columns = list(columns or dict.fromkeys(key for row in rows for key in row))
    cells = [[format_value(row.get(col)) for col in columns] for row in rows]
    widths = [max(len(col), *(len(r[i]) for r in cells)) if cells else len(col) for i, col in enumerate(columns)]
    lines = [f"### {title}", ""]
    lines.append("| " + " | ".join(col.ljust(w) for col, w in zip(columns, widths, strict=True)) + " |")
    lines.append("| " + " | ".join("-" * w for w in widths) + " |")
    for r in cells:
        lines.append("| " + " | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) + " |")
    text = "\n".join(lines) + "\n"
    print(text, file=file, flush=True)
    return text
