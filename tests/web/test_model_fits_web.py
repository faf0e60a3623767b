"""Issue 19: the recommendations page says on which data its scheduled fits ran (they are kept between refits)."""

from __future__ import annotations

import re

import duckdb


def test_recommendations_page_says_when_the_scheduled_fits_ran(logged_in, tiny_warehouse):
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        expected = con.execute("select cast(max(evaluated_at) as date) - 1 from fct_model_evaluations "
                               "where model_name like 'recommender_candidate_%'").fetchone()[0]
    html = logged_in.get("/recommendations").get_data(as_text=True)
    sentence = re.search(r'<p class="meta" id="rec-fits">(.*?)</p>', html, re.S)
    assert sentence, "no fit sentence on the page"
    assert "(served-model choice)" in sentence.group(1) and "(offline evaluation)" in sentence.group(1)
    assert expected.isoformat() in sentence.group(1)
