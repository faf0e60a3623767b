"""The adapter: dbt-spark's, with a `session` submission method that is also the default."""

from typing import Any, Dict, Type

from dbt.adapters.base import PythonJobHelper
from dbt.adapters.spark import SparkAdapter, SparkConnectionManager, SparkCredentials
from dbt.adapters.sparksession.python_submissions import SessionPythonJobHelper


class SparkSessionCredentials(SparkCredentials):
    @property
    def type(self) -> str:
        return "sparksession"


class SparkSessionConnectionManager(SparkConnectionManager):
    TYPE = "sparksession"


class SparkSessionAdapter(SparkAdapter):
    ConnectionManager = SparkSessionConnectionManager

    @property
    def default_python_submission_method(self) -> str:
        return "session"

    @property
    def python_submission_helpers(self) -> Dict[str, Type[PythonJobHelper]]:
        return {**super().python_submission_helpers, "session": SessionPythonJobHelper}

    def generate_python_submission_response(self, submission_result: Any):
        return self.connections.get_response(None)
