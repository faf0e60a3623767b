"""Documented column types as DuckDB reports them: the yml says `string` (one name for DuckDB and Spark,
docs/spark.md), which DuckDB reports as VARCHAR."""


def duckdb_type(data_type: str) -> str:
    return data_type.upper().replace("STRING", "VARCHAR")
