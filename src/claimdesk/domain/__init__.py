"""The pure domain: money, parties, coverage, claims and the ledger. No I/O here."""
