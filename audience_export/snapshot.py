"""The audiences in a serving snapshot: names, sizes, overlap, definitions, members with their identifiers,
and the export of one audience. The only module of the audience export domain that opens the snapshot.

One home for what the CLI (`reelmart audiences ...`) and the report site's export action share. An
audience is a relation `aud_<name>` keyed by user_id; its metadata is a row of `rpt_audience_definitions`
(materialised by dbt from the models' YAML meta). The only identifier ever placed in SQL text is a
relation name read back from the catalogue and quoted; everything else is bound.

The raw identifiers are not in the snapshot: they are read from the identifier store beside it
(audience_export/identifiers.py), attached read-only to the export's own connection only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from audience_export import identifiers
from audience_export.destinations import DESTINATIONS
from audience_export.export import ExportResult, export_audience
from audience_export.ledger import ExportLedger

DEFINITIONS_TABLE = "rpt_audience_definitions"
# allowed_columns vocabulary -> the dim_user_identifiers column it releases
IDENTIFIER_SOURCES = {"email": "email", "phone": "phone", "maid": "maid", "country": "country_code", "zip": "zip"}


class AudienceError(ValueError):
    """A user error: unknown audience, disallowed destination, missing snapshot. One line, no traceback."""


@dataclass(frozen=True)
class Definition:
    """An audience's export metadata (one row of rpt_audience_definitions); defaults when it has none."""

    name: str
    description: str = ""
    owner: str = ""
    destinations: tuple[str, ...] = ()
    min_size: int | None = None
    allowed_columns: tuple[str, ...] = tuple(IDENTIFIER_SOURCES)
    definition_version: str = "unversioned"


def connect(db: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the serving snapshot (never the build database: it would lock it)."""
    path = Path(db)
    if not path.exists():
        raise AudienceError(f"no serving snapshot at {path} (build the warehouse or pass --db)")
    return duckdb.connect(str(path), read_only=True)


def audience_relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table or view named aud_% in the snapshot: the only names that may be queried."""
    rows = con.execute(
        "select distinct table_name from information_schema.tables"
        " where table_name like 'aud\\_%' escape '\\' order by table_name"
    ).fetchall()
    return [r[0] for r in rows]


def relation(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The quoted relation of an audience name (with or without aud_), checked against the catalogue."""
    relations = audience_relations(con)
    wanted = name if name.startswith("aud_") else f"aud_{name}"
    if wanted not in relations:
        known = ", ".join(r.removeprefix("aud_") for r in relations) or "none"
        raise AudienceError(f"unknown audience {name!r}; audiences in the snapshot: {known}")
    return '"' + wanted.replace('"', '""') + '"'


def _split(value) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return tuple(str(v).strip() for v in items if str(v).strip())


def definitions(con: duckdb.DuckDBPyConnection) -> dict[str, Definition]:
    """Audience name (without aud_) -> its definition, from rpt_audience_definitions if the snapshot has it."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = ?", [DEFINITIONS_TABLE]
    ).fetchall()[0][0]
    if not exists:
        return {}
    cur = con.execute(
        "select audience_name, description, owner, destinations, min_size, allowed_columns, definition_version"
        f" from {DEFINITIONS_TABLE}"
    )
    out = {}
    for name, description, owner, destinations, min_size, allowed, version in cur.fetchall():
        name = str(name).removeprefix("aud_")
        out[name] = Definition(
            name=name,
            description=description or "",
            owner=owner or "",
            destinations=_split(destinations),
            min_size=int(min_size) if min_size is not None else None,
            allowed_columns=_split(allowed),
            definition_version=str(version or "unversioned"),
        )
    return out


def sizes(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Members per audience relation (aud_<name> -> count)."""
    return {r: con.execute(f"select count(*) from {relation(con, r)}").fetchall()[0][0] for r in audience_relations(con)}


def overlap(con: duckdb.DuckDBPyConnection, a: str, b: str) -> dict:
    """Distinct members of A, of B, of both, their union and the Jaccard index (NaN when both are empty)."""
    rel_a, rel_b = relation(con, a), relation(con, b)
    size_a, size_b, both = con.execute(f"""
        with a as (select distinct user_id from {rel_a}), b as (select distinct user_id from {rel_b})
        select (select count(*) from a), (select count(*) from b),
               (select count(*) from a join b using (user_id))
    """).fetchall()[0]
    union = size_a + size_b - both
    return {"size_a": size_a, "size_b": size_b, "intersection": both, "union": union,
            "jaccard": both / union if union else float("nan")}


def definition(con: duckdb.DuckDBPyConnection, name: str) -> Definition:
    return definitions(con).get(name, Definition(name=name))


def attach_identifiers(con: duckdb.DuckDBPyConnection, snapshot: str | os.PathLike,
                       store: str | os.PathLike | None = None) -> str:
    """Attach the identifier store (read-only) to this connection; the relation to read identifiers from.

    A snapshot published before the store existed still holds `dim_user_identifiers` itself; it is read
    there when no store is found."""
    store = Path(store) if store is not None else identifiers.store_path(snapshot)
    if store.exists():
        quoted = str(store).replace("'", "''")
        con.execute(f"attach '{quoted}' as identifier_store (read_only)")
        return f"identifier_store.{identifiers.RELATION}"
    exists = con.execute("select count(*) from information_schema.tables where table_name = ?",
                         [identifiers.RELATION]).fetchall()[0][0]
    if exists:
        return identifiers.RELATION
    raise AudienceError(f"no identifier store at {store}: publish the warehouse (reelmart build or reelmart publish)")


def members(con: duckdb.DuckDBPyConnection, name: str, allowed_columns: tuple[str, ...],
            source: str = identifiers.RELATION) -> pa.Table:
    """The audience's identifier columns (from `source`, see attach_identifiers); those the definition
    does not allow to leave are NULL.

    Without `country`, phone numbers are parsed without a default region (only international forms
    survive), so a disallowed country cannot leak through the phone either.
    """
    rel = relation(con, name)
    unknown = set(allowed_columns) - set(IDENTIFIER_SOURCES)
    if unknown:
        raise AudienceError(f"audience {name!r} allows unknown identifier columns: {', '.join(sorted(unknown))}")
    selected = ", ".join(
        f"u.{column}" if key in allowed_columns else f"cast(null as varchar) as {column}"
        for key, column in IDENTIFIER_SOURCES.items()
    )
    return con.sql(f"""
        select u.user_id, {selected}
        from {rel} as a
        inner join {source} as u on u.user_id = a.user_id
    """).to_arrow_table()


def export_from_snapshot(
    db: str | os.PathLike,
    name: str,
    destination: str,
    out_dir: str | os.PathLike,
    ledger: ExportLedger | str | os.PathLike,
    min_size: int | None = None,
    chunk_size: int | None = None,
    phone_format: str | None = None,
    force_min_size: int | None = None,
    identifier_store: str | os.PathLike | None = None,
) -> ExportResult:
    """Export one audience of the snapshot, honouring its definition (destinations, allowed columns,
    version into the manifest and ledger). The minimum size is the largest of the destination's, the
    definition's and `min_size`; only `force_min_size` sets a lower one."""
    if destination not in DESTINATIONS:
        raise AudienceError(f"unknown destination {destination!r}; choose one of {', '.join(DESTINATIONS)}")
    with connect(db) as con:
        audience = relation(con, name).strip('"').removeprefix("aud_")
        spec = definition(con, audience)
        if spec.destinations and destination not in spec.destinations:
            raise AudienceError(f"audience {audience!r} may only go to: {', '.join(spec.destinations)}")
        source = attach_identifiers(con, db, identifier_store)
        table = members(con, audience, spec.allowed_columns, source)
    floor = max((m for m in (min_size, spec.min_size) if m is not None), default=None)
    return export_audience(
        table,
        audience,
        destination,
        out_dir,
        ledger,
        definition_version=spec.definition_version,
        min_size=floor,
        chunk_size=chunk_size,
        phone_format=phone_format,
        force_min_size=force_min_size,
    )
