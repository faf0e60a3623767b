"""Labeled comment files (text,label CSV) for the sentiment commands and benchmark: read and checked once,
here, so that benchmarks need not import the CLI's command modules."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from reelmart.cli import CommandError


def read_labels_csv(path: str | Path) -> tuple[list[str], list[str], pd.DataFrame]:
    """Read a labeled CSV (UTF-8, columns text,label) and return (texts, labels, frame).

    Every way the file can be wrong becomes a one-line CommandError: missing file, empty file,
    undecodable bytes, malformed CSV, missing column, blank or unknown label. Texts are read
    verbatim (no "NA" -> NaN guessing: "NA" is a valid comment).
    """
    from models_ml.sentiment import validate_labels

    path = Path(path)
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise CommandError(f"{path}: file is empty")
    try:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False, na_filter=False)
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
        ) from None
    except pd.errors.EmptyDataError:
        raise CommandError(f"{path}: file is empty (no header row)") from None
    except (pd.errors.ParserError, csv.Error) as exc:
        raise CommandError(f"{path}: malformed CSV: {' '.join(str(exc).split())}") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    try:
        texts, labels = validate_labels(frame)
    except ValueError as exc:
        raise CommandError(f"{path}: {exc}") from None
    return texts, labels, frame
