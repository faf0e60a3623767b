"""Where a dbt build's memory goes: the resident memory of the build's process tree, sampled while it
runs, set against the nodes dbt was executing at each sample (run_results.json timings).

dbt runs two threads, so a sample can fall while two nodes execute; each row names the nodes that ran
beside the node at its peak. DuckDB keeps freed buffers for reuse, so resident memory does not fall
back after every node: `rise MB` (the peak during the node minus the memory when it started) is what
the node added, `peak MB` the process tree's size while it ran.
"""

from __future__ import annotations

import bisect
import json
from datetime import datetime
from pathlib import Path


def _epoch(stamp: str) -> float:
    """dbt's timing stamps are UTC ISO strings ending in Z."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def node_name(unique_id: str) -> str:
    """A model's name; a data test's name rather than the hash dbt ends its unique_id with."""
    parts = unique_id.split(".")
    return parts[2] if parts[0] == "test" and len(parts) > 3 else parts[-1]


def node_windows(results: list[dict]) -> list[tuple[str, float, float]]:
    """(node name, start, end) in epoch seconds of each result's execute phase; nodes without one are left out."""
    windows = []
    for result in results:
        for phase in result.get("timing") or []:
            if phase.get("name") == "execute" and phase.get("started_at") and phase.get("completed_at"):
                windows.append((node_name(result["unique_id"]), _epoch(phase["started_at"]),
                                _epoch(phase["completed_at"])))
    return windows


def node_memory(timeline: list[tuple[float, int]], results: list[dict], top: int = 12) -> list[dict]:
    """The `top` nodes by peak resident memory while they executed, with the memory they added.

    timeline: (epoch seconds, resident bytes) samples in time order, e.g. from measure(timeline=...).
    """
    if not timeline:
        return []
    times = [t for t, _ in timeline]
    windows = node_windows(results)
    rows = []
    for name, start, end in windows:
        first, last = bisect.bisect_left(times, start), bisect.bisect_right(times, end)
        inside = timeline[first:last]
        at_start = timeline[first - 1][1] if first > 0 else timeline[0][1]
        if not inside:  # shorter than the sampling interval: the nearest sample stands for it
            inside = [timeline[min(first, len(timeline) - 1)]]
        peak_time, peak = max(inside, key=lambda sample: sample[1])
        beside = sorted(other for other, s, e in windows if other != name and s <= peak_time <= e)
        rows.append({"node": name, "seconds": end - start, "peak MB": peak / 2**20,
                     "rise MB": max(0, peak - at_start) / 2**20, "running beside it at its peak": ", ".join(beside)})
    rows.sort(key=lambda row: (-row["peak MB"], -row["rise MB"], row["node"]))
    return rows[:top]


def node_memory_from_target(timeline: list[tuple[float, int]], dbt_target: Path, top: int = 12) -> list[dict]:
    """node_memory over the last dbt invocation of an instance (its dbt-target/run_results.json)."""
    results = json.loads((dbt_target / "run_results.json").read_text())["results"]
    return node_memory(timeline, results, top)
