"""Scrubbing: declared rules that find what would make a claim fail before it leaves claimdesk."""
