"""Builds that run in a child process beside the tests, for a session on a 2-core machine.

Most of a test session is one busy Python process, so a long build that no test is waiting for yet can run
on the other core: tests/conftest.py starts the session's tiny build at the end of collection, and the builds
that start from the tiny instance (a test module's `BACKGROUND_FROM_TINY`) as soon as it is ready. A
fixture then `wait()`s for its child, which fails the fixture with the tail of the child's log if the build
failed.

Priorities: the session's own process is the critical path (most tests run in it, one after the other), so a
child runs at NICE (lower priority) and takes the CPU that process leaves, unless the session will wait for it
soon (`nice=0`: the tiny build, which half the tests need). Without it, five children and the session's process
shared the two cores evenly: the session crawled while the children ran, then ran alone on one core.

The child runs `python -m tests.background MODULE FUNCTION RESULT ARG...`: it calls MODULE.FUNCTION(*ARGs),
which returns a JSON-able dict, and writes that dict with the child's wall and CPU seconds to RESULT
(atomically). The child gets SIGTERM when the session dies (PR_SET_PDEATHSIG) and is killed at its end.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
# a child's niceness (CFS weight 110 against 1024 at 0): it runs on the CPU the session leaves. On a machine busy
# with other work at normal priority the children get little CPU: REELMART_TEST_NICE=0 runs them at normal priority.
NICE = int(os.environ.get("REELMART_TEST_NICE", "10"))
_children: list[Child] = []


def lower_priority(nice: int = NICE):
    """A preexec_fn for a child (and the processes it starts, e.g. dbt): `nice` niceness, and SIGTERM when the
    session dies (Linux)."""
    from reelmart.warehouse import _die_with_parent

    def preexec() -> None:
        if nice:
            os.nice(nice)
        if sys.platform == "linux":
            _die_with_parent()

    return preexec


class Child:
    """One background call of `module.function(*args)`; `log` and `result` are files it writes."""

    def __init__(self, name: str, module: str, function: str, args: list[str], log: Path, result: Path,
                 nice: int = NICE):
        self.name, self.log_path, self.result_path = name, log, result
        self._log = open(log, "w")  # noqa: SIM115  (closed in wait() or kill())
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.background", module, function, str(result), *map(str, args)],
            cwd=PROJECT, stdout=self._log, stderr=subprocess.STDOUT,
            preexec_fn=lower_priority(nice))
        self._result: dict | None = None
        _children.append(self)

    def wait(self) -> dict:
        """The function's result, once the child is done; counted in tests/build_counter.py with the time the
        calling test waited for it. Fails the calling test if the child failed."""
        if self._result is None:
            from tests import build_counter

            waited = time.monotonic()
            code = self.process.wait()
            self._log.close()
            if code != 0:
                pytest.fail(f"{self.name} (in a child process) failed with exit code {code}; its log "
                            f"{self.log_path} ends:\n{self.log_path.read_text()[-4000:]}")
            self._result = json.loads(self.result_path.read_text())
            build_counter.record(f"{self.name} (background)", self._result["wall_s"], self._result["cpu_s"],
                                 waited=time.monotonic() - waited)
        return self._result

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._log.close()


def kill_all() -> None:
    """End every child still running (at the end of the session)."""
    while _children:
        _children.pop().kill()


def _main(module: str, function: str, result: str, *args: str) -> None:
    started = time.perf_counter()
    output = getattr(importlib.import_module(module), function)(*args)
    cpu = sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for field in ("ru_utime", "ru_stime"))
    record = {**output, "wall_s": time.perf_counter() - started, "cpu_s": cpu}
    tmp = Path(result).with_name(f".{Path(result).name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(record))
    os.replace(tmp, result)


if __name__ == "__main__":
    _main(*sys.argv[1:])
