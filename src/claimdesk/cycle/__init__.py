"""The revenue cycle run day by day against the payer simulator, with simulated staff."""
