"""The adapter: dbt-spark's, with a `session` submission method that is also the default."""

from typing import Any

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
    def python_submission_helpers(self) -> dict[str, type[PythonJobHelper]]:
        return {**super().python_submission_helpers, "session": SessionPythonJobHelper}

    def generate_python_submission_response(self, submission_result: Any):
        return self.connections.get_response(None)


def _fix_binding(cls, value: Any):
    """dbt-spark's session cursor formats seed values into the SQL text (`sql % params`) without escaping:
    a seed value with a quote breaks the statement, and None becomes the string 'None'. Spark string
    literals take backslash escapes (spark.sql.parser.escapedStringLiterals is false by default)."""
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return _session_fix_binding(value)


def _patch_session_bindings() -> None:
    global _session_fix_binding
    from dbt.adapters.spark.session import SessionConnectionWrapper

    if getattr(SessionConnectionWrapper._fix_binding, "__reelmart_escaped__", False):
        return
    _session_fix_binding = SessionConnectionWrapper._fix_binding
    fixed = classmethod(_fix_binding)
    fixed.__func__.__reelmart_escaped__ = True
    SessionConnectionWrapper._fix_binding = fixed


_session_fix_binding = None
_patch_session_bindings()
