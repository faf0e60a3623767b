"""Audience export: normalise and hash identifiers per ad platform, write full/add/remove files, keep a ledger."""

from audience_export.destinations import (
    DESTINATIONS,
    Destination,
    UnknownDestinationError,
    get_destination,
)
from audience_export.export import AudienceTooSmallError, ExportResult, export_audience
from audience_export.ledger import DEFAULT_LEDGER_PATH, ExportLedger, RunRecord

__all__ = [
    "DEFAULT_LEDGER_PATH",
    "DESTINATIONS",
    "AudienceTooSmallError",
    "Destination",
    "ExportLedger",
    "ExportResult",
    "RunRecord",
    "UnknownDestinationError",
    "export_audience",
    "get_destination",
]
