"""The report areas. Each module named here defines `bp` (its Blueprint) and may define
`NAV = (label, endpoint)` for the navigation bar; the factory registers every blueprint and the
base layout builds the navigation from `NAV_ITEMS`, in this order. Adding an area = one line below.
"""

from __future__ import annotations

import importlib

REPORT_AREAS = [
    "overview",
    "videos",
    "creators",
    "users",
    "quality",
    "experiments",
    "campaigns",
    "placement",
    "sentiment",
    "audiences",
    "recommendations",
    "site",
    "creator_video",
]

_modules = [importlib.import_module(f"webreport.blueprints.{name}") for name in REPORT_AREAS]
REPORT_BLUEPRINTS = [module.bp for module in _modules]
NAV_ITEMS: list[tuple[str, str]] = [module.NAV for module in _modules if getattr(module, "NAV", None)]
