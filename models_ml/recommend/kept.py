"""The served recommender's fit, kept between builds (issue 19): fitted when the choice is, refreshed daily.

fct_recommendations used to refit on every build. Now a fit is stored in the model cache under a key of what it
must not outlive: the served choice (the selection's model_version, new whenever int_recommender_selected
refits on its schedule), the settings and the recommender's code. A build that finds its key refreshes the
stored fit with the day's data (`Recommender.refresh`) instead of fitting; on the very data it was fitted on,
the stored fit is served as it is, so a rebuild gives the table a fit would. Only the newest fit is kept.
No cache folder, or one that cannot be read or written, means a fit on every build, as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .inputs import code_digest
from .model import Recommender

log = logging.getLogger(__name__)

PREFIX = "recommender-"


@dataclass
class KeptFit:
    model: Recommender
    version: str  # model_version of the data the model was fitted on
    how: str  # "fitted", "stored fit, same data" or "refreshed"


def fit_key(settings: dict, served_version: str) -> str:
    """What a stored fit must match to be reused: the settings, the served choice and the model's code."""
    payload = json.dumps({"settings": settings, "served": served_version}, sort_keys=True, default=str)
    return hashlib.sha256((payload + code_digest()).encode()).hexdigest()[:16]


def kept_fit(cache_dir: str | os.PathLike | None, key: str, version: str, fit: Callable[[], Recommender],
             refresh: Callable[[Recommender], Recommender]) -> KeptFit:
    """The stored fit for `key` (as it is on the data it was fitted on, refreshed otherwise), or a new fit, stored."""
    folder = Path(cache_dir) if cache_dir else None
    stored = _stored(folder, key)
    if stored is not None:
        model, fitted_version = stored
        if fitted_version == version:
            return KeptFit(model, version, "stored fit, same data")
        return KeptFit(refresh(model), fitted_version, "refreshed")
    model = fit()
    if folder is not None:
        _store(folder, key, version, model)
    return KeptFit(model, version, "fitted")


def _stored(folder: Path | None, key: str) -> tuple[Recommender, str] | None:
    if folder is None:
        return None
    for path in sorted(folder.glob(f"{PREFIX}{key}-*.pkl")):
        try:
            return Recommender.load(path), path.stem.removeprefix(f"{PREFIX}{key}-")
        except Exception as error:  # a truncated or foreign file: fit again rather than fail the build
            log.warning("ignoring the stored recommender %s: %s", path, error)
    return None


def _store(folder: Path, key: str, version: str, model: Recommender) -> None:
    """Write atomically (temp file + rename), then drop the older fits."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{PREFIX}{key}-{version}.pkl"
        handle, temp = tempfile.mkstemp(dir=folder, prefix=".recommender-", suffix=".tmp")
        os.close(handle)
        try:
            model.save(temp)
            os.replace(temp, target)
        finally:
            Path(temp).unlink(missing_ok=True)
        for older in folder.glob(f"{PREFIX}*.pkl"):
            if older != target:
                older.unlink(missing_ok=True)
    except OSError as error:  # a read-only or full disk: the next build fits again
        log.warning("could not store the recommender in %s: %s", folder, error)
