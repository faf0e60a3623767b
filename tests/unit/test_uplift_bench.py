"""The uplift benchmark runs end to end on a tiny scale and prints every learner's row, and the setups' table."""

from __future__ import annotations

import argparse

import pytest

from reelmart.bench import uplift


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    uplift.add_arguments(parser)
    return parser.parse_args(argv)


def test_bench_prints_a_row_per_learner(capsys) -> None:
    assert uplift.run(parse(["--setups", "", "--scales", "4000", "--n-estimators", "5", "--n-jobs", "1"])) == 0
    table = capsys.readouterr().out
    assert "5 trees" in table
    rows = [line for line in table.splitlines() if line.startswith("| 4,000")]
    assert [row.split("|")[2].strip() for row in rows] == [
        "random",
        "SLearner",
        "TLearner",
        "XLearner",
        "RLearner",
        "DRLearner",
        "oracle (true CATE)",
    ]


def test_bench_rejects_bad_scales() -> None:
    with pytest.raises(SystemExit, match="scales"):
        uplift.run(parse(["--scales", "ten"]))


def test_setups_table_has_each_learner_and_the_average(capsys) -> None:
    argv = ["--setups", "C", "--n", "300", "--n-test", "300", "--replications", "2", "--setup-learners", "t,drs",
            "--tuning-folds", "2", "--processes", "1"]
    assert uplift.run(parse(argv)) == 0
    table = capsys.readouterr().out
    assert "Nie & Wager" in table and "2 draws" in table
    rows = [[cell.strip() for cell in line.split("|")[1:3]] for line in table.splitlines() if line.startswith("| C")]
    assert rows == [["C", "T-learner GBM (reference)"], ["C", "DR-learner, stacked (default)"]]
    assert "| mean of C | DR-learner, stacked (default)" in table.replace("  ", " ").replace("  ", " ")
    with pytest.raises(SystemExit, match="setup-learners"):
        uplift.run(parse(["--setups", "C", "--setup-learners", "r,dr"]))  # no reference
