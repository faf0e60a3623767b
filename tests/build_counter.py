"""Where a test session's time goes: every dbt invocation and simulator run, counted and timed per test.

A pytest plugin (tests/conftest.py registers it). It wraps `reelmart.warehouse.run_dbt` and the
simulator's `run`/`append_days` before any test module imports them, charges each call to the test
(or fixture set-up) that made it, and prints a table at the end of the session. Behaviour is unchanged:
the wrappers only time the call and pass its result or exception on.

Two times per call: wall seconds, and CPU seconds (user + system, of this process and of the children it
waited for, i.e. the dbt process). On a shared machine the wall time grows with the load average while the
CPU time barely moves, so the CPU time is the better estimate of what a call costs on a quiet machine.
A build run in a background child process (the session's tiny build) is reported by its fixture through
`record`, with how long the session waited for it.
"""

from __future__ import annotations

import functools
import os
import resource
import time
from collections import defaultdict

import pytest

_calls: list[tuple[str, str, float, float]] = []  # (kind, test node id, wall seconds, CPU seconds)
_waits: list[tuple[str, str, float]] = []  # (kind, test node id, seconds blocked) of background calls
_current = {"nodeid": "(collection)"}


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(kind_of, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started, cpu = time.perf_counter(), _cpu_seconds()
        try:
            return function(*args, **kwargs)
        finally:
            _calls.append((kind_of(args, kwargs), _current["nodeid"], time.perf_counter() - started,
                           _cpu_seconds() - cpu))

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


def record(kind: str, wall: float, cpu: float, waited: float | None = None) -> None:
    """Count a call made in a background child process (its own wall and CPU seconds, as it measured them).
    `waited`: how long the test (or fixture) that needed it blocked for it; the rest overlapped other tests."""
    _calls.append((kind, _current["nodeid"], wall, cpu))
    if waited is not None:
        _waits.append((kind, _current["nodeid"], waited))


def pytest_configure(config):
    install()


def calls() -> list[tuple[str, str, float, float]]:
    return list(_calls)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _current["nodeid"] = item.nodeid
    yield
    _current["nodeid"] = "(between tests)"


def pytest_terminal_summary(terminalreporter):
    if not _calls:
        return
    by_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
    by_test: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    waited = {(kind, nodeid): seconds for kind, nodeid, seconds in _waits}
    for kind, nodeid, wall, cpu in _calls:
        by_kind[kind].append((wall, cpu))
        by_test[nodeid][0] += waited.get((kind, nodeid), wall)  # a background build costs the test its wait
        by_test[nodeid][1] += cpu
    write = terminalreporter.write_line
    terminalreporter.section("dbt and simulator calls (tests/build_counter.py)")
    write(f"load average now {os.getloadavg()[0]:.1f} (wall times under load are pessimistic; CPU times are not)")
    width = max(28, *map(len, by_kind))
    write(f"{'':<{width}} {'calls':>5} {'wall s':>9} {'CPU s':>9}")
    for kind, times in sorted(by_kind.items(), key=lambda kv: -sum(w for w, _ in kv[1])):
        write(f"{kind:<{width}} {len(times):>5} {sum(w for w, _ in times):>9.1f} {sum(c for _, c in times):>9.1f}")
    write(f"{'total':<{width}} {len(_calls):>5} {sum(c[2] for c in _calls):>9.1f} {sum(c[3] for c in _calls):>9.1f}")
    for kind, nodeid, waited in _waits:
        write(f"{kind}: ran in a child process beside the tests; the session waited {waited:.1f} s for it ({nodeid})")
    write("by the test that made them (fixture set-up is charged to the first test that needed it; "
          "a background build by the time it waited):")
    for nodeid, (wall, cpu) in sorted(by_test.items(), key=lambda kv: -kv[1][0])[:15]:
        write(f"  {wall:>8.1f} s wall {cpu:>8.1f} s CPU  {nodeid}")
