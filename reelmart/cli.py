"""The `reelmart` command line: a thin dispatcher over the packages.

Each area registers its own subcommands in `reelmart/commands/<area>.py` through a
`register(subparsers)` function, so this file never grows with the product.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

# One module per area; each exposes register(subparsers) and sets `func` on its parsers.
COMMAND_MODULES = [
    "reelmart.commands.platform",
    "reelmart.commands.sentiment",
    "reelmart.commands.audiences",
    "reelmart.commands.bench",
    "reelmart.commands.warehouse",
    "reelmart.commands.creators",
]


class CommandError(Exception):
    """A user-facing failure: printed as one line, exit code 2, no traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reelmart", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # an area that has not landed yet
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.umask(0o077)  # every file the CLI (and dbt, gunicorn under it) writes is readable by its owner only
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except CommandError as exc:
        print(f"reelmart {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
