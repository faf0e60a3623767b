"""After a Spark build: copy the tables Spark wrote into a DuckDB file, which is then published as usual.

The serving snapshot stays DuckDB (docs/architecture.md), so the site and the audience export read the
same file whichever engine built it. Spark writes each table as a folder of Parquet files under its
warehouse directory (`<spark dir>/spark-warehouse/<schema>.db/<table>/`); DuckDB reads those directly,
so nothing passes through the Spark driver. Views (staging, intermediate) are not copied: on DuckDB
they read the landing files, and nothing served reads them.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

SPARK_SCHEMA = "reelmart"
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
# Tables Spark stores that the DuckDB build keeps as views over the landing files: not copied (nothing served
# reads them; on Spark they are tables so that the build reads and merges the raw files once, docs/spark.md).
NOT_IMPORTED_PREFIXES = ("stg_",)
# Tables Spark stores that the DuckDB build keeps as views because they hold raw identifiers: imported as a
# DuckDB view over the table's Parquet files, so the build file stores no identifier (as on DuckDB), and
# publish moves the view's rows into the audience export's identifier store (audience_export/identifiers.py).
IMPORTED_AS_VIEWS = ("dim_user_identifiers",)


def spark_dir(data_dir: Path) -> Path:
    """Where the local Spark session keeps metastore, warehouse and temp files (profiles.yml)."""
    return Path(os.environ.get("REELMART_SPARK_DIR", data_dir / "spark"))


def spark_table_dirs(warehouse_dir: Path, schema: str = SPARK_SCHEMA) -> dict[str, Path]:
    """Table name -> folder, for every table of `schema` that holds Parquet files."""
    root = warehouse_dir / f"{schema}.db"
    if not root.is_dir():
        return {}
    tables = {}
    for folder in sorted(root.iterdir()):
        if (folder.is_dir() and _IDENTIFIER.match(folder.name) and not folder.name.startswith(NOT_IMPORTED_PREFIXES)
                and any(folder.rglob("*.parquet"))):
            tables[folder.name] = folder
    return tables


def import_spark_tables(warehouse_dir: Path, build_db: Path, schema: str = SPARK_SCHEMA) -> list[str]:
    """Replace `build_db` with one table per Spark table; returns the table names.

    Written to a temp file and renamed, so a failed import leaves the previous build file in place.
    """
    tables = spark_table_dirs(warehouse_dir, schema)
    if not tables:
        raise FileNotFoundError(f"no Spark tables under {warehouse_dir / (schema + '.db')}: did the Spark build run?")
    build_db.parent.mkdir(parents=True, exist_ok=True)
    tmp = build_db.with_name(f".{build_db.name}.spark-import.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as con:
            for name, folder in tables.items():
                files = [str(p) for p in sorted(folder.rglob("*.parquet"))]
                if name in IMPORTED_AS_VIEWS:  # a view's text cannot take parameters: the paths as literals
                    listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
                    con.execute(f'create view "{name}" as select * from read_parquet([{listed}], '
                                "hive_partitioning = true)")
                else:
                    con.execute(f'create table "{name}" as select * from read_parquet(?, hive_partitioning = true)',
                                [files])
            con.execute("checkpoint")
        os.replace(tmp, build_db)
    finally:
        tmp.unlink(missing_ok=True)
    log.info("copied %d Spark tables into %s", len(tables), build_db)
    return list(tables)
