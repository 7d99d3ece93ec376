"""Denial intelligence: what a payer's adjustment codes mean and what to do about them."""
