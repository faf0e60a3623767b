"""Benchmarks: each area has a module here with `add_arguments(parser)` and `run(args) -> int`.

A benchmark prints one table (scale, time, throughput, peak memory, quality metrics) that puts
Reelmart next to its named baselines in the same run. Figures are measured, never asserted.
"""
