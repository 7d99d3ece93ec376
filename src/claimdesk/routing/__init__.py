"""Tier routing policy: queues, priority scores, escalation rules, SLAs and who may work what.

Pure Python: it takes the policy, the problem and ``now`` and gives decisions back.
"""
