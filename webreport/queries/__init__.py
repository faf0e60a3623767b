"""The report site's queries: every SQL string the app runs lives in this package, a module per area.

Values are bound parameters; identifiers (table and column names) only ever come from constants in
these modules or the warehouse's own catalogue, never from a request. Execution goes through
webreport.db.
"""
