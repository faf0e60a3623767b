"""Run a compiled dbt Python model in the SparkSession the dbt process already holds.

The compiled code is the model's source plus dbt-spark's `py_write_table` epilogue, which calls
`model(dbt, spark)` and writes the returned DataFrame with `saveAsTable`. It expects a global `spark`;
this helper supplies the adapter's session (the one dbt-spark's `method: session` created, with Hive
support and the profile's `server_side_parameters`) and executes the code in a fresh namespace.
"""

from typing import Any

from dbt.adapters.base import PythonJobHelper
from dbt.adapters.spark.connections import SparkConnectionMethod
from dbt_common.exceptions import DbtRuntimeError


class SessionPythonJobHelper(PythonJobHelper):
    def __init__(self, parsed_model: dict, credentials: Any) -> None:
        if credentials.method != SparkConnectionMethod.SESSION:
            raise DbtRuntimeError(
                "The `session` submission method runs Python models in dbt's own SparkSession, so the "
                f"profile needs `method: session` (it has `{credentials.method}`). On Databricks use "
                "submission_method: all_purpose_cluster or job_cluster (see docs/spark.md)."
            )
        self.parsed_model = parsed_model
        self.credentials = credentials

    def submit(self, compiled_code: str) -> None:
        from pyspark.sql import SparkSession

        spark = SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()
        name = self.parsed_model.get("unique_id") or self.parsed_model.get("alias", "model")
        namespace: dict[str, Any] = {"spark": spark, "__name__": "__dbt_python_model__"}
        exec(compile(compiled_code, f"<dbt python model {name}>", "exec"), namespace)
        return None
