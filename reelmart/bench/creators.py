"""Creator studio: retention marts and key moments, video analysis, text suggestions (one section each).

Each section lives in its own module `reelmart.bench.creators_<section>` exposing
`add_arguments(parser)` and `run(args)`; `--sections` picks which run (default: every one present).
"""

from __future__ import annotations

import argparse
import importlib

SECTIONS = {
    "retention": "reelmart.bench.creators_retention",
    "video": "reelmart.bench.creators_video",
    "text": "reelmart.bench.creators_text",
    "posting": "reelmart.bench.creators_posting",
}


def _available() -> dict[str, object]:
    modules = {}
    for section, name in SECTIONS.items():
        try:
            modules[section] = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules


def add_arguments(parser: argparse.ArgumentParser) -> None:
    modules = _available()
    parser.add_argument("--sections", nargs="+", choices=sorted(modules), default=sorted(modules),
                        help="which sections to run (default: all)")
    for module in modules.values():
        module.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    modules = _available()
    status = 0
    for section in args.sections:
        status |= int(modules[section].run(args) or 0)
    return status
