"""A simulated clearinghouse and payers that answer claimdesk's X12 files with real X12."""
