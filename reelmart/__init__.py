"""Reelmart: ad-optimisation analytics for short-video platforms.

This package holds the glue: the platform simulator, the dbt build-and-publish runner, audience
export and the command line. Modelling lives in `models_ml`, the report site in `webreport`.
"""

__version__ = "0.1.0"
