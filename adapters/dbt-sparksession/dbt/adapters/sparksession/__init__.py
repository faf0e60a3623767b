"""dbt adapter `sparksession`: dbt-spark, plus Python models run in dbt's own SparkSession.

dbt-spark submits Python models only to Databricks (dbt-spark issue 415). With `method: session` the
dbt process already holds the SparkSession (local, or the driver of a self-hosted cluster via
`spark.master`), so the model code can simply run there: the approach of dbt-spark PR 1063, as a
plugin instead of a fork. Everything else (SQL, macros, materializations) is dbt-spark's: this adapter
declares `spark` as its parent, so `spark__` macros and materializations apply unchanged.
"""

import os
import sys
import warnings

from dbt.adapters.base import AdapterPlugin
from dbt.adapters.sparksession.impl import SparkSessionAdapter, SparkSessionCredentials
from dbt.include import sparksession

# Python workers (mapInPandas, pandas UDFs) run the interpreter dbt runs in unless told otherwise:
# Spark's default is whatever `python3` is first on PATH, which need not have the project installed.
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
# A local session talks to its workers over loopback; without this Spark picks the first interface.
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
# pyspark 4.3 warns that pandas >= 3 is not fully supported. What the project uses (createDataFrame from
# pandas, mapInPandas, toPandas on bounded samples) is exercised by tests/spark on pandas 3.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

Plugin = AdapterPlugin(
    adapter=SparkSessionAdapter,  # type: ignore[arg-type]
    credentials=SparkSessionCredentials,
    include_path=sparksession.PACKAGE_PATH,
    dependencies=["spark"],
)
