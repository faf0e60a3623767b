"""`reelmart bench AREA`: run one area's benchmark (or all) and print its table."""

from __future__ import annotations

import argparse
import importlib

# area name -> module in reelmart.bench exposing add_arguments(parser) and run(args)
BENCHMARKS = {
    "warehouse": "reelmart.bench.warehouse",
    "web": "reelmart.bench.web",
    "sentiment": "reelmart.bench.sentiment",
    "experiments": "reelmart.bench.experiments",
    "recommend": "reelmart.bench.recommend",
    "uplift": "reelmart.bench.uplift",
    "audiences": "reelmart.bench.audiences",
    "campaigns": "reelmart.bench.campaigns",
    "placement": "reelmart.bench.placement",
    "creators": "reelmart.bench.creators",
    "engines": "reelmart.bench.engines",
}


def _available() -> dict[str, object]:
    modules = {}
    for area, name in BENCHMARKS.items():
        try:
            modules[area] = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules


def register(subparsers: argparse._SubParsersAction) -> None:
    bench = subparsers.add_parser("bench", help="run benchmarks and print their tables")
    areas = bench.add_subparsers(dest="area", required=True, metavar="AREA")
    modules = _available()
    for area, module in modules.items():
        parser = areas.add_parser(area, help=(module.__doc__ or "").strip().splitlines()[0])
        module.add_arguments(parser)
        parser.set_defaults(func=module.run)
    everything = areas.add_parser("all", help="every benchmark, one after another, default arguments")
    everything.set_defaults(func=lambda args: _run_all(modules))


def _run_all(modules: dict) -> int:
    status = 0
    for area, module in modules.items():
        parser = argparse.ArgumentParser(prog=f"reelmart bench {area}")
        module.add_arguments(parser)
        status |= int(module.run(parser.parse_args([])) or 0)
    return status
