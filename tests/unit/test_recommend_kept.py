"""The served recommender's kept fit (models_ml.recommend.kept): when a build fits, reuses or refreshes."""

from __future__ import annotations

import pytest

from models_ml.recommend import Recommender
from models_ml.recommend.kept import fit_key, kept_fit
from models_ml.recommend.synthetic import make_interactions


@pytest.fixture(scope="module")
def data():
    return make_interactions(n_users=80, n_items=30, n_events=600, random_state=1)


class Calls:
    """Counts the fits and refreshes kept_fit asks for."""

    def __init__(self, data):
        self.data, self.fits, self.refreshes = data, 0, 0

    def fit(self):
        self.fits += 1
        return Recommender(ranking="popular").fit(*self.data)

    def refresh(self, model):
        self.refreshes += 1
        return model.refresh(*self.data)


def test_fits_once_then_reuses_on_the_same_data_and_refreshes_on_new_data(tmp_path, data):
    calls = Calls(data)
    first = kept_fit(tmp_path, "k1", "rec-a", calls.fit, calls.refresh)
    same = kept_fit(tmp_path, "k1", "rec-a", calls.fit, calls.refresh)
    newer = kept_fit(tmp_path, "k1", "rec-b", calls.fit, calls.refresh)
    assert (first.how, same.how, newer.how) == ("fitted", "stored fit, same data", "refreshed")
    assert (calls.fits, calls.refreshes) == (1, 1)
    assert newer.version == "rec-a"  # the rows name the fit that served them
    assert [p.name for p in tmp_path.iterdir()] == ["recommender-k1-rec-a.pkl"]


def test_a_new_key_fits_again_and_drops_the_older_fit(tmp_path, data):
    calls = Calls(data)
    kept_fit(tmp_path, "k1", "rec-a", calls.fit, calls.refresh)
    assert kept_fit(tmp_path, "k2", "rec-b", calls.fit, calls.refresh).how == "fitted"
    assert [p.name for p in tmp_path.iterdir()] == ["recommender-k2-rec-b.pkl"]


def test_an_unreadable_stored_fit_is_refitted_not_fatal(tmp_path, data):
    (tmp_path / "recommender-k1-rec-a.pkl").write_bytes(b"truncated")
    calls = Calls(data)
    assert kept_fit(tmp_path, "k1", "rec-a", calls.fit, calls.refresh).how == "fitted"
    assert Recommender.load(tmp_path / "recommender-k1-rec-a.pkl").ranking == "popular"


def test_without_a_usable_folder_every_build_fits(tmp_path, data):
    calls = Calls(data)
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    for folder in (None, blocked):
        assert kept_fit(folder, "k1", "rec-a", calls.fit, calls.refresh).how == "fitted"
    assert calls.fits == 2


def test_the_key_follows_the_served_choice_and_the_settings():
    key = fit_key({"ranking": "ltr", "k": 10}, "rec-1")
    assert key == fit_key({"k": 10, "ranking": "ltr"}, "rec-1")
    assert key != fit_key({"ranking": "ltr", "k": 10}, "rec-2")
    assert key != fit_key({"ranking": "ltr", "k": 20}, "rec-1")
