"""Where a test session's time goes: every dbt invocation and simulator run, counted and timed per test.

A pytest plugin (tests/conftest.py registers it). It wraps `reelmart.warehouse.run_dbt` and the
simulator's `run`/`append_days` before any test module imports them, charges each call to the test
(or fixture set-up) that made it, and prints a table at the end of the session. Behaviour is unchanged:
the wrappers only time the call and pass its result or exception on.
"""

from __future__ import annotations

import functools
import os
import time
from collections import defaultdict

import pytest

_calls: list[tuple[str, str, float]] = []  # (kind, test node id, seconds)
_current = {"nodeid": "(collection)"}


def _timed(kind_of, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _calls.append((kind_of(args, kwargs), _current["nodeid"], time.perf_counter() - started))

    wrapper.__wrapped_for_counting__ = True
    return wrapper


def _dbt_kind(args, kwargs) -> str:
    dbt_args = args[0] if args else kwargs["args"]
    return f"dbt {dbt_args[0]}" + (" --select" if "--select" in dbt_args else "")


def install() -> None:
    """Wrap the counted functions once (idempotent)."""
    from reelmart import warehouse
    from reelmart.simulate.generator import PlatformSimulator

    if not getattr(warehouse.run_dbt, "__wrapped_for_counting__", False):
        warehouse.run_dbt = _timed(_dbt_kind, warehouse.run_dbt)
    for method in ("run", "append_days"):
        original = getattr(PlatformSimulator, method)
        if not getattr(original, "__wrapped_for_counting__", False):
            setattr(PlatformSimulator, method, _timed(
                lambda args, kwargs, method=method: f"simulate {args[0].scale.name} {method}", original))


def pytest_configure(config):
    install()


def calls() -> list[tuple[str, str, float]]:
    return list(_calls)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _current["nodeid"] = item.nodeid
    yield
    _current["nodeid"] = "(between tests)"


def pytest_terminal_summary(terminalreporter):
    if not _calls:
        return
    by_kind: dict[str, list[float]] = defaultdict(list)
    by_test: dict[str, float] = defaultdict(float)
    for kind, nodeid, seconds in _calls:
        by_kind[kind].append(seconds)
        by_test[nodeid] += seconds
    write = terminalreporter.write_line
    terminalreporter.section("dbt and simulator calls (tests/build_counter.py)")
    write(f"load average now {os.getloadavg()[0]:.1f} (times under load are pessimistic)")
    for kind, times in sorted(by_kind.items(), key=lambda kv: -sum(kv[1])):
        write(f"{kind:<28} {len(times):>4} calls {sum(times):>8.1f} s")
    write(f"{'total':<28} {len(_calls):>4} calls {sum(t for _, _, t in _calls):>8.1f} s")
    write("by the test that made them (fixture set-up is charged to the first test that needed it):")
    for nodeid, seconds in sorted(by_test.items(), key=lambda kv: -kv[1])[:15]:
        write(f"  {seconds:>8.1f} s  {nodeid}")
