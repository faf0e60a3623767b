"""dbt's saved parse is dropped when a macro changed after it (partial parsing can lose renamed macros)."""

from __future__ import annotations

import os

from reelmart.warehouse import drop_stale_partial_parse


def test_saved_parse_goes_only_when_a_macro_is_newer(tmp_path) -> None:
    target, macros = tmp_path / "target", tmp_path / "macros" / "tests"
    target.mkdir()
    macros.mkdir(parents=True)
    macro = macros / "checks.sql"
    macro.write_text("{% macro a() %}1{% endmacro %}")
    saved = target / "partial_parse.msgpack"
    assert drop_stale_partial_parse(target, tmp_path / "macros") is False  # nothing saved yet

    saved.write_bytes(b"parse")
    os.utime(macro, (1_000, 1_000))
    assert drop_stale_partial_parse(target, tmp_path / "macros") is False
    assert saved.exists()

    os.utime(macro, None)  # edited now, after the parse was saved
    os.utime(saved, (2_000, 2_000))
    assert drop_stale_partial_parse(target, tmp_path / "macros") is True
    assert not saved.exists()
