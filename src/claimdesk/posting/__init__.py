"""Remittance posting policy: from a payer's 835 answer to ledger entries and claim moves."""
