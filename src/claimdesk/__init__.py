"""claimdesk: open-source medical billing for the tiered revenue cycle."""

__version__ = "0.1.0"
