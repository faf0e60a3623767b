"""The uplift benchmark runs end to end on a tiny scale and prints every learner's row."""

from __future__ import annotations

import argparse

import pytest

from reelmart.bench import uplift


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    uplift.add_arguments(parser)
    return parser.parse_args(argv)


def test_bench_prints_a_row_per_learner(capsys) -> None:
    assert uplift.run(parse(["--scales", "4000", "--n-estimators", "5", "--n-jobs", "1"])) == 0
    table = capsys.readouterr().out
    assert "5 trees" in table
    rows = [line for line in table.splitlines() if line.startswith("| 4,000")]
    assert [row.split("|")[2].strip() for row in rows] == [
        "random",
        "SLearner",
        "TLearner",
        "XLearner",
        "oracle (true CATE)",
    ]


def test_bench_rejects_bad_scales() -> None:
    with pytest.raises(SystemExit, match="scales"):
        uplift.run(parse(["--scales", "ten"]))
