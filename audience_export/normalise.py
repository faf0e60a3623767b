"""Identifier normalisation before SHA-256, per destination: a bulk path in DuckDB SQL and a reference path.

Grain: one row per audience member (user_id). Two implementations of the same rules live here:

* the **reference path** (`normalise_email`, `normalise_phone`, `normalise_maid`): plain Python, phone
  numbers parsed and validated by `phonenumbers`. It is the definition; it is slow (tens of µs/number).
* the **bulk path** (`normalised_members_sql` + `resolve_slow_phones`): the same rules as one DuckDB
  query. Phone parsing in SQL is a transcription of `phonenumbers.parse` + `is_valid_number` for the
  regions in `FAST_REGIONS`, driven by phonenumbers' own metadata (IDD prefixes, national-prefix rules,
  per-type number patterns and lengths), so the two cannot drift apart when the metadata is updated.
  Anything the SQL cannot decide (letters, non-ASCII digits, other regions, a '+' followed by an unknown
  country code) is marked `slow` and resolved by the reference path, once per distinct (phone, country).

The unit tests prove bulk == reference on a large randomised sample. All regexes and metadata patterns
reach DuckDB as bound parameters; no data value is ever interpolated into SQL text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache

import phonenumbers
from phonenumbers import PhoneMetadata

# Whitespace as an explicit ASCII set: Python's \s is Unicode-aware, RE2's is not.
WHITESPACE = " \t\n\r\f\v"
WHITESPACE_RE = r"[ \t\n\r\f\v]"
# Pragmatic address check (RFC 5322 is far wider, but ad platforms only match ordinary addresses).
EMAIL_RE = (
    r"[a-z0-9._%+'\-]+@[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)*\.[a-z]{2,}"
)
# Postal codes are sent in clear text (Google): letters, digits, inner spaces and dashes only, which
# also keeps every CSV cell free of quotes and commas.
ZIP_RE = r"[A-Za-z0-9][A-Za-z0-9 \-]{0,10}[A-Za-z0-9]"
# Mobile advertising IDs (IDFA / GAID) are UUIDs; the all-zero UUID means "limit ad tracking".
MAID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
MAID_ZERO = "00000000-0000-0000-0000-000000000000"
# Phone strings the SQL path parses itself: ASCII digits with spaces, dashes, dots, brackets, one leading '+'.
PHONE_FAST_FORMAT_RE = r"\(?\+?[0-9][0-9 ().\-]*"
# ... optionally followed by an extension, which E.164 drops ('+1 415 555 0132 ext. 12').
PHONE_EXTENSION_RE = r"^(" + PHONE_FAST_FORMAT_RE + r")[ \t]*(?:[eE][xX][tT]\.?|[xX])[ \t]*[0-9]{1,7}$"

# Regions whose numbering plans the SQL path transcribes (the product's markets). Other regions take
# the phonenumbers path.
FAST_REGIONS = ("CN", "US", "GB", "DE", "JP", "BR", "IN")

_NUMBER_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)


# ---------------------------------------------------------------------------------------------
# Reference path
# ---------------------------------------------------------------------------------------------


def sha256_hex(value: str) -> str:
    """Lower-case hex SHA-256 of the UTF-8 bytes: the form every destination expects."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def normalise_email(raw: str | None) -> str | None:
    """Trim whitespace, lower-case, drop a 'mailto:' prefix; None if it is not an address.

    Inner whitespace is not removed: 'john smith@x.com' is rejected rather than guessed into
    'johnsmith@x.com', which may be someone else.

    Gmail dots and '+tags' are kept: Google Customer Match does not require removing them (that rule is
    for Enhanced Conversions), Meta does not ask for it, and keeping one email form for every
    destination keeps the member key stable.
    """
    if raw is None:
        return None
    email = raw.strip(WHITESPACE).lower()
    email = email.removeprefix("mailto:")
    return email if re.fullmatch(EMAIL_RE, email) else None


def normalise_phone(raw: str | None, country_code: str | None) -> str | None:
    """E.164 ('+8613800138000') of a valid number, parsed with the member's country as default region."""
    if raw is None:
        return None
    region = (country_code or "").strip(WHITESPACE).upper() or None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_maid(raw: str | None) -> str | None:
    """Trimmed, lower-cased IDFA/GAID; None for malformed or all-zero (opted-out) IDs."""
    if raw is None:
        return None
    maid = raw.strip(WHITESPACE).lower()
    return maid if re.fullmatch(MAID_RE, maid) and maid != MAID_ZERO else None


def normalise_country(raw: str | None) -> str | None:
    """Upper-case ISO 3166-1 alpha-2, or None."""
    if raw is None:
        return None
    country = raw.strip(WHITESPACE).upper()
    return country if re.fullmatch(r"[A-Z]{2}", country) else None


# ---------------------------------------------------------------------------------------------
# Bulk path: phonenumbers metadata transcribed to SQL
# ---------------------------------------------------------------------------------------------


class SqlParams:
    """Collects bound parameters for one statement; identical values share one name."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self._names: dict[object, str] = {}

    def __call__(self, value: object) -> str:
        if value not in self._names:
            name = f"p{len(self._names)}"
            self._names[value] = name
            self.values[name] = value
        return f"${self._names[value]}"


@dataclass(frozen=True)
class _Plan:
    """One numbering plan (region) as phonenumbers sees it."""

    region: str
    country_code: int
    international_prefix: str | None
    national_prefix_for_parsing: str | None
    national_prefix_transform_rule: str | None
    prefix_groups: int
    general_pattern: str
    possible_lengths: tuple[int, ...]
    local_lengths: tuple[int, ...]
    types: tuple[tuple[tuple[int, ...], str], ...]
    leading_digits: str | None


@cache
def _plan(region: str) -> _Plan:
    md = PhoneMetadata.metadata_for_region(region)
    general = md.general_desc
    types = []
    for name in _NUMBER_TYPES:
        desc = getattr(md, name)
        if desc is None or not desc.national_number_pattern:
            continue
        types.append((tuple(desc.possible_length or ()), desc.national_number_pattern))
    npp = md.national_prefix_for_parsing or None
    return _Plan(
        region=region,
        country_code=md.country_code,
        international_prefix=md.international_prefix,
        national_prefix_for_parsing=npp,
        national_prefix_transform_rule=md.national_prefix_transform_rule or None,
        prefix_groups=re.compile(npp).groups if npp else 0,
        general_pattern=general.national_number_pattern,
        possible_lengths=tuple(general.possible_length),
        local_lengths=tuple(general.possible_length_local_only or ()),
        types=tuple(types),
        leading_digits=md.leading_digits,
    )


def _fast_country_codes() -> dict[int, tuple[str, ...]]:
    """Country calling code -> every region sharing it, in phonenumbers' order (main region first)."""
    return {
        _plan(r).country_code: tuple(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[_plan(r).country_code])
        for r in FAST_REGIONS
    }


def _trim_ws(x: str, p: SqlParams) -> str:
    """trim(x, WHITESPACE), skipped when the first and last characters are not whitespace.

    DuckDB's trim with a character set costs ~5x a comparison of two code points, and almost no
    identifier has surrounding whitespace. Every whitespace character in the set is below 33.
    """
    return f"(case when ascii({x}) > 32 and ascii(right({x}, 1)) > 32 then {x} else trim({x}, {p(WHITESPACE)}) end)"


def _leading_match(x: str, pattern: str, p: SqlParams) -> str:
    """regexp_extract(x, '^(?:pattern)', 0): the prefix of x the pattern matches, '' if none, NULL for NULL.

    A pattern that is only digits ('00', '011', '0') is a starts_with() test, much cheaper than RE2 per row.
    """
    if re.fullmatch(r"[0-9]+", pattern):
        return f"(case when starts_with({x}, {p(pattern)}) then {p(pattern)} when {x} is not null then '' end)"
    return f"regexp_extract({x}, {p('^(?:' + pattern + ')')}, 0)"


def _in_list(expr: str, values, p: SqlParams) -> str:
    return f"{expr} in ({', '.join(p(v) for v in values)})"


def _matches_desc(x: str, lengths: tuple[int, ...], pattern: str, p: SqlParams) -> str:
    """phonenumbers._is_number_matching_desc: length in the desc's lengths (if any) and a full match."""
    match = f"regexp_full_match({x}, {p(pattern)})"
    return f"({_in_list(f'length({x})', lengths, p)} and {match})" if lengths else match


def _valid_for_plan(x: str, plan: _Plan, p: SqlParams) -> str:
    """phonenumbers: number type != UNKNOWN for this region.

    A CASE chain so that each row stops at the first matching type (mobile and fixed line first).
    """
    general = _matches_desc(x, plan.possible_lengths, plan.general_pattern, p)
    types = [_matches_desc(x, lengths, pattern, p) for lengths, pattern in reversed(plan.types)]
    whens = " ".join(f"when {t} then true" for t in types)
    return f"(case when not {general} then false {whens} else false end)"


def _region_case(region_col: str, branches: dict[str, str], p: SqlParams, default: str = "null") -> str:
    """CASE over regions; DuckDB evaluates only the branch each row takes."""
    whens = " ".join(f"when {p(r)} then {expr}" for r, expr in branches.items())
    return f"(case {region_col} {whens} else {default} end)" if whens else default


def _strip_stages(src: str, out: str, region_col: str, p: SqlParams) -> list[list[str]]:
    """phonenumbers._maybe_strip_national_prefix_carrier_code as three CTE stages of new columns.

    Staging keeps every regex to one evaluation per row (nested CASE expressions would repeat them).
    """
    plans = {r: _plan(r) for r in FAST_REGIONS if _plan(r).national_prefix_for_parsing}
    for plan in plans.values():  # '' must mean "no prefix", so a prefix pattern may not match ''
        assert not re.match(plan.national_prefix_for_parsing, ""), plan.region
    anchored = {r: p(f"^(?:{pl.national_prefix_for_parsing})") for r, pl in plans.items()
                if pl.national_prefix_transform_rule and pl.prefix_groups}  # only the transform still needs the regex
    general = {r: f"regexp_full_match({{x}}, {p(pl.general_pattern)})" for r, pl in plans.items()}
    prefix = _region_case(
        region_col, {r: _leading_match(src, pl.national_prefix_for_parsing, p) for r, pl in plans.items()}, p, "''"
    )
    transform = {
        r: f"(case when regexp_extract({src}, {anchored[r]}, {pl.prefix_groups}) <> ''"
        f" then regexp_replace({src}, {anchored[r]}, {p(pl.national_prefix_transform_rule)}) end)"
        for r, pl in plans.items()
        if pl.national_prefix_transform_rule and pl.prefix_groups
    }
    candidate = (
        f"case when coalesce({out}_prefix, '') = '' then null"
        f" else coalesce({_region_case(region_col, transform, p)}, substr({src}, length({out}_prefix) + 1)) end"
    )
    viable = _region_case(region_col, {r: g.format(x=src) for r, g in general.items()}, p, "false")
    viable_candidate = _region_case(
        region_col, {r: g.format(x=f"{out}_candidate") for r, g in general.items()}, p, "false"
    )
    return [
        [f"{prefix} as {out}_prefix"],
        [f"{candidate} as {out}_candidate"],
        [
            f"case when {out}_candidate is null then {src}"
            f" when {viable} and not {viable_candidate} then {src}"
            f" else {out}_candidate end as {out}"
        ],
    ]


def _possible_length_sql(x: str, region_col: str, p: SqlParams) -> str:
    """parse(): a stripped number is kept unless too short, local-only or of an invalid length."""
    branches = {}
    for r in FAST_REGIONS:
        pl = _plan(r)
        n = f"length({x})"
        local = _in_list(n, pl.local_lengths, p) if pl.local_lengths else "false"
        branches[r] = (
            f"(not {local} and ({_in_list(n, pl.possible_lengths, p)} or {n} > {max(pl.possible_lengths)}))"
        )
    return _region_case(region_col, branches, p, "false")


def _phone_sql(p: SqlParams) -> str:
    """CTE chain over `members` ending in `phones` (phone_status, phone_candidate, and the raw columns)."""
    codes = _fast_country_codes()
    all_codes = sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)
    code_sets = {n: [str(c) for c in all_codes if len(str(c)) == n] for n in (1, 2, 3)}
    plans = {r: _plan(r) for r in FAST_REGIONS}
    main_region = {str(cc): regions[0] for cc, regions in codes.items()}

    idd = _region_case(
        "region",
        {r: _leading_match("d", pl.international_prefix, p) for r, pl in plans.items() if pl.international_prefix},
        p,
        "''",
    )
    own_code = _region_case("region", {r: p(str(pl.country_code)) for r, pl in plans.items()}, p)
    max_length = _region_case("region", {r: str(max(pl.possible_lengths)) for r, pl in plans.items()}, p, "0")
    general_d = _region_case(
        "region", {r: f"regexp_full_match(d, {p(pl.general_pattern)})" for r, pl in plans.items()}, p, "false"
    )
    general_own = _region_case(
        "region",
        {r: f"regexp_full_match(own_stripped, {p(pl.general_pattern)})" for r, pl in plans.items()},
        p,
        "false",
    )
    valid_cases = []
    for cc, regions in codes.items():
        chain = []
        for r in regions:
            pl = _plan(r)
            if pl.leading_digits:
                chain.append(
                    f"when regexp_matches(nsn, {p('^(?:' + pl.leading_digits + ')')})"
                    f" then {_valid_for_plan('nsn', pl, p)}"
                )
            else:
                chain.append(f"when {_valid_for_plan('nsn', pl, p)} then true")
        valid_cases.append(f"when {p(str(cc))} then (case {' '.join(chain)} else false end)")

    stages: list[tuple[str, list[str]]] = [
        # an extension is dropped by E.164 ('+1 415 555 0132 ext. 12')
        (
            "phone_x",
            [
                # two contains() instead of lower(): no new string per row
                "case when contains(s, 'x') or contains(s, 'X')"
                f" then coalesce(nullif(regexp_extract(s, {p(PHONE_EXTENSION_RE)}, 1), ''), s) else s end as core"
            ],
        ),
        ("phone_fmt", [f"regexp_full_match(core, {p(PHONE_FAST_FORMAT_RE)}) as formatted"]),
        (
            "phone_a",
            [
                f"core is not null and formatted and {_in_list('region', FAST_REGIONS, p)} as fast",
                "case when s is null then true when formatted then false"
                f" else regexp_full_match(s, {p('[ -~]*')}) and not regexp_matches(s, {p('[0-9]')}) end as hopeless",
                "contains(coalesce(core, ''), '+') as plus",
                # only read on fast rows, whose characters are digits and ' ().-+' (replace() beats translate())
                "replace(replace(replace(replace(replace(replace(coalesce(core, ''),"
                " ' ', ''), '(', ''), ')', ''), '.', ''), '-', ''), '+', '') as d",
            ],
        ),
        ("phone_b", [f"case when plus or not fast then '' else {idd} end as idd"]),
        (
            "phone_c",
            [
                # an IDD followed by 0 is not an IDD (phonenumbers._parse_prefix_as_idd)
                "case when plus then d when idd <> '' and substr(d, length(idd) + 1, 1) <> '0'"
                " then substr(d, length(idd) + 1) end as intl",
            ],
        ),
        (
            "phone_d",
            [
                "case when intl is null or length(intl) <= 2 or starts_with(intl, '0') then null"
                f" when {_in_list('substr(intl, 1, 1)', code_sets[1], p)} then substr(intl, 1, 1)"
                f" when {_in_list('substr(intl, 1, 2)', code_sets[2], p)} then substr(intl, 1, 2)"
                f" when {_in_list('substr(intl, 1, 3)', code_sets[3], p)} then substr(intl, 1, 3) end as intl_cc",
                # a national number may start with the region's own calling code ('1 415 555 0132' in the US)
                f"case when fast and intl is null and starts_with(d, {own_code})"
                f" then substr(d, length({own_code}) + 1) end as own_rest",
            ],
        ),
        *[
            (f"phone_own{i}", cols)
            for i, cols in enumerate(_strip_stages("own_rest", "own_stripped", "region", p))
        ],
        (
            "phone_e",
            [
                f"case when intl is not null then intl_cc else {own_code} end as cc",
                "case when intl is not null then substr(intl, length(intl_cc) + 1)"
                f" when own_rest is not null and ((not {general_d} and {general_own}) or length(d) > {max_length})"
                " then own_stripped else d end as nsn0",
            ],
        ),
        (
            "phone_m",
            [f"case cc {' '.join(f'when {p(cc)} then {p(r)}' for cc, r in main_region.items())} end as plan"],
        ),
        *[(f"phone_nsn{i}", cols) for i, cols in enumerate(_strip_stages("nsn0", "stripped", "plan", p))],
        (
            "phone_f",
            [f"case when {_possible_length_sql('stripped', 'plan', p)} then stripped else nsn0 end as nsn"],
        ),
    ]
    ctes = [
        f"""phone_in as (
        select user_id,
               {_trim_ws("phone", p)} as s,
               -- already two upper-case ASCII letters (checked by code point: cheaper than a regex)
               case when length(country_code) = 2 and ascii(country_code) between 65 and 90
                         and ascii(substr(country_code, 2, 1)) between 65 and 90 then country_code
                    else upper({_trim_ws("country_code", p)}) end as region,
               phone as phone_raw, email as email_raw, zip as zip_raw, maid as maid_raw
        from members
    )"""
    ]
    previous = "phone_in"
    for name, columns in stages:
        ctes.append(f"{name} as (select *, {', '.join(columns)} from {previous})")
        previous = name
    ctes.append(f"""phones as (
        select user_id,
               case when hopeless then 'invalid'
                    when not fast then 'slow'
                    -- '+' then no known code: phonenumbers retries without the '+'; leave that to it
                    when plus and intl_cc is null and length(intl) > 2 then 'slow'
                    when intl is not null and intl_cc is null then 'invalid'
                    when intl is not null and not {_in_list("intl_cc", [str(c) for c in codes], p)} then 'slow'
                    when length(nsn0) < 2 or length(nsn) < 2 or length(nsn) > 17 then 'invalid'
                    -- the per-type validity patterns, only for rows still undecided here
                    when (case cc {' '.join(valid_cases)} else false end) then 'ok'
                    else 'invalid'
               end as phone_status,
               '+' || cc || nsn as phone_candidate,
               phone_raw, region, email_raw, maid_raw, zip_raw
        from {previous}
    )""")
    return ",\n    ".join(ctes)


def normalised_members_sql(p: SqlParams) -> str:
    """SELECT over relation `members`: user_id, email, phone_e164 (or NULL), phone_status, maid, country, zip.

    `phone_status` is 'ok', 'invalid' or 'slow'; rows marked 'slow' must be completed with
    `resolve_slow_phones` (the reference path).
    """
    return f"""
    with {_phone_sql(p)},
    cleaned0 as (
        select *,
               lower({_trim_ws("email_raw", p)}) as e0,
               lower({_trim_ws("maid_raw", p)}) as m,
               {_trim_ws("zip_raw", p)} as z
        from phones
    ),
    cleaned as (
        select *, case when starts_with(e0, 'mailto:') then substr(e0, 8) else e0 end as e from cleaned0
    )
    select user_id,
           case when regexp_full_match(e, {p(EMAIL_RE)}) then e end as email,
           case when phone_status = 'ok' then phone_candidate end as phone_e164,
           phone_status,
           phone_raw,
           region,
           case when regexp_full_match(m, {p(MAID_RE)}) and m <> {p(MAID_ZERO)} then m end as maid,
           case when length(region) = 2 and substr(region, 1, 1) between 'A' and 'Z'
                     and substr(region, 2, 1) between 'A' and 'Z' then region end as country,
           case when regexp_full_match(z, {p(ZIP_RE)}) then z end as zip
    from cleaned
    """


def resolve_slow_phones(pairs: list[tuple[str | None, str | None]]) -> list[str | None]:
    """Reference-path E.164 for (raw phone, region) pairs the SQL could not decide."""
    return [normalise_phone(phone, region) for phone, region in pairs]
