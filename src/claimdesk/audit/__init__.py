"""The audit log: who saw or changed which patient's data, when, and with what outcome."""
