"""The session's own scheduling (tests/background.py, tests/conftest.py): children at lower priority, and the
order of the modules by what they wait for."""

from __future__ import annotations

import os
from types import SimpleNamespace

from tests import background
from tests.conftest import _waits_for, pytest_collection_modifyitems


def niceness() -> dict:
    """Run in a child: its niceness."""
    return {"nice": os.nice(0)}


def test_children_run_at_lower_priority_unless_asked_not_to(tmp_path):
    own = os.nice(0)
    low = background.Child("niceness", "tests.unit.test_background", "niceness", [], log=tmp_path / "low.log",
                           result=tmp_path / "low.json")
    normal = background.Child("niceness", "tests.unit.test_background", "niceness", [], log=tmp_path / "normal.log",
                              result=tmp_path / "normal.json", nice=0)
    assert low.wait()["nice"] == min(own + background.NICE, 19)
    assert normal.wait()["nice"] == own


def _item(nodeid: str, fixtures=(), **module_attributes) -> SimpleNamespace:
    return SimpleNamespace(nodeid=nodeid, fixturenames=list(fixtures), module=SimpleNamespace(**module_attributes))


def test_modules_run_in_the_order_of_what_they_wait_for():
    lint = _item("tests/warehouse/test_lint.py::test_a", BACKGROUND_AT_START="lint_in_child")
    truth = [_item("tests/warehouse/test_truth.py::test_a", ["tiny_warehouse"]),
             _item("tests/warehouse/test_truth.py::test_b", ["warehouse_20k"])]
    web = [_item("tests/web/test_page.py::test_a", ["client", "tiny_warehouse"]),
           _item("tests/web/test_page.py::test_b")]  # in a module that waits for the tiny build
    unit = [_item("tests/unit/test_x.py::test_a"), _item("tests/unit/test_x.py::test_b")]
    assert [_waits_for(item) for item in (lint, *truth, *web, *unit)] == [2, 1, 2, 1, 0, 0, 0]

    items = [lint, *truth, web[0], unit[0], web[1], unit[1]]
    pytest_collection_modifyitems(None, None, items)
    assert [item.nodeid for item in items] == [
        "tests/unit/test_x.py::test_a", "tests/unit/test_x.py::test_b",
        "tests/web/test_page.py::test_a", "tests/web/test_page.py::test_b",
        "tests/warehouse/test_lint.py::test_a",
        "tests/warehouse/test_truth.py::test_a", "tests/warehouse/test_truth.py::test_b"]
