"""One blueprint per report area; the factory registers every blueprint listed here."""

from webreport.blueprints.overview import bp as overview

REPORT_BLUEPRINTS = [overview]
