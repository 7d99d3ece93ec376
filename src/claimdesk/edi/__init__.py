"""HIPAA X12 5010: read and write the transactions of the revenue cycle. Pure: no I/O."""
