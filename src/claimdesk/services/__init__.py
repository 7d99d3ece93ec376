"""Use cases: one function per user intent, one transaction each."""
