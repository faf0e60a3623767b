"""Normalisation and hashing: platform test vectors, phone cases, and the SQL path against phonenumbers."""

from __future__ import annotations

import hashlib

import duckdb
import pyarrow as pa
import pytest

from audience_export import normalise, synthetic
from audience_export.destinations import get_destination

TEST_EMAIL_SHA = "973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b"


def bulk(rows: list[dict], destination: str | None = None) -> list[dict]:
    """Run the SQL path (plus the slow-path fallback) over member rows; one dict per member."""
    columns = {c: [r.get(c) for r in rows] for c in ("email", "phone", "country_code", "zip", "maid")}
    table = pa.table(
        {"user_id": list(range(len(rows))), **{c: pa.array(v, pa.string()) for c, v in columns.items()}}
    )
    con = duckdb.connect()
    con.register("members", table)
    p = normalise.SqlParams()
    result = con.execute(normalise.normalised_members_sql(p), p.values)
    names = [d[0] for d in result.description]
    out = [dict(zip(names, r, strict=True)) for r in result.fetchall()]
    slow = [(r["phone_raw"], r["region"]) for r in out if r["phone_status"] == "slow"]
    for r, e164 in zip(
        [r for r in out if r["phone_status"] == "slow"], normalise.resolve_slow_phones(slow), strict=True
    ):
        r["phone_e164"] = e164
    return out


def test_sha256_vector_and_messy_email_normalise_to_it():
    assert normalise.sha256_hex("test@example.com") == TEST_EMAIL_SHA
    for raw in ["test@example.com", "  Test@Example.COM ", "mailto:TEST@example.com", "\tTest@Example.com\n"]:
        assert normalise.normalise_email(raw) == "test@example.com"
    rows = bulk([{"email": "  Test@Example.COM "}, {"email": "MAILTO:test@example.com"}])
    assert [hashlib.sha256(r["email"].encode()).hexdigest() for r in rows] == [TEST_EMAIL_SHA] * 2


@pytest.mark.parametrize(
    "raw", [None, "", "not given", "test@", "test at example.com", "a@b", "@example.com"]
)
def test_invalid_emails_are_rejected_by_both_paths(raw):
    assert normalise.normalise_email(raw) is None
    assert bulk([{"email": raw}])[0]["email"] is None


@pytest.mark.parametrize(
    ("raw", "country", "e164"),
    [
        ("+86 138-0013-8000", "CN", "+8613800138000"),
        ("138 0013 8000", "CN", "+8613800138000"),
        ("8613800138000", "CN", "+8613800138000"),
        ("0086 138 0013 8000", "CN", "+8613800138000"),
        ("(415) 555-0132", "US", "+14155550132"),
        ("1-415-555-0132", "US", "+14155550132"),
        ("011 44 20 7946 0958", "US", "+442079460958"),
        ("+1 415 555 0132 ext. 12", "US", "+14155550132"),
        ("0044 20 7946 0958", "GB", "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("07911 123456", "GB", "+447911123456"),
        ("+44 (0)20 7946 0958", "GB", "+442079460958"),
        ("030 1234567", "DE", "+49301234567"),
        ("090-1234-5678", "JP", "+819012345678"),
        ("(11) 91234-5678", "BR", "+5511912345678"),
        ("98765 43210", "IN", "+919876543210"),
        (" +33 1 42 68 53 00 ", "FR", "+33142685300"),
        ("not given", "US", None),
        ("", "GB", None),
        (None, "CN", None),
        ("12345", "US", None),
        ("138 0013", "CN", None),
        ("+999 1234 5678", "US", None),
        ("020 7946 0958", None, None),
    ],
)
def test_phone_cases_agree_with_phonenumbers_and_expected(raw, country, e164):
    assert normalise.normalise_phone(raw, country) == e164
    assert bulk([{"phone": raw, "country_code": country}])[0]["phone_e164"] == e164


def test_phone_forms_per_destination():
    row = bulk([{"email": "x@example.com", "phone": "0044 20 7946 0958", "country_code": "GB"}])[0]
    con = duckdb.connect()
    con.execute(
        "create table n as select ? as email, ? as phone_e164, ? as maid, ? as country, ? as zip",
        [row["email"], row["phone_e164"], None, row["country"], "SW1A1AA"],
    )

    def column(destination: str, header: str, **kw) -> str:
        dest = get_destination(destination, **kw)
        expr = dict(dest.columns)[header]
        return con.execute(f"select {expr} from n").fetchall()[0][0]

    sha = normalise.sha256_hex
    assert column("google", "Phone") == sha("+442079460958")
    # Country and Zip match only with First and Last Name, which Reelmart has not: not sent
    assert [header for header, _ in get_destination("google").columns] == ["Email", "Phone"]
    assert column("meta", "phone") == sha("442079460958")  # digits only, no '+', no leading zero
    assert column("meta", "country") == sha("gb")
    assert column("tiktok", "Phone_SHA256") == sha("442079460958")  # default: digits (TikTok, Aug 2025)
    assert column("tiktok", "Phone_SHA256", phone_format="e164") == sha("+442079460958")
    assert column("tiktok", "Email_SHA256") == sha("x@example.com")


def test_maid_normalisation():
    assert (
        normalise.normalise_maid(" AECE52E7-03EE-455A-B3C4-E57283966239 ")
        == "aece52e7-03ee-455a-b3c4-e57283966239"
    )
    assert normalise.normalise_maid("00000000-0000-0000-0000-000000000000") is None
    assert normalise.normalise_maid("not-a-maid") is None
    got = bulk(
        [{"maid": "AECE52E7-03EE-455A-B3C4-E57283966239"}, {"maid": "00000000-0000-0000-0000-000000000000"}]
    )
    assert [r["maid"] for r in got] == ["aece52e7-03ee-455a-b3c4-e57283966239", None]


@pytest.mark.parametrize("seed", [11, 12])
def test_fast_path_equals_reference_on_random_sample(seed):
    """20k adversarial + 20k realistic members: the SQL path must give exactly the reference answers."""
    pairs = synthetic.random_phone_strings(20_000, seed=seed)
    realistic = synthetic.messy_members(20_000, seed=seed)
    rows = [{"phone": ph, "country_code": cc} for ph, cc in pairs]
    rows += [
        {"phone": ph, "country_code": cc, "email": em, "maid": md}
        for ph, cc, em, md in zip(
            *(realistic[c].to_pylist() for c in ("phone", "country_code", "email", "maid")), strict=True
        )
    ]
    got = bulk(rows)
    slow = sum(r["phone_status"] == "slow" for r in got[20_000:])
    assert slow < 0.01 * 20_000, "realistic data should rarely need phonenumbers"
    mismatches = [
        (row, out["phone_e164"], normalise.normalise_phone(row.get("phone"), row.get("country_code")))
        for row, out in zip(rows, got, strict=True)
        if out["phone_e164"] != normalise.normalise_phone(row.get("phone"), row.get("country_code"))
        or out["email"] != normalise.normalise_email(row.get("email"))
        or out["maid"] != normalise.normalise_maid(row.get("maid"))
        or out["country"] != normalise.normalise_country(row.get("country_code"))
    ]
    assert mismatches == []
    valid = sum(r["phone_e164"] is not None for r in got)
    assert valid > 10_000  # the sample is not trivially all-invalid
