"""Audience export: normalise and hash identifiers per ad platform, write full/add/remove files, keep a ledger."""

from reelmart.audiences.destinations import (
    DESTINATIONS,
    Destination,
    UnknownDestinationError,
    get_destination,
)
from reelmart.audiences.export import AudienceTooSmallError, ExportResult, export_audience
from reelmart.audiences.ledger import DEFAULT_LEDGER_PATH, ExportLedger, RunRecord

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
