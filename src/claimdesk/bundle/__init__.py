"""The practice bundle: a folder of CSV files describing a practice (see docs/bundle.md)."""
