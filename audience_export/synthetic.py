"""Seeded synthetic identifiers, messy the way CRM data is: for the benchmark and the tests.

Nothing here is real: numbers are drawn from each country's number ranges, addresses from example domains.
"""

from __future__ import annotations

import random
import uuid

import pyarrow as pa

COUNTRIES = ("CN", "US", "GB", "DE", "JP", "BR", "IN")
_CALLING = {"CN": "86", "US": "1", "GB": "44", "DE": "49", "JP": "81", "BR": "55", "IN": "91"}
_IDD = {"CN": "00", "US": "011", "GB": "00", "DE": "00", "JP": "010", "BR": "0021", "IN": "00"}
_DOMAINS = ("example.com", "example.org", "mail.example.net", "gmail.com", "qq.com", "163.com")


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _national(rng: random.Random, country: str) -> tuple[str, bool]:
    """A national significant number, and whether the country dials it with a trunk '0'."""
    if country == "CN":
        return "1" + rng.choice("3456789") + _digits(rng, 9), False
    if country == "US":
        return rng.choice("2345689") + _digits(rng, 2) + rng.choice("23456789") + _digits(rng, 6), False
    if country == "GB":
        return rng.choice(
            ["7" + rng.choice("1345789") + _digits(rng, 8), "20" + rng.choice("378") + _digits(rng, 7)]
        ), True
    if country == "DE":
        return rng.choice(["15" + rng.choice("12579") + _digits(rng, 8), "30" + _digits(rng, 8)]), True
    if country == "JP":
        return rng.choice("789") + "0" + _digits(rng, 8), True
    if country == "BR":
        return rng.choice("123456789") + rng.choice("123456789") + "9" + _digits(rng, 8), True
    return rng.choice("6789") + _digits(rng, 9), True  # IN mobile


def _group(rng: random.Random, digits: str) -> str:
    sep = rng.choice([" ", "-", ".", ""])
    cuts = sorted(rng.sample(range(1, len(digits)), k=min(3, len(digits) - 1)))
    parts = [digits[i:j] for i, j in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    return sep.join(parts)


def messy_phone(rng: random.Random, country: str) -> str | None:
    """One phone as a CRM would hold it: E.164, national, IDD, bare calling code, brackets, junk."""
    nsn, trunk = _national(rng, country)
    cc = _CALLING[country]
    style = rng.random()
    if style < 0.25:
        return f"+{cc} {_group(rng, nsn)}"
    if style < 0.55:
        national = ("0" if trunk else "") + nsn
        if country == "US" and rng.random() < 0.5:
            return f"({nsn[:3]}) {nsn[3:6]}-{nsn[6:]}"
        return _group(rng, national)
    if style < 0.65:
        return f"{_IDD[country]} {cc} {_group(rng, nsn)}"
    if style < 0.72:
        return cc + nsn
    if style < 0.78:
        return f"  +{cc}{nsn} "
    if style < 0.84:
        return rng.choice(["not given", "", "n/a", "-", "000", "12345", None])
    if style < 0.87:
        return f"+{cc} {nsn} ext. {_digits(rng, 3)}"
    if style < 0.9:
        return _group(rng, _digits(rng, rng.randint(4, 13)))
    return f"+{cc}{nsn}"


def messy_email(rng: random.Random, user_id: int) -> str | None:
    """An address with the usual noise: case, whitespace, 'mailto:', or no address at all."""
    style = rng.random()
    local = rng.choice(["anna", "li.wei", "j.smith", "kenji", "maria_s", "raj+ads", "tom"]) + str(user_id)
    email = f"{local}@{rng.choice(_DOMAINS)}"
    if style < 0.45:
        return email
    if style < 0.65:
        return email.upper() if rng.random() < 0.5 else email.title()
    if style < 0.75:
        return f"  {email} \t"
    if style < 0.8:
        return "mailto:" + email
    if style < 0.88:
        return rng.choice(["", "none", "not given", f"{local}@", f"{local} at example.com", None])
    return None


def messy_maid(rng: random.Random) -> str | None:
    style = rng.random()
    if style < 0.5:
        return None
    value = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if style < 0.7:
        return value.upper()
    if style < 0.75:
        return "00000000-0000-0000-0000-000000000000"
    return value


def messy_members(n: int, seed: int = 0, first_user_id: int = 1) -> pa.Table:
    """`n` members with the `dim_user_identifiers` columns: user_id, email, phone, country_code, zip, maid."""
    rng = random.Random(seed)
    user_ids = list(range(first_user_id, first_user_id + n))
    countries = [rng.choice(COUNTRIES) for _ in user_ids]
    return pa.table(
        {
            "user_id": pa.array(user_ids, pa.int64()),
            "email": [messy_email(rng, u) for u in user_ids],
            "phone": [messy_phone(rng, c) for c in countries],
            "country_code": countries,
            "zip": [f"{rng.randint(10000, 99999)}" for _ in user_ids],
            "maid": [messy_maid(rng) for _ in user_ids],
        }
    )


def random_phone_strings(n: int, seed: int = 0) -> list[tuple[str | None, str | None]]:
    """Adversarial (phone, country) pairs: random digit runs behind random prefixes, regions and junk.

    Used to compare the SQL path with phonenumbers far from the happy path.
    """
    rng = random.Random(seed)
    regions = [*COUNTRIES, *COUNTRIES, "FR", "CA", "AU", "IT", "gb", " us ", "XX", None, ""]
    out: list[tuple[str | None, str | None]] = []
    for _ in range(n):
        region = rng.choice(regions)
        base = rng.choice(list(_CALLING.values()) + ["", "", "", "7", "33", "39", "0", "00"])
        prefix = rng.choice(["+", "00", "011", "010", "0", "", "", "(", "+0", "1", "0021", "90"])
        body = _digits(rng, rng.randint(0, 14))
        if rng.random() < 0.5 and region and region.strip().upper() in _CALLING:
            body = _national(rng, region.strip().upper())[0]
        text = prefix + base + body
        roll = rng.random()
        if roll < 0.4:
            text = _group(rng, text) if len(text) > 1 else text
        elif roll < 0.45:
            text = text + " x" + _digits(rng, 2)
        elif roll < 0.5:
            text = text.replace("1", "１")  # full-width digit
        elif roll < 0.53:
            text = rng.choice(["not given", "", "  ", "n/a", "+", "call me", None])
        elif roll < 0.56:
            text = f"({text[:3]}) {text[3:]}"
        out.append((text, region))
    return out
