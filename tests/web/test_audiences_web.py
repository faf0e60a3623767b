"""Audiences page on the tiny warehouse: login, CSRF on the export POST, bad input, downloads limited to the
run's manifest, and no raw identifier anywhere in a page or a downloaded file."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from tests.conftest import TEST_PASSWORD, TEST_USER


@pytest.fixture
def audience_app(tiny_warehouse, tmp_path):
    """The app with the export ledger and the exports folder in this test's own directory."""
    from werkzeug.security import generate_password_hash

    from webreport import create_app

    def make(csrf: bool):
        return create_app({
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SERVING_DB": str(tiny_warehouse.serving_db),
            "DOCS_HTML": str(tiny_warehouse.docs_html),
            # exports and their files need the privileged role
            "USERS": {TEST_USER: {"password_hash": generate_password_hash(TEST_PASSWORD), "role": "privileged"}},
            "WTF_CSRF_ENABLED": csrf,
            "AUDIENCE_LEDGER": str(tmp_path / "ledger" / "audience_exports.sqlite"),
            "AUDIENCE_EXPORTS_DIR": str(tmp_path / "exports"),
        })

    return make


@pytest.fixture
def signed_in(audience_app):
    client = audience_app(csrf=False).test_client()
    assert client.post("/login", data={"username": TEST_USER, "password": TEST_PASSWORD}).status_code == 302
    return client


def _identifiers(tiny_warehouse) -> list[str]:
    """Raw e-mails and phone numbers of the tiny platform (long enough not to match by accident)."""
    from audience_export.identifiers import store_path

    with duckdb.connect(str(store_path(tiny_warehouse.serving_db)), read_only=True) as con:
        rows = con.execute("select email, phone from dim_user_identifiers").fetchall()
    values = {v.strip() for row in rows for v in row if v and len(v.strip()) >= 8}
    return sorted(values)


def _export(client, name="beauty_fans", destination="csv", **extra):
    form = {"destination": destination, "min_size": "1", "force_min_size": "1", **extra}
    return client.post(f"/audiences/{name}/export", data={k: v for k, v in form.items() if v is not None})


def test_pages_need_login(audience_app):
    client = audience_app(csrf=False).test_client()
    for url in ("/audiences", "/audiences/beauty_fans", "/audiences/runs/20260101T000000000000Z-00000000"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = _export(client)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_index_lists_every_audience_with_its_size(signed_in, tiny_warehouse):
    page = signed_in.get("/audiences").get_data(as_text=True)
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        sizes = dict(con.execute("select audience_name, members from rpt_audience_sizes").fetchall())
    assert len(sizes) >= 5
    for name, members in sizes.items():
        row = re.search(rf'<tr data-row-key="{name}">(.*?)</tr>', page, re.S)
        assert row, name
        assert f">{members:,}</td>" in row.group(1)
    assert 'id="audience-overlap"' in page and 'id="chart-audience-history"' in page


def test_overlap_csv_matches_the_warehouse(signed_in, tiny_warehouse):
    response = signed_in.get("/audiences?format=csv&table=overlap")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    header = lines[0].split(",")
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        a, b, shared, size_a, size_b = con.execute("""
            select audience_a, audience_b, shared_members, members_a, members_b from rpt_audience_overlap
            where audience_a = 'beauty_fans' and audience_b = 'campaign_persuadables'""").fetchone()
    row = next(line.split(",") for line in lines[1:] if line.startswith(f"{a},"))
    assert float(row[header.index(b)]) == pytest.approx(shared / (size_a + size_b - shared))
    assert float(row[header.index(a)]) == 1.0


@pytest.mark.parametrize("url,status", [
    ("/audiences/nobody", 404),
    ("/audiences/Bad-Name", 400),
    ("/audiences/beauty_fans;drop", 400),
    ("/audiences/runs/not-a-run", 400),
    ("/audiences/runs/20260101T000000000000Z-00000000", 404),
    ("/audiences?format=xml", 400),
    ("/audiences?table=users", 400),
])
def test_bad_input(signed_in, url, status):
    assert signed_in.get(url).status_code == status


@pytest.mark.parametrize("form,status,message", [
    ({"destination": "myspace"}, 400, "Choose a destination"),
    ({"destination": "csv", "min_size": "-3"}, 400, "minimum size"),
    ({"destination": "csv", "min_size": "100000"}, 400, "below its minimum"),
    ({"destination": "google"}, 400, "below its minimum"),
])
def test_export_user_errors(signed_in, form, status, message):
    response = signed_in.post("/audiences/beauty_fans/export", data=form)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_export_disallowed_destination_and_unknown_audience(signed_in):
    response = _export(signed_in, name="new_engaged_users", destination="google")
    assert response.status_code == 400 and "may only go to" in response.get_data(as_text=True)
    assert _export(signed_in, name="nobody").status_code == 404


def test_export_needs_a_csrf_token(audience_app):
    client = audience_app(csrf=True).test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"username": TEST_USER, "password": TEST_PASSWORD,
                                       "csrf_token": token}).status_code == 302
    assert _export(client).status_code == 400
    assert _export(client, csrf_token="forged").status_code == 400
    page = client.get("/audiences/beauty_fans").get_data(as_text=True)
    token = re.search(r'id="export-form".*?name="csrf_token" value="([^"]+)"', page, re.S).group(1)
    response = _export(client, csrf_token=token)
    assert response.status_code == 303 and "/audiences/runs/" in response.headers["Location"]


def test_export_then_download_only_manifest_files(signed_in, tiny_warehouse, tmp_path):
    response = _export(signed_in, destination="meta")
    assert response.status_code == 303
    run_url = response.headers["Location"]
    run_id = run_url.rstrip("/").rsplit("/", 1)[1]
    page = signed_in.get(run_url).get_data(as_text=True)
    manifest = json.loads(signed_in.get(f"{run_url}/files/manifest.json").get_data())
    assert manifest["run_id"] == run_id and manifest["audience"] == "beauty_fans"
    assert manifest["definition_version"] == "beauty_fans-v1"
    names = [f["name"] for f in manifest["files"]]
    assert {"full-00001.csv", "add-00001.csv", "remove-00001.csv"} <= set(names)
    raw = _identifiers(tiny_warehouse)
    assert raw
    for name in names:
        assert f"files/{name}" in page
        body = signed_in.get(f"{run_url}/files/{name}")
        assert body.status_code == 200
        text = body.get_data(as_text=True)
        assert not [value for value in raw if value in text], name
    full = signed_in.get(f"{run_url}/files/full-00001.csv").get_data(as_text=True).splitlines()
    assert full[0] == "email,phone,country" and len(full) - 1 == manifest["counts"]["written"] > 0
    # anything not in the manifest is a 404, whatever the path looks like
    (tmp_path / "exports" / "secret.txt").write_text("not for download")
    for name in ("secret.txt", "..%2F..%2Fsecret.txt", "../manifest.json", ".tmp", "full-00002.csv"):
        assert signed_in.get(f"{run_url}/files/{name}").status_code == 404, name
    # the index shows the run with its diff counts, and a second run diffs against the first
    second = _export(signed_in, destination="meta")
    assert second.status_code == 303
    index = signed_in.get("/audiences").get_data(as_text=True)
    runs = re.findall(r'<tr data-row-key="([^"]+)">', index.split('id="audience-exports"')[1])
    assert run_id in runs and len(runs) == 2
    second_manifest = json.loads(signed_in.get(f"{second.headers['Location']}/files/manifest.json").get_data())
    assert second_manifest["previous_run_id"] == run_id
    assert second_manifest["counts"]["added"] == second_manifest["counts"]["removed"] == 0


def test_pages_show_no_raw_identifiers(signed_in, tiny_warehouse):
    raw = _identifiers(tiny_warehouse)
    for url in ("/audiences", "/audiences/beauty_fans", "/audiences/lapsed_viewers"):
        response = signed_in.get(url)
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert not [value for value in raw if value in text], url


def test_detail_composition_adds_up(signed_in, tiny_warehouse):
    page = signed_in.get("/audiences/beauty_fans").get_data(as_text=True)
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        (members,) = con.execute("select count(*) from aud_beauty_fans").fetchone()
        by_age = dict(con.execute("""select a.age_band, count(*) from aud_beauty_fans f
            join dim_users a using (user_id) group by 1""").fetchall())
    assert f"<dd>{members:,}</dd>" in page
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        everyone = dict(con.execute("select age_band, count(*) / sum(count(*)) over () from dim_users "
                                    "group by 1").fetchall())
    section = page.split('id="composition-age_band"')[1].split("</table>")[0]
    for band, count in by_age.items():
        assert re.search(rf'data-row-key="{re.escape(band)}">\s*<td[^>]*>{re.escape(band)}</td>\s*'
                         rf'<td class="num"[^>]*>{count:,}</td>\s*'
                         rf'<td class="num"[^>]*>{count / members * 100:.2f}%</td>\s*'
                         rf'<td class="num"[^>]*>{everyone[band] * 100:.2f}%</td>', section), band
