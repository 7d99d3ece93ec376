"""Tier 3 analytics: KPI definitions computed from plain facts, each traceable to its claims."""
