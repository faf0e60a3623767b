"""What each destination receives: columns, hashing, minimum audience size, rows per upload.

The sources of every rule are listed in docs/audiences.md. Column expressions are SQL over the normalised
members (`email`, `phone_e164`, `maid`, `country`, `zip`), all already validated; a NULL input gives an
empty cell. The member key of a destination is the SHA-256 of its written row, so a changed identifier
shows up as one `remove` plus one `add`, which is what the platforms need to stay in sync.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

PHONE_FORMATS = ("e164", "digits")


class UnknownDestinationError(ValueError):
    """The destination name is not one of DESTINATIONS."""


@dataclass(frozen=True)
class Destination:
    name: str
    file_format: str  # "csv" or "parquet"
    columns: tuple[tuple[str, str], ...]  # (header, SQL expression over normalised members)
    matched: str  # SQL condition: the member has an identifier this destination can match on
    min_size: int  # smallest audience (written rows) the destination accepts
    chunk_rows: int | None  # rows per file: the platform's per-request / per-file limit; None = one file
    phone_format: str = "e164"

    @property
    def headers(self) -> list[str]:
        return [header for header, _ in self.columns]


def _sha(expr: str) -> str:
    return f"sha256({expr})"


def _phone(phone_format: str) -> str:
    # E.164 without '+' is exactly "digits only, with country code, no leading zeros" (Meta, TikTok).
    return "phone_e164" if phone_format == "e164" else "substr(phone_e164, 2)"


def _without_plus_tag(expr: str) -> str:
    # 'first+promo@x.com' -> 'first@x.com': everything from the first '+' of the local part up to '@'
    return f"regexp_replace({expr}, '\\+[^@]*@', '@')"


def _destinations(phone_format_tiktok: str = "digits") -> dict[str, Destination]:
    email_or_phone = "(email is not null or phone_e164 is not null)"
    any_id = "(email is not null or phone_e164 is not null or maid is not null)"
    internal = (
        ("email_sha256", _sha("email")),
        ("phone_sha256", _sha("phone_e164")),
        ("maid_sha256", _sha("maid")),
        ("country", "country"),
    )
    return {
        # Google Ads Customer Match CSV: hashed Email and Phone. Country and Zip match only together with
        # First Name and Last Name, which Reelmart does not hold, so they are not sent (docs/audiences.md).
        "google": Destination(
            "google",
            "csv",
            (("Email", _sha("email")), ("Phone", _sha("phone_e164"))),
            email_or_phone,
            min_size=1_000,
            chunk_rows=100_000,
        ),
        # Meta customer-file custom audience: every field hashed, country as lower-case ISO-2.
        "meta": Destination(
            "meta",
            "csv",
            (
                ("email", _sha("email")),
                ("phone", _sha(_phone("digits"))),
                ("country", _sha("lower(country)")),
            ),
            email_or_phone,
            min_size=100,
            chunk_rows=10_000,
            phone_format="digits",
        ),
        # TikTok customer file: hashed Email / Phone / MAID columns; '+tag' removed from emails, phone digits
        # only by default (TikTok's page of August 2025; see docs/audiences.md).
        "tiktok": Destination(
            "tiktok",
            "csv",
            (
                ("Email_SHA256", _sha(_without_plus_tag("email"))),
                ("Phone_SHA256", _sha(_phone(phone_format_tiktok))),
                ("MAID_SHA256", _sha("maid")),
            ),
            any_id,
            min_size=1_000,
            chunk_rows=1_000_000,
            phone_format=phone_format_tiktok,
        ),
        "csv": Destination("csv", "csv", internal, any_id, min_size=1, chunk_rows=None),
        "parquet": Destination("parquet", "parquet", internal, any_id, min_size=1, chunk_rows=None),
    }


DESTINATIONS: dict[str, Destination] = _destinations()


def get_destination(
    name: str,
    *,
    phone_format: str | None = None,
    min_size: int | None = None,
    force_min_size: int | None = None,
    chunk_rows: int | None = None,
) -> Destination:
    """The destination spec, with optional settings: TikTok phone format, chunk rows, and the minimum size.

    The destination's documented minimum is a floor: `min_size` can only raise it; only `force_min_size`
    (the CLI's --force-min-size) sets a lower one."""
    if name not in DESTINATIONS:
        raise UnknownDestinationError(
            f"unknown destination {name!r}; choose one of {', '.join(DESTINATIONS)}"
        )
    if phone_format is not None:
        if phone_format not in PHONE_FORMATS:
            raise ValueError(f"phone_format must be one of {PHONE_FORMATS}, not {phone_format!r}")
        if name != "tiktok":
            raise ValueError("only the tiktok destination has a configurable phone format")
        dest = _destinations(phone_format)[name]
    else:
        dest = DESTINATIONS[name]
    if force_min_size is not None:
        if force_min_size < 1:
            raise ValueError("force_min_size must be at least 1")
        dest = replace(dest, min_size=force_min_size)
    elif min_size is not None:
        if min_size < 1:
            raise ValueError("min_size must be at least 1")
        dest = replace(dest, min_size=max(dest.min_size, min_size))
    if chunk_rows is not None:
        if chunk_rows < 1:
            raise ValueError("chunk_size must be at least 1")
        dest = replace(dest, chunk_rows=chunk_rows)
    return dest
