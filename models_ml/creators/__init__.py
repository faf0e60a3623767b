"""Creator analytics: key moments (dips and holds) of per-second retention curves.

Pure functions over numpy/scipy/pandas: the warehouse computes each video's curve (views at risk and
exits per second, fct_video_retention); this package finds the seconds where viewers leave (or stay)
significantly more than the video's own neighbouring seconds, with Benjamini-Hochberg FDR control.
See docs/creator-studio.md for the method and its measured accuracy against planted dips.
"""

from models_ml.creators.key_moments import (
    CURVE_COLUMNS,
    MOMENT_COLUMNS,
    KeyMomentConfig,
    detect_key_moments,
    match_moments,
    second_tests,
)

__all__ = ["CURVE_COLUMNS", "MOMENT_COLUMNS", "KeyMomentConfig", "detect_key_moments", "match_moments",
           "second_tests"]
