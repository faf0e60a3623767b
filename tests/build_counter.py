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
_background_cpu: dict[str, float] = defaultdict(float)  # test node id -> CPU s of background children it waited for
_per_file: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])  # test file -> [wall s, CPU s, tests]


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
    _background_cpu[_current["nodeid"]] += cpu  # already counted in its own row: not the waiting test's CPU
    if waited is not None:
        _waits.append((kind, _current["nodeid"], waited))


def pytest_configure(config):
    install()


def calls() -> list[tuple[str, str, float, float]]:
    return list(_calls)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _current["nodeid"] = item.nodeid
    started, cpu = time.perf_counter(), _cpu_seconds()
    yield
    row = _per_file[item.nodeid.split("::")[0]]
    row[0] += time.perf_counter() - started
    row[1] += _cpu_seconds() - cpu - _background_cpu.pop(item.nodeid, 0.0)
    row[2] += 1
    _current["nodeid"] = "(between tests)"


def pytest_terminal_summary(terminalreporter):
    _write_calls(terminalreporter)
    _write_per_file(terminalreporter)


def _write_calls(terminalreporter) -> None:
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


def _write_per_file(terminalreporter) -> None:
    """Every test file's wall and CPU seconds in the session's own process (set-up, call and tear-down of its
    tests; a background child's CPU is in its own row above, not here), most wall first."""
    if not _per_file:
        return
    write = terminalreporter.write_line
    terminalreporter.section("test files by wall time in the session process (tests/build_counter.py)")
    write(f"{'wall s':>8} {'CPU s':>8} {'tests':>5}  file")
    for path, (wall, cpu, count) in sorted(_per_file.items(), key=lambda kv: -kv[1][0]):
        write(f"{wall:>8.1f} {cpu:>8.1f} {count:>5}  {path}")
    write(f"{sum(r[0] for r in _per_file.values()):>8.1f} {sum(r[1] for r in _per_file.values()):>8.1f} "
          f"{sum(int(r[2]) for r in _per_file.values()):>5}  total")
